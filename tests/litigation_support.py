"""Loans the litigation tests work out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from overdue.dates import add_months
from overdue.ledger.contract import Contract, Loan, Payment, RateUnit, RepaymentMethod

# The first two installments of equal_principal("12000.00", 12), paid on their due dates:
# 1,000 principal + 120.00 and 110.00 interest.
TWO_PAID = (
    Payment(dt.date(2025, 2, 15), Decimal("1120.00"), "p1"),
    Payment(dt.date(2025, 3, 15), Decimal("1110.00"), "p2"),
)


def equal_principal(principal: str, term: int, **terms: object) -> Contract:
    """``principal`` in ``term`` equal principal parts at 12 % a year (1 % a month), disbursed
    2025-01-15: installments due on the 15th from February."""
    return Contract(
        principal=Decimal(principal),
        disbursed_on=dt.date(2025, 1, 15),
        term_months=term,
        method=RepaymentMethod.EQUAL_PRINCIPAL,
        rate=Decimal("0.12"),
        **terms,  # type: ignore[arg-type]
    )


def interest_only(
    term: int,
    paid: int,
    *more: tuple[dt.date, str],
    principal: str = "10000.00",
    disbursed_on: dt.date = dt.date(2025, 1, 1),
    loan_id: str = "IO",
) -> Loan:
    """``principal`` at 3 % a month (36 % a year), interest only, disbursed ``disbursed_on``
    (default 10,000 on 2025-01-01: 300.00 due on the 1st of each month from 2025-02-01), the
    principal with the last; the first ``paid`` paid on their due dates, then ``more``
    payments (date, amount)."""
    contract = Contract(
        principal=Decimal(principal),
        disbursed_on=disbursed_on,
        term_months=term,
        method=RepaymentMethod.INTEREST_ONLY,
        rate=Decimal("0.03"),
        rate_unit=RateUnit.MONTHLY,
    )
    interest = str((contract.principal * Decimal("0.03")).quantize(Decimal("0.01")))
    pays = [(add_months(disbursed_on, k), interest) for k in range(1, paid + 1)] + list(more)
    return Loan(loan_id, contract, tuple(Payment(d, Decimal(a), f"p{d}") for d, a in pays))
