"""What do I really owe? The true annual cost of a loan from what the borrower knows. Stub."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from overdue.borrower._json import to_plain
from overdue.ledger.contract import Contract, LenderType
from overdue.money import ZERO

__all__ = ["AprCheck", "Frequency", "RegularSchedule", "check_apr", "check_contract_apr"]

_RATES = frozenset({"periodic_rate", "nominal_annual", "effective_annual", "cap_rate", "lpr_1y"})


class Frequency(StrEnum):
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class RegularSchedule:
    """``count`` equal payments of ``amount``, the first on ``first_on``, then every month."""

    count: int
    amount: Decimal
    first_on: dt.date
    frequency: Frequency = Frequency.MONTHLY


@dataclass(frozen=True, slots=True)
class AprCheck:
    received: Decimal  # what the borrower actually had the use of (after upfront fees)
    paid_total: Decimal  # everything paid or scheduled
    cost_total: Decimal  # paid_total - received
    cashflows: tuple[tuple[dt.date, Decimal], ...]  # borrower's view: +received, -payments
    periodic_rate: Decimal | None  # monthly IRR (regular monthly schedule) else None
    nominal_annual: Decimal  # monthly IRR x 12: what courts compare (see compared_rule)
    effective_annual: Decimal  # (1 + monthly IRR)^12 - 1
    lender_type: LenderType
    cap_rate: Decimal
    cap_rule: str
    lpr_1y: Decimal | None  # private lending: the LPR used
    above_cap: bool
    compared_rule: str  # which rate courts compare and why (with verification status)
    summary: str
    lines: tuple[str, ...]
    as_of: dt.date

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = to_plain(self, _RATES)
        data["cashflows"] = [
            {"on": d.isoformat(), "amount": to_plain(a)} for d, a in self.cashflows
        ]
        return data


def check_apr(
    *,
    received: Decimal,
    disbursed_on: dt.date,
    payments: Sequence[tuple[dt.date, Decimal]] | None = None,
    schedule: RegularSchedule | None = None,
    upfront_fee: Decimal = ZERO,
    lender_type: LenderType = LenderType.LICENSED,
    contract_on: dt.date | None = None,
    as_of: dt.date,
) -> AprCheck:
    raise NotImplementedError


def check_contract_apr(contract: Contract, *, as_of: dt.date) -> AprCheck:
    raise NotImplementedError
