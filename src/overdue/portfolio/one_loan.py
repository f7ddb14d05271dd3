"""One loan of a portfolio, as the nightly run accepted it: ``overdue loan state --data --loan``.

Which of a loan's rows are accepted depends on other loans' rows too (a payment id first used
by another loan, an event of a loan rejected for its schedule), so the whole portfolio is
checked first — with the nightly run's lean load, in about the run's memory — and only its
rejects are kept. Then the loan's own rows are read again from the input files (its loan row,
payments, events and installments, by ``loan_id``; Parquet row groups that hold none are not
read), the rejected ones are dropped, and the rest are loaded as a portfolio of their own,
which normalizes them exactly as the run did. At 10 million loans: 13 s and 3.8 GB, where
loading the whole portfolio with every column to pick out one loan took 39 s and 10.3 GB.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from overdue.errors import OverdueError
from overdue.ledger.contract import Loan
from overdue.portfolio.frames import loan_from_tables
from overdue.portfolio.load import csv_rows, load_portfolio, reject_lines, table_files
from overdue.portfolio.schema import LOADED_TABLES

__all__ = ["LoanNotAccepted", "accepted_loan"]


class LoanNotAccepted(OverdueError, LookupError):
    """The loan id is not an accepted loan of the portfolio: missing, or rejected (and why)."""

    def __init__(self, loan_id: str, data_dir: Path, reasons: list[str]) -> None:
        self.loan_id = loan_id
        self.reasons = reasons
        why = (
            "rejected: " + "; ".join(reasons)
            if reasons
            else "no row of the loans table has this loan_id"
        )
        super().__init__(f"{loan_id!r} is not an accepted loan of {data_dir}: {why}")


@dataclass(frozen=True, slots=True)
class _Rows:
    """A file's rows of the loan: as read (original columns and types) and their row numbers."""

    data: pa.Table
    rows: np.ndarray


def accepted_loan(data_dir: Path, loan_id: str, as_of: dt.date) -> Loan:
    """The loan ``loan_id`` of the portfolio in ``data_dir`` with the rows the nightly run as of
    ``as_of`` accepts, for the reference ledger; :class:`LoanNotAccepted` when it has none."""
    data_dir = Path(data_dir)
    with tempfile.TemporaryDirectory(prefix="overdue-loan-") as tmp:
        rejects = Path(tmp) / "rejects"
        load_portfolio(
            data_dir, as_of=as_of, rejects_dir=rejects, max_reject_ratio=Decimal(1), lean=True
        )
        own = Path(tmp) / "loan"
        reasons = _copy_accepted_rows(data_dir, loan_id, rejects, own)
        own_rejects = Path(tmp) / "own-rejects"
        loaded = load_portfolio(
            own, as_of=as_of, rejects_dir=own_rejects, max_reject_ratio=Decimal(1)
        )
        if any(c.rejected for c in loaded.counts.values()):
            # Every row copied was accepted by the whole load; one rejected now means the two
            # loads disagree (a defect): say so rather than show a loan the run did not see.
            lines = sorted(p.read_text(encoding="utf-8") for p in own_rejects.glob("*.csv"))
            raise OverdueError(
                f"{loan_id!r}: rows the whole portfolio's load accepted were rejected when "
                f"read on their own (a defect: please report it): {lines}"
            )
    try:
        return loan_from_tables(
            loaded.loans, loaded.payments, loaded.events, loan_id, loaded.installments
        )
    except KeyError:
        raise LoanNotAccepted(loan_id, data_dir, reasons) from None


def _copy_accepted_rows(data_dir: Path, loan_id: str, rejects: Path, target: Path) -> list[str]:
    """Write the loan's accepted rows of every loaded table to ``target``, file by file in the
    same formats and relative paths; return the reasons its loan rows were rejected."""
    reasons: list[str] = []
    for name, paths in table_files(data_dir).items():
        if name not in LOADED_TABLES:
            continue
        rejected = _rejected(rejects / f"{name}.csv")
        for path in paths:
            file = path.relative_to(data_dir).as_posix()
            found = _rows_of(path, file, name, loan_id)
            keep = np.array([(file, int(r)) not in rejected for r in found.rows], dtype=np.bool_)
            if name == "loans":
                rows = {int(r) for r in found.rows[~keep]}
                if path.suffix == ".csv":  # records rejected as read are not among found.rows
                    rows |= _rejected_as_read(path, file, rejected, loan_id)
                for r in sorted(rows):
                    reasons += [f"{file} row {r}: {why}" for why, _ in rejected[(file, r)]]
            out = target / file
            out.parent.mkdir(parents=True, exist_ok=True)
            kept = found.data.filter(pa.array(keep))
            if path.suffix == ".csv":
                pacsv.write_csv(kept, out)
            else:
                pq.write_table(kept, out)
    return reasons


def _rejected(path: Path) -> dict[tuple[str, int], list[tuple[str, str]]]:
    """The rejected rows of a table, by (file, row), with their "field: reason" lines and the
    row as the rejects give it (``raw``)."""
    out: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for line in reject_lines(path):
        key = (line["file"], int(line["row"]))
        out.setdefault(key, []).append((f"{line['field']}: {line['reason']}", line["raw"]))
    return out


def _rejected_as_read(
    path: Path, file: str, rejected: dict[tuple[str, int], list[tuple[str, str]]], loan_id: str
) -> set[int]:
    """The rows of a loans CSV file rejected as read (wrong number of cells, text that is not
    UTF-8) whose loan_id, as far as it can be read, is ``loan_id``."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        header = next(csv.reader(fh), [])
    at = header.index("loan_id") if "loan_id" in header else None
    rows = set()
    for (f, row), lines in rejected.items():
        if f != file:
            continue
        for _, raw in lines:
            record = json.loads(raw) if raw else None
            if isinstance(record, dict):  # not UTF-8: the row's fields by column
                value = record.get("loan_id")
            elif isinstance(record, str) and at is not None:  # a record's line(s) of text
                cells = next(csv.reader(io.StringIO(record)), [])
                value = cells[at] if at < len(cells) else None
            else:
                value = None
            if isinstance(value, str) and value.strip(" ") == loan_id:
                rows.add(row)
    return rows


def _rows_of(path: Path, file: str, name: str, loan_id: str) -> _Rows:
    """The rows of one input file whose loan_id is ``loan_id`` (without surrounding spaces,
    as the load compares it), with their 1-based row numbers in the file."""
    if path.suffix == ".csv":
        data, rows = csv_rows(path, file, name)
        at = np.flatnonzero(_matches(data["loan_id"], loan_id))
        return _Rows(data.take(pa.array(at)), rows[at])
    parquet = pq.ParquetFile(path)
    tables, numbers = [], []
    first = 0
    for group in range(parquet.num_row_groups):
        ids = parquet.read_row_group(group, columns=["loan_id"])["loan_id"]
        at = np.flatnonzero(_matches(ids, loan_id))
        if at.size:
            tables.append(parquet.read_row_group(group).take(pa.array(at)))
            numbers.append(first + at + 1)
        first += parquet.metadata.row_group(group).num_rows
    if not tables:
        return _Rows(parquet.schema_arrow.empty_table(), np.zeros(0, np.int64))
    return _Rows(pa.concat_tables(tables), np.concatenate(numbers))


def _matches(ids: pa.ChunkedArray, loan_id: str) -> np.ndarray:
    """Where ``ids`` (text or whole numbers, as Parquet may hold them) equal ``loan_id`` once
    surrounding spaces are removed, compared as bytes (text that is not UTF-8 is a reject)."""
    if not (pa.types.is_string(ids.type) or pa.types.is_large_string(ids.type)):
        ids = ids.cast(pa.string())
    raw = ids.cast(pa.binary())
    wanted = loan_id.encode("utf-8")
    near = np.flatnonzero(pc.match_substring(raw, loan_id).fill_null(False).to_numpy())
    out = np.zeros(len(ids), dtype=np.bool_)
    for k, value in zip(near, raw.take(pa.array(near)).to_pylist(), strict=True):
        out[k] = value.strip(b" ") == wanted
    return out
