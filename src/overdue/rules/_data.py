"""Reading the law-as-data files shipped inside the package (``rules/data/*.csv``).

Every data file is a CSV with a header row. Rows that state a rule carry at least
``effective_from`` (ISO date), ``citation`` (the article it implements) and ``status``
(``VERIFIED`` / ``SECONDARY`` / ``PARTIAL`` / ``UNVERIFIED``, as in the project's legal reference).
A rule whose status is ``UNVERIFIED`` is a policy default: an operator may override it, and
every output that uses it says so.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Protocol, TypeVar

from overdue.errors import RuleLookupError

__all__ = ["Status", "Versioned", "data_version", "in_force", "read_rows"]


class Status(StrEnum):
    VERIFIED = "VERIFIED"
    SECONDARY = "SECONDARY"
    PARTIAL = "PARTIAL"
    UNVERIFIED = "UNVERIFIED"

    @property
    def is_policy_default(self) -> bool:
        """Rules not checked against an official text are operator-editable defaults."""
        return self is not Status.VERIFIED


@cache
def read_rows(name: str) -> tuple[dict[str, str], ...]:
    """All rows of ``rules/data/<name>`` as dicts (cached; the files are read-only package data)."""
    text = resources.files("overdue.rules").joinpath("data", name).read_text(encoding="utf-8")
    rows = tuple(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    return rows


def data_version(names: Iterable[str]) -> dict[str, str]:
    """SHA-256 of each named data file: recorded in run manifests as the rule versions used."""
    import hashlib

    out: dict[str, str] = {}
    for name in names:
        blob = resources.files("overdue.rules").joinpath("data", name).read_bytes()
        out[name] = hashlib.sha256(blob).hexdigest()
    return out


class Versioned(Protocol):
    @property
    def effective_from(self) -> dt.date: ...


V = TypeVar("V", bound=Versioned)


def in_force(rules: Sequence[V], on: dt.date, what: str) -> V:
    """The latest rule whose ``effective_from`` is on or before ``on``."""
    candidates = [r for r in rules if r.effective_from <= on]
    if not candidates:
        raise RuleLookupError(f"no {what} in force on {on.isoformat()}")
    return max(candidates, key=lambda r: r.effective_from)
