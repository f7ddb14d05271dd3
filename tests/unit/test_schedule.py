"""Repayment schedules for the four methods, checked against hand-computed figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from overdue.ledger.contract import Contract, DayCount, RateUnit, RepaymentMethod
from overdue.ledger.schedule import build_schedule

pytestmark = pytest.mark.unit

D = Decimal


def contract(method: RepaymentMethod, **terms: object) -> Contract:
    base: dict[str, object] = {
        "principal": D("10000.00"),
        "disbursed_on": dt.date(2025, 1, 15),
        "term_months": 12,
        "method": method,
        "rate": D("0.12"),
    }
    base.update(terms)
    return Contract(**base)  # type: ignore[arg-type]


def test_equal_installment_pays_the_textbook_annuity() -> None:
    # 10,000 at 1 % a month for 12 months: 888.49 a month (any loan table), first month
    # 100.00 interest + 788.49 principal; the last installment absorbs the rounding.
    s = build_schedule(contract(RepaymentMethod.EQUAL_INSTALLMENT))
    first, last = s.installments[0], s.installments[-1]
    assert (first.due_on, first.interest, first.principal, first.payment) == (
        dt.date(2025, 2, 15), D("100.00"), D("788.49"), D("888.49"),
    )  # fmt: skip
    assert all(i.payment == D("888.49") for i in s.installments[:-1])
    assert s.total_principal == D("10000.00")
    assert last.due_on == dt.date(2026, 1, 15)
    assert last.payment == last.principal + last.interest


def test_equal_principal_repays_the_same_principal_each_month() -> None:
    # 10,000 / 12 = 833.333 -> 833.33 (rounded down); the 12th takes 833.37. Interest falls
    # by 8.33 a month: 100.00, 91.67, ...
    s = build_schedule(contract(RepaymentMethod.EQUAL_PRINCIPAL))
    assert [i.principal for i in s.installments[:-1]] == [D("833.33")] * 11
    assert s.installments[-1].principal == D("833.37")
    assert [i.interest for i in s.installments[:3]] == [D("100.00"), D("91.67"), D("83.33")]


def test_interest_only_pays_principal_at_the_end() -> None:
    s = build_schedule(contract(RepaymentMethod.INTEREST_ONLY))
    assert [i.interest for i in s.installments] == [D("100.00")] * 12
    assert [i.principal for i in s.installments] == [D("0.00")] * 11 + [D("10000.00")]


def test_bullet_pays_everything_once_at_maturity() -> None:
    s = build_schedule(contract(RepaymentMethod.BULLET))
    assert len(s.installments) == 1
    only = s.installments[0]
    assert (only.due_on, only.principal, only.interest) == (
        dt.date(2026, 1, 15),
        D("10000.00"),
        D("1200.00"),
    )


def test_month_end_disbursement_is_due_on_each_month_end() -> None:
    s = build_schedule(
        contract(RepaymentMethod.INTEREST_ONLY, disbursed_on=dt.date(2025, 1, 31), term_months=3)
    )
    assert [i.due_on for i in s.installments] == [
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 31),
        dt.date(2025, 4, 30),
    ]


def test_monthly_and_daily_rates_are_converted_to_annual() -> None:
    # 2.4 % a month = 28.8 % a year: 10,000 x 0.024 = 240.00 interest a month.
    monthly = build_schedule(
        contract(RepaymentMethod.INTEREST_ONLY, rate=D("0.024"), rate_unit=RateUnit.MONTHLY)
    )
    assert monthly.installments[0].interest == D("240.00")
    # 0.05 % a day, ACT/365 = 18.25 % a year; 10,000 x 0.1825 / 12 = 152.0833 -> 152.08.
    daily = build_schedule(
        contract(
            RepaymentMethod.INTEREST_ONLY,
            rate=D("0.0005"),
            rate_unit=RateUnit.DAILY,
            day_count=DayCount.ACT_365,
        )
    )
    assert daily.installments[0].interest == D("152.08")


def test_service_fee_is_added_to_each_installment() -> None:
    s = build_schedule(contract(RepaymentMethod.INTEREST_ONLY, service_fee=D("25.00")))
    assert s.installments[0].payment == D("125.00")
    assert s.total_payment == D("10000.00") + D("1200.00") + D("300.00")


def test_zero_rate_splits_principal_evenly() -> None:
    s = build_schedule(
        contract(
            RepaymentMethod.EQUAL_INSTALLMENT, rate=D("0"), principal=D("100.00"), term_months=3
        )
    )
    assert [i.principal for i in s.installments] == [D("33.33"), D("33.33"), D("33.34")]
    assert s.total_interest == D("0.00")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("principal", D("0")),
        ("principal", D("10.005")),
        ("term_months", 0),
        ("rate", D("-0.1")),
        ("upfront_fee", D("1.001")),
    ],
)
def test_impossible_contract_terms_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field.split("_")[0]):
        contract(RepaymentMethod.BULLET, **{field: value})
