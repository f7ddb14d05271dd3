"""The typed-Parquet fast path (DuckDB reads the files) gives what the PyArrow path gives.

The messy portfolio of ``test_portfolio_load`` is written as typed Parquet, each table split
into two files, and loaded twice: once as is, once with the fast path switched off. Accepted
tables, counts and the rejects files must be identical.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from tests.integration.test_portfolio_load import AS_OF, EVENTS, INSTALLMENTS, LOANS, PAYMENTS

import overdue.portfolio.load as load_module
from overdue.portfolio.load import LoadedPortfolio, load_portfolio

pytestmark = pytest.mark.integration

TYPES = {
    "principal": pa.decimal128(18, 3),
    "amount": pa.decimal128(18, 2),
    "disbursed_on": pa.date32(),
    "paid_on": pa.date32(),
    "term_months": pa.int32(),
}


def typed_parts(directory: Path, name: str, text: str, untypeable: tuple[str, ...] = ()) -> None:
    lines = [ln for ln in text.splitlines(keepends=True) if not ln.startswith(untypeable)]
    header = next(csv.reader(io.StringIO(lines[0])))
    data = pacsv.read_csv(
        io.BytesIO("".join(lines).encode()),
        convert_options=pacsv.ConvertOptions(
            column_types={n: TYPES.get(n, pa.string()) for n in header},
            strings_can_be_null=True,
        ),
    )
    (directory / name).mkdir(parents=True)
    half = data.num_rows // 2
    pq.write_table(data.slice(0, half), directory / name / "part-0.parquet")
    pq.write_table(data.slice(half), directory / name / "part-1.parquet")


def load(directory: Path) -> LoadedPortfolio:
    return load_portfolio(
        directory, as_of=AS_OF, rejects_dir=directory / "rejects", max_reject_ratio=Decimal(1)
    )


def test_the_fast_path_and_the_arrow_path_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for d in (tmp_path / "fast", tmp_path / "arrow"):
        typed_parts(d, "loans", LOANS, ("L4,", "L5,"))  # not typeable: 12.5x, 2025-02-30
        typed_parts(d, "payments", PAYMENTS)
        typed_parts(d, "installments", INSTALLMENTS)
        typed_parts(d, "events", EVENTS)
    for name in ("loans", "payments", "installments", "events"):
        paths = sorted((tmp_path / "fast" / name).iterdir())
        spec = load_module.table(name)
        assert load_module._typed_parquet(tmp_path / "fast", spec, paths) is not None, name
    fast = load(tmp_path / "fast")
    monkeypatch.setattr(load_module, "_typed_parquet", lambda *args: None)
    arrow = load(tmp_path / "arrow")
    for name in ("loans", "payments", "installments", "events"):
        assert getattr(fast, name).equals(getattr(arrow, name)), name
    assert fast.counts == arrow.counts
    assert fast.counts["payments"].rejected > 0
    assert fast.counts["loans"].rejected > 0
    for name in ("loans", "payments", "installments", "events", "summary"):
        suffix = "json" if name == "summary" else "csv"
        a = tmp_path / "fast" / "rejects" / f"{name}.{suffix}"
        b = tmp_path / "arrow" / "rejects" / f"{name}.{suffix}"
        assert a.exists() == b.exists(), name
        if a.exists():
            got = a.read_text(encoding="utf-8")
            assert got == b.read_text(encoding="utf-8").replace("arrow", "fast"), name
    assert "payments/part-1.parquet" in (tmp_path / "fast/rejects/payments.csv").read_text()
