"""A plan I can afford: installment options up to 60 months and the negotiation letter. Stub."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from overdue.borrower._json import to_plain
from overdue.documents.context import NegotiationLetterContext

__all__ = ["DEFAULT_TERMS", "PlanLine", "PlanProposal", "letter_context", "propose_plans"]

DEFAULT_TERMS = (3, 6, 12, 18, 24, 36, 48, 60)


@dataclass(frozen=True, slots=True)
class PlanLine:
    months: int
    monthly: Decimal  # installment without the lender's fee
    last_monthly: Decimal  # the last installment (absorbs the rounding)
    total: Decimal  # = debt
    monthly_fee: Decimal  # lender's installment fee per month (0 when none given)
    fee_total: Decimal
    monthly_with_fee: Decimal
    total_with_fee: Decimal
    fee_nominal_annual: Decimal | None  # the fee as an annual rate (IRR x 12)
    affordable: bool  # monthly_with_fee <= budget
    first_due_on: dt.date
    last_due_on: dt.date


@dataclass(frozen=True, slots=True)
class PlanProposal:
    debt: Decimal
    monthly_income: Decimal
    monthly_expenses: Decimal
    budget: Decimal  # income - essential expenses
    monthly_fee_rate: Decimal | None
    options: tuple[PlanLine, ...]
    recommended: PlanLine | None  # the shortest affordable term
    summary: str
    lines: tuple[str, ...]
    as_of: dt.date

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = to_plain(self, frozenset({"monthly_fee_rate", "fee_nominal_annual"}))
        return data


def propose_plans(
    *,
    debt: Decimal,
    monthly_income: Decimal,
    monthly_expenses: Decimal,
    as_of: dt.date,
    monthly_fee_rate: Decimal | None = None,
    first_due_on: dt.date | None = None,
    terms: tuple[int, ...] = DEFAULT_TERMS,
) -> PlanProposal:
    raise NotImplementedError


def letter_context(
    proposal: PlanProposal,
    *,
    lender_name: str,
    borrower_name: str,
    borrower_id_masked: str = "",
    borrower_phone: str = "",
    contract_no: str = "",
    hardship: str = "",
    requests: tuple[str, ...] = (),
    lawful_total: Decimal | None = None,
    dated: dt.date,
) -> NegotiationLetterContext:
    raise NotImplementedError
