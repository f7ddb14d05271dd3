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


def test_small_fetch_batches_give_the_same_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tables are fetched from DuckDB batch by batch (ids hashed, rows split into accepted and
    rejected, columns converted); with batches of 2,048 rows (many per table, rejected rows
    among them) the tables, counts and rejects are those of the default batches."""
    from overdue.portfolio.synth import synthesize

    synthesize(3_000, tmp_path / "p", seed=5, as_of=AS_OF)
    payments = pq.read_table(tmp_path / "p" / "payments")
    bad = payments.slice(0, 6000).to_pylist()
    for k, row in enumerate(bad):  # every 3rd row bad, all across the batches
        row["payment_id"] = f"X{k}"
        if k % 3 == 0:
            row["loan_id"] = f"NOPE{k}"
        elif k % 3 == 1:
            row["amount"] = -row["amount"]
    pq.write_table(
        pa.Table.from_pylist(bad, schema=payments.schema),
        tmp_path / "p" / "payments" / "zz-extra.parquet",
    )

    default = load(tmp_path / "p")
    (tmp_path / "p" / "rejects").rename(tmp_path / "default-rejects")
    monkeypatch.setattr(load_module, "_BATCH_ROWS", 2048)
    small = load(tmp_path / "p")
    assert small.counts == default.counts
    assert default.counts["payments"].rejected == 4000
    for name in ("loans", "payments", "installments", "events"):
        assert getattr(small, name).num_rows > 0 or name == "installments"
        assert getattr(small, name).equals(getattr(default, name)), name
    for f in sorted((tmp_path / "default-rejects").iterdir()):
        assert (tmp_path / "p" / "rejects" / f.name).read_bytes() == f.read_bytes(), f.name
