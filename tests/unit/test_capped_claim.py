"""One realistic capped claim, recomputed independently of the ledger's replay.

A 14,000-yuan, 12-month online loan at 2.4 % a month (28.8 % a year) with a 3 % upfront fee
(420.00), penalty interest at the contract rate + 50 % (43.2 % a year, ACT/360) and a 5 %
late fee (minimum 30.00) per overdue installment. The borrower pays installment 1 on time,
1,000.00 three days after installment 2 falls due, then nothing: by 2025-06-30 the loan has
been in default for over a year. The lender is licensed, so everything it charges together
may not exceed 24 % a year of the principal outstanding (法发〔2017〕22号 Art. 2).

The test recomputes the claim as charged with plain formulas (one penalty span per
installment, since nothing is paid after the default) and the claim at 24 %, and requires the
ledger to agree to the fen and to explain how it got there.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from overdue.ledger.engine import replay
from overdue.ledger.loanfile import loan_from_dict

pytestmark = pytest.mark.unit

EXAMPLE = Path(__file__).parents[2] / "examples" / "loan.json"
AS_OF = dt.date(2025, 6, 30)


def half_up(x: Fraction) -> Decimal:
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def add_month(d: dt.date, k: int) -> dt.date:
    m = d.month - 1 + k
    return dt.date(d.year + m // 12, m % 12 + 1, d.day)  # day 10 exists in every month


def independent_schedule() -> list[tuple[dt.date, Decimal, Decimal]]:
    """(due date, principal, interest) by the textbook annuity, last installment absorbing."""
    r = Fraction(24, 1000)
    level = half_up(Fraction(14000) * r * (1 + r) ** 12 / ((1 + r) ** 12 - 1))
    rows, remaining = [], Decimal("14000.00")
    for k in range(1, 13):
        interest = half_up(Fraction(remaining) * r)
        principal = remaining if k == 12 else level - interest
        rows.append((add_month(dt.date(2024, 3, 10), k), principal, interest))
        remaining -= principal
    return rows


def test_the_example_loan_claim_as_charged_and_at_24_percent() -> None:
    loan = loan_from_dict(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    result = replay(loan, AS_OF)
    s = result.state
    sched = independent_schedule()
    assert [(i.due_on, i.principal, i.interest) for i in result.schedule.installments] == sched
    level = sched[0][1] + sched[0][2]
    assert level == Decimal("1356.57")

    penalty_rate = Fraction(288, 1000) * Fraction(3, 2)  # 43.2 % a year
    # Installment 1 paid on time (1,356.57). Installment 2: late fee 5 % of 1,356.57 = 67.83;
    # 3 days of penalty on its principal; then 1,000.00 pays fee, penalty, interest, principal.
    p2, i2 = sched[1][1], sched[1][2]
    late_fee = half_up(Fraction(level) * Fraction(5, 100))
    pen2a = half_up(Fraction(p2) * penalty_rate * 3 / 360)
    p2_left = p2 - (Decimal("1000.00") - late_fee - pen2a - i2)
    pen2b = half_up(Fraction(p2_left) * penalty_rate * (AS_OF - dt.date(2024, 5, 13)).days / 360)
    # Installments 3..12: one penalty span each, from the day after the due date to the as-of.
    pen_rest = [
        half_up(Fraction(p) * penalty_rate * (AS_OF - due).days / 360) for due, p, _ in sched[2:]
    ]
    fees_rest = [
        max(Decimal("30.00"), half_up(Fraction(p + i) * Fraction(5, 100))) for _, p, i in sched[2:]
    ]

    overdue_principal = p2_left + sum(p for _, p, _ in sched[2:])
    overdue_interest = sum(i for _, _, i in sched[2:])
    assert s.overdue_principal == overdue_principal == Decimal("12362.53")
    assert s.overdue_interest == overdue_interest == Decimal("1631.31")
    assert s.penalty_interest == pen2b + sum(pen_rest)
    assert s.fees == sum(fees_rest) == Decimal("678.30")
    assert s.total_due == overdue_principal + overdue_interest + s.penalty_interest + s.fees
    assert (s.dpd, s.bucket) == ((AS_OF - dt.date(2024, 5, 10)).days, "M6+")

    # Claim as charged: upfront fee + all contractual interest + late fees + penalty interest.
    charged = (
        Decimal("420.00")
        + sum(i for _, _, i in sched)
        + late_fee
        + sum(fees_rest)
        + pen2a
        + pen2b
        + sum(pen_rest)
    )
    assert s.cap.charged == charged
    # At 24 %: principal outstanding 14,000 for 31 days (03-11..04-10), 12,979.43 for 33 days
    # (04-11..05-13), then 12,362.53 for 413 days (05-14..2025-06-30); 24 % / 365 per day.
    units = (
        Fraction(14000) * 31
        + Fraction(Decimal("12979.43")) * 33
        + Fraction(overdue_principal) * (AS_OF - dt.date(2024, 5, 13)).days
    )
    allowed = half_up(units * Fraction(24, 100) / 365)
    assert s.cap.allowed == allowed
    assert s.cap.excess == charged - allowed
    assert s.claimable_total == s.total_due - s.cap.excess
    assert s.cap.annual_rate > Decimal("0.40")  # the loan really cost over 40 % a year
    # The amount given up comes out of late fees first, then penalty interest.
    assert s.claimable["late_fee"] == Decimal("0.00")
    assert s.claimable["penalty"] == s.penalty_interest - (s.cap.excess - s.fees)
    assert s.claimable["interest"] == overdue_interest
    assert s.claimable["principal"] == overdue_principal

    # The explanation lets a lawyer rebuild every figure: penalty lines sum to the penalty
    # charged, each with its dates, days, base and rate; cap spans cover every day.
    penalty_lines = [c for c in result.explanation.charges if c.component == "penalty"]
    assert sum(c.amount for c in penalty_lines) == pen2a + pen2b + sum(pen_rest)
    for c in penalty_lines:
        assert c.start is not None
        assert c.end is not None
        assert c.base is not None
        assert c.days == (c.end - c.start).days + 1
        assert c.amount == half_up(Fraction(c.base) * penalty_rate * c.days / 360)
    spans = result.explanation.cap_spans
    assert sum(sp.days for sp in spans) == (AS_OF - dt.date(2024, 3, 10)).days
    assert [sp.principal for sp in spans] == [
        Decimal("14000.00"),
        Decimal("12979.43"),
        overdue_principal,
    ]
