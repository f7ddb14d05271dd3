"""Shared by the tests of the nightly load's scans: the same portfolio loaded with a scan and
without it (the SQL checks alone)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import overdue.portfolio.load as load_module
from overdue.portfolio.load import LoadedPortfolio, load_portfolio


def load_lean(directory: Path, out: str, as_of: dt.date) -> LoadedPortfolio:
    """The nightly run's (lean) load, rejects in ``directory / out``, no reject threshold."""
    return load_portfolio(
        directory, as_of=as_of, rejects_dir=directory / out, max_reject_ratio=Decimal(1), lean=True
    )


def load_both_ways(
    directory: Path, monkeypatch: pytest.MonkeyPatch, scan: str, as_of: dt.date
) -> tuple[list[tuple[tuple[Any, ...], bool]], LoadedPortfolio, LoadedPortfolio]:
    """Load ``directory`` with ``load.<scan>`` as it is — each call's arguments and whether it
    took the table (returned something) recorded — into ``rejects-scan``, then with the scan
    switched off (returning None) into ``rejects-sql``. Returns (calls, scanned, SQL-only)."""
    calls: list[tuple[tuple[Any, ...], bool]] = []
    real = getattr(load_module, scan)

    def spy(*args: Any) -> Any:
        result = real(*args)
        calls.append((args, result is not None))
        return result

    with monkeypatch.context() as m:
        m.setattr(load_module, scan, spy)
        scanned = load_lean(directory, "rejects-scan", as_of)
    with monkeypatch.context() as m:
        m.setattr(load_module, scan, lambda *a: None)
        sql = load_lean(directory, "rejects-sql", as_of)
    return calls, scanned, sql


def large(schema: pa.Schema) -> pa.Schema:
    """``schema`` with its text columns as ``large_string``, as Polars writes them."""
    return pa.schema(
        [f.with_type(pa.large_string()) if f.type == pa.string() else f for f in schema]
    )
