"""Is this collection message lawful? A catalogue of rules (data) and a matcher (code).

Stub: the interface is fixed, the body lands next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from overdue.borrower._json import to_plain

__all__ = [
    "Catalogue",
    "Flag",
    "MessageVerdict",
    "Verdict",
    "lint",
    "lint_message",
    "load_catalogue",
]


class Verdict(StrEnum):
    LAWFUL = "lawful"
    ABUSIVE = "abusive"
    FRAUD = "fraud"


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    text: str  # plain Chinese: what is wrong and why
    basis: str  # legal basis with its verification status
    verdict: Verdict  # what this flag alone makes of the message
    severity: str
    matched: str  # the words that triggered it ("" for time-based rules)


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: str
    rules: tuple[Any, ...]
    raw: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MessageVerdict:
    verdict: Verdict
    flags: tuple[Flag, ...]
    advice: tuple[str, ...]
    summary: str
    lines: tuple[str, ...]
    received_at: dt.datetime | None
    as_of: dt.date

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "flags": [{"code": f.code, "text": f.text, "basis": f.basis} for f in self.flags],
            "advice": list(self.advice),
            "summary": self.summary,
            "lines": list(self.lines),
            "received_at": to_plain(self.received_at),
            "as_of": self.as_of.isoformat(),
        }


def load_catalogue(path: Path | None = None) -> Catalogue:
    raise NotImplementedError


def lint(
    catalogue: Catalogue, text: str, received_at: dt.datetime | None = None
) -> tuple[Flag, ...]:
    raise NotImplementedError


def lint_message(
    text: str,
    received_at: dt.datetime | None,
    as_of: dt.date,
    catalogue: Catalogue | None = None,
) -> MessageVerdict:
    raise NotImplementedError
