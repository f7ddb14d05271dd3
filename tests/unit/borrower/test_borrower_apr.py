"""The true annual cost (IRR) of a loan as the borrower sees it, against the legal caps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue.borrower.apr import RegularSchedule, check_apr, check_contract_apr
from overdue.errors import InputError
from overdue.ledger.contract import Contract, LenderType, RepaymentMethod

pytestmark = pytest.mark.unit

AS_OF = dt.date(2026, 11, 20)


def test_twelve_payments_of_1000_on_10000_cost_35_percent_nominal() -> None:
    # 10,000 = 1,000 x (1 - (1 + r)^-12) / r  ->  r = 2.92285 % a month (annuity tables);
    # nominal 12 r = 35.07 %, effective 1.0292285^12 - 1 = 41.30 %.
    r = check_apr(
        received=Decimal("10000"),
        disbursed_on=dt.date(2025, 1, 15),
        schedule=RegularSchedule(12, Decimal("1000"), dt.date(2025, 2, 15)),
        as_of=AS_OF,
    )
    assert r.periodic_rate is not None
    assert abs(r.periodic_rate - Decimal("0.0292285")) < Decimal("0.0000001")
    assert r.nominal_annual == Decimal("0.350742")
    assert r.effective_annual == Decimal("0.412999")
    assert r.cap_rate == Decimal("0.24")
    assert r.above_cap
    assert r.cost_total == Decimal("2000.00")
    assert "名义年化利率35.07%" in r.summary
    assert "UNVERIFIED" in r.compared_rule


def test_an_upfront_fee_is_taken_off_what_was_received() -> None:
    r = check_apr(
        received=Decimal("10000"),
        upfront_fee=Decimal("500"),
        disbursed_on=dt.date(2025, 1, 15),
        schedule=RegularSchedule(12, Decimal("900"), dt.date(2025, 2, 15)),
        as_of=AS_OF,
    )
    assert r.received == Decimal("9500")
    assert r.cashflows[0] == (dt.date(2025, 1, 15), Decimal("9500"))
    line = next(x for x in r.lines if "第六百七十条" in x)
    assert "前期费用500.00元不算借到的钱：实际可用的借款按9,500.00元计算" in line


def test_irregular_dates_use_xirr_and_convert_to_a_nominal_monthly_rate() -> None:
    # 10,000 -> 11,000 exactly 365 days later: effective 10 %; monthly 1.1^(1/12) - 1 =
    # 0.79741 %, nominal 9.5690 %.
    r = check_apr(
        received=Decimal("10000"),
        disbursed_on=dt.date(2025, 1, 1),
        payments=[(dt.date(2026, 1, 1), Decimal("11000"))],
        as_of=AS_OF,
    )
    assert r.periodic_rate is None
    assert r.effective_annual == Decimal("0.100000")
    assert r.nominal_annual == Decimal("0.095690")
    assert not r.above_cap


def test_private_lending_compares_with_four_times_the_lpr_at_contract_date() -> None:
    # Contract 2025-06-01: the LPR published 2025-05-20 is 3.00 %, so the cap is 12 %.
    r = check_apr(
        received=Decimal("10000"),
        disbursed_on=dt.date(2025, 6, 1),
        payments=[(dt.date(2026, 6, 1), Decimal("11500"))],
        lender_type=LenderType.PRIVATE,
        as_of=AS_OF,
    )
    assert r.lpr_1y == Decimal("0.03")
    assert r.cap_rate == Decimal("0.12")
    assert r.above_cap  # nominal 14.06 % (effective 15 %)


def test_a_private_loan_repaid_before_2020_08_20_is_compared_with_the_old_24_percent() -> None:
    """法释〔2020〕17号 Art. 31: interest before 2020-08-20 under the old rule. A loan made and
    repaid before then is compared with 24 % (not with 4x the LPR at filing); one whose
    payments run past the day is compared with the later cap and says the cap is split."""
    before = check_apr(
        received=Decimal("10000"),
        disbursed_on=dt.date(2019, 6, 1),
        payments=[(dt.date(2020, 6, 1), Decimal("11500"))],
        lender_type=LenderType.PRIVATE,
        as_of=AS_OF,
    )
    assert before.cap_rate == Decimal("0.24")
    assert not before.above_cap
    assert "分段" not in before.cap_rule
    # 30 % under the old rules: above 24 %, but what was paid up to 36 % is not returned
    dearer = check_apr(
        received=Decimal("10000"),
        disbursed_on=dt.date(2019, 6, 1),
        payments=[(dt.date(2020, 6, 1), Decimal("13000"))],
        lender_type=LenderType.PRIVATE,
        as_of=AS_OF,
    )
    assert dearer.above_cap
    assert any("已经自愿支付的，要求返还法院不予支持" in line for line in dearer.lines)
    assert not any("可以要求出借方按上限重算" in line for line in dearer.lines)
    straddling = check_apr(
        received=Decimal("10000"),
        disbursed_on=dt.date(2019, 12, 1),
        payments=[(dt.date(2020, 12, 1), Decimal("11500"))],
        lender_type=LenderType.PRIVATE,
        as_of=AS_OF,
    )
    assert straddling.cap_rate < Decimal("0.24")
    assert "上限分段适用（此前24.00%" in straddling.cap_rule


def test_the_contract_terms_give_the_same_cost_as_their_schedule() -> None:
    contract = Contract(
        principal=Decimal("12000.00"),
        disbursed_on=dt.date(2025, 3, 10),
        term_months=12,
        method=RepaymentMethod.EQUAL_INSTALLMENT,
        rate=Decimal("0.18"),
    )
    r = check_contract_apr(contract, as_of=AS_OF)
    assert abs(r.nominal_annual - Decimal("0.18")) < Decimal("0.0002")
    assert not r.above_cap


@settings(max_examples=40, deadline=None)
@given(
    rate_pct=st.integers(min_value=3, max_value=36),
    months=st.integers(min_value=3, max_value=36),
    principal=st.integers(min_value=1000, max_value=200000),
)
def test_the_cost_of_a_schedule_built_at_a_known_rate_recovers_the_rate(
    rate_pct: int, months: int, principal: int
) -> None:
    contract = Contract(
        principal=Decimal(principal),
        disbursed_on=dt.date(2025, 1, 31),  # month ends exercise add_months
        term_months=months,
        method=RepaymentMethod.EQUAL_INSTALLMENT,
        rate=Decimal(rate_pct) / 100,
    )
    r = check_contract_apr(contract, as_of=AS_OF)
    # Installments are rounded to the fen, so the recovered rate is close, not exact.
    assert abs(r.nominal_annual - contract.annual_rate) < Decimal("0.0005")


def test_bad_input_names_the_field() -> None:
    day = dt.date(2025, 1, 1)
    with pytest.raises(InputError, match="payments"):
        check_apr(received=Decimal("100"), disbursed_on=day, as_of=AS_OF)
    with pytest.raises(InputError, match="received"):
        check_apr(
            received=Decimal("0"), disbursed_on=day, payments=[(day, Decimal("1"))], as_of=AS_OF
        )
    with pytest.raises(InputError, match=r"payments\[0\]\.on"):
        check_apr(
            received=Decimal("100"), disbursed_on=day, payments=[(day, Decimal("120"))], as_of=AS_OF
        )
    with pytest.raises(InputError, match="payments"):  # paying back less than received
        check_apr(
            received=Decimal("100"),
            disbursed_on=day,
            payments=[(dt.date(2025, 2, 1), Decimal("90"))],
            as_of=AS_OF,
        )


def test_an_absurd_cost_is_an_input_error_not_a_crash() -> None:
    # 0.01 received, 316.23 repaid a month later: 3,162,200 % a month — a typing mistake.
    # (1 + r) ** 12 would exceed the working precision; the answer names the field instead.
    with pytest.raises(InputError) as err:
        check_apr(
            received=Decimal("0.01"),
            disbursed_on=dt.date(2025, 1, 1),
            payments=[(dt.date(2025, 2, 1), Decimal("316.23"))],
            as_of=dt.date(2025, 3, 1),
        )
    assert err.value.field == "payments"
