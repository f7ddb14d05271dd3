"""Loans the litigation tests work out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from overdue.ledger.contract import Contract, Payment, RepaymentMethod

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
