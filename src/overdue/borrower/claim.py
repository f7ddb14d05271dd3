"""Is the collector's figure lawful? Recompute it with the reference ledger. Stub."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from overdue.borrower._json import to_plain
from overdue.ledger.contract import Loan

__all__ = ["ClaimCheck", "ClaimLine", "check_claim"]


@dataclass(frozen=True, slots=True)
class ClaimLine:
    item: str  # principal / interest / penalty / compound / late_fee / service_fee / other
    label: str  # 本金 / 利息 / …
    claimed: Decimal | None  # None: the collector gave only a total
    contract_due: Decimal  # what the contract terms produce, unpaid
    lawful: Decimal  # after the legal cap
    difference: Decimal | None  # claimed - lawful
    rule: str


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    loan_id: str
    claimed_total: Decimal
    contract_total: Decimal
    lawful_total: Decimal
    difference: Decimal  # claimed_total - lawful_total
    lines_by_item: tuple[ClaimLine, ...]
    cap_rule: str
    cost_rate: Decimal  # the loan's cost as an annual rate (ledger CapCheck)
    cap_rate: Decimal | None
    summary: str
    lines: tuple[str, ...]
    as_of: dt.date

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = to_plain(self, frozenset({"cost_rate", "cap_rate"}))
        return data


def check_claim(
    loan: Loan | Mapping[str, Any],
    *,
    claimed_total: Decimal | None = None,
    claimed_items: Mapping[str, Decimal] | None = None,
    as_of: dt.date,
    filed_on: dt.date | None = None,
) -> ClaimCheck:
    raise NotImplementedError
