"""Loading a portfolio directory: every row checked, every reject written, counts reconcile.

Each portfolio is written as CSV text in the test (what a lender's extract looks like), and the
Parquet variants are made from it with PyArrow. The rejects are read back from
``rejects/<table>.csv`` as (file, row, field, reason) lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from overdue.errors import InputError, OverdueError
from overdue.portfolio.load import (
    LoadedPortfolio,
    RejectThresholdExceeded,
    TableCounts,
    load_portfolio,
)
from overdue.portfolio.schema import DEFAULT_ALLOCATION_ORDER, LOAN_ORD, NORMALIZED

pytestmark = pytest.mark.integration

AS_OF = dt.date(2026, 11, 20)

LOANS = """\
loan_id,borrower_id,principal,disbursed_on,term_months,method,rate,rate_unit
L1,B1,14000.00,2024-03-10,12,equal-installment,0.024,monthly
L2,B2,5000,2024-06-01,3,bullet,0.18,
L3,B3,-5,2024-03-10,12,equal-installment,0.18,
L4,B4,12.5x,2024-03-10,12,equal-installment,0.18,
L5,B5,1000.00,2025-02-30,12,equal-installment,0.18,
L6,B6,1000.00,2024-03-10,12,balloon,0.18,
L7,,1000.00,2024-03-10,12,bullet,0.18,
L8,B8,1000.005,2024-03-10,12,bullet,0.18,
L1,B9,1.00,2024-01-01,1,bullet,0.1,
"""
PAYMENTS = """\
payment_id,loan_id,paid_on,amount
P1,L1,2024-04-10,1356.57
P2,L1,2024-05-13,1000
P3,L2,2024-07-01,0.5
P4,L99,2024-04-10,10.00
P5,L3,2024-04-10,10.00
P6,L1,2024-03-09,10.00
P1,L2,2024-07-02,1.00
P7,L1,2024-04-11,-1
"""
INSTALLMENTS = """\
loan_id,no,due_on,principal,interest
L2,1,2024-07-01,0,75.00
L2,2,2024-08-01,0,75.00
L2,3,2024-09-01,5000.00,75.00
L99,1,2024-07-01,0,1
"""
EVENTS = """\
event_id,loan_id,on,kind,until,note
E1,L1,2024-09-01,demand,,SMS reminder
E2,L1,2025-01-05,promise,2025-01-31,
E3,L1,2025-02-01,visit,,
E4,L3,2025-02-01,demand,,
"""

# (file, row, field, reason) of every problem above.
EXPECTED_REJECTS = {
    "loans": [
        ("loans.csv", 3, "principal", "must be positive"),
        ("loans.csv", 4, "principal", "not a number"),
        ("loans.csv", 5, "disbursed_on", "impossible date"),
        (
            "loans.csv",
            6,
            "method",
            "unknown repayment method; expected one of equal-installment, equal-principal, "
            "interest-only, bullet",
        ),
        ("loans.csv", 7, "borrower_id", "missing required field"),
        ("loans.csv", 8, "principal", "more than two decimals"),
        ("loans.csv", 9, "loan_id", "duplicate loan_id (first at row 1)"),
    ],
    "payments": [
        ("payments.csv", 4, "loan_id", "unknown loan id"),
        ("payments.csv", 5, "loan_id", "loan rejected: principal: must be positive"),
        ("payments.csv", 6, "paid_on", "before disbursement (2024-03-10)"),
        ("payments.csv", 7, "payment_id", "duplicate payment_id (first at row 1)"),
        ("payments.csv", 8, "amount", "must be positive"),
    ],
    "installments": [("installments.csv", 4, "loan_id", "unknown loan id")],
    "events": [
        (
            "events.csv",
            3,
            "kind",
            "unknown event kind; expected one of demand, acknowledgement, suit, dispute, "
            "dispute_resolved, promise, plan, pause, resume",
        ),
        ("events.csv", 4, "loan_id", "loan rejected: principal: must be positive"),
    ],
}


def write(directory: Path, **tables: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (directory / f"{name}.csv").write_text(text, encoding="utf-8")
    return directory


def as_parquet(source: Path, target: Path, types: dict[str, pa.DataType] | None = None) -> Path:
    """The CSV tables of ``source`` as Parquet files, with the given column types (else text)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.csv")):
        header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        column_types = {name: (types or {}).get(name, pa.string()) for name in header}
        data = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types=column_types, strings_can_be_null=True
            ),
        )
        pq.write_table(data, target / f"{path.stem}.parquet")
    return target


def load(directory: Path, ratio: str = "1", *, lean: bool = False) -> LoadedPortfolio:
    return load_portfolio(
        directory,
        as_of=AS_OF,
        rejects_dir=directory / "rejects",
        max_reject_ratio=Decimal(ratio),
        lean=lean,
    )


def rejects(directory: Path, table: str) -> list[dict[str, str]]:
    path = directory / "rejects" / f"{table}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def problems(directory: Path, table: str) -> list[tuple[str, int, str, str]]:
    return [(r["file"], int(r["row"]), r["field"], r["reason"]) for r in rejects(directory, table)]


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    return write(
        tmp_path / "messy",
        loans=LOANS,
        payments=PAYMENTS,
        installments=INSTALLMENTS,
        events=EVENTS,
    )


def test_every_bad_row_lands_in_rejects_with_its_file_row_field_and_reason(messy: Path) -> None:
    load(messy)
    for table, expected in EXPECTED_REJECTS.items():
        assert problems(messy, table) == expected, table


def test_counts_reconcile_and_count_a_row_with_several_problems_once(tmp_path: Path) -> None:
    d = write(
        tmp_path,
        loans="loan_id,borrower_id,principal,disbursed_on,term_months,method,rate\n"
        "L1,,-1,2025-13-01,0,balloon,18%\n"
        "L2,B2,100,2024-01-01,1,bullet,0.1\n",
        payments="payment_id,loan_id,paid_on,amount\n",
    )
    got = load(d)
    assert got.counts["loans"] == TableCounts(read=2, accepted=1, rejected=1)
    assert got.counts["payments"] == TableCounts(0, 0, 0)
    assert got.total == TableCounts(2, 1, 1)
    assert [p[2:] for p in problems(d, "loans")] == [
        ("borrower_id", "missing required field"),
        ("principal", "must be positive"),
        ("disbursed_on", "impossible date"),
        ("term_months", "out of range 1 .. 360"),
        (
            "method",
            "unknown repayment method; expected one of equal-installment, equal-principal, "
            "interest-only, bullet",
        ),
        ("rate", "a percentage: write a decimal fraction (18% is 0.18)"),
    ]
    summary = json.loads((d / "rejects" / "summary.json").read_text(encoding="utf-8"))
    assert summary["tables"]["loans"] == {
        "files": ["loans.csv"],
        "read": 2,
        "accepted": 1,
        "rejected": 1,
        "reject_ratio": "0.500000",
    }
    assert summary["total"]["read"] == 2
    assert summary["passed"] is True


def test_the_messy_portfolio_counts(messy: Path) -> None:
    got = load(messy)
    assert dict(got.counts) == {
        "loans": TableCounts(9, 2, 7),
        "payments": TableCounts(8, 3, 5),
        "installments": TableCounts(4, 3, 1),
        "events": TableCounts(4, 2, 2),
    }


def test_accepted_tables_are_exactly_the_good_rows_in_fen_and_date32(messy: Path) -> None:
    got = load(messy)
    assert got.loans.schema == NORMALIZED["loans"]
    loans = got.loans.to_pylist()
    assert [(r["loan_id"], r["principal_fen"], r["source_row"]) for r in loans] == [
        ("L1", 1_400_000, 1),
        ("L2", 500_000, 2),
    ]
    first = loans[0]
    assert first["disbursed_on"] == dt.date(2024, 3, 10)
    assert (first["rate"], first["rate_unit"], first["day_count"]) == (
        "0.024",
        "monthly",
        "ACT/360",
    )
    assert (first["penalty_markup"], first["penalty_rate"], first["late_fee_rate"]) == (
        "0.5", None, "0",
    )  # fmt: skip
    assert first["allocation_order"] == DEFAULT_ALLOCATION_ORDER
    assert (first["allocation_by"], first["lender_type"], first["compound"]) == (
        "component", "licensed", False,
    )  # fmt: skip
    assert first["signed_on"] is None
    assert loans[1]["rate_unit"] == "annual"  # an empty optional cell takes the default

    # Child rows end with loan_ord: their loan's position in the accepted loans (L1 0, L2 1).
    assert got.payments.schema == NORMALIZED["payments"].append(LOAN_ORD)
    assert got.payments.to_pylist() == [
        {"payment_id": "P1", "loan_id": "L1", "paid_on": dt.date(2024, 4, 10), "amount_fen": 135657,
         "loan_ord": 0},
        {"payment_id": "P2", "loan_id": "L1", "paid_on": dt.date(2024, 5, 13), "amount_fen": 100000,
         "loan_ord": 0},
        {"payment_id": "P3", "loan_id": "L2", "paid_on": dt.date(2024, 7, 1), "amount_fen": 50,
         "loan_ord": 1},
    ]  # fmt: skip
    assert got.installments.schema == NORMALIZED["installments"].append(LOAN_ORD)
    assert [
        (r["loan_id"], r["no"], r["principal_fen"], r["interest_fen"], r["service_fee_fen"],
         r["loan_ord"])
        for r in got.installments.to_pylist()
    ] == [("L2", 1, 0, 7500, 0, 1), ("L2", 2, 0, 7500, 0, 1), ("L2", 3, 500_000, 7500, 0, 1)]  # fmt: skip
    assert got.events.schema == NORMALIZED["events"].append(LOAN_ORD)
    assert got.events.to_pylist() == [
        {"event_id": "E1", "loan_id": "L1", "on": dt.date(2024, 9, 1), "kind": "demand",
         "until": None, "note": "SMS reminder", "loan_ord": 0},
        {"event_id": "E2", "loan_id": "L1", "on": dt.date(2025, 1, 5), "kind": "promise",
         "until": dt.date(2025, 1, 31), "note": None, "loan_ord": 0},
    ]  # fmt: skip

    # The lean tables of the nightly kernel: the same rows, payments without their ids, the
    # loans' low-cardinality text dictionary-encoded, child rows in no particular order.
    lean = load(messy, lean=True)
    assert lean.counts == got.counts
    assert lean.loans.cast(NORMALIZED["loans"]).equals(got.loans)
    assert pa.types.is_dictionary(lean.loans.schema.field("allocation_order").type)
    assert lean.payments.column_names == ["paid_on", "amount_fen", "loan_ord"]
    assert sorted(lean.payments.to_pylist(), key=lambda r: (r["loan_ord"], r["paid_on"])) == [
        {k: r[k] for k in ("paid_on", "amount_fen", "loan_ord")} for r in got.payments.to_pylist()
    ]
    assert sorted(lean.installments.to_pylist(), key=lambda r: r["no"]) == sorted(
        got.installments.to_pylist(), key=lambda r: r["no"]
    )
    assert lean.events.column_names == ["on", "kind", "loan_ord"]
    assert sorted(lean.events.to_pylist(), key=lambda r: r["on"]) == [
        {k: r[k] for k in ("on", "kind", "loan_ord")} for r in got.events.to_pylist()
    ]


def test_a_reject_line_carries_the_cell_and_the_raw_row(messy: Path) -> None:
    load(messy)
    line = next(r for r in rejects(messy, "loans") if r["row"] == "4")
    assert line["value"] == "12.5x"
    assert line["line"] == "5"  # the header is line 1
    assert json.loads(line["raw"]) == {
        "loan_id": "L4", "borrower_id": "B4", "principal": "12.5x",
        "disbursed_on": "2024-03-10", "term_months": "12", "method": "equal-installment",
        "rate": "0.18", "rate_unit": None,
    }  # fmt: skip


def test_csv_and_typed_parquet_give_identical_accepted_tables(tmp_path: Path) -> None:
    good_loans = "".join(LOANS.splitlines(keepends=True)[:3])
    good_payments = "".join(PAYMENTS.splitlines(keepends=True)[:4])
    csv_dir = write(
        tmp_path / "csv",
        loans=good_loans,
        payments=good_payments,
        installments="".join(INSTALLMENTS.splitlines(keepends=True)[:4]),
        events="".join(EVENTS.splitlines(keepends=True)[:3]),
    )
    types = {
        "principal": pa.decimal128(18, 2),
        "amount": pa.decimal128(18, 2),
        "interest": pa.decimal128(18, 2),
        "disbursed_on": pa.date32(),
        "paid_on": pa.date32(),
        "due_on": pa.date32(),
        "on": pa.date32(),
        "until": pa.date32(),
        "term_months": pa.int32(),
        "no": pa.int16(),
        "rate": pa.decimal128(12, 6),
    }
    parquet_dir = as_parquet(csv_dir, tmp_path / "parquet", types)
    assert (
        pq.read_schema(parquet_dir / "loans.parquet").field("principal").type == types["principal"]
    )
    a, b = load(csv_dir), load(parquet_dir)
    for name in ("loans", "payments", "installments", "events"):
        assert getattr(a, name).equals(getattr(b, name)), name
    assert a.counts == b.counts
    assert a.loans["rate"].to_pylist() == ["0.024", "0.18"]


def test_csv_and_text_parquet_give_the_same_rejects(messy: Path, tmp_path: Path) -> None:
    parquet_dir = as_parquet(messy, tmp_path / "pq")
    a, b = load(messy), load(parquet_dir)
    for name in ("loans", "payments", "installments", "events"):
        assert getattr(a, name).equals(getattr(b, name)), name
        assert [(p[0].replace(".csv", ".parquet"), *p[1:]) for p in problems(messy, name)] == (
            problems(parquet_dir, name)
        )
    assert all(r["line"] == "" for r in rejects(parquet_dir, "loans"))


def test_a_float_parquet_amount_column_is_a_file_level_error(tmp_path: Path) -> None:
    d = tmp_path / "p"
    d.mkdir()
    pq.write_table(
        pa.table({"payment_id": ["P1"], "loan_id": ["L1"], "paid_on": ["2024-04-10"],
                  "amount": pa.array([12.5], pa.float64())}),
        d / "payments.parquet",
    )  # fmt: skip
    write(d, loans=LOANS)
    with pytest.raises(InputError) as err:
        load(d)
    assert err.value.source == "payments.parquet"
    assert err.value.field == "amount"
    assert err.value.message.startswith("floating-point column refused for an amount column: ")
    assert not (d / "rejects").exists()  # nothing is written for a file-level error


@pytest.mark.parametrize(
    ("tables", "field", "message"),
    [
        ({"payments": PAYMENTS}, "loans", "required table missing"),
        ({"loans": LOANS}, "payments", "required table missing"),
        (
            {"loans": LOANS.replace("rate_unit", "rate_unti"), "payments": PAYMENTS},
            "rate_unti",
            "not a column of loans",
        ),
        (
            {"loans": LOANS.replace(",method,", ",methods,"), "payments": PAYMENTS},
            "methods",
            "not a column of loans",
        ),
        ({"loans": "loan_id,borrower_id\nL1,B1\n", "payments": PAYMENTS}, "principal", "missing"),
        ({"loans": LOANS, "payments": PAYMENTS, "event": EVENTS}, "(file)", "not a portfolio"),
    ],
)
def test_file_level_problems_stop_the_load_naming_the_file_and_column(
    tmp_path: Path, tables: dict[str, str], field: str, message: str
) -> None:
    write(tmp_path, **tables)
    with pytest.raises(InputError) as err:
        load(tmp_path)
    assert err.value.field == field
    assert message in err.value.message


def test_a_table_given_twice_is_refused(tmp_path: Path) -> None:
    write(tmp_path, loans=LOANS, payments=PAYMENTS)
    as_parquet(tmp_path, tmp_path / "pq")
    (tmp_path / "pq" / "loans.parquet").rename(tmp_path / "loans.parquet")
    with pytest.raises(InputError, match="given twice"):
        load(tmp_path)


def test_the_threshold_fails_the_load_only_above_the_ratio(tmp_path: Path) -> None:
    rows = [f"L{k},B{k},100.00,2024-01-01,1,bullet,0.1" for k in range(1, 21)]
    header = "loan_id,borrower_id,principal,disbursed_on,term_months,method,rate\n"
    pays = "payment_id,loan_id,paid_on,amount\n"
    one_bad = write(
        tmp_path / "one",
        loans=header + "\n".join([*rows[:19], "L20,B20,x,2024-01-01,1,bullet,0.1"]) + "\n",
        payments=pays,
    )
    assert load(one_bad, "0.05").counts["loans"] == TableCounts(20, 19, 1)  # exactly 5 %: passes

    two_bad = write(
        tmp_path / "two",
        loans=header + "\n".join([*rows[:18], "L19,B19,x,2024-01-01,1,bullet,0.1",
                                  "L20,B20,x,2024-01-01,1,bullet,0.1"]) + "\n",
        payments=pays,
    )  # fmt: skip
    with pytest.raises(RejectThresholdExceeded) as err:
        load(two_bad, "0.05")
    assert isinstance(err.value, OverdueError)
    assert err.value.over == ("total", "loans")
    assert "2 of 20 rows rejected" in str(err.value)
    assert err.value.common == {"loans": "principal: not a number (2 rows)"}
    assert "(0.100000; most often principal: not a number (2 rows))" in str(err.value)
    assert str(two_bad / "rejects") in str(err.value)
    # The rejects are written before the load fails.
    assert len(problems(two_bad, "loans")) == 2
    summary = json.loads((two_bad / "rejects" / "summary.json").read_text(encoding="utf-8"))
    assert summary["passed"] is False
    assert load(two_bad, "0.1").counts["loans"].rejected == 2


def test_one_broken_table_fails_the_load_even_when_the_total_is_low(tmp_path: Path) -> None:
    rows = "".join(f"L{k},B{k},100.00,2024-01-01,1,bullet,0.1\n" for k in range(100))
    d = write(
        tmp_path,
        loans="loan_id,borrower_id,principal,disbursed_on,term_months,method,rate\n" + rows,
        payments="payment_id,loan_id,paid_on,amount\n",
        events="event_id,loan_id,on,kind\nE1,L1,2024-02-01,催收\nE2,L2,2024-02-01,demand\n",
    )
    with pytest.raises(RejectThresholdExceeded) as err:
        load(d, "0.05")
    assert err.value.over == ("events",)
    assert err.value.common["events"].startswith("kind: unknown event kind; expected one of ")
    assert err.value.common["events"].endswith(" (1 row)")


def test_row_numbers_survive_ragged_and_blank_lines(tmp_path: Path) -> None:
    d = write(
        tmp_path,
        loans=LOANS,
        payments="payment_id,loan_id,paid_on,amount\n"
        "P1,L1,2024-04-10,1.00\n"
        "P2,L1,2024-04-10\n"
        "\n"
        "P3,L1,2024-04-10,x\n"
        "P4,L1,2024-04-11,2.00,extra\n"
        "P5,L1,2024-04-12,3.00\n",
    )
    got = load(d)
    assert got.counts["payments"] == TableCounts(5, 2, 3)
    assert [(r["row"], r["line"], r["field"], r["reason"]) for r in rejects(d, "payments")] == [
        ("2", "", "(row)", "expected 4 columns, found 3"),
        ("3", "", "amount", "not a number"),
        ("4", "", "(row)", "expected 4 columns, found 5"),
    ]  # a blank line is not a record, so `line` is not given for this file
    assert got.payments["payment_id"].to_pylist() == ["P1", "P5"]


def test_a_quote_never_closed_is_a_file_level_error_not_a_swallowed_tail(tmp_path: Path) -> None:
    """A stray quote makes every later line part of one value: in the middle column the rest
    of the file became one reject, in the last column one accepted note; either way the
    records after it were counted nowhere. The load stops, naming the file and the row."""
    tail = "".join(f"P{k},L1,2024-04-{k:02d},1.00\n" for k in range(3, 20))
    d = write(
        tmp_path / "middle",
        loans=LOANS,
        payments='payment_id,loan_id,paid_on,amount\nP1,L1,2024-04-01,1.00\nP2,"L1,2024-04-02,1.00\n'
        + tail,
    )
    with pytest.raises(InputError) as err:
        load(d)
    assert err.value.source == "payments.csv"
    assert "row 2: a quote opened here is never closed, so the 17 records" in str(err.value)
    events = (
        EVENTS
        + 'E5,L1,2025-03-01,demand,,"called\n'
        + "".join(f"E{k},L1,2025-03-{k:02d},demand,,\n" for k in range(6, 12))
    )
    d = write(tmp_path / "last", loans=LOANS, payments=PAYMENTS, events=events)
    with pytest.raises(InputError) as err:
        load(d)
    assert err.value.source == "events.csv"
    assert "row 5: a quote opened here is never closed, so the 6 records" in str(err.value)


def test_a_quoted_value_over_several_lines_is_still_one_value(tmp_path: Path) -> None:
    """Closed quotes around lines of text, even lines with as many commas as a record has
    (an address, amounts), are one value: only a line that reads as a whole record of the
    table (a date where the table has its required date) marks a quote left open."""
    notes = [
        "called twice\nno answer, left a message",
        "promised to pay\nin parts: 1,000, 2,000, 3,000, 4,000, 5,000",
        "visited\nBeijing, Chaoyang, Jianguo Rd, No. 1, Bldg 2",
    ]
    events = EVENTS + "".join(
        f'E{5 + k},L1,2025-03-0{1 + k},demand,,"{note}"\n' for k, note in enumerate(notes)
    )
    got = load(write(tmp_path, loans=LOANS, payments=PAYMENTS, events=events))
    assert set(notes) <= set(got.events["note"].to_pylist())


def test_swallowed_records_are_found_however_their_fields_are_written(tmp_path: Path) -> None:
    """Spaces around fields, 2024/04/03, a trailing comma: still records of the table."""
    for k, tail in enumerate(
        ["P9, L1, 2024-04-03, 1.00\n", "P9,L1,2024/04/03,1.00\n", "P9,L1,2024-04-03,1.00,\n"]
    ):
        payments = PAYMENTS + 'P8,"L1,2024-04-12,1.00\n' + tail
        with pytest.raises(InputError, match="the record after it reads"):
            load(write(tmp_path / str(k), loans=LOANS, payments=payments))


def test_one_record_swallowed_by_a_quote_is_named_in_the_singular(tmp_path: Path) -> None:
    payments = PAYMENTS + 'P8,"L1,2024-04-12,1.00\nP9,L1,2024-04-13,1.00\n'
    with pytest.raises(InputError, match="so the record after it reads as part of one value"):
        load(write(tmp_path, loans=LOANS, payments=payments))


def test_a_table_may_be_a_directory_of_files_with_rows_counted_per_file(tmp_path: Path) -> None:
    d = write(tmp_path, loans=LOANS)
    write(
        d / "payments",
        **{
            "part-0": "payment_id,loan_id,paid_on,amount\nP1,L1,2024-04-10,1.00\n",
            "part-1": "payment_id,loan_id,amount,paid_on\nP2,L1,2.00,2024-04-11\nP1,L1,3.00,2024-04-12\n",
        },
    )
    (d / "payments" / "_SUCCESS").write_text("")
    got = load(d)
    assert got.payments["amount_fen"].to_pylist() == [100, 200]
    assert problems(d, "payments") == [
        (
            "payments/part-1.csv",
            2,
            "payment_id",
            "duplicate payment_id (first at payments/part-0.csv row 1)",
        )
    ]
    assert sorted(got.checksums) == ["loans.csv", "payments/part-0.csv", "payments/part-1.csv"]


def test_checksums_are_the_sha256_of_each_input_file(messy: Path) -> None:
    got = load(messy)
    assert dict(got.checksums) == {
        name: hashlib.sha256((messy / name).read_bytes()).hexdigest()
        for name in ("events.csv", "installments.csv", "loans.csv", "payments.csv")
    }


def test_an_incomplete_schedule_rejects_the_loan_and_everything_that_refers_to_it(
    tmp_path: Path,
) -> None:
    d = write(
        tmp_path,
        loans=LOANS,
        payments=PAYMENTS,
        installments="loan_id,no,due_on,principal,interest\n"
        "L2,1,2024-07-01,0,75.00\n"
        "L2,2,2024-08-01,0,-75.00\n"
        "L2,3,2024-09-01,5000.00,75.00\n",
    )
    got = load(d)
    assert got.loans["loan_id"].to_pylist() == ["L1"]
    reason = "installments: schedule incomplete: 2 of 3 installments accepted"
    assert ("loans.csv", 2, "installments", reason) in problems(d, "loans")
    assert problems(d, "installments") == [
        ("installments.csv", 1, "loan_id", f"loan rejected: {reason}"),
        ("installments.csv", 2, "interest", "must not be negative"),
        ("installments.csv", 2, "loan_id", f"loan rejected: {reason}"),
        ("installments.csv", 3, "loan_id", f"loan rejected: {reason}"),
    ]
    assert ("payments.csv", 3, "loan_id", f"loan rejected: {reason}") in problems(d, "payments")
    assert got.installments.num_rows == 0


def test_a_schedule_must_sum_to_the_principal_and_have_increasing_due_dates(
    tmp_path: Path,
) -> None:
    d = write(
        tmp_path,
        loans=LOANS,
        payments="payment_id,loan_id,paid_on,amount\n",
        installments="loan_id,no,due_on,principal,interest\n"
        "L1,1,2024-04-10,1000.00,0\n"
        + "".join(
            f"L1,{k},{2024 + (k + 2) // 12}-{(k + 2) % 12 + 1:02d}-10,1000.00,0\n"
            for k in range(2, 13)
        )
        + "L2,1,2024-07-01,0,75.00\nL2,2,2024-09-01,0,75.00\nL2,3,2024-08-01,5000.00,75.00\n",
    )
    got = load(d)
    assert got.loans.num_rows == 0
    assert [p[2:] for p in problems(d, "loans") if p[2] == "installments"] == [
        ("installments", "installments: principal sums to 12000.00, not the loan's 14000.00"),
        ("installments", "installments: due dates not increasing with no"),
    ]


def test_spaces_defaults_and_canonical_forms(tmp_path: Path) -> None:
    d = write(
        tmp_path,
        loans="loan_id,borrower_id,principal,disbursed_on,term_months,method,rate,penalty_markup,"
        "compound,late_fee_min,allocation_order,allocation_by,lender_type,signed_on\n"
        ' L1 ,B1," 100.5 ",2024-01-01, 012 ,bullet,0.180,.5,TRUE,30,'
        '"principal, interest,compound,penalty,service_fee,late_fee",installment,private,'
        "2023-12-30\n",
        payments="payment_id,loan_id,paid_on,amount\nP1,L1 , 2024-02-01 ,12.500\n",
    )
    got = load(d)
    assert problems(d, "loans") == [("loans.csv", 1, "penalty_markup", "not a number")]
    d2 = write(tmp_path / "ok", loans=(d / "loans.csv").read_text().replace(",.5,", ",0.50,"),
               payments=(d / "payments.csv").read_text())  # fmt: skip
    got = load(d2)
    (loan,) = got.loans.to_pylist()
    assert (loan["loan_id"], loan["principal_fen"], loan["term_months"]) == ("L1", 10050, 12)
    assert (loan["rate"], loan["penalty_markup"], loan["compound"]) == ("0.18", "0.5", True)
    assert loan["allocation_order"] == "principal,interest,compound,penalty,service_fee,late_fee"
    assert (loan["late_fee_min_fen"], loan["lender_type"]) == (3000, "private")
    assert loan["signed_on"] == dt.date(2023, 12, 30)
    assert got.payments.to_pylist() == [
        {"payment_id": "P1", "loan_id": "L1", "paid_on": dt.date(2024, 2, 1), "amount_fen": 1250,
         "loan_ord": 0}
    ]  # fmt: skip


def test_the_same_rows_in_another_order_give_the_same_tables(messy: Path, tmp_path: Path) -> None:
    def shuffled(text: str) -> str:
        head, *rows = text.splitlines(keepends=True)
        return head + "".join(reversed(rows))

    other = write(
        tmp_path / "reversed",
        # Without the duplicates: in reverse order the other copy would be the first.
        loans=shuffled(LOANS.replace("L1,B9,1.00,2024-01-01,1,bullet,0.1,\n", "")),
        payments=shuffled(PAYMENTS.replace("P1,L2,2024-07-02,1.00\n", "")),
        installments=shuffled(INSTALLMENTS),
        events=shuffled(EVENTS),
    )
    a, b = load(messy), load(other)
    for name in ("payments", "installments", "events"):
        assert getattr(a, name).equals(getattr(b, name)), name
    assert a.loans.drop_columns(["source_row"]).equals(b.loans.drop_columns(["source_row"]))


def test_a_stale_rejects_file_from_an_earlier_run_is_removed(messy: Path) -> None:
    load(messy)
    assert (messy / "rejects" / "payments.csv").exists()
    (messy / "payments.csv").write_text("payment_id,loan_id,paid_on,amount\n", encoding="utf-8")
    (messy / "events.csv").unlink()
    got = load(messy)
    assert got.events.num_rows == 0
    assert got.events.schema == NORMALIZED["events"].append(LOAN_ORD)
    assert not (messy / "rejects" / "payments.csv").exists()
    assert not (messy / "rejects" / "events.csv").exists()


def test_dates_after_the_as_of_date_and_before_2000_are_rejected(tmp_path: Path) -> None:
    d = write(
        tmp_path,
        loans="loan_id,borrower_id,principal,disbursed_on,term_months,method,rate\n"
        "L1,B1,100,1999-12-31,1,bullet,0.1\nL2,B2,100,2026-11-21,1,bullet,0.1\n"
        "L3,B3,100,2026-11-20,1,bullet,0.9\n",
        payments="payment_id,loan_id,paid_on,amount\nP1,L3,2026-11-21,1\n",
        events="event_id,loan_id,on,kind,until\nE1,L3,2026-11-20,demand,2026-12-01\n"
        "E2,L3,2026-11-20,pause,2026-11-19\n",
    )
    load(d)
    assert problems(d, "loans") == [
        ("loans.csv", 1, "disbursed_on", "before 2000-01-01"),
        ("loans.csv", 2, "disbursed_on", "after the as-of date 2026-11-20"),
    ]
    assert problems(d, "payments") == [
        ("payments.csv", 1, "paid_on", "after the as-of date 2026-11-20")
    ]
    assert problems(d, "events") == [
        ("events.csv", 1, "until", "only for promise, plan, pause"),
        ("events.csv", 2, "until", "before on"),
    ]


def test_a_monthly_rate_above_1000_percent_a_year_is_rejected(tmp_path: Path) -> None:
    d = write(
        tmp_path,
        loans="loan_id,borrower_id,principal,disbursed_on,term_months,method,rate,rate_unit,day_count\n"
        "L1,B1,100,2024-01-01,1,bullet,0.9,monthly,\n"
        "L2,B2,100,2024-01-01,1,bullet,0.03,daily,ACT/365\n"
        "L3,B3,100,2024-01-01,1,bullet,0.0273,daily,ACT/365\n"
        "L4,B4,100,2024-01-01,1,bullet,0.1234567,annual,\n",
        payments="payment_id,loan_id,paid_on,amount\n",
    )
    got = load(d)
    assert got.loans["loan_id"].to_pylist() == ["L3"]
    assert problems(d, "loans") == [
        ("loans.csv", 1, "rate", "annual rate above 10 (1000 %)"),
        ("loans.csv", 2, "rate", "annual rate above 10 (1000 %)"),
        ("loans.csv", 4, "rate", "more than six decimals"),
    ]


def test_a_withheld_upfront_fee_must_be_less_than_the_principal(tmp_path: Path) -> None:
    """民法典 Art. 670: a fee withheld from the amount paid out leaves principal - fee lent, so
    the fee must be below the principal; paid separately, any fee is accepted."""
    d = write(
        tmp_path,
        loans="loan_id,borrower_id,principal,disbursed_on,term_months,method,rate,"
        "upfront_fee,upfront_fee_deducted\n"
        "L1,B1,100,2024-01-01,1,bullet,0.1,100,true\n"
        "L2,B2,100,2024-01-01,1,bullet,0.1,99.99,true\n"
        "L3,B3,100,2024-01-01,1,bullet,0.1,100,false\n"
        "L4,B4,100,2024-01-01,1,bullet,0.1,3,\n"
        "L5,B5,100,2024-01-01,1,bullet,0.1,3,yes\n",
        payments="payment_id,loan_id,paid_on,amount\n",
    )
    got = load(d)
    assert got.loans.select(["loan_id", "upfront_fee_deducted"]).to_pylist() == [
        {"loan_id": "L2", "upfront_fee_deducted": True},
        {"loan_id": "L3", "upfront_fee_deducted": False},
        {"loan_id": "L4", "upfront_fee_deducted": False},
    ]
    [(file, row, field, reason), bad_flag] = problems(d, "loans")
    assert (file, row, field) == ("loans.csv", 1, "upfront_fee")
    assert "less than" in reason
    assert bad_flag[:3] == ("loans.csv", 5, "upfront_fee_deducted")


def test_integer_ids_in_parquet_are_read_as_text(tmp_path: Path) -> None:
    pq.write_table(
        pa.table({"loan_id": pa.array([7], pa.int64()), "borrower_id": ["B7"],
                  "principal": pa.array([100], pa.int32()), "disbursed_on": ["2024-01-01"],
                  "term_months": [1], "method": ["bullet"], "rate": ["0.1"]}),
        tmp_path / "loans.parquet",
    )  # fmt: skip
    write(tmp_path, payments="payment_id,loan_id,paid_on,amount\nP1,7,2024-02-01,1\n")
    got = load(tmp_path)
    assert got.loans.select(["loan_id", "principal_fen"]).to_pylist() == [
        {"loan_id": "7", "principal_fen": 10000}
    ]
    assert got.payments["loan_id"].to_pylist() == ["7"]


NOT_UTF8 = (
    "not UTF-8 text (files must be UTF-8 throughout; a GBK export can be converted with: "
    "iconv -f GBK -t UTF-8)"
)


def test_a_csv_in_gbk_has_its_rows_with_chinese_text_rejected_and_the_rest_read(
    tmp_path: Path,
) -> None:
    """A whole file exported as GBK: its ASCII header and rows read as they are; each row
    with Chinese text is a reject naming its column, with the bytes as read and how to convert
    the file (PyArrow's reader stopped the whole run at the first such row)."""
    write(tmp_path, payments=PAYMENTS)
    text = LOANS.replace("L2,B2,", "L2,借款人,")
    assert text != LOANS
    (tmp_path / "loans.csv").write_bytes(text.encode("gb18030"))
    got = load(tmp_path)
    read = LOANS.count("\n") - 1
    assert got.counts["loans"].read == read
    assert got.counts["loans"].accepted + got.counts["loans"].rejected == read
    assert "L2" not in got.loans["loan_id"].to_pylist()
    (l2,) = [r for r in rejects(tmp_path, "loans") if r["row"] == "2"]
    assert (l2["file"], l2["line"], l2["field"], l2["reason"]) == (
        "loans.csv", "3", "borrower_id", NOT_UTF8,
    )  # fmt: skip
    assert l2["value"] == "".join(f"\\x{b:02x}" for b in "借款人".encode("gb18030"))
    assert json.loads(l2["raw"])["loan_id"] == "L2"
    # the same loans written as UTF-8 read L2, the other rejects unchanged
    others = [r for r in rejects(tmp_path, "loans") if r["row"] != "2"]
    (tmp_path / "loans.csv").write_bytes(text.encode("utf-8"))
    again = load(tmp_path)
    assert "L2" in again.loans["loan_id"].to_pylist()
    assert [r for r in rejects(tmp_path, "loans") if r["row"] != "2"] == others


def _with_bytes(values: list[bytes]) -> pa.Array:
    """A string array holding exactly these bytes (PyArrow writes and reads them unchecked)."""
    offsets = np.cumsum([0, *map(len, values)], dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(),
        len(values),
        [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(values))],
    )


@pytest.mark.parametrize("lean", [False, True])
def test_parquet_text_that_is_not_utf8_is_a_reject_naming_column_and_row(
    tmp_path: Path, lean: bool
) -> None:
    """PyArrow writes and reads such text unchecked; DuckDB refuses the whole file. The row is
    rejected and the others are read."""
    write(tmp_path, loans="".join(LOANS.splitlines(keepends=True)[:3]))
    pq.write_table(
        pa.table({
            "payment_id": _with_bytes([b"P1", b"P\xff2", b"P3"]), "loan_id": ["L1", "L1", "L2"],
            "paid_on": pa.array([dt.date(2024, 7, 10)] * 3, pa.date32()),
            "amount": pa.array([Decimal("1.00")] * 3, pa.decimal128(18, 2)),
        }),
        tmp_path / "payments.parquet",
    )  # fmt: skip
    got = load(tmp_path, lean=lean)
    assert got.counts["payments"] == TableCounts(read=3, accepted=2, rejected=1)
    assert problems(tmp_path, "payments") == [("payments.parquet", 2, "payment_id", NOT_UTF8)]
    (row,) = rejects(tmp_path, "payments")
    assert row["value"] == "P\\xff2"
    assert json.loads(row["raw"]) == {
        "payment_id": "P\\xff2", "loan_id": "L1", "paid_on": "2024-07-10", "amount": "1.00",
    }  # fmt: skip
    assert got.payments.num_rows == 2


def test_a_csv_line_that_is_not_utf8_is_a_reject_naming_its_line_and_column(
    tmp_path: Path,
) -> None:
    # GBK-encoded text in an otherwise UTF-8 file: that row is rejected (its line and column
    # named, with how to convert the file); the rows after it are read.
    write(tmp_path, loans=LOANS)
    (tmp_path / "payments.csv").write_bytes(
        PAYMENTS.encode("utf-8")
        + b"P10,L1,2024-06-11,"
        + "张三".encode("gbk")  # (some GBK text happens to be valid UTF-8: not this)
        + b"\nP11,L1,2024-06-12,10.00\n"
    )
    got = load(tmp_path)
    rows = PAYMENTS.count("\n")  # the header and the rows: P10 is the next record
    assert ("payments.csv", rows, "amount", NOT_UTF8) in problems(tmp_path, "payments")
    (bad,) = [r for r in rejects(tmp_path, "payments") if r["reason"] == NOT_UTF8]
    assert bad["line"] == str(rows + 1)
    assert got.counts["payments"].read == rows + 1
    assert "P11" in got.payments["payment_id"].to_pylist()
    assert "P10" not in got.payments["payment_id"].to_pylist()
    (tmp_path / "payments.csv").write_bytes("payment_id,loan_id,paid_on,金额\n".encode("gbk"))
    with pytest.raises(InputError) as err:
        load(tmp_path)
    assert (err.value.source, err.value.field, err.value.message) == (
        "payments.csv", "(file)", f"line 1 (the header): {NOT_UTF8}",
    )  # fmt: skip


@pytest.mark.parametrize("lean", [False, True])
def test_parquet_loans_text_that_is_not_utf8_is_the_same_reject_every_time(
    tmp_path: Path, lean: bool
) -> None:
    """DuckDB's refusal reached the load either as itself or, when it arose while PyArrow read
    DuckDB's batches, wrapped in an OSError (which escaped as a traceback about a third of the
    time; found by a review). Loaded eight times: the same reject each time."""
    write(tmp_path, payments="payment_id,loan_id,paid_on,amount\n")
    loans = pa.table({
        "loan_id": _with_bytes([b"L0", b"L1", b"L2", b"L\x80"]), "borrower_id": ["B1"] * 4,
        "principal": pa.array([Decimal("5000.00")] * 4, pa.decimal128(18, 2)),
        "disbursed_on": pa.array([dt.date(2024, 3, 10)] * 4, pa.date32()),
        "term_months": pa.array([12] * 4, pa.int32()), "method": ["bullet"] * 4,
        "rate": ["0.18"] * 4,
    })  # fmt: skip
    pq.write_table(loans, tmp_path / "loans.parquet", row_group_size=2)
    for _ in range(8):
        got = load(tmp_path, lean=lean)
        assert got.counts["loans"] == TableCounts(read=4, accepted=3, rejected=1)
        assert problems(tmp_path, "loans") == [("loans.parquet", 4, "loan_id", NOT_UTF8)]


@pytest.mark.parametrize("lean", [False, True])
def test_whole_numbers_beyond_32_bits_are_rejected_as_out_of_range(
    tmp_path: Path, lean: bool
) -> None:
    """A term or an installment number beyond INTEGER (typed Parquet int64, or CSV text) is a
    reject, not a failure of DuckDB's cast for the whole table (found by a review)."""
    loans = pa.table({
        "loan_id": ["L1", "L2", "L3", "L4"], "borrower_id": ["B1"] * 4,
        "principal": pa.array([Decimal("5000.00")] * 4, pa.decimal128(18, 2)),
        "disbursed_on": pa.array([dt.date(2024, 3, 10)] * 4, pa.date32()),
        "term_months": pa.array([12, 2**31, -(2**31) - 1, 2**63 - 1], pa.int64()),
        "method": ["bullet"] * 4, "rate": ["0.18"] * 4,
    })  # fmt: skip
    pq.write_table(loans, tmp_path / "loans.parquet")
    write(
        tmp_path,
        payments="payment_id,loan_id,paid_on,amount\n",
        installments="loan_id,no,due_on,principal,interest\nL1,3000000000,2024-04-10,1.00,0\n",
    )
    got = load(tmp_path, lean=lean)
    assert got.counts["loans"] == TableCounts(read=4, accepted=0, rejected=4)
    lines = (tmp_path / "rejects" / "loans.csv").read_text(encoding="utf-8")
    # L1's one installment is rejected, so its schedule is incomplete
    assert "loans.parquet,1,,installments,installments: schedule incomplete: 0 of 12" in lines
    for row in (2, 3, 4):
        assert f"loans.parquet,{row},,term_months,out of range 1 .. 360," in lines
    lines = (tmp_path / "rejects" / "installments.csv").read_text(encoding="utf-8")
    assert "installments.csv,1,2,no,out of range 1 .. 360,3000000000," in lines


def test_parquet_decimals_with_more_places_are_accepted_only_when_exact(tmp_path: Path) -> None:
    pq.write_table(
        pa.table({
            "loan_id": ["L1", "L2", "L3"], "borrower_id": ["B1", "B2", "B3"],
            "principal": pa.array([Decimal("100.1000"), Decimal("100.1234"), Decimal("5")],
                                  pa.decimal128(18, 4)),
            "disbursed_on": pa.array([dt.date(2024, 1, 1)] * 3, pa.date32()),
            "term_months": pa.array([1, 1, 1], pa.int8()), "method": ["bullet"] * 3,
            "rate": pa.array([Decimal("0.18000000"), Decimal("0.1"), Decimal("0.123456789")],
                             pa.decimal128(12, 9)),
        }),
        tmp_path / "loans.parquet",
    )  # fmt: skip
    write(tmp_path, payments="payment_id,loan_id,paid_on,amount\n")
    got = load(tmp_path)
    assert got.loans.select(["loan_id", "principal_fen", "rate"]).to_pylist() == [
        {"loan_id": "L1", "principal_fen": 10010, "rate": "0.18"}
    ]
    assert problems(tmp_path, "loans") == [
        ("loans.parquet", 2, "principal", "more than two decimals"),
        ("loans.parquet", 3, "rate", "more than six decimals"),
    ]


def test_a_bad_byte_inside_a_value_over_several_lines_rejects_that_record(
    tmp_path: Path,
) -> None:
    write(tmp_path, loans=LOANS)
    (tmp_path / "payments.csv").write_bytes(
        PAYMENTS.encode("utf-8") + b'P9,"L1\n' + "张三".encode("gbk") + b'",2024-06-10,10.00\n'
    )
    got = load(tmp_path)
    row = PAYMENTS.count("\n")
    assert ("payments.csv", row, "loan_id", NOT_UTF8) in problems(tmp_path, "payments")
    (bad,) = [r for r in rejects(tmp_path, "payments") if r["reason"] == NOT_UTF8]
    assert bad["line"] == ""  # (a record over two lines: no line number can be given)
    assert got.counts["payments"].read == row


@pytest.mark.parametrize("on_type", [pa.date32(), pa.string()])
@pytest.mark.parametrize("lean", [False, True])
def test_a_note_that_is_not_utf8_is_rejected_by_the_lean_load_too(
    tmp_path: Path, lean: bool, on_type: pa.DataType
) -> None:
    """An event's note has no rule and a lean load drops it: the row is rejected the same way
    by both loads, whether the lean one scans the file or (dates written as text) checks it in
    SQL (the lean load accepted it, found by two reviews), and not depending on whether some
    other row of the table was rejected."""
    write(tmp_path, loans=LOANS, payments="payment_id,loan_id,paid_on,amount\n")
    pq.write_table(
        pa.table({
            "event_id": ["E1", "E2", "E3"], "loan_id": ["L1", "L1", "L2"],
            "on": pa.array(
                [dt.date(2024, 9, 1), dt.date(2024, 10, 1), dt.date(2024, 9, 1)]
            ).cast(on_type),
            "kind": ["demand", "demand", "demand"],
            "until": pa.array([None, None, None], pa.date32()),
            "note": _with_bytes([b"SMS", "催收函".encode("gbk"), b"call"]),
        }),
        tmp_path / "events.parquet",
    )  # fmt: skip
    seen: list[int] = []
    got = load_portfolio(
        tmp_path, as_of=AS_OF, rejects_dir=tmp_path / "rejects", max_reject_ratio=Decimal(1),
        lean=lean, progress=lambda step, done, total: seen.append(done),
    )  # fmt: skip
    assert got.counts["events"] == TableCounts(read=3, accepted=2, rejected=1)
    assert problems(tmp_path, "events") == [("events.parquet", 2, "note", NOT_UTF8)]
    # the events table is read again (with PyArrow) and the checks redone: never backwards
    assert seen == sorted(seen)
    assert seen[-1] == 4


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")  # (no noise)
def test_a_short_record_with_bytes_that_are_not_utf8_is_a_reject_too(tmp_path: Path) -> None:
    """PyArrow cannot hand such a record to the handler of bad records (it stopped the whole
    run, found by a review): it is rejected as a record, and a GBK row with the right number
    of cells in the same file is rejected as not UTF-8, with the bytes written \\xNN."""
    write(tmp_path, payments=PAYMENTS)
    gbk = "张三".encode("gbk")
    (tmp_path / "loans.csv").write_bytes(
        LOANS.encode("utf-8")
        + b"L20,B," + gbk + b",6000\n"
        + b"L21," + gbk + b",1000.00,2024-03-10,12,bullet,0.18,\n"
        + b"L22,B22,1000.00,2024-03-10,12,bullet,0.18,\n"
    )  # fmt: skip
    got = load(tmp_path)
    rows = LOANS.count("\n") - 1  # the data rows above; L20 is the next
    assert got.counts["loans"].read == rows + 3
    assert "L22" in got.loans["loan_id"].to_pylist()
    shown = "".join(f"\\x{b:02x}" for b in gbk)
    found = {int(r["row"]): r for r in rejects(tmp_path, "loans")}
    assert (found[rows + 1]["field"], found[rows + 1]["reason"]) == (
        "(row)", "expected 8 columns, found 4",
    )  # fmt: skip
    assert json.loads(found[rows + 1]["raw"]) == f"L20,B,{shown},6000"
    assert (found[rows + 2]["field"], found[rows + 2]["reason"], found[rows + 2]["value"]) == (
        "borrower_id", NOT_UTF8, shown,
    )  # fmt: skip


def test_the_most_common_reason_counts_a_reason_without_each_rows_own_part(
    tmp_path: Path,
) -> None:
    """Reasons that name a row's first occurrence or a date are counted as one reason (40
    re-exported loans read as 'impossible date (1 row)', found by a review); a reject line
    longer than a CSV reader's default limit does not hide the failure."""
    rows = "".join(f"L{k},B{k},100.00,2024-01-01,1,bullet,0.1\n" for k in range(40))
    again = "".join(f"L{k},B{k},200.00,2024-01-01,1,bullet,0.1\n" for k in range(40))
    d = write(
        tmp_path,
        loans="loan_id,borrower_id,principal,disbursed_on,term_months,method,rate\n"
        + rows + again + "L99,B99,100.00,2024-02-30,1,bullet,0.1\n",
        payments="payment_id,loan_id,paid_on,amount\n",
        events="event_id,loan_id,on,kind,note\n" + f"E1,L1,2024-13-01,demand,{'x' * 3_000_000}\n",
    )  # fmt: skip
    with pytest.raises(RejectThresholdExceeded) as err:
        load(d, "0.05")
    assert err.value.common["loans"] == "loan_id: duplicate loan_id (40 rows)"
    assert err.value.common["events"] == "on: impossible date (1 row)"


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")  # (no noise)
def test_reading_such_files_in_threads_leaves_the_hook_as_it_was(tmp_path: Path) -> None:
    """The quiet hook is process-wide; threads reading at once left it installed for good
    (found by a review)."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from overdue.portfolio.load import csv_rows

    path = tmp_path / "loans.csv"
    path.write_bytes(LOANS.encode("utf-8") + b"L20,B," + "张三".encode("gbk") + b",6000\n")
    before = sys.unraisablehook
    for _ in range(10):
        with ThreadPoolExecutor(max_workers=3) as pool:
            read = list(pool.map(lambda _: csv_rows(path, "loans.csv", "loans"), range(3)))
        assert all(data.num_rows == LOANS.count("\n") - 1 for data, _ in read)
        assert sys.unraisablehook is before
