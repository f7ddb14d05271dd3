"""The nightly load's compiled scan of payments agrees with the SQL checks, row for row.

For typed Parquet payments the lean load scans each row group with a compiled pass and sends
only the rows it cannot accept on their face through the SQL checks (``load._scanned_payments``).
These tests load the same portfolio twice — once as the nightly run does, once with the scan
path switched off so that the SQL checks see every row — and require the same counts, the same
rejects file, byte for byte, and the same accepted rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import overdue.portfolio.load as load_module
from overdue.portfolio.load import LoadedPortfolio, load_portfolio

pytestmark = pytest.mark.integration

AS_OF = dt.date(2026, 11, 20)

# Loans L1, L2, l1 (lower case), 贷1 and L10 are accepted; L3 is rejected (principal). Their ids
# sort bytewise as L1 < L10 < L2 < l1 < 贷1, which is not the order of the file.
LOANS = """\
loan_id,borrower_id,principal,disbursed_on,term_months,method,rate
L2,B2,5000,2024-06-01,3,bullet,0.18
L1,B1,14000.00,2024-03-10,12,equal-installment,0.24
L3,B3,-5,2024-03-10,12,equal-installment,0.18
l1,B4,1000,2024-03-10,6,bullet,0.1
贷1,B5,2000,2025-01-15,6,equal-principal,0.12
L10,B6,3000,2024-03-11,12,interest-only,0.15
"""
PAYMENT_TYPES = pa.schema(
    [
        ("payment_id", pa.string()),
        ("loan_id", pa.string()),
        ("paid_on", pa.date32()),
        ("amount", pa.decimal128(18, 2)),
    ]
)

LOAN_IDS = ["L1", "L2", "L3", "l1", "贷1", "L10", "L99", " L1", "L2 ", "", None]
DAYS = [
    None, dt.date(2024, 3, 9), dt.date(2024, 3, 10), dt.date(2024, 6, 1), dt.date(2025, 1, 14),
    dt.date(2025, 1, 15), AS_OF, AS_OF + dt.timedelta(days=1),
]  # fmt: skip
AMOUNTS = [
    None, Decimal("0"), Decimal("-1.00"), Decimal("0.01"), Decimal("1356.57"),
    Decimal("100000000.00"), Decimal("100000000.01"), Decimal("1000000000.00"),
]  # fmt: skip


def write_portfolio(
    directory: Path, rows: list[dict[str, Any]], files: int, row_group: int
) -> Path:
    directory.mkdir(parents=True)
    (directory / "loans.csv").write_text(LOANS, encoding="utf-8")
    payments = directory / "payments"
    payments.mkdir()
    size = -(-len(rows) // files) if rows else 0
    for k in range(files):
        part = rows[k * size : (k + 1) * size]
        table = pa.Table.from_pylist(part, schema=PAYMENT_TYPES)
        pq.write_table(table, payments / f"part-{k}.parquet", row_group_size=max(row_group, 1))
    return directory


def load_lean(directory: Path, out: str) -> LoadedPortfolio:
    return load_portfolio(
        directory,
        as_of=AS_OF,
        rejects_dir=directory / out,
        max_reject_ratio=Decimal(1),
        lean=True,
    )


def both_ways(directory: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[bool, Any, Any]:
    """(whether the compiled scan took the payments, fast load, SQL-only load)."""
    taken: list[bool] = []
    real = load_module._scanned_payments

    def spy(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        taken.append(result is not None)
        return result

    with monkeypatch.context() as m:
        m.setattr(load_module, "_scanned_payments", spy)
        fast = load_lean(directory, "rejects-fast")
    with monkeypatch.context() as m:
        m.setattr(load_module, "_scanned_payments", lambda *a, **k: None)
        slow = load_lean(directory, "rejects-sql")
    assert len(taken) == 1
    return taken[0], fast, slow


def rows_of(loaded: LoadedPortfolio) -> list[tuple[Any, ...]]:
    columns = [loaded.payments[c].to_pylist() for c in ("loan_ord", "paid_on", "amount_fen")]
    return sorted(zip(*columns, strict=True))


def assert_same(directory: Path, fast: LoadedPortfolio, slow: LoadedPortfolio) -> None:
    assert fast.counts == slow.counts
    fast_rejects = directory / "rejects-fast" / "payments.csv"
    slow_rejects = directory / "rejects-sql" / "payments.csv"
    assert fast_rejects.exists() == slow_rejects.exists()
    if slow_rejects.exists():
        assert fast_rejects.read_bytes() == slow_rejects.read_bytes()
    assert fast.payments.schema == slow.payments.schema
    assert rows_of(fast) == rows_of(slow)


payment_rows = st.lists(
    st.tuples(
        st.sampled_from([None, "", "pad-left", "pad-right", "plain", "plain", "plain"]),
        st.sampled_from(LOAN_IDS),
        st.sampled_from(DAYS),
        st.sampled_from(AMOUNTS),
    ),
    max_size=40,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=payment_rows, files=st.integers(1, 3), row_group=st.integers(1, 7))
def test_fast_path_accepts_and_rejects_exactly_what_the_sql_checks_do(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[tuple[Any, ...]],
    files: int,
    row_group: int,
) -> None:
    records = []
    for k, (pid, loan, day, amount) in enumerate(rows):
        # ids unique once trimmed, so that the scan keeps the table (repeats: see below)
        payment_id = {"pad-left": f"  P{k}", "pad-right": f"P{k} ", "plain": f"P{k}"}.get(
            pid or "", pid
        )
        records.append({"payment_id": payment_id, "loan_id": loan, "paid_on": day,
                        "amount": amount})  # fmt: skip
    directory = write_portfolio(tmp_path_factory.mktemp("p") / "data", records, files, row_group)
    taken, fast, slow = both_ways(directory, monkeypatch)
    assert taken, "the scan gave the payments back to the SQL path"
    assert_same(directory, fast, slow)
    assert fast.counts["payments"].read == len(records)


def test_a_clean_table_needs_no_sql_check_and_keeps_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loans = ["L1", "L1", "L10", "L2", "l1", "贷1", "L1"] * 30
    amounts = [Decimal("10.00") + k for k in range(len(loans))]
    records = [
        {"payment_id": f"P{k}", "loan_id": loan, "paid_on": dt.date(2025, 2, 1 + k % 20),
         "amount": amount}
        for k, (loan, amount) in enumerate(zip(loans, amounts, strict=True))
    ]  # fmt: skip
    directory = write_portfolio(tmp_path / "data", records, files=2, row_group=16)
    taken, fast, slow = both_ways(directory, monkeypatch)
    assert taken
    assert_same(directory, fast, slow)
    assert fast.counts["payments"].accepted == len(records)
    assert not (directory / "rejects-fast" / "payments.csv").exists()
    # loan_ord is the loan's place among the accepted loans ordered by loan_id, bytewise
    order = ["L1", "L10", "L2", "l1", "贷1"]
    assert Counter(fast.payments["loan_ord"].to_pylist()) == Counter(order.index(x) for x in loans)
    assert sum(fast.payments["amount_fen"].to_pylist()) == sum(int(a * 100) for a in amounts)


def test_repeated_payment_ids_are_left_to_the_sql_path_which_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [
        {"payment_id": "P1", "loan_id": "L1", "paid_on": dt.date(2024, 4, 10),
         "amount": Decimal("1356.57")},
        {"payment_id": "P2", "loan_id": "L99", "paid_on": dt.date(2024, 4, 10),
         "amount": Decimal("1.00")},
        {"payment_id": " P1", "loan_id": "L2", "paid_on": dt.date(2024, 7, 2),
         "amount": Decimal("1.00")},
        {"payment_id": "P2", "loan_id": "L2", "paid_on": dt.date(2024, 7, 3),
         "amount": Decimal("1.00")},
    ]  # fmt: skip
    directory = write_portfolio(tmp_path / "data", records, files=1, row_group=2)
    taken, fast, slow = both_ways(directory, monkeypatch)
    assert not taken
    assert_same(directory, fast, slow)
    reasons = (directory / "rejects-fast" / "payments.csv").read_text(encoding="utf-8")
    assert "duplicate payment_id (first at row 1)" in reasons
    assert "duplicate payment_id (first at row 2)" in reasons
    assert fast.counts["payments"].accepted == 1
