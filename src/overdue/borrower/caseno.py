"""Is this case real? A case number (案号) explained in plain Chinese. Stub."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from overdue.borrower._json import to_plain
from overdue.rules.caseno import CaseNumberCheck

__all__ = ["CaseExplanation", "explain_case_number"]


@dataclass(frozen=True, slots=True)
class CaseExplanation:
    given: str  # the text as given ("" when none)
    case_number: str | None  # the number found in it, normalised
    check: CaseNumberCheck | None
    valid: bool
    court: str | None
    stage: str | None  # 一审 / 执行 / 诉前调解 …
    meaning: str | None  # plain Chinese: what this kind of case is
    is_filed_lawsuit: bool  # a court has docketed a suit (民初 and later stages)
    findings: tuple[str, ...]
    verify: tuple[str, ...]  # how to verify through official channels
    summary: str
    lines: tuple[str, ...]
    as_of: dt.date

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = to_plain(self)
        return data


def explain_case_number(text: str | None, as_of: dt.date) -> CaseExplanation:
    raise NotImplementedError
