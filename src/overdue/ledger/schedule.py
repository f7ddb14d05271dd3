"""Repayment schedules for the four methods.

Due dates fall on the disbursement day of each following month (the month's last day when
there is none: a loan disbursed on 01-31 is due on 02-28, 03-31, ...). Scheduled interest is
monthly: the annual rate / 12 on the principal outstanding during the period, whatever the day
count (the day count governs daily accruals such as penalty interest). Every amount is rounded
half-up to the fen, and the last installment absorbs the remainder, so that the principal of
the schedule sums exactly to the loan.

Worked example (等额本息): 10,000 yuan, 12 % a year, 12 months. The monthly rate is 1 %, the
annuity 10,000 x 0.01 x 1.01^12 / (1.01^12 - 1) = 888.4878... -> 888.49. Month 1: interest
100.00, principal 788.49; ... the 12th installment pays the remaining principal 879.67 plus
8.80 interest = 888.47.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from overdue.dates import add_months
from overdue.ledger.contract import Contract, Loan, RepaymentMethod
from overdue.money import ZERO, Rounding, round_fen, total

__all__ = [
    "Installment",
    "Schedule",
    "annuity_payment",
    "build_schedule",
    "loan_schedule",
    "monthly_rate",
]


@dataclass(frozen=True, slots=True)
class Installment:
    no: int
    due_on: dt.date
    principal: Decimal
    interest: Decimal
    service_fee: Decimal
    interest_base: Decimal  # principal the interest was computed on
    interest_months: int = 1  # months of interest (the term, for a bullet loan); 0: given

    @property
    def payment(self) -> Decimal:
        """What the borrower pays on the due date: principal + interest + service fee."""
        return self.principal + self.interest + self.service_fee


@dataclass(frozen=True, slots=True)
class Schedule:
    installments: tuple[Installment, ...]

    @property
    def total_principal(self) -> Decimal:
        return total(i.principal for i in self.installments)

    @property
    def total_interest(self) -> Decimal:
        return total(i.interest for i in self.installments)

    @property
    def total_payment(self) -> Decimal:
        return total(i.payment for i in self.installments)

    @property
    def final_due_on(self) -> dt.date:
        return self.installments[-1].due_on


def monthly_rate(contract: Contract) -> Fraction:
    """The annual rate / 12, exactly (a rational, so that 18.25 % / 12 loses nothing)."""
    return Fraction(contract.annual_rate) / 12


def annuity_payment(principal: Decimal, rate: Fraction, n: int) -> Decimal:
    """Level payment of an n-month annuity, computed exactly and rounded half-up to the fen."""
    if rate == 0:
        return round_fen(Fraction(principal) / n)
    growth = (1 + rate) ** n
    return round_fen(Fraction(principal) * rate * growth / (growth - 1))


def build_schedule(contract: Contract) -> Schedule:
    """The contractual schedule of ``contract`` (pure; depends only on the contract terms)."""
    n = contract.term_months
    p = round_fen(contract.principal)  # validated to whole fen; this only fixes the exponent
    r = monthly_rate(contract)
    dues = [add_months(contract.disbursed_on, k) for k in range(1, n + 1)]
    fee = contract.service_fee
    method = contract.method
    rows: list[Installment] = []
    if method is RepaymentMethod.EQUAL_INSTALLMENT:
        level = annuity_payment(p, r, n)
        remaining = p
        for k, due in enumerate(dues, start=1):
            interest = round_fen(Fraction(remaining) * r)
            principal = remaining if k == n else min(level - interest, remaining)
            rows.append(Installment(k, due, principal, interest, fee, remaining))
            remaining -= principal
    elif method is RepaymentMethod.EQUAL_PRINCIPAL:
        # Rounded down so that the last installment is never smaller than the others.
        part = round_fen(Fraction(p) / n, Rounding.DOWN)
        remaining = p
        for k, due in enumerate(dues, start=1):
            interest = round_fen(Fraction(remaining) * r)
            principal = remaining if k == n else part
            rows.append(Installment(k, due, principal, interest, fee, remaining))
            remaining -= principal
    elif method is RepaymentMethod.INTEREST_ONLY:
        interest = round_fen(Fraction(p) * r)
        for k, due in enumerate(dues, start=1):
            rows.append(Installment(k, due, p if k == n else ZERO, interest, fee, p))
    else:  # BULLET: one installment at maturity
        rows.append(Installment(1, dues[-1], p, round_fen(Fraction(p) * r * n), fee, p, n))
    return Schedule(tuple(rows))


def loan_schedule(loan: Loan) -> Schedule:
    """The schedule supplied with the loan, in due-date order, or else the one its terms give."""
    if not loan.installments:
        return build_schedule(loan.contract)
    given = sorted(loan.installments, key=lambda g: (g.due_on, g.no))
    return Schedule(
        tuple(
            Installment(g.no, g.due_on, g.principal, g.interest, g.service_fee, ZERO, 0)
            for g in given
        )
    )
