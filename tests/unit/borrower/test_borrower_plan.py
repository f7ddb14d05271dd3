"""Installment plans a borrower can afford, and the negotiation letter's context."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue.borrower.plan import letter_context, propose_plans
from overdue.errors import InputError

pytestmark = pytest.mark.unit

AS_OF = dt.date(2026, 11, 20)


def test_the_shortest_plan_within_the_budget_is_recommended() -> None:
    # Budget 6,000 - 4,500 = 1,500. 12 months = 2,000 (too much); 18 months: 24,000 / 18 =
    # 1,333.33 rounded down, last 24,000 - 17 x 1,333.33 = 1,333.39.
    p = propose_plans(
        debt=Decimal("24000"),
        monthly_income=Decimal("6000"),
        monthly_expenses=Decimal("4500"),
        as_of=AS_OF,
    )
    assert p.budget == Decimal("1500")
    assert p.recommended is not None
    assert p.recommended.months == 18
    assert (p.recommended.monthly, p.recommended.last_monthly) == (
        Decimal("1333.33"),
        Decimal("1333.39"),
    )
    assert p.recommended.first_due_on == dt.date(2026, 12, 20)
    assert p.recommended.last_due_on == dt.date(2028, 5, 20)
    assert max(o.months for o in p.options) == 60
    assert all(o.fee_total == 0 for o in p.options)


def test_a_monthly_fee_is_charged_on_the_original_debt_and_shown_as_an_annual_rate() -> None:
    # 0.5 % x 24,000 = 120 a month; 18 months -> 2,160 of fees; 1,333.39 + 120 = 1,453.39 fits.
    p = propose_plans(
        debt=Decimal("24000"),
        monthly_income=Decimal("6000"),
        monthly_expenses=Decimal("4500"),
        monthly_fee_rate=Decimal("0.005"),
        as_of=AS_OF,
    )
    r = p.recommended
    assert r is not None
    assert r.months == 18
    assert r.monthly_fee == Decimal("120.00")
    assert r.fee_total == Decimal("2160.00")
    assert r.total_with_fee == Decimal("26160.00")
    assert r.monthly_with_fee == Decimal("1453.39")
    # A flat 0.5 % a month on the original debt costs about twice that on the falling balance.
    assert r.fee_nominal_annual is not None
    assert Decimal("0.10") < r.fee_nominal_annual < Decimal("0.12")


def test_when_nothing_fits_the_letter_proposes_the_longest_plan_and_asks_for_a_reduction() -> None:
    p = propose_plans(
        debt=Decimal("60000"),
        monthly_income=Decimal("3000"),
        monthly_expenses=Decimal("2500"),
        as_of=AS_OF,
    )
    assert p.recommended is None  # 60 months = 1,000 > 500
    assert "减免" in p.summary
    ctx = letter_context(p, lender_name="星河消费金融有限公司", borrower_name="张三", dated=AS_OF)
    assert ctx.proposed.months == 60
    assert ctx.proposed.monthly == Decimal("1000.00")
    assert ctx.alternatives == ()
    assert any("减免" in r for r in ctx.requests)
    assert ctx.debt_total == Decimal("60000")


def test_the_letter_context_carries_the_recommended_plan_and_other_affordable_ones() -> None:
    p = propose_plans(
        debt=Decimal("24000"),
        monthly_income=Decimal("6000"),
        monthly_expenses=Decimal("4500"),
        as_of=AS_OF,
        lawful_total=Decimal("21000.00"),
    )
    ctx = letter_context(
        p,
        lender_name="星河消费金融有限公司",
        borrower_name="张三",
        borrower_id_masked="110105********4567",
        hardship="失业三个月，刚找到新工作",
        dated=AS_OF,
    )
    # 21,000 in 12 months is 1,750 a month (over 1,500); in 18 it is 1,166.66 (last 1,166.78)
    assert ctx.proposed.months == 18
    assert [a.months for a in ctx.alternatives] == [24, 36, 48]
    assert ctx.lawful_total == Decimal("21000.00")
    assert ctx.debt_total == Decimal("24000")
    assert ctx.monthly_income - ctx.monthly_expenses == Decimal("1500")


@pytest.mark.parametrize(
    ("given", "printed"),
    [
        ("110105199001014567", "**************4567"),  # given whole: masked, not printed
        ("11010519900101456X", "**************456X"),
        ("110105********4567", "110105********4567"),  # already masked: as given
        ("****4567", "****4567"),
        ("110105 19900101 4567", "**************4567"),  # typed in groups
    ],
)
def test_the_letter_never_prints_a_whole_id_number(given: str, printed: str) -> None:
    p = propose_plans(
        debt=Decimal("6000"), monthly_income=Decimal("5000"), monthly_expenses=Decimal("3000"),
        as_of=AS_OF,
    )  # fmt: skip
    ctx = letter_context(
        p, lender_name="星河消费金融有限公司", borrower_name="张三", borrower_id_masked=given,
        dated=AS_OF,
    )  # fmt: skip
    assert ctx.borrower_id_masked == printed


def test_the_letter_offers_the_lawful_amount_and_never_the_lenders_fee() -> None:
    """The plan spreads what the borrower recomputed as lawfully owed, not the claim, and the
    letter offers the installments themselves: a lender's installment fee is the lender's to
    ask for. Each option's installments add up to exactly the amount offered."""
    p = propose_plans(
        debt=Decimal("12345.67"),
        monthly_income=Decimal("5000"),
        monthly_expenses=Decimal("4000"),
        as_of=AS_OF,
        lawful_total=Decimal("10000.10"),
        monthly_fee_rate=Decimal("0.005"),
    )
    assert p.base == Decimal("10000.10")
    assert "按您核算的依法应还金额10,000.10元计算" in p.lines[1]
    ctx = letter_context(p, lender_name="某某银行信用卡中心", borrower_name="张三", dated=AS_OF)
    for option in (ctx.proposed, *ctx.alternatives):
        assert option.total == Decimal("10000.10")
        assert option.monthly * (option.months - 1) + option.last_monthly == option.total
        assert option.last_monthly >= option.monthly
    assert ctx.proposed.months == 12  # 833.34 + 50.00 of fee a month fits 1,000; 6 months does not


def test_a_lawful_amount_above_the_claim_is_refused() -> None:
    with pytest.raises(InputError, match="lawful_total") as err:
        propose_plans(
            debt=Decimal("10000"),
            monthly_income=Decimal("5000"),
            monthly_expenses=Decimal("1000"),
            as_of=AS_OF,
            lawful_total=Decimal("12000"),
        )
    assert "不超过对方主张的10,000.00元" in str(err.value)


def test_bad_input_names_the_field() -> None:
    with pytest.raises(InputError, match="debt"):
        propose_plans(
            debt=Decimal("0"),
            monthly_income=Decimal("1"),
            monthly_expenses=Decimal("0"),
            as_of=AS_OF,
        )
    with pytest.raises(InputError, match="terms"):
        propose_plans(
            debt=Decimal("100"),
            monthly_income=Decimal("1"),
            monthly_expenses=Decimal("0"),
            as_of=AS_OF,
            terms=(72,),
        )
    p = propose_plans(
        debt=Decimal("100"), monthly_income=Decimal("1"), monthly_expenses=Decimal("0"), as_of=AS_OF
    )
    with pytest.raises(InputError, match="lender_name"):
        letter_context(p, lender_name=" ", borrower_name="张三", dated=AS_OF)


@settings(max_examples=60, deadline=None)
@given(
    debt_fen=st.integers(min_value=100, max_value=100_000_000),
    months=st.integers(min_value=1, max_value=60),
)
def test_installments_add_up_to_the_debt_and_the_last_is_never_smaller(
    debt_fen: int, months: int
) -> None:
    debt = Decimal(debt_fen) / 100
    p = propose_plans(
        debt=debt,
        monthly_income=Decimal("0"),
        monthly_expenses=Decimal("0"),
        as_of=AS_OF,
        terms=(months,),
    )
    (line,) = p.options
    assert line.monthly * (months - 1) + line.last_monthly == debt
    assert line.last_monthly >= line.monthly
    assert line.last_monthly - line.monthly < Decimal("0.01") * months


def test_the_letter_judges_its_plans_without_the_fee_it_leaves_out() -> None:
    """6,000 with a budget of 1,000 and a 1 % monthly fee: 6 x 1,000 plus 60 of fee does not
    fit, but the letter offers 6 x 1,000 without the fee, which does."""
    p = propose_plans(
        debt=Decimal("6000"),
        monthly_income=Decimal("3000"),
        monthly_expenses=Decimal("2000"),
        as_of=AS_OF,
        monthly_fee_rate=Decimal("0.01"),
    )
    assert p.recommended is not None
    assert p.recommended.months == 12  # with the fee
    ctx = letter_context(p, lender_name="星河消费金融有限公司", borrower_name="张三", dated=AS_OF)
    assert ctx.proposed.months == 6
    assert ctx.proposed.note == "在本人每月还款能力之内"
    assert "分期期间免收分期手续费" in ctx.requests  # it fits only without the fee: asked for
    long = propose_plans(
        debt=Decimal("60000"),
        monthly_income=Decimal("3050"),
        monthly_expenses=Decimal("2000"),
        as_of=AS_OF,
        monthly_fee_rate=Decimal("0.005"),
    )
    assert long.recommended is None  # 1,000 + 300 of fee > 1,050
    ctx = letter_context(
        long, lender_name="星河消费金融有限公司", borrower_name="张三", dated=AS_OF
    )
    assert (ctx.proposed.months, ctx.proposed.monthly) == (60, Decimal("1000.00"))
    assert ctx.proposed.note == "在本人每月还款能力之内"
    assert "减免部分利息和费用" in ctx.requests  # a default request, not one added for a shortfall


def test_a_debt_within_one_months_budget_is_offered_paying_at_once() -> None:
    p = propose_plans(
        debt=Decimal("1000"), monthly_income=Decimal("3000"), monthly_expenses=Decimal("1500"),
        as_of=AS_OF,
    )  # fmt: skip
    assert p.summary.startswith(
        "欠款1,000.00元不超过每月可用于还款的1,500.00元：可以考虑一次性结清"
    )
    assert p.recommended is not None
    assert p.recommended.months == 3  # still the shortest plan that fits, for who wants one


def test_a_shortfall_is_stated_as_such_and_no_installment_is_under_a_fen() -> None:
    short = propose_plans(
        debt=Decimal("6000"), monthly_income=Decimal("3000"), monthly_expenses=Decimal("3500"),
        as_of=AS_OF,
    )  # fmt: skip
    assert "收支缺口500.00元，目前没有可用于还款的余额" in short.lines[1]
    assert "-500" not in "".join(short.lines)
    tiny = propose_plans(
        debt=Decimal("0.05"), monthly_income=Decimal("3000"), monthly_expenses=Decimal("1500"),
        as_of=AS_OF,
    )  # fmt: skip
    assert tiny.options
    assert all(o.monthly >= Decimal("0.01") for o in tiny.options)
    assert max(o.months for o in tiny.options) <= 5
    cent = propose_plans(
        debt=Decimal("0.01"), monthly_income=Decimal("3000"), monthly_expenses=Decimal("1500"),
        as_of=AS_OF,
    )  # fmt: skip
    assert [o.months for o in cent.options] == [1]
    assert cent.summary.endswith("不必分期。")  # not "如需分期，建议申请1期"
