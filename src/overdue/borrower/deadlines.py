"""What are my deadlines? From the day a court document was received. Stub."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from overdue.borrower._json import to_plain

__all__ = ["DeadlineAnswer", "DocumentKind", "borrower_deadline"]


class DocumentKind(StrEnum):
    COMPLAINT = "complaint"  # 起诉状副本 -> 答辩期
    JUDGMENT = "judgment"  # 判决书 -> 上诉期 15 days (small claims: final)
    RULING = "ruling"  # 裁定书 -> 上诉期 10 days
    PAYMENT_ORDER = "payment-order"  # 支付令 -> 异议期 15 days


@dataclass(frozen=True, slots=True)
class DeadlineAnswer:
    kind: DocumentKind
    received_on: dt.date
    action: str  # 答辩 / 上诉 / 提出书面异议 / （无，一审终审）
    last_day: dt.date | None  # None: no period (small-claims judgment)
    nominal_last_day: dt.date | None
    rolled_over: bool
    days_left: int | None  # from as_of to last_day inclusive of neither; negative: passed
    final_on_service: bool  # small-claims judgment: effective on service
    rule: str
    after: str  # what happens after the deadline
    status: str  # VERIFIED / UNVERIFIED ...
    summary: str
    lines: tuple[str, ...]
    as_of: dt.date

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = to_plain(self)
        return data


def borrower_deadline(
    kind: DocumentKind | str,
    received_on: dt.date,
    *,
    as_of: dt.date,
    small_claims: bool = False,
) -> DeadlineAnswer:
    raise NotImplementedError
