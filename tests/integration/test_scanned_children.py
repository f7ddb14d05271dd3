"""The nightly load's compiled scan of payments and events agrees with the SQL checks.

For typed Parquet payments and events the lean load scans each row group with a compiled pass
and sends only the rows it cannot accept on their face through the SQL checks
(``load._scanned_children``). These tests load the same portfolio twice — once as the nightly
run does, once with the scan switched off so that the SQL checks see every row — and require
the same counts, the same rejects files, byte for byte, and the same accepted rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.scan_support import large, load_both_ways

import overdue.portfolio.load as load_module
from overdue.portfolio.load import LoadedPortfolio
from overdue.portfolio.synth import EVENTS_SCHEMA, PAYMENTS_SCHEMA

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
# The generator's own schemas: what the nightly run reads in production-like portfolios.
TYPES = {"payments": PAYMENTS_SCHEMA, "events": EVENTS_SCHEMA}
LEAN = {"payments": ("loan_ord", "paid_on", "amount_fen"), "events": ("loan_ord", "on", "kind")}

LOAN_IDS = ["L1", "L2", "L3", "l1", "贷1", "L10", "L99", " L1", "L2 ", "", None]
DAYS = [
    None, dt.date(2024, 3, 9), dt.date(2024, 3, 10), dt.date(2024, 6, 1), dt.date(2025, 1, 14),
    dt.date(2025, 1, 15), AS_OF, AS_OF + dt.timedelta(days=1),
]  # fmt: skip
AMOUNTS = [
    None, Decimal("0"), Decimal("-1.00"), Decimal("0.01"), Decimal("1356.57"),
    Decimal("100000000.00"), Decimal("100000000.01"), Decimal("1000000000.00"),
]  # fmt: skip
KINDS = [None, "", "demand", "promise", "pause", "suit", " demand", "visit", "Demand"]
NOTES = [None, "", "  ", "短信提醒", "call, no answer"]


def write_portfolio(
    directory: Path,
    rows: dict[str, list[dict[str, Any]]],
    files: int,
    row_group: int,
    large_text: bool = False,
) -> Path:
    directory.mkdir(parents=True)
    (directory / "loans.csv").write_text(LOANS, encoding="utf-8")
    for name, records in rows.items():
        (directory / name).mkdir()
        size = -(-len(records) // files) if records else 0
        for k in range(files):
            schema = large(TYPES[name]) if large_text else TYPES[name]
            part = pa.Table.from_pylist(records[k * size : (k + 1) * size], schema=schema)
            path = directory / name / f"part-{k}.parquet"
            pq.write_table(part, path, row_group_size=max(row_group, 1))
    return directory


def both_ways(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, bool], LoadedPortfolio, LoadedPortfolio]:
    """(per table, whether the compiled scan took it; scanned load; SQL-only load)."""
    calls, scanned, sql = load_both_ways(directory, monkeypatch, "_scanned_children", AS_OF)
    # (installments have no scan)
    taken = {args[1].name: took for args, took in calls if args[1].name in LEAN}
    return taken, scanned, sql


def rows_of(loaded: LoadedPortfolio, name: str) -> list[tuple[Any, ...]]:
    table = loaded.payments if name == "payments" else loaded.events
    return sorted(zip(*(table[c].to_pylist() for c in LEAN[name]), strict=True))


def assert_same(directory: Path, scanned: LoadedPortfolio, sql: LoadedPortfolio) -> None:
    assert scanned.counts == sql.counts
    for name in ("payments", "events"):
        a = directory / "rejects-scan" / f"{name}.csv"
        b = directory / "rejects-sql" / f"{name}.csv"
        assert a.exists() == b.exists()
        if b.exists():
            assert a.read_bytes() == b.read_bytes()
        assert rows_of(scanned, name) == rows_of(sql, name)
    assert scanned.payments.schema == sql.payments.schema
    assert scanned.events.schema == sql.events.schema


def the_id(k: int, prefix: str, form: str | None) -> str | None:
    """Ids unique once trimmed (so that the scan keeps the table; repeats: see below)."""
    forms = {"pad-left": f"  {prefix}{k}", "pad-right": f"{prefix}{k} ", "plain": f"{prefix}{k}"}
    return forms.get(form or "", form)


ID_FORMS = [None, "", "pad-left", "pad-right", "plain", "plain", "plain"]
payment_rows = st.lists(
    st.tuples(
        st.sampled_from(ID_FORMS),
        st.sampled_from(LOAN_IDS),
        st.sampled_from(DAYS),
        st.sampled_from(AMOUNTS),
    ),
    max_size=40,
)
event_rows = st.lists(
    st.tuples(
        st.sampled_from(ID_FORMS),
        st.sampled_from(LOAN_IDS),
        st.sampled_from(DAYS),
        st.sampled_from(KINDS),
        st.sampled_from(DAYS),
        st.sampled_from(NOTES),
    ),
    max_size=30,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    payments=payment_rows,
    events=event_rows,
    files=st.integers(1, 3),
    row_group=st.integers(1, 7),
    large_text=st.booleans(),
)
def test_the_scan_accepts_and_rejects_exactly_what_the_sql_checks_do(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    payments: list[tuple[Any, ...]],
    events: list[tuple[Any, ...]],
    files: int,
    row_group: int,
    large_text: bool,
) -> None:
    rows = {
        "payments": [
            {"payment_id": the_id(k, "P", form), "loan_id": loan, "paid_on": day, "amount": amount}
            for k, (form, loan, day, amount) in enumerate(payments)
        ],
        "events": [
            {"event_id": the_id(k, "E", form), "loan_id": loan, "on": day, "kind": kind,
             "until": until, "note": note}
            for k, (form, loan, day, kind, until, note) in enumerate(events)
        ],
    }  # fmt: skip
    directory = write_portfolio(
        tmp_path_factory.mktemp("p") / "data", rows, files, row_group, large_text
    )
    taken, scanned, sql = both_ways(directory, monkeypatch)
    assert taken == {"payments": bool(payments), "events": bool(events)}  # (empty: SQL)
    assert_same(directory, scanned, sql)
    assert scanned.counts["payments"].read == len(payments)
    assert scanned.counts["events"].read == len(events)


def test_a_clean_table_needs_no_sql_check_and_keeps_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loans = ["L1", "L1", "L10", "L2", "l1", "贷1", "L1"] * 30
    amounts = [Decimal("10.00") + k for k in range(len(loans))]
    payments = [
        {"payment_id": f"P{k}", "loan_id": loan, "paid_on": dt.date(2025, 2, 1 + k % 20),
         "amount": amount}
        for k, (loan, amount) in enumerate(zip(loans, amounts, strict=True))
    ]  # fmt: skip
    events = [
        {"event_id": f"E{k}", "loan_id": loan, "on": dt.date(2025, 3, 1),
         "kind": "promise" if k % 2 else "demand",
         "until": dt.date(2025, 3, 31) if k % 2 else None, "note": None}
        for k, loan in enumerate(loans)
    ]  # fmt: skip
    directory = write_portfolio(
        tmp_path / "data", {"payments": payments, "events": events}, files=2, row_group=16
    )
    taken, scanned, sql = both_ways(directory, monkeypatch)
    assert taken == {"payments": True, "events": True}
    assert_same(directory, scanned, sql)
    assert scanned.counts["payments"].accepted == len(payments)
    assert scanned.counts["events"].accepted == len(events)
    assert not (directory / "rejects-scan" / "payments.csv").exists()
    assert not (directory / "rejects-scan" / "events.csv").exists()
    # loan_ord is the loan's place among the accepted loans ordered by loan_id, bytewise
    order = ["L1", "L10", "L2", "l1", "贷1"]
    expected = Counter(order.index(x) for x in loans)
    assert Counter(scanned.payments["loan_ord"].to_pylist()) == expected
    assert Counter(scanned.events["loan_ord"].to_pylist()) == expected
    assert sum(scanned.payments["amount_fen"].to_pylist()) == sum(int(a * 100) for a in amounts)
    assert Counter(scanned.events["kind"].to_pylist()) == Counter(e["kind"] for e in events)
    # every row clean: the fixed-width columns come as one chunk each, whatever the files and
    # row groups (the run takes them as they are instead of concatenating)
    for table, names in (
        (scanned.payments, ("paid_on", "amount_fen", "loan_ord")),
        (scanned.events, ("on", "loan_ord")),
    ):
        assert [table[c].num_chunks for c in names] == [1] * len(names)


def test_repeated_ids_are_left_to_the_sql_path_which_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    payments = [
        {"payment_id": "P1", "loan_id": "L1", "paid_on": dt.date(2024, 4, 10),
         "amount": Decimal("1356.57")},
        {"payment_id": "P2", "loan_id": "L99", "paid_on": dt.date(2024, 4, 10),
         "amount": Decimal("1.00")},
        {"payment_id": " P1", "loan_id": "L2", "paid_on": dt.date(2024, 7, 2),
         "amount": Decimal("1.00")},
        {"payment_id": "P2", "loan_id": "L2", "paid_on": dt.date(2024, 7, 3),
         "amount": Decimal("1.00")},
    ]  # fmt: skip
    events = [
        {"event_id": "E1", "loan_id": "L1", "on": dt.date(2024, 9, 1), "kind": "demand",
         "until": None, "note": None},
        {"event_id": "E1 ", "loan_id": "L2", "on": dt.date(2024, 9, 1), "kind": "demand",
         "until": None, "note": None},
    ]  # fmt: skip
    directory = write_portfolio(
        tmp_path / "data", {"payments": payments, "events": events}, files=1, row_group=2
    )
    taken, scanned, sql = both_ways(directory, monkeypatch)
    assert taken == {"payments": False, "events": False}
    assert_same(directory, scanned, sql)
    reasons = (directory / "rejects-scan" / "payments.csv").read_text(encoding="utf-8")
    assert "duplicate payment_id (first at row 1)" in reasons
    assert "duplicate payment_id (first at row 2)" in reasons
    assert scanned.counts["payments"].accepted == 1
    reasons = (directory / "rejects-scan" / "events.csv").read_text(encoding="utf-8")
    assert "duplicate event_id (first at row 1)" in reasons
    assert scanned.counts["events"].accepted == 1


def test_files_without_row_groups_and_files_of_many_small_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file with no row group at all (as DuckDB's COPY of no rows writes it) is an empty
    part; a file of hundreds of one-row groups is read in a few units, not one per group."""
    directory = write_portfolio(tmp_path / "data", {"payments": [], "events": []}, 1, 1)
    for name in ("payments", "events"):
        (directory / name / "part-0.parquet").unlink()
        with pq.ParquetWriter(directory / name / "empty.parquet", TYPES[name]):
            pass  # closed without a row group
    assert pq.read_metadata(directory / "payments" / "empty.parquet").num_row_groups == 0
    payments = [
        {"payment_id": f"P{k}", "loan_id": ["L1", "L2", "L99"][k % 3],
         "paid_on": dt.date(2025, 2, 1), "amount": Decimal("1.00")}
        for k in range(600)
    ]  # fmt: skip
    pq.write_table(
        pa.Table.from_pylist(payments, schema=TYPES["payments"]),
        directory / "payments" / "small-groups.parquet",
        row_group_size=1,
    )
    monkeypatch.setattr(load_module, "_UNIT_ROWS", 64)
    taken, scanned, sql = both_ways(directory, monkeypatch)
    assert taken == {"payments": True, "events": False}  # (no events: nothing to scan)
    assert_same(directory, scanned, sql)
    assert scanned.counts["payments"].read == 600
    assert scanned.counts["payments"].rejected == 200  # L99, with its row in the right file
    lines = (directory / "rejects-scan" / "payments.csv").read_text(encoding="utf-8")
    assert "payments/small-groups.parquet,3,,loan_id,unknown loan id,L99," in lines


def test_parquet_loans_and_amounts_of_another_precision_are_scanned_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loans given as typed Parquet, and an amount column of decimal(12, 2): the scan takes
    it (any precision with two places), with the SQL checks' results; decimal(18, 3) is left
    to the SQL path."""
    records = [
        {"payment_id": f"P{k}", "loan_id": loan, "paid_on": dt.date(2025, 2, 3),
         "amount": amount}
        for k, (loan, amount) in enumerate(
            [("L1", Decimal("1.00")), ("L2", Decimal("0.00")), ("l1", Decimal("9999999999.99")),
             ("L3", Decimal("5.00")), ("贷1", Decimal("100000000.00"))]
        )
    ]  # fmt: skip
    for precision, scale, scanned_expected in ((12, 2, True), (18, 3, False)):
        directory = tmp_path / f"d{precision}-{scale}"
        directory.mkdir()
        header = LOANS.splitlines()[0].split(",")
        text = pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()))
        loans = pacsv.read_csv(pa.py_buffer(LOANS.encode()), convert_options=text)
        pq.write_table(loans, directory / "loans.parquet")  # (Parquet of text columns)
        schema = PAYMENTS_SCHEMA.set(3, pa.field("amount", pa.decimal128(precision, scale)))
        pq.write_table(pa.Table.from_pylist(records, schema=schema), directory / "payments.parquet")
        taken, scanned, sql = both_ways(directory, monkeypatch)
        assert taken["payments"] is scanned_expected
        assert_same(directory, scanned, sql)
        assert scanned.counts["payments"].accepted == 2  # 1.00 and 100,000,000.00
