"""The nightly load's scan of typed Parquet loans agrees with the SQL checks.

For typed Parquet loans (and no installments) the lean load checks each unit of row groups with
NumPy over the Arrow buffers and sends only the rows it cannot accept on their face through the
SQL checks (``load._scanned_loans``). These tests load the same portfolio twice — once as the
nightly run does, once with the scan switched off — and require the same counts, the same
rejects files (loans and the child tables that refer to them), byte for byte, and the same
accepted loans in the same order, with the same types.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.scan_support import large, load_both_ways

import overdue.portfolio.load as load_module
from overdue.portfolio.load import LoadedPortfolio
from overdue.portfolio.schema import table
from overdue.portfolio.synth import LOANS_SCHEMA, PAYMENTS_SCHEMA, synthesize

pytestmark = pytest.mark.integration

AS_OF = dt.date(2026, 11, 20)
ORDER = "late_fee,service_fee,penalty,compound,interest,principal"
D = Decimal

# Per column, values a messy extract holds: clean ones, nulls, padded or differently written
# ones (which SQL normalizes), and values out of range (which SQL rejects).
VALUES: dict[str, list[Any]] = {
    "borrower_id": ["B1", "B1", " B1", "", None],
    "product_id": [None, "P01", "P01", "P02", " P01", ""],
    "principal": [D("5000.00"), D("5000.00"), D("0.01"), D("100000000.00"), D("100000000.01"),
                  D("0"), D("-1.00"), None],
    "disbursed_on": [dt.date(2024, 3, 10), dt.date(2024, 3, 10), dt.date(2000, 1, 1),
                     dt.date(1999, 12, 31), AS_OF, AS_OF + dt.timedelta(days=1), None],
    "term_months": [12, 12, 1, 360, 361, 0, None],
    "method": ["bullet", "equal-installment", "equal-principal", "interest-only", " bullet",
               "Bullet", None],
    "rate": ["0.18", "0.24", "0.0005", "0.03", "1", "10", "10.5", "0.50", " 0.18", "18%",
             "abc", None],
    "rate_unit": [None, "annual", "annual", "monthly", "daily", "Daily", " annual"],
    "day_count": [None, "ACT/360", "ACT/365", "30/360"],
    "penalty_markup": [None, "0.5", "0.3", "0.50", "x"],
    "penalty_rate": [None, None, "0.24", "0.240"],
    "compound": [None, True, False],
    "upfront_fee": [None, D("0"), D("100.00"), D("5000.00"), D("-1.00")],
    "upfront_fee_deducted": [None, True, False],
    "service_fee": [None, D("0"), D("12.50"), D("-0.01")],
    "late_fee_rate": [None, "0", "0.05", "5%", "10.5"],
    "late_fee_min": [None, D("0"), D("10.00"), D("100000000.01")],
    "allocation_order": [None, ORDER, ORDER, "principal,interest,compound,penalty,service_fee,late_fee",
                         "principal, interest,compound,penalty,service_fee,late_fee", "principal",
                         ""],
    "allocation_by": [None, "component", "installment", "x"],
    "lender_type": [None, "licensed", "private", " private"],
    "signed_on": [None, dt.date(2024, 1, 1), dt.date(1999, 1, 1), AS_OF + dt.timedelta(days=1)],
}  # fmt: skip
OPTIONAL = ["product_id", "rate_unit", "day_count", "penalty_markup", "penalty_rate", "compound",
            "upfront_fee", "upfront_fee_deducted", "service_fee", "late_fee_rate", "late_fee_min",
            "allocation_order", "allocation_by", "lender_type", "signed_on"]  # fmt: skip
ID_FORMS = ["plain", "plain", "plain", "reversed", "cjk", "pad-left", "pad-right", "", None]


def loan_id(k: int, form: str | None) -> str | None:
    """Ids unique once trimmed; "reversed" ones sort against the file's order."""
    forms = {"plain": f"L{k:03}", "reversed": f"M{9999 - k}", "cjk": f"贷{k}",
             "pad-left": f"  L{k:03}", "pad-right": f"L{k:03} "}  # fmt: skip
    return forms.get(form or "", form)


def write_loans(
    directory: Path,
    records: list[dict[str, Any]],
    *,
    files: int = 1,
    row_group: int = 64,
    drop: tuple[str, ...] = (),
    term_type: pa.DataType | None = None,
    large_text: bool = False,
) -> None:
    """Loans as typed Parquet (the generator's schema, less ``drop``); a payment and an event
    per loan row (typed Parquet and CSV: the child tables' scan and their SQL path)."""
    directory.mkdir(parents=True, exist_ok=True)
    schema = LOANS_SCHEMA.set(
        LOANS_SCHEMA.get_field_index("term_months"),
        pa.field("term_months", term_type or pa.int32()),
    ).append(pa.field("penalty_rate", pa.string()))  # (a column the generator leaves out)
    for name in drop:
        schema = schema.remove(schema.get_field_index(name))
    if large_text:
        schema = large(schema)
    (directory / "loans").mkdir()
    size = -(-len(records) // files)
    for k in range(files):
        part = [{c: r.get(c) for c in schema.names} for r in records[k * size : (k + 1) * size]]
        pq.write_table(
            pa.Table.from_pylist(part, schema=schema),
            directory / "loans" / f"part-{k}.parquet",
            row_group_size=max(row_group, 1),
        )
    payments = [
        {"payment_id": f"P{k}", "loan_id": (r["loan_id"] or "").strip() or "L999",
         "paid_on": dt.date(2025, 1, 10), "amount": D("100.00")}
        for k, r in enumerate(records)
    ]  # fmt: skip
    payments_schema = large(PAYMENTS_SCHEMA) if large_text else PAYMENTS_SCHEMA
    pq.write_table(
        pa.Table.from_pylist(payments, schema=payments_schema), directory / "payments.parquet"
    )
    lines = ["event_id,loan_id,on,kind"] + [
        f"E{k},{(r['loan_id'] or '').strip() or 'L999'},2025-02-01,demand"
        for k, r in enumerate(records)
    ]
    (directory / "events.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def both_ways(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[bool, LoadedPortfolio, LoadedPortfolio]:
    """(whether the loans' scan took the table; scanned load; SQL-only load)."""
    calls, scanned, sql = load_both_ways(directory, monkeypatch, "_scanned_loans", AS_OF)
    assert len(calls) == 1
    return calls[0][1], scanned, sql


def assert_same(directory: Path, scanned: LoadedPortfolio, sql: LoadedPortfolio) -> None:
    assert scanned.counts == sql.counts
    for name in ("loans", "payments", "events", "installments"):
        a = directory / "rejects-scan" / f"{name}.csv"
        b = directory / "rejects-sql" / f"{name}.csv"
        assert a.exists() == b.exists(), name
        if b.exists():
            assert a.read_bytes() == b.read_bytes(), name
    assert scanned.loans.schema == sql.loans.schema
    assert scanned.loans.to_pylist() == sql.loans.to_pylist()  # (the same order)
    for name in ("payments", "events"):
        mine, theirs = getattr(scanned, name), getattr(sql, name)
        assert mine.schema == theirs.schema
        assert sorted(map(str, mine.to_pylist())) == sorted(map(str, theirs.to_pylist()))


@st.composite
def loan_row(draw: st.DrawFn) -> tuple[str | None, dict[str, Any]]:
    """A row clean but for a few columns (VALUES' first entries are clean), so that both the
    rows the scan accepts and each way of being suspect are common."""
    form = draw(st.sampled_from(ID_FORMS))
    messy = draw(st.sets(st.sampled_from(list(VALUES)), max_size=3))
    return form, {c: draw(st.sampled_from(v)) if c in messy else v[0] for c, v in VALUES.items()}


loan_rows = st.lists(loan_row(), max_size=40)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rows=loan_rows,
    files=st.integers(1, 3),
    row_group=st.integers(1, 7),
    drop=st.sets(st.sampled_from(OPTIONAL), max_size=4),
    term_type=st.sampled_from([pa.int32(), pa.int64(), pa.uint16()]),
)
def test_the_scan_accepts_and_rejects_exactly_what_the_sql_checks_do(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[tuple[str | None, dict[str, Any]]],
    files: int,
    row_group: int,
    drop: set[str],
    term_type: pa.DataType,
) -> None:
    records = [{"loan_id": loan_id(k, form), **values} for k, (form, values) in enumerate(rows)]
    if term_type == pa.uint16():
        records = [{**r, "term_months": max(r["term_months"] or 0, 0) or None} for r in records]
    directory = tmp_path_factory.mktemp("p") / "data"
    write_loans(
        directory, records, files=files, row_group=row_group, drop=tuple(sorted(drop)),
        term_type=term_type,
    )  # fmt: skip
    taken, scanned, sql = both_ways(directory, monkeypatch)
    assert taken is bool(records)  # (no loans: the SQL path)
    assert_same(directory, scanned, sql)
    assert scanned.counts["loans"].read == len(records)


@pytest.mark.parametrize("large_text", [False, True])
def test_each_messy_value_alone_and_the_checks_across_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, large_text: bool
) -> None:
    """Every value of VALUES in an otherwise clean row, and every combination of the columns
    checked together (the annual rate; a withheld upfront fee against the principal); text
    columns as string and as large_string (as Polars writes them)."""
    base = {c: v[0] for c, v in VALUES.items()}
    variants = [{c: x} for c, values in VALUES.items() for x in values[1:]]
    variants += [
        {"rate": r, "rate_unit": u, "day_count": d}
        for r in VALUES["rate"] for u in VALUES["rate_unit"] for d in VALUES["day_count"]
    ]  # fmt: skip
    variants += [
        {"principal": p, "upfront_fee": f, "upfront_fee_deducted": w}
        for p in VALUES["principal"] for f in VALUES["upfront_fee"]
        for w in VALUES["upfront_fee_deducted"]
    ]  # fmt: skip
    forms = ["plain", "reversed", "cjk"]  # (ids the scan takes, so the variant decides)
    records = [{"loan_id": loan_id(k, forms[k % 3]), **base, **v} for k, v in enumerate(variants)]
    records += [{"loan_id": loan_id(len(records) + k, f), **base} for k, f in enumerate(ID_FORMS)]
    write_loans(tmp_path / "data", records, files=2, row_group=50, large_text=large_text)
    taken, scanned, sql = both_ways(tmp_path / "data", monkeypatch)
    assert taken
    assert_same(tmp_path / "data", scanned, sql)
    counts = scanned.counts["loans"]
    assert counts.read == len(records)
    assert 0 < counts.accepted < counts.read


def clean(k: int, loan: str) -> dict[str, Any]:
    return {"loan_id": loan, "borrower_id": f"B{k}", "principal": D("5000.00"),
            "disbursed_on": dt.date(2024, 3, 10), "term_months": 12, "method": "bullet",
            "rate": "0.18"}  # fmt: skip


def test_clean_loans_out_of_order_are_placed_by_loan_id_bytewise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = ["L2", "贷1", "L10", "l1", "L1"]
    write_loans(tmp_path / "data", [clean(k, x) for k, x in enumerate(ids)], row_group=2)
    taken, scanned, sql = both_ways(tmp_path / "data", monkeypatch)
    assert taken
    assert_same(tmp_path / "data", scanned, sql)
    assert scanned.loans["loan_id"].to_pylist() == ["L1", "L10", "L2", "l1", "贷1"]
    assert scanned.loans["source_row"].to_pylist() == [5, 3, 1, 4, 2]
    assert scanned.counts["loans"].rejected == 0
    # Defaults of the columns the file leaves out, as the SQL path gives them.
    assert set(scanned.loans["rate_unit"].to_pylist()) == {"annual"}
    assert set(scanned.loans["allocation_order"].to_pylist()) == {ORDER}
    assert set(scanned.loans["penalty_markup"].to_pylist()) == {"0.5"}
    assert set(scanned.loans["upfront_fee_fen"].to_pylist()) == {0}


def test_repeated_loan_ids_are_left_to_the_sql_path_which_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [clean(0, "L1"), clean(1, "L2"), clean(2, " L1"), clean(3, "L3")]
    records[0]["principal"] = D("-1")  # (the first L1 is rejected, the repeat still is too)
    write_loans(tmp_path / "data", records)
    taken, scanned, sql = both_ways(tmp_path / "data", monkeypatch)
    assert not taken
    assert_same(tmp_path / "data", scanned, sql)
    lines = (tmp_path / "data" / "rejects-scan" / "loans.csv").read_text(encoding="utf-8")
    assert "duplicate loan_id (first at loans/part-0.parquet row 1)" in lines or (
        "duplicate loan_id (first at row 1)" in lines
    )
    assert scanned.loans["loan_id"].to_pylist() == ["L2", "L3"]


def test_with_installments_the_loans_are_checked_in_sql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [clean(0, "L1"), clean(1, "L2")]
    write_loans(tmp_path / "data", records)
    due = [dt.date(2024 + (2 + n) // 12, (2 + n) % 12 + 1, 10) for n in range(1, 13)]
    lines = ["loan_id,no,due_on,principal,interest"] + [
        f"L1,{n},{day},{'5000' if n == 12 else '0'},75" for n, day in enumerate(due, 1)
    ]
    (tmp_path / "data" / "installments.csv").write_text("\n".join(lines) + "\n")
    taken, scanned, sql = both_ways(tmp_path / "data", monkeypatch)
    assert not taken
    assert_same(tmp_path / "data", scanned, sql)
    assert scanned.counts["installments"].accepted == 12


def test_a_generated_portfolio_loads_alike_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark generator's portfolio (several files, every column, a few bad rows)."""
    synthesize(3_000, tmp_path / "data", seed=11, as_of=AS_OF, workers=1, chunk_loans=1_000)
    taken, scanned, sql = both_ways(tmp_path / "data", monkeypatch)
    assert taken
    assert_same(tmp_path / "data", scanned, sql)
    assert scanned.counts["loans"].accepted > 2_900


def test_choices_and_rates_not_read_as_dictionaries_are_checked_all_the_same() -> None:
    """The scan reads low-cardinality text as dictionaries; a choice or a rate given to the
    column checks as plain text is checked as such, not as an id (a guard found by review)."""
    rows = {
        "loan_id": ["L1", "L2", "L3", "L4"],
        "borrower_id": ["B1"] * 4,
        "principal": pa.array([D("5000.00")] * 4, pa.decimal128(18, 2)),
        "disbursed_on": pa.array([dt.date(2024, 3, 10)] * 4, pa.date32()),
        "term_months": pa.array([12] * 4, pa.int32()),
        "method": ["bullet", "weekly", "bullet", "bullet"],
        "rate": ["0.18", "0.18", "0.50", "0.18"],
        "rate_unit": [None, None, None, "daily"],  # 0.18 a day: above the annual maximum
    }
    plain = pa.table(rows)
    encoded = pa.table(
        {c: plain[c].dictionary_encode() if c in ("method", "rate", "rate_unit") else plain[c]
         for c in rows}
    )  # fmt: skip
    spec = table("loans")
    for group in (plain, encoded):
        checked = load_module._LoanColumns(group.combine_chunks(), spec, AS_OF)
        assert checked.ok.tolist() == [True, False, False, False]
        assert checked.values["rate_unit"].to_pylist() == ["annual"] * 3 + ["daily"]
