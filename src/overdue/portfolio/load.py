"""Portfolio input: read, validate and normalize a directory of Parquet or CSV tables.

:func:`load_portfolio` is the edge of the nightly run. It reads ``loans``, ``payments`` and the
optional ``installments`` and ``events`` (the schema is :mod:`overdue.portfolio.schema`, rendered
in ``docs/portfolio-schema.md``), checks every row, writes every rejected row to the rejects
directory with its file, row, field and reason, and returns the accepted rows as normalized Arrow
tables: amounts in integer fen, dates as ``date32``, rates as canonical decimal text.

Example: a payments file with the rows ``P1,L1,2024-04-10,1356.57`` and
``P2,L9,2024-04-10,12.5x`` gives one accepted payment of 135657 fen and, in
``rejects/payments.csv``, two lines for row 2 (``loan_id: unknown loan id`` and
``amount: not a number``); the counts are read 2 = accepted 1 + rejected 1.

How it scales to millions of rows without a loop per row in Python: files are parsed by PyArrow
(CSV cells as text, so that one bad cell is a reject and not a failure of the whole file), and
every check is DuckDB SQL over the Arrow tables, generated from the schema. A well-formed cell
passes a cheap round-trip test (``CAST(TRY_CAST(s AS DATE) AS VARCHAR) = s``); only the others
are trimmed and examined with regular expressions to name the problem. Loans are parsed once,
straight into Arrow; DuckDB then ranks the accepted ones by loan_id and Arrow puts them in that
order (DuckDB sorting the wide rows cost far more). Child tables come out of one query each,
fetched batch by batch (sorted, except in a lean load, whose child rows the kernel groups
itself). In a lean load (the nightly run's), typed Parquet tables are instead scanned row group
by row group: the loans (when there are no installments) by NumPy over the Arrow buffers, their
low-cardinality text once per distinct value (:class:`_LoanColumns`), the payments and events by
a compiled pass (:mod:`overdue.portfolio.scan`). A scan accepts the rows clean on their face
and hands every other row to the same SQL checks, so that every reject is still decided and
worded by the SQL. The checks run a second time on the rejected rows only, to list every
problem. No value passes through binary floating point.

Exceptions are for file-level problems (:class:`~overdue.errors.InputError`: a missing table, a
misspelt column, a float column for an amount) and for a reject ratio above the threshold
(:class:`RejectThresholdExceeded`, raised after the rejects are written). Row-level problems are
values: reject lines.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import json
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from overdue.checksums import file_sha256
from overdue.dates import WRITTEN_DAY
from overdue.errors import InputError, OverdueError
from overdue.money import round_ratio
from overdue.portfolio import scan as compiled_scan
from overdue.portfolio.arrays import one_chunk
from overdue.portfolio.schema import (
    EPOCH,
    EVENT_KINDS,
    EVENT_KINDS_WITH_UNTIL,
    LOADED_TABLES,
    LOAN_ORD,
    MAX_AMOUNT_YUAN,
    MAX_RATE,
    MIN_DATE,
    NORMALIZED,
    TABLES,
    Column,
    Kind,
    Table,
    table,
)
from overdue.portfolio.sql import connect, identifier, literal

__all__ = [
    "DEFAULT_MAX_REJECT_RATIO",
    "LoadedPortfolio",
    "RejectThresholdExceeded",
    "TableCounts",
    "counts_by_table",
    "load_portfolio",
    "table_files",
]

DEFAULT_MAX_REJECT_RATIO = Decimal("0.05")
_FORMATS = ("csv", "parquet")
_ROW_FIELD = "(row)"  # the field of a reject that concerns a whole CSV record
# Every query whose order matters says ORDER BY, so DuckDB need not keep insertion order
# (it may then stream and spill more freely); a memory limit makes it spill rather than grow.
_DUCKDB_CONFIG: dict[str, str] = {
    "preserve_insertion_order": "false",
    "memory_limit": "4GB",
}
# Lean tables (``load_portfolio(lean=True)``, what the nightly kernel needs): payments keep only
# loan_ord, paid_on and amount_fen, events only loan_ord, on and kind; the loans'
# low-cardinality text columns are dictionary-encoded; child tables come in no particular order
# (group them by loan_ord). About 16 bytes per payment instead of 45, and 120 per loan
# instead of 230.
_LEAN_DROP = {
    "payments": ("payment_id", "loan_id"),
    "events": ("event_id", "loan_id", "until", "note"),
}
_LEAN_DICTIONARY = (
    "product_id", "method", "rate", "rate_unit", "day_count", "penalty_markup", "penalty_rate",
    "late_fee_rate", "allocation_order", "allocation_by", "lender_type",
)  # fmt: skip
_BATCH_ROWS = 1 << 20  # rows per Arrow batch fetched from DuckDB
# Tables whose id column is checked for repeats as the rows are fetched (see _check_all).
_ID_CHECKED_WHILE_FETCHED = {"payments": "payment_id", "events": "event_id"}


# ---------------------------------------------------------------------------------------------
# Public values


@dataclass(frozen=True, slots=True)
class TableCounts:
    """Rows of one table (or of all): read = accepted + rejected, always."""

    read: int
    accepted: int
    rejected: int

    def __post_init__(self) -> None:
        if self.read != self.accepted + self.rejected or min(self.accepted, self.rejected) < 0:
            raise AssertionError(
                f"counts do not reconcile: read {self.read} != accepted {self.accepted}"
                f" + rejected {self.rejected}"
            )

    @property
    def reject_ratio(self) -> Fraction:
        return Fraction(self.rejected, self.read) if self.read else Fraction(0)

    def __add__(self, other: TableCounts) -> TableCounts:
        return TableCounts(
            self.read + other.read, self.accepted + other.accepted, self.rejected + other.rejected
        )


@dataclass(frozen=True, slots=True)
class LoadedPortfolio:
    """The accepted rows of a portfolio, normalized (see ``NORMALIZED`` in the schema module).

    ``installments`` and ``events`` are empty tables with the right schema when not given.
    Child tables (payments, installments, events) end with :data:`LOAN_ORD`, the row's loan's
    position in ``loans``. ``lean`` tables are described at :data:`_LEAN_DROP`.
    ``counts`` has an entry for each of the four loaded tables; ``checksums`` maps each input
    file (relative path, ``/``-separated) to its SHA-256 in hex, for the run manifest.
    """

    as_of: dt.date
    loans: pa.Table
    payments: pa.Table
    installments: pa.Table
    events: pa.Table
    counts: Mapping[str, TableCounts]
    checksums: Mapping[str, str]
    rejects_dir: Path

    @property
    def total(self) -> TableCounts:
        return _total(self.counts)


class RejectThresholdExceeded(OverdueError):
    """More rows were rejected than the threshold allows; the rejects are already written."""

    def __init__(
        self,
        counts: Mapping[str, TableCounts],
        max_reject_ratio: Decimal,
        over: Sequence[str],
        rejects_dir: Path,
        common: Mapping[str, str] | None = None,
    ):
        self.counts = counts
        self.max_reject_ratio = max_reject_ratio
        self.over = tuple(over)
        self.rejects_dir = rejects_dir
        self.common = MappingProxyType(dict(common or {}))  # per table: its most common reason
        parts = []
        for name in self.over:
            c = _total(counts) if name == "total" else counts[name]
            most = f"; most often {self.common[name]}" if name in self.common else ""
            parts.append(
                f"{name}: {c.rejected} of {c.read} rows rejected "
                f"({_ratio_text(c.reject_ratio)}{most})"
            )
        super().__init__(
            f"reject ratio above {max_reject_ratio}: {'; '.join(parts)}; see {rejects_dir}"
        )


def counts_by_table(counts: Mapping[str, TableCounts]) -> dict[str, dict[str, int]]:
    """Per table and in total ("total"): read, accepted, rejected (as the manifest has them)."""
    return {
        name: {"read": c.read, "accepted": c.accepted, "rejected": c.rejected}
        for name, c in (*counts.items(), ("total", _total(counts)))
    }


def _total(counts: Mapping[str, TableCounts]) -> TableCounts:
    total = TableCounts(0, 0, 0)
    for c in counts.values():
        total = total + c
    return total


def _ratio_text(ratio: Fraction) -> str:
    return str(round_ratio(ratio, 6))


# ---------------------------------------------------------------------------------------------
# Finding and reading files


@dataclass(frozen=True, slots=True)
class _Digest:
    sha256: str
    lines: int  # CSV: physical lines (newlines, plus one for a last line without one); else 0


def _digest(path: Path) -> _Digest:
    if path.suffix != ".csv":  # (a Parquet file's bytes have no lines to count)
        return _Digest(file_sha256(path), 0)
    h = hashlib.sha256()
    newlines = 0
    last = b""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    return _Digest(h.hexdigest(), newlines + (1 if last not in (b"", b"\n") else 0))


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "_"))


def table_files(data_dir: Path) -> dict[str, list[Path]]:
    """The files of each table present in ``data_dir`` (checked as the load checks them)."""
    return _discover(Path(data_dir))


def csv_rows(path: Path, file: str, name: str) -> tuple[pa.Table, npt.NDArray[np.int64]]:
    """A CSV file of table ``name`` as the load reads it: the records it could parse (text,
    in the file's columns; those with the wrong number of fields or text that is not UTF-8
    left out) and their 1-based record numbers."""
    part = _read_csv(path, file, table(name))
    return part.data, _row_numbers(part.data.num_rows, [b.row for b in part.bad_records])


def _discover(data_dir: Path) -> dict[str, list[Path]]:
    """Files per table name (a table's directory: its CSV/Parquet files in name order)."""
    if not data_dir.is_dir():
        raise InputError("data_dir", "not a directory", source=str(data_dir))
    names = {t.name for t in TABLES}
    found: dict[str, list[Path]] = {}
    for entry in sorted(p for p in data_dir.iterdir() if _visible(p)):
        stem, _, suffix = entry.name.partition(".")
        if entry.is_dir():
            if entry.name not in names:
                continue  # e.g. rejects/ or an archive folder
            files = sorted(p for p in entry.iterdir() if _visible(p))
            for p in files:
                if p.suffix.lstrip(".") not in _FORMATS or not p.is_file():
                    raise InputError(
                        entry.name, "only .csv and .parquet files may be in a table's directory",
                        source=_rel(data_dir, p),
                    )  # fmt: skip
            if entry.name in found:
                raise InputError(entry.name, "the table is given twice", source=entry.name)
            found[entry.name] = files
        elif stem in names:
            if suffix not in _FORMATS:
                raise InputError(
                    stem, "unsupported format: use NAME.csv or NAME.parquet", source=entry.name
                )
            if stem in found:
                raise InputError(stem, "the table is given twice", source=entry.name)
            found[stem] = [entry]
        elif entry.suffix.lstrip(".") in _FORMATS:
            raise InputError(
                "(file)",
                f"not a portfolio table (tables: {', '.join(t.name for t in TABLES)})",
                source=entry.name,
            )
    for t in TABLES:
        if t.required and t.name not in found:
            raise InputError(t.name, "required table missing (NAME.csv or NAME.parquet)")
    return found


def _rel(data_dir: Path, path: Path) -> str:
    return path.relative_to(data_dir).as_posix()


@dataclass(slots=True)
class _Part:
    """One file of a table as read: columns by name, and the CSV records that did not parse."""

    file: str
    data: pa.Table
    csv: bool
    bad_records: list[_BadRecord] = field(default_factory=list)


class _BadRecord(NamedTuple):
    """A record rejected as read, before its fields are checked: a CSV record with the wrong
    number of fields, or a row with text that is not UTF-8."""

    row: int  # 1-based record number in its file
    field: str  # the column, or _ROW_FIELD for the whole record
    reason: str
    value: str | None  # the field's value as read (bytes that are not UTF-8 as \xNN)
    raw: str  # the record as JSON: its line(s) of text, or its fields by column


def _check_header(names: Sequence[str], spec: Table, file: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InputError(name, "column given twice", source=file)
        seen.add(name)
    unknown = [n for n in names if n not in spec.column_names]
    if unknown:
        raise InputError(
            unknown[0],
            f"not a column of {spec.name} (columns: {', '.join(spec.column_names)})",
            source=file,
        )
    for c in spec.columns:
        if c.required and c.name not in seen:
            raise InputError(c.name, "required column missing", source=file)


_NOT_UTF8 = (
    "not UTF-8 text (files must be UTF-8 throughout; a GBK export can be converted with: "
    "iconv -f GBK -t UTF-8)"
)


def _read_csv(path: Path, file: str, spec: Table) -> _Part:
    with path.open("rb") as fh:
        first = fh.readline()
    try:
        header = next(csv.reader([first.decode("utf-8-sig")]), None)
    except UnicodeDecodeError:
        raise InputError(
            "(file)",
            f"line 1 (the header): {_NOT_UTF8}",
            source=file,
        ) from None
    if not header:
        raise InputError("(file)", "empty file: a header row is required", source=file)
    _check_header(header, spec, file)

    def read(source: Path, use_threads: bool) -> tuple[pa.Table, list[Any]]:
        bad: list[Any] = []

        def handler(row: Any) -> str:
            bad.append(row)
            return "skip"

        try:
            data = pacsv.read_csv(
                source,
                read_options=pacsv.ReadOptions(use_threads=use_threads, block_size=1 << 24),
                parse_options=pacsv.ParseOptions(
                    newlines_in_values=True, invalid_row_handler=handler
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={name: pa.string() for name in header},
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                    null_values=[""],
                    check_utf8=False,  # a row that is not UTF-8 is a reject (_not_utf8_rows)
                ),
            )
        except pa.ArrowInvalid as exc:
            raise InputError("(file)", f"not readable as CSV: {exc}", source=file) from None
        return data, bad

    with tempfile.TemporaryDirectory(prefix="overdue-csv-") as tmp:
        source, marked = path, False
        try:
            with _undecodable_records_quiet():
                data, bad = read(source, use_threads=True)
        except InputError:
            # PyArrow cannot hand a record with the wrong number of fields to the handler when
            # its text is not UTF-8: read a copy with such bytes marked instead.
            if not _has_bad_utf8(path):
                raise
            source, marked = Path(tmp) / "marked.csv", True
            _marked_copy(path, source)
            data, bad = read(source, use_threads=True)
        if bad and any(b.number is None for b in bad):
            data, bad = read(source, use_threads=False)  # (numbers are known only serially)
    # pyarrow numbers records from 1 with the header as record 1; blank lines are not records.
    short = [(int(b.number) - 1, str(b.text)) for b in bad]
    records = [
        _BadRecord(
            row, _ROW_FIELD, f"expected {b.expected_columns} columns, found {b.actual_columns}",
            None, json.dumps(_unmarked(text) if marked else text, ensure_ascii=False),
        )
        for (row, text), b in zip(short, bad, strict=True)
    ]  # fmt: skip
    data, rows, not_utf8 = _not_utf8_rows(
        data, _row_numbers(data.num_rows, [r[0] for r in short]), marked=marked
    )
    _check_quotes(file, header, spec, data, rows, short)
    return _Part(file, data, True, sorted(records + not_utf8))


# A CSV file read in a copy whose bytes that are not UTF-8 are marked (see _read_csv): byte b
# becomes the code point _BYTE_MARK + b, U+10FF80 to U+10FFFF (the end of a private use plane;
# a file read this way that holds such characters itself has them taken for bad bytes).
_BYTE_MARK = 0x10FF00
_MARKS = "[\\x{10FF80}-\\x{10FFFF}]"  # (RE2, for pyarrow.compute)
_MARKS_RE = re.compile("[\U0010ff80-\U0010ffff]")
_MARK_ERRORS = "overdue-mark-bytes"


def _mark_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(_BYTE_MARK + b) for b in bad), error.end


codecs.register_error(_MARK_ERRORS, _mark_bytes)


_QUIET = threading.Lock()
_quiet_readers = 0  # reads under _undecodable_records_quiet, in any thread
_hook_before: Callable[[Any], object] = sys.unraisablehook


def _quiet_hook(unraisable: Any) -> None:
    if not isinstance(unraisable.exc_value, UnicodeDecodeError):
        _hook_before(unraisable)


@contextmanager
def _undecodable_records_quiet() -> Iterator[None]:
    """Keep PyArrow's failure to decode a bad record for the handler (a UnicodeDecodeError it
    can only report as "Exception ignored in ...") off the user's screen: the read fails and
    the file is read again marked. The hook is process-wide: installed by the first of
    concurrent reads, restored by the last."""
    global _quiet_readers, _hook_before
    with _QUIET:
        if _quiet_readers == 0:
            _hook_before = sys.unraisablehook
            sys.unraisablehook = _quiet_hook
        _quiet_readers += 1
    try:
        yield
    finally:
        with _QUIET:
            _quiet_readers -= 1
            if _quiet_readers == 0:
                sys.unraisablehook = _hook_before


def _has_bad_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return True
    return False


def _marked_copy(path: Path, target: Path) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")(_MARK_ERRORS)
    with path.open("rb") as src, target.open("wb") as out:
        while chunk := src.read(1 << 20):
            out.write(decoder.decode(chunk).encode("utf-8"))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))


def _unmarked(text: str) -> str:
    """Marked text with each marked byte written ``\\xNN``, as other rejects show them."""
    return _MARKS_RE.sub(lambda m: f"\\x{ord(m.group()) - _BYTE_MARK:02x}", text)


def _not_utf8_rows(
    data: pa.Table, rows: npt.NDArray[np.int64], *, marked: bool = False
) -> tuple[pa.Table, npt.NDArray[np.int64], list[_BadRecord]]:
    """``data`` without its rows that have text that is not UTF-8 (PyArrow reads such text
    unchecked; DuckDB would refuse the whole file) — or, when ``marked``, marked bytes (see
    _read_csv) —, the record numbers ``rows`` of the rows kept, and the rows taken out as
    rejects naming their first such column."""
    first: dict[int, str] = {}  # row index -> the first column with text that is not UTF-8
    for name in data.column_names:
        start = 0
        for chunk in data[name].chunks:
            if chunk.type != pa.string():
                pass
            elif marked:
                hits = pc.match_substring_regex(chunk, _MARKS).fill_null(False)
                for at in np.flatnonzero(hits.to_numpy(zero_copy_only=False)).tolist():
                    first.setdefault(start + at, name)
            elif not _valid_utf8(chunk):
                for k, value in enumerate(chunk.cast(pa.binary()).to_pylist()):
                    if value is not None and not _decodes(value):
                        first.setdefault(start + k, name)
            start += len(chunk)
    if not first:
        return data, rows, []
    taken = np.array(sorted(first), dtype=np.int64)

    def shown(v: Any) -> Any:
        if isinstance(v, bytes):
            return v.decode("utf-8", "backslashreplace")
        return _unmarked(v) if marked and isinstance(v, str) else v

    values = {
        name: [
            shown(v)
            for v in (col.cast(pa.binary()) if col.type == pa.string() and not marked else col)
            .take(taken).to_pylist()
        ]
        for name, col in zip(data.column_names, data.columns, strict=True)
    }  # fmt: skip
    bad = [
        _BadRecord(
            int(rows[i]), first[int(i)], _NOT_UTF8, values[first[int(i)]][k],
            json.dumps(
                {n: v[k] for n, v in values.items()},
                ensure_ascii=False, separators=(",", ":"), default=str,
            ),
        )
        for k, i in enumerate(taken)
    ]  # fmt: skip
    keep = np.ones(data.num_rows, dtype=np.bool_)
    keep[taken] = False
    return data.filter(pa.array(keep)), rows[keep], bad


def _decodes(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_quotes(
    file: str,
    header: Sequence[str],
    spec: Table,
    data: pa.Table,
    rows: npt.NDArray[np.int64],
    records: Sequence[tuple[int, str]],
) -> None:
    """Refuse a CSV file in which a quote is opened and never closed.

    A quoted value may span lines, so PyArrow reads every line after a stray ``"`` as part of
    one value, up to the next quote or the end of the file: thousands of records can vanish
    into one cell (and one reject) without being counted. A value, or a rejected record, that
    spans lines one of which reads as a record of the table (the header's number of fields,
    give or take one, and a day in each of its required date columns) is such a swallow: a
    file-level error naming the row where the quote opens. A closed quote around several lines
    of text (an address, a note with commas) is a value like any other.
    """
    dates = [i for i, name in enumerate(header) if _required_date(spec, name)]
    if not dates:
        return
    spans: list[tuple[int, str]] = [(row, text) for row, text in records if "\n" in text]
    for name in data.column_names:
        col = data[name]
        multi = pc.match_substring(col, "\n")
        if not pc.any(multi).as_py():
            continue
        for i in np.flatnonzero(multi.to_numpy(zero_copy_only=False)):
            spans.append((int(rows[i]), str(col[int(i)].as_py())))
    for row, text in sorted(spans):
        swallowed = sum(
            1
            for fields in csv.reader(line.rstrip("\r") for line in text.split("\n")[1:])
            if abs(len(fields) - len(header)) <= 1
            and all(i < len(fields) and WRITTEN_DAY.fullmatch(fields[i].strip()) for i in dates)
        )
        if swallowed:
            after = (
                "the record after it reads"
                if swallowed == 1
                else (f"the {swallowed:,} records after it read")
            )
            raise InputError(
                "(file)",
                f"row {row}: a quote opened here is never closed, so {after} as part of one "
                'value; close the quote, or double a quote inside a value ("")',
                source=file,
            )


def _required_date(spec: Table, name: str) -> bool:
    column = spec.column(name)
    return column.required and column.kind is Kind.DATE


# Arrow types accepted per kind for Parquet columns (besides text, always accepted).
def _type_class(t: pa.DataType) -> str:
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "str"
    if pa.types.is_dictionary(t) and _type_class(t.value_type) == "str":
        return "str"
    if pa.types.is_null(t):
        return "null"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_decimal(t):
        return "dec"
    if pa.types.is_floating(t):
        return "float"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_boolean(t):
        return "bool"
    return "other"


_ACCEPTED_TYPES: dict[Kind, tuple[str, ...]] = {
    Kind.TEXT: ("str", "int"),
    Kind.CHOICE: ("str",),
    Kind.ORDER: ("str",),
    Kind.AMOUNT: ("str", "dec", "int"),
    Kind.RATE: ("str", "dec", "int"),
    Kind.INT: ("str", "int"),
    Kind.DATE: ("str", "date"),
    Kind.BOOL: ("str", "bool"),
}
_WANTED: dict[Kind, str] = {
    Kind.AMOUNT: "decimal128(18, 2) or string",
    Kind.RATE: "decimal128(12, 6) or string",
    Kind.INT: "an integer type or string",
    Kind.DATE: "date32 or string",
    Kind.BOOL: "bool or string",
}


def _read_parquet(path: Path, file: str, spec: Table) -> _Part:
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError("(file)", f"not readable as Parquet: {exc}", source=file) from None
    _check_header(schema.names, spec, file)
    for f in schema:
        kind = spec.column(f.name).kind
        cls = _type_class(f.type)
        if cls == "null" or cls in _ACCEPTED_TYPES[kind]:
            continue
        what = "floating-point column refused" if cls == "float" else f"type {f.type} refused"
        raise InputError(
            f.name,
            f"{what} for {'an' if kind.value[0] in 'aeiou' else 'a'} {kind.value} column: "
            f"write {_WANTED.get(kind, 'string')}",
            source=file,
        )
    try:
        data = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError("(file)", f"not readable as Parquet: {exc}", source=file) from None
    columns = {}
    for f in data.schema:
        col = data[f.name]
        cls = _type_class(f.type)
        as_text = cls == "null" or (cls == "int" and spec.column(f.name).kind is Kind.TEXT)
        if as_text or (cls == "str" and f.type != pa.string()):
            col = col.cast(pa.string())
        elif cls == "int":
            col = col.cast(pa.int64())
        elif cls == "date" and f.type != pa.date32():
            col = col.cast(pa.date32())
        elif cls == "dec" and (pa.types.is_decimal256(f.type) or f.type.precision > 38):
            col = col.cast(pa.string())
        columns[f.name] = col
    data, _, not_utf8 = _not_utf8_rows(
        pa.table(columns), np.arange(1, data.num_rows + 1, dtype=np.int64)
    )
    return _Part(file, data, False, not_utf8)


def _combine(spec: Table, parts: Sequence[_Part]) -> pa.Table:
    """One table of all parts, every schema column present, one type per column.

    A column whose type differs between files (decimal in one, text in another) is read as text
    in all of them: text goes through the same checks, so nothing is lost.
    """
    tables = []
    types: dict[str, pa.DataType] = {}
    for c in spec.columns:
        seen = {p.data.schema.field(c.name).type for p in parts if c.name in p.data.column_names}
        types[c.name] = seen.pop() if len(seen) == 1 else pa.string()
    for p in parts:
        cols = []
        for c in spec.columns:
            t = types[c.name]
            if c.name in p.data.column_names:
                col = p.data[c.name]
                cols.append(col if col.type == t else col.cast(pa.string()))
            else:
                cols.append(pa.nulls(p.data.num_rows, t))
        tables.append(pa.table(cols, names=list(spec.column_names)))
    if not tables:
        return pa.table(
            [pa.array([], pa.string()) for _ in spec.columns], names=list(spec.column_names)
        )
    return pa.concat_tables(tables)


def _row_numbers(n_parsed: int, bad_rows: Sequence[int]) -> np.ndarray[Any, Any]:
    """1-based record numbers of the parsed rows, given the numbers of the skipped records."""
    k = np.arange(n_parsed, dtype=np.int64)
    if not bad_rows:
        return k + 1
    skipped = np.sort(np.asarray(bad_rows, dtype=np.int64)) - 1  # 0-based record positions
    # The k-th kept position is k plus the number of skipped positions at or before it.
    shift = np.searchsorted(skipped - np.arange(skipped.size), k, side="right")
    return k + shift + 1


# ---------------------------------------------------------------------------------------------
# SQL generation


_q = identifier
_lit = literal


_MISSING = "missing required field"
_NUMBER_RE = r"-?[0-9]+(\.[0-9]+)?"
_RATE_RE = r"(0|[1-9][0-9]{0,5})(\.[0-9]{0,5}[1-9])?"  # canonical: no superfluous zeros
_LABELS = {"method": "repayment method", "kind": "event kind"}


@dataclass(frozen=True, slots=True)
class _Rule:
    positive: bool = False  # amounts: > 0 instead of >= 0
    int_range: tuple[int, int] = (-(2**31), 2**31 - 1)
    first: str | None = None  # dates: earliest (ISO)
    last: str | None = None  # dates: latest, the as-of date


@dataclass(frozen=True, slots=True)
class _ColumnSql:
    inner: tuple[str, ...]  # "expr AS alias" over the input row
    value: str  # the normalized value, over the inner aliases
    error: str  # the reason, or NULL


def _column_sql(c: Column, cls: str, rule: _Rule) -> _ColumnSql:
    """SQL that parses one column (input class ``cls``) into its value and its problem.

    For text input, ``f:`` is a cheap test that the cell is already in canonical form (for a
    date: ``CAST(TRY_CAST(s AS DATE) AS VARCHAR) = s``); only the other cells are trimmed and
    examined further (``CASE`` evaluates a branch only for the rows that reach it).
    """
    s = _q(c.name)
    x1 = _q("x1:" + c.name)  # the value parsed from the cell as it is
    f = _q("f:" + c.name)  # the cell is canonical (and then x1 is the value)
    st = _q("s:" + c.name)  # the effective text: the cell, trimmed when not canonical
    x = _q("x:" + c.name)  # the value
    trimmed = f"NULLIF(trim({s}), '')"
    text = cls == "str"
    ref = st if text else s
    miss = f"WHEN {ref} IS NULL THEN " + (_lit(_MISSING) if c.required else "NULL")
    default = "NULL" if c.default is None else _lit(c.default)

    def slow(fast: str, parse: str | None, *extra: str) -> tuple[str, ...]:
        """Aliases x1 (if ``extra`` defines it), f, st and x for text input."""
        items = [
            *extra,
            f"coalesce({fast}, false) AS {f}",
            f"CASE WHEN {f} THEN {s} ELSE {trimmed} END AS {st}",
        ]
        if parse is not None:
            items.append(f"CASE WHEN {f} THEN {x1} ELSE {parse} END AS {x}")
        return tuple(items)

    if c.kind is Kind.TEXT:
        if not text:
            return _ColumnSql((), s, f"CASE {miss} END")
        clean = f"NOT ({s} = '' OR starts_with({s}, ' ') OR ends_with({s}, ' '))"
        return _ColumnSql(slow(clean, None), st, f"CASE {miss} END")

    if c.kind is Kind.CHOICE:
        label = _LABELS.get(c.name, c.name)
        reason = f"unknown {label}; expected one of {', '.join(c.choices)}"
        values = ", ".join(_lit(v) for v in c.choices)
        return _ColumnSql(
            slow(f"{s} IN ({values})", None),
            f"COALESCE({st}, {default})",
            f"CASE {miss} WHEN NOT {f} AND {st} NOT IN ({values}) THEN {_lit(reason)} END",
        )

    if c.kind is Kind.ORDER:
        assert c.default is not None
        expected = ", ".join(_lit(v) for v in sorted(c.default.split(",")))
        items = f"list_transform(string_split({st}, ','), lambda i: trim(i))"
        return _ColumnSql(
            (*slow(f"{s} = {default}", None), f"CASE WHEN NOT {f} THEN {items} END AS {x}"),
            f"CASE WHEN {f} THEN {s} ELSE COALESCE(array_to_string({x}, ','), {default}) END",
            f"CASE {miss} WHEN NOT {f} AND list_sort({x}) <> [{expected}] "
            f"THEN {_lit('not a permutation of ' + c.default)} END",
        )

    if c.kind is Kind.BOOL:
        dflt = "NULL" if c.default is None else c.default
        if text:
            parse = (
                f"CASE lower({st}) WHEN 'true' THEN true WHEN '1' THEN true "
                f"WHEN 'false' THEN false WHEN '0' THEN false END"
            )
            inner = slow(f"{s} IN ('true', 'false')", parse, f"{s} = 'true' AS {x1}")
        else:
            inner = (f"{s} AS {x}",)
        return _ColumnSql(
            inner,
            f"COALESCE({x}, {dflt})",
            f"CASE {miss} WHEN {x} IS NULL THEN 'not true or false' END",
        )

    if c.kind is Kind.INT:
        low, high = rule.int_range
        if text:
            inner = slow(
                f"CAST({x1} AS VARCHAR) = {s}",
                f"TRY_CAST({st} AS BIGINT)",
                f"TRY_CAST({s} AS BIGINT) AS {x1}",
            )
            form = (
                f"WHEN NOT {f} AND NOT regexp_full_match({st}, '-?[0-9]+') "
                "THEN 'not a whole number' "
            )
        else:
            inner, form = (f"CAST({s} AS BIGINT) AS {x}",), ""
        reason = _lit(f"out of range {low} .. {high}")
        return _ColumnSql(
            inner,
            # (guarded: a BIGINT beyond INTEGER would make DuckDB's cast fail the whole query)
            f"CASE WHEN {x} BETWEEN {low} AND {high} THEN CAST({x} AS INTEGER) END",
            f"CASE {miss} {form}WHEN {x} IS NULL OR {x} < {low} OR {x} > {high} THEN {reason} END",
        )

    if c.kind is Kind.DATE:
        if text:
            inner = slow(
                f"CAST({x1} AS VARCHAR) = {s}",
                f"TRY_CAST({st} AS DATE)",
                f"TRY_CAST({s} AS DATE) AS {x1}",
            )
            form = (
                f"WHEN NOT {f} AND NOT regexp_full_match({st}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')"
                " THEN 'not a date (YYYY-MM-DD)' "
                f"WHEN NOT {f} AND ({x} IS NULL OR CAST({x} AS VARCHAR) <> {st}) "
                "THEN 'impossible date' "
            )
        else:
            inner, form = (f"CAST({s} AS DATE) AS {x}",), ""
        bounds = ""
        if rule.first is not None:
            bounds += f"WHEN {x} < DATE {_lit(rule.first)} THEN {_lit(f'before {rule.first}')} "
        if rule.last is not None:
            after = f"after the as-of date {rule.last}"
            bounds += f"WHEN {x} > DATE {_lit(rule.last)} THEN {_lit(after)} "
        return _ColumnSql(inner, x, f"CASE {miss} {form}{bounds}END")

    # Amounts and rates: exact decimals, never a float.
    amount = c.kind is Kind.AMOUNT
    places = 2 if amount else 6
    dec = f"DECIMAL(18, {places})"
    limit = MAX_AMOUNT_YUAN if amount else MAX_RATE
    over = f"above {MAX_AMOUNT_YUAN:,}" if amount else f"above {MAX_RATE} ({MAX_RATE * 100} %)"
    many = f"more than {'two' if amount else 'six'} decimals"
    extra_digits = r"\.[0-9]{" + str(places) + "}[0-9]*[1-9]"  # a non-zero digit beyond
    if text:
        # An amount is canonical as DuckDB prints it ("12.50"); a rate when it has no
        # superfluous zeros ("0.5"), which is also its normalized form.
        fast = (
            f"CAST({x1} AS VARCHAR) = {s}"
            if amount
            else f"regexp_full_match({s}, {_lit(_RATE_RE)})"
        )
        inner = slow(fast, f"TRY_CAST({st} AS {dec})", f"TRY_CAST({s} AS {dec}) AS {x1}")
        percent = (
            ""
            if amount
            else f"WHEN NOT {f} AND ends_with({st}, '%') "
            "THEN 'a percentage: write a decimal fraction (18% is 0.18)' "
        )
        form = (
            f"{percent}WHEN NOT {f} AND NOT regexp_full_match({st}, {_lit(_NUMBER_RE)}) "
            "THEN 'not a number' "
            f"WHEN NOT {f} AND regexp_matches({st}, {_lit(extra_digits)}) THEN {_lit(many)} "
        )
    else:
        # A decimal, or an integer number of yuan; the guard keeps the cast from overflowing.
        inner = (
            f"CASE WHEN abs({s}) <= 1000000000 THEN CAST(round({s}, {places}) AS {dec}) END AS {x}",
        )
        form = f"WHEN {s} <> round({s}, {places}) THEN {_lit(many)} " if cls == "dec" else ""
    sign = (
        f"WHEN {x} <= 0 THEN 'must be positive' "
        if rule.positive
        else f"WHEN {x} < 0 THEN 'must not be negative' "
    )
    error = f"CASE {miss} {form}WHEN {x} IS NULL OR {x} > {limit} THEN {_lit(over)} {sign}END"
    if amount:
        fen_default = "NULL" if c.default is None else str(int(Decimal(c.default) * 100))
        return _ColumnSql(inner, f"COALESCE(CAST({x} * 100 AS BIGINT), {fen_default})", error)
    canonical = _canonical_rate(x)
    value = f"CASE WHEN {f} THEN {s} ELSE {canonical} END" if text else canonical
    return _ColumnSql(inner, f"COALESCE({value}, {default})", error)


def _canonical_rate(x: str) -> str:
    """A DECIMAL(18, 6) as text without superfluous zeros: 0.500000 -> '0.5', 2.000000 -> '2'.

    (A CASE over the number of places is several times cheaper in DuckDB than rtrim.)
    """
    whens = " ".join(
        f"WHEN {x} = round({x}, {k}) THEN CAST(CAST({x} AS DECIMAL(18, {k})) AS VARCHAR)"
        for k in range(6)
    )
    return f"CASE {whens} ELSE CAST({x} AS VARCHAR) END"


def _rules(as_of: dt.date) -> dict[tuple[str, str], _Rule]:
    last = as_of.isoformat()
    return {
        ("loans", "principal"): _Rule(positive=True),
        ("payments", "amount"): _Rule(positive=True),
        ("loans", "term_months"): _Rule(int_range=(1, 360)),
        ("installments", "no"): _Rule(int_range=(1, 360)),
        ("loans", "disbursed_on"): _Rule(first=MIN_DATE, last=last),
        ("loans", "signed_on"): _Rule(first=MIN_DATE, last=last),
        ("payments", "paid_on"): _Rule(last=last),
        ("events", "on"): _Rule(last=last),
    }


@dataclass(frozen=True, slots=True)
class _Check:
    """One reason column of a table's checked rows, and the field it is about."""

    alias: str
    field: str


@dataclass(slots=True)
class _Stage:
    """A table as read from its files, before it is checked."""

    name: str
    spec: Table
    raw: pa.Table | None  # every schema column (null where no file has it), then _f, _row, _i
    present: tuple[str, ...]  # the columns some file of the table has
    files: list[str]
    records: list[int]  # per file: records read, parsed or not
    line_ok: list[bool]  # per file: CSV whose every record is one line (then line = row + 1)
    bad_records: list[tuple[int, _BadRecord]]  # (_f, record) rejected as read
    # The typed-Parquet fast path: ``raw`` is None and DuckDB reads the files itself through
    # ``view`` (the same columns as ``raw`` would have, with the same types).
    view: str | None = None
    types: pa.Schema | None = None  # the column types of raw (or of view)
    rows: int = 0  # rows of raw (or of view)
    paths: tuple[Path, ...] = ()  # the files of view, in its order
    footers: tuple[pq.FileMetaData, ...] = ()  # their Parquet footers, read once

    def __post_init__(self) -> None:
        if self.raw is not None:
            self.types = self.raw.schema
            self.rows = self.raw.num_rows


# ---------------------------------------------------------------------------------------------
# The load


def load_portfolio(
    data_dir: Path,
    *,
    as_of: dt.date,
    rejects_dir: Path,
    max_reject_ratio: Decimal = DEFAULT_MAX_REJECT_RATIO,
    lean: bool = False,
    release_memory: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> LoadedPortfolio:
    """Read, check and normalize the portfolio in ``data_dir`` as of ``as_of``.

    ``lean`` returns the smaller tables the nightly kernel needs (see :data:`_LEAN_DROP`); the
    checks and the rejects are the same. ``release_memory``: hand the Arrow pool's unused memory
    back to the system at the end (the nightly run keeps it for its compute instead).
    ``progress("load", done, total)`` is called as each table is checked.

    Writes ``rejects_dir/<table>.csv`` for each table with rejects and ``summary.json`` always.
    Raises :class:`InputError` for a file-level problem (nothing is written then) and
    :class:`RejectThresholdExceeded` when rejected / read exceeds ``max_reject_ratio`` over all
    tables or in any one table (after writing the rejects).
    """
    if not isinstance(max_reject_ratio, Decimal) or not 0 <= max_reject_ratio <= 1:
        raise InputError(
            "max_reject_ratio", f"must be a decimal between 0 and 1; got {max_reject_ratio!r}"
        )
    data_dir = Path(data_dir)
    rejects_dir = Path(rejects_dir)
    found = _discover(data_dir)

    # Checksums (and line counts) are computed in a thread while PyArrow parses and the rows
    # are checked; the checks wait only for the line counts of CSV files (Parquet has none).
    with (
        ThreadPoolExecutor(max_workers=1) as pool,
        tempfile.TemporaryDirectory(prefix="overdue-load-") as tmp,
    ):
        digests: dict[str, Future[_Digest]] = {
            _rel(data_dir, p): pool.submit(_digest, p) for files in found.values() for p in files
        }

        def read(name: str, *, typed: bool = True) -> _Stage:
            st = _read_table(data_dir, name, found.get(name, []), typed=typed)
            st.line_ok = [
                ok and digests[file].result().lines == 1 + n
                for file, ok, n in zip(st.files, st.line_ok, st.records, strict=True)
            ]
            return st

        shown = 0

        def forward(step: str, done: int, total: int) -> None:
            """``progress``, never backwards (a table read again redoes the checks)."""
            nonlocal shown
            shown = max(shown, done)
            if progress is not None:
                progress(step, shown, total)

        try:
            stages = {name: read(name) for name in LOADED_TABLES}
            while True:
                con = connect(temp_directory=tmp, **_DUCKDB_CONFIG)
                try:
                    tables, counts = _check_all(
                        con, stages, as_of, rejects_dir, lean=lean, progress=forward
                    )
                    break
                except (duckdb.InvalidInputException, OSError, _NotUtf8) as exc:
                    # Text that is not UTF-8 in a Parquet file read by DuckDB itself (which
                    # refuses it: the error comes as such, or wrapped in an OSError when it
                    # arises while PyArrow reads DuckDB's batches) or scanned: that table is
                    # read again with PyArrow, whose reader takes such rows out as rejects.
                    name = _not_utf8_table(stages, exc)
                    if name is None:
                        raise
                    stages[name] = read(name, typed=False)
                finally:
                    con.close()
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
        checksums = {name: f.result().sha256 for name, f in sorted(digests.items())}
    if release_memory:
        pa.default_memory_pool().release_unused()  # the batches' buffers, back to the system

    over = [name for name in LOADED_TABLES if counts[name].reject_ratio > max_reject_ratio]
    if _total(counts).reject_ratio > max_reject_ratio:
        over.insert(0, "total")
    _write_summary(
        rejects_dir, as_of, list(stages.values()), counts, max_reject_ratio, passed=not over
    )
    if over:
        raise RejectThresholdExceeded(
            counts, max_reject_ratio, over, rejects_dir, _most_common(rejects_dir, over)
        )
    return LoadedPortfolio(
        as_of=as_of,
        loans=tables["loans"],
        payments=tables["payments"],
        installments=tables["installments"],
        events=tables["events"],
        counts=MappingProxyType(counts),
        checksums=MappingProxyType(checksums),
        rejects_dir=rejects_dir,
    )


# The part of a reason that names one row's own circumstances, left out when reasons are counted
# ("duplicate loan_id (first at row 7)", "before disbursement (2024-03-10)").
_OWN_PART = re.compile(r" \((first at [^)]*|\d{4}-\d{2}-\d{2})\)$")


def reject_lines(path: Path) -> Iterator[dict[str, str]]:
    """The lines of a rejects file (``rejects/<table>.csv``) by column name; none when the
    table has no rejects (no file)."""
    if not path.exists():
        return
    csv.field_size_limit(1 << 30)  # (a reject's raw row may be long)
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _most_common(rejects_dir: Path, tables: Sequence[str]) -> dict[str, str]:
    """Per table (of ``tables`` with rejects): its most common "field: reason" and on how many
    rows, for the error that stops a run (a whole file in GBK reads as one reason). Left out
    for a table whose rejects cannot be read back (the error itself must not be lost)."""
    out: dict[str, str] = {}
    for name in tables:
        rows: dict[tuple[str, str], set[tuple[str, str]]] = {}
        try:
            for line in reject_lines(rejects_dir / f"{name}.csv"):
                key = (line["field"], _OWN_PART.sub("", line["reason"]))
                rows.setdefault(key, set()).add((line["file"], line["row"]))
        except (OSError, csv.Error, KeyError, UnicodeDecodeError):
            continue
        if rows:
            (field, reason), hit = min(rows.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            n = len(hit)
            out[name] = f"{field}: {reason} ({n:,} row{'' if n == 1 else 's'})"
    return out


_BAD_ENCODING = re.compile(r'Invalid string encoding found in Parquet file "(?P<path>[^"]+)"')


def _not_utf8_table(stages: Mapping[str, _Stage], exc: Exception) -> str | None:
    """The table read by DuckDB itself (typed Parquet) in whose file DuckDB or a scan found
    text that is not UTF-8, or None for any other error."""
    if isinstance(exc, _NotUtf8):
        path = exc.path
    elif found := _BAD_ENCODING.search(str(exc)):
        path = Path(found["path"])
    else:
        return None
    return next((st.name for st in stages.values() if st.view and path in st.paths), None)


def _read_table(data_dir: Path, name: str, paths: Sequence[Path], *, typed: bool = True) -> _Stage:
    """The stage of a table: typed Parquet read by DuckDB itself when ``typed`` and the files
    qualify, else read with PyArrow."""
    spec = table(name)
    fast = _typed_parquet(data_dir, spec, paths) if typed else None
    if fast is not None:
        return fast
    parts = []
    for path in paths:
        file = _rel(data_dir, path)
        read = _read_csv if path.suffix == ".csv" else _read_parquet
        parts.append(read(path, file, spec))
    combined = _combine(spec, parts)
    fidx = np.concatenate(
        [np.full(p.data.num_rows, k, dtype=np.int32) for k, p in enumerate(parts)]
        or [np.zeros(0, np.int32)]
    )
    rows = np.concatenate(
        [_row_numbers(p.data.num_rows, [b.row for b in p.bad_records]) for p in parts]
        or [np.zeros(0, np.int64)]
    )
    raw = combined.append_column("_f", pa.array(fidx)).append_column("_row", pa.array(rows))
    raw = raw.append_column("_i", pa.array(np.arange(raw.num_rows, dtype=np.int64)))
    bad = [(k, b) for k, p in enumerate(parts) for b in p.bad_records]
    present = tuple(c for c in spec.column_names if any(c in p.data.column_names for p in parts))
    records = [p.data.num_rows + len(p.bad_records) for p in parts]
    files = [p.file for p in parts]
    return _Stage(name, spec, raw, present, files, records, [p.csv for p in parts], bad)


# Parquet column types DuckDB reads exactly as the Arrow path would leave them (per class).
def _fast_type(t: pa.DataType) -> bool:
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_date32(t):
        return True
    if pa.types.is_boolean(t) or pa.types.is_null(t):
        return True
    if pa.types.is_decimal128(t):
        return bool(t.precision <= 38)
    return pa.types.is_signed_integer(t) or t in (pa.uint8(), pa.uint16(), pa.uint32())


def _typed_parquet(data_dir: Path, spec: Table, paths: Sequence[Path]) -> _Stage | None:
    """The stage of a table given as Parquet files of one schema, read by DuckDB itself.

    The files' schemas are checked as :func:`_read_parquet` does (same errors, same order);
    the rows are not read here. None when the table does not qualify (CSV, files whose
    schemas differ, or a column type the Arrow path converts): then it is read with PyArrow.
    """
    if not paths or any(p.suffix != ".parquet" for p in paths):
        return None
    schemas: list[pa.Schema] = []
    offsets = [0]
    footers: list[pq.FileMetaData] = []
    for path in paths:
        file = _rel(data_dir, path)
        try:
            meta = pq.read_metadata(path)
            schema = meta.schema.to_arrow_schema()
        except (pa.ArrowInvalid, OSError):
            return None  # the Arrow path raises the error
        _check_header(schema.names, spec, file)
        for f in schema:
            kind = spec.column(f.name).kind
            cls = _type_class(f.type)
            if not (cls == "null" or cls in _ACCEPTED_TYPES[kind]):
                return None  # the Arrow path raises the error
        schemas.append(pa.schema([(f.name, f.type) for f in schema]))
        offsets.append(offsets[-1] + meta.num_rows)
        footers.append(meta)
    first = schemas[0]
    if any(not s.equals(first) for s in schemas) or not all(_fast_type(f.type) for f in first):
        return None
    cols: list[str] = []
    types: list[pa.Field] = []
    for c in spec.columns:
        if c.name not in first.names:
            cols.append(f"CAST(NULL AS VARCHAR) AS {_q(c.name)}")
            types.append(pa.field(c.name, pa.string()))
            continue
        t = first.field(c.name).type
        cls = _type_class(t)
        if cls == "null" or (cls == "int" and c.kind is Kind.TEXT):
            cols.append(f"CAST({_q(c.name)} AS VARCHAR) AS {_q(c.name)}")
            t = pa.string()
        elif cls == "int":
            cols.append(f"CAST({_q(c.name)} AS BIGINT) AS {_q(c.name)}")
            t = pa.int64()
        else:
            cols.append(_q(c.name))
            t = pa.string() if cls == "str" else t
        types.append(pa.field(c.name, t))
    files = "[" + ", ".join(_lit(str(p)) for p in paths) + "]"
    starts = "[" + ", ".join(str(o) for o in offsets[:-1]) + "]"
    view = (
        f"SELECT {', '.join(cols)}, CAST(file_index AS INTEGER) AS _f, "
        f"CAST(file_row_number AS BIGINT) + 1 AS _row, "
        f"CAST({starts} AS BIGINT[])[CAST(file_index AS BIGINT) + 1]"
        " + CAST(file_row_number AS BIGINT) AS _i "
        f"FROM read_parquet({files}, file_row_number = true)"
    )
    types += [pa.field("_f", pa.int32()), pa.field("_row", pa.int64()), pa.field("_i", pa.int64())]
    present = tuple(c for c in spec.column_names if c in first.names)
    return _Stage(
        spec.name, spec, None, present, [_rel(data_dir, p) for p in paths],
        [int(o) for o in np.diff(offsets)], [False] * len(paths), [],
        view=view, types=pa.schema(types), rows=offsets[-1], paths=tuple(paths),
        footers=tuple(footers),
    )  # fmt: skip


def _v(name: str) -> str:
    return _q("v:" + name)


def _e(name: str) -> str:
    return _q("e:" + name)


def _checks(spec: Table) -> tuple[_Check, ...]:
    """The reason columns of a table's checked rows, in the order reject lines are written."""
    own = tuple(_Check("e:" + c.name, c.name) for c in spec.columns)
    extra = {
        "loans": (
            ("x:rate", "rate"),
            ("x:upfront", "upfront_fee"),
            ("d:id", "loan_id"),
            ("s:schedule", "installments"),
        ),
        "installments": (("x:due_on", "due_on"), ("x:no", "no"), ("d:id", "no")),
        "payments": (("d:id", "payment_id"), ("x:paid_on", "paid_on")),
        "events": (("d:id", "event_id"), ("x:on", "on"), ("x:until", "until")),
    }[spec.name]
    return (*own, *(_Check(a, f) for a, f in extra), _Check("r:loan_id", "loan_id"))


def _all_null(aliases: Iterable[str], prefix: str = "") -> str:
    return " AND ".join(f"{prefix}{_q(a)} IS NULL" for a in aliases)


def _parse_sql(st: _Stage, as_of: dt.date, source: str) -> str:
    """SELECT over ``source`` (rows of the table as read): ids, ``v:`` values, ``e:`` reasons."""
    rules = _rules(as_of)
    inner: list[str] = []
    outer: list[str] = []
    for c in st.spec.columns:
        assert st.types is not None
        cls = _type_class(st.types.field(c.name).type)
        rule = rules.get((st.name, c.name), _Rule())
        sql = _column_sql(c, "str" if cls == "null" else cls, rule)
        inner += [_q(c.name), *sql.inner]
        outer += [f"{sql.value} AS {_v(c.name)}", f"CAST({sql.error} AS VARCHAR) AS {_e(c.name)}"]
    return (
        f"SELECT _i, _f, _row, {', '.join(outer)} "
        f"FROM (SELECT _i, _f, _row, {', '.join(inner)} FROM {source})"
    )


def _clean_text(s: str) -> str:
    """A text cell without surrounding spaces, or NULL when blank (trimming only when needed)."""
    return (
        f"CASE WHEN {s} = '' OR starts_with({s}, ' ') OR ends_with({s}, ' ') "
        f"THEN NULLIF(trim({s}), '') ELSE {s} END"
    )


def _duplicates(
    con: duckdb.DuckDBPyConnection, target: str, relation: str, keys: Sequence[str], label: str
) -> None:
    """Create ``target`` (``_i``, reason): rows repeating an earlier row's key.

    The first occurrence (by file, then row) is kept. Candidates are repeated 64-bit hashes of
    the key (found by sorting the hashes in DuckDB, which is cheaper than a hash aggregate over
    millions of distinct keys); they are then compared exactly, so a collision costs a little work,
    never a reject. Without candidates (the usual case) the exact pass is skipped.
    """
    cols = ", ".join(keys)
    present = " AND ".join(f"{k} IS NOT NULL" for k in keys)
    _run(con, f"CREATE TEMP TABLE {target} (_i BIGINT, reason VARCHAR)")
    # DuckDB's parallel sort (a window over the sorted hashes) rather than one NumPy thread.
    repeated = con.sql(
        f"""SELECT DISTINCT h FROM (
            SELECT h, lag(h) OVER (ORDER BY h) AS prev
            FROM (SELECT hash({cols}) AS h FROM {relation} WHERE {present}))
        WHERE h = prev"""
    ).to_arrow_table()
    _exact_duplicates(con, target, relation, keys, label, repeated)


def _exact_duplicates(
    con: duckdb.DuckDBPyConnection,
    target: str,
    relation: str,
    keys: Sequence[str],
    label: str,
    repeated: pa.Table,
) -> None:
    """Insert into ``target`` the rows repeating an earlier row's key, among the rows whose key
    hashes (DuckDB's ``hash``) to one of ``repeated`` (column ``h``)."""
    if repeated.num_rows == 0:
        return
    cols = ", ".join(keys)
    named = ", ".join(f"{k} AS k{n}" for n, k in enumerate(keys))
    aliases = ", ".join(f"k{n}" for n in range(len(keys)))
    present = " AND ".join(f"{k} IS NOT NULL" for k in keys)
    con.register("dup_hashes", repeated)
    table_name = relation.removeprefix("in_").removeprefix("p_")
    _run(
        con,
        f"""INSERT INTO {target}
        WITH r AS (
            SELECT _i, _f, _row,
                row_number() OVER w AS n, first_value(_f) OVER w AS f0,
                first_value(_row) OVER w AS r0
            FROM (SELECT _i, _f, _row, {named} FROM {relation}
                  WHERE {present} AND hash({cols}) IN (SELECT h FROM dup_hashes))
            WINDOW w AS (PARTITION BY {aliases} ORDER BY _f, _row))
        SELECT r._i,
            'duplicate {label} (first at ' ||
            CASE WHEN r.f0 = r._f THEN '' ELSE fl.file || ' ' END || 'row ' || r.r0 || ')'
        FROM r JOIN files fl ON fl.table_name = {_lit(table_name)} AND fl._f = r.f0
        WHERE r.n > 1""",
    )
    con.unregister("dup_hashes")


def _first_problem(checks: Iterable[_Check], alias: str = "p") -> str:
    whens = " ".join(
        f"WHEN {alias}.{_q(ch.alias)} IS NOT NULL THEN {_lit(ch.field + ': ')} || "
        f"{alias}.{_q(ch.alias)}"
        for ch in checks
    )
    return f"CASE {whens} END"


def _ref_reason(p: str, r: str) -> str:
    """The reference check of a row that names a loan (``ref`` is the final loan status)."""
    return (
        f"CASE WHEN {p}.{_v('loan_id')} IS NULL THEN NULL "
        f"WHEN {r}.loan_id IS NULL THEN 'unknown loan id' "
        f"WHEN {r}.reason IS NOT NULL THEN 'loan rejected: ' || {r}.reason END"
    )


def _yuan(fen_sql: str) -> str:
    return f"(({fen_sql}) // 100)::VARCHAR || '.' || lpad((({fen_sql}) % 100)::VARCHAR, 2, '0')"


def _loans_sql(st: _Stage, as_of: dt.date, source: str) -> str:
    """The parsed loans of ``source`` (see :func:`_parse_sql`) with the checks across columns:
    the annual rate, and a withheld upfront fee below the principal."""
    v = _v
    annual = (
        f"CASE WHEN {_e('rate')} IS NULL AND {_e('rate_unit')} IS NULL "
        f"AND {_e('day_count')} IS NULL AND {v('rate')} IS NOT NULL "
        f"AND CAST({v('rate')} AS DECIMAL(18, 6)) * CASE {v('rate_unit')} WHEN 'monthly' THEN 12"
        f" WHEN 'daily' THEN CASE {v('day_count')} WHEN 'ACT/365' THEN 365 ELSE 360 END ELSE 1 END"
        f" > {MAX_RATE} THEN 'annual rate above {MAX_RATE} ({MAX_RATE * 100} %)' END"
    )
    withheld = (
        f"CASE WHEN {_e('principal')} IS NULL AND {_e('upfront_fee')} IS NULL "
        f"AND {_e('upfront_fee_deducted')} IS NULL AND {v('upfront_fee_deducted')} "
        f"AND {v('upfront_fee')} >= {v('principal')} "
        f"THEN 'withheld from the principal (upfront_fee_deducted), so must be less than it' END"
    )
    return (
        f"SELECT *, {annual} AS {_q('x:rate')}, {withheld} AS {_q('x:upfront')} "
        f"FROM ({_parse_sql(st, as_of, source)})"
    )


def _parse_loans(
    con: duckdb.DuckDBPyConnection,
    st: _Stage,
    as_of: dt.date,
    lean: bool,
    source: str = "in_loans",
) -> pa.Table:
    """Every loan row of ``source`` parsed, in input order, as Arrow: the columns of the
    accepted table (:func:`_accepted_schema`), then ``_i`` and ``own``, the first problem of
    the row itself (NULL for most rows; duplicates and schedules are checked later).

    One pass into Arrow instead of a DuckDB table: the rows are wide and the accepted ones are
    placed by :func:`_place_loans` without DuckDB sorting them. Input order (kept by DuckDB at
    little cost for a scan) makes that placement a sequential pass, or nothing at all, when
    the file lists its loans by loan_id, as extracts usually do.
    """
    own = [ch for ch in _checks(st.spec) if ch.alias.startswith(("e:", "x:"))]
    schema = _accepted_schema("loans", lean)
    cols = ", ".join(
        "_row AS source_row"
        if f.name == "source_row"
        else f"{_v(f.name.removesuffix('_fen'))} AS {_q(f.name)}"
        for f in schema
    )
    result = con.sql(
        f"SELECT {cols}, _i, {_first_problem(own)} AS own FROM ({_loans_sql(st, as_of, source)}) p"
    )
    full = schema.append(pa.field("_i", pa.int64())).append(pa.field("own", pa.string()))
    dictionary = _LEAN_DICTIONARY if lean else ()
    _run(con, "SET preserve_insertion_order = true")
    try:
        batches = [_converted(b, full, dictionary) for b in result.to_arrow_reader(_BATCH_ROWS)]
    finally:
        _run(con, f"SET preserve_insertion_order = {_DUCKDB_CONFIG['preserve_insertion_order']}")
    return pa.Table.from_batches(batches, schema=_dictionary_schema(full, dictionary))


def _prepare(con: duckdb.DuckDBPyConnection, stages: Mapping[str, _Stage], as_of: dt.date) -> None:
    """Build the relations every table's checks refer to.

    ``p_loans`` (registered by the caller: :func:`_parse_loans`) and ``p_installments``
    (parsed), the duplicates ``d_<table>``, the schedule problems ``sched``, and ``ref``: per
    loan id its first row, its reason for rejection (NULL when accepted), its disbursement date
    and, for an accepted loan, its rank by loan_id.
    """
    _duplicates(con, "d_loans", "in_loans", [_clean_text("loan_id")], "loan_id")
    _run(
        con,
        """CREATE TEMP TABLE ref0 AS
        SELECT p.loan_id, p._i, p.own AS reason, p.disbursed_on, p.term_months, p.principal_fen
        FROM p_loans p ANTI JOIN d_loans d ON d._i = p._i
        WHERE p.loan_id IS NOT NULL""",
    )
    _prepare_installments(con, stages["installments"], as_of)
    _run(
        con,
        """CREATE TEMP TABLE ref AS
        SELECT r.loan_id, r._i, coalesce(r.reason, s.reason) AS reason, r.disbursed_on,
            CASE WHEN coalesce(r.reason, s.reason) IS NULL
                 THEN row_number() OVER (PARTITION BY (coalesce(r.reason, s.reason) IS NULL)
                                         ORDER BY r.loan_id) END AS ord
        FROM ref0 r LEFT JOIN sched s ON s.loan_id = r.loan_id""",
    )
    _run(con, "DROP TABLE ref0")  # its memory, back to DuckDB for the child tables
    _prepare_children(con)


def _prepare_children(con: duckdb.DuckDBPyConnection) -> None:
    """Payments and events: their ids are checked by _check_all as their rows are fetched."""
    for name in _ID_CHECKED_WHILE_FETCHED:
        _run(con, f"CREATE TEMP TABLE {_q('d_' + name)} (_i BIGINT, reason VARCHAR)")


def _prepare_installments(con: duckdb.DuckDBPyConnection, inst: _Stage, as_of: dt.date) -> None:
    """``p_installments``, ``d_installments`` and ``sched`` (see :func:`_prepare`), given
    ``ref0``: per loan id its first row, its own reason, disbursement date, term and
    principal."""
    v = _v
    # Installments against their loan (as far as the loan's own row goes), then each loan's
    # schedule as a whole.
    _run(
        con,
        f"""CREATE TEMP TABLE p_installments AS
        SELECT p.*, r.loan_id IS NOT NULL AS found, r.reason AS reason0,
            CASE WHEN r.reason IS NULL AND p.{v("due_on")} <= r.disbursed_on
                 THEN 'not after disbursement (' || r.disbursed_on || ')'
                 END AS {_q("x:due_on")},
            CASE WHEN r.reason IS NULL AND p.{v("no")} > r.term_months
                 THEN 'above the loan''s term_months (' || r.term_months || ')' END AS {_q("x:no")}
        FROM ({_parse_sql(inst, as_of, "in_installments")}) p
        LEFT JOIN ref0 r ON p.{v("loan_id")} = r.loan_id""",
    )
    _duplicates(con, "d_installments", "p_installments", [v("loan_id"), v("no")], "installment no")
    inst_ok = _all_null(
        [ch.alias for ch in _checks(inst.spec) if ch.alias.startswith(("e:", "x:"))], "p."
    )
    _run(
        con,
        f"""CREATE TEMP TABLE sched AS
        WITH rows AS (
            SELECT p.{v("loan_id")} AS loan_id, p.{v("no")} AS no, p.{v("due_on")} AS due_on,
                p.{v("principal")} AS principal_fen, ({inst_ok} AND d._i IS NULL) AS ok
            FROM p_installments p LEFT JOIN d_installments d ON d._i = p._i
            WHERE p.found AND p.reason0 IS NULL),
        good AS (
            SELECT loan_id, due_on, principal_fen,
                lag(due_on) OVER (PARTITION BY loan_id ORDER BY no) AS prev
            FROM rows WHERE ok),
        agg AS (
            SELECT loan_id, count(*) AS n, sum(principal_fen) AS principal_fen,
                bool_and(prev IS NULL OR due_on > prev) AS increasing
            FROM good GROUP BY loan_id),
        given AS (SELECT DISTINCT loan_id FROM rows)
        SELECT * FROM (
            SELECT l.loan_id, 'installments: ' || CASE
                WHEN coalesce(a.n, 0) < r.term_months THEN
                    'schedule incomplete: ' || coalesce(a.n, 0) || ' of ' || r.term_months ||
                    ' installments accepted'
                WHEN a.principal_fen <> r.principal_fen THEN
                    'principal sums to ' || {_yuan("a.principal_fen")} || ', not the loan''s ' ||
                    {_yuan("r.principal_fen")}
                WHEN NOT a.increasing THEN 'due dates not increasing with no'
                END AS reason
            FROM given l JOIN ref0 r ON r.loan_id = l.loan_id
            LEFT JOIN agg a ON a.loan_id = l.loan_id)
        WHERE reason IS NOT NULL""",
    )


def _checked_sql(st: _Stage, as_of: dt.date, source: str) -> str:
    """Every row of ``source`` with its values, its reason columns and its loan's rank."""
    v = _v
    if st.name == "loans":
        return f"""SELECT p.*, d.reason AS {_q("d:id")}, s.reason AS {_q("s:schedule")}, r.ord,
            CAST(NULL AS VARCHAR) AS {_q("r:loan_id")}
        FROM ({_loans_sql(st, as_of, source)}) p LEFT JOIN d_loans d ON d._i = p._i
        LEFT JOIN ref r ON r._i = p._i LEFT JOIN sched s ON s.loan_id = r.loan_id"""
    if st.name == "installments":
        return f"""SELECT p.*, d.reason AS {_q("d:id")}, r.ord,
            {_ref_reason("p", "r")} AS {_q("r:loan_id")}
        FROM {source} p LEFT JOIN d_installments d ON d._i = p._i
        LEFT JOIN ref r ON p.{v("loan_id")} = r.loan_id"""
    day = "paid_on" if st.name == "payments" else "on"
    extra = ""
    if st.name == "events":
        kinds = ", ".join(_lit(k) for k in EVENT_KINDS_WITH_UNTIL)
        extra = (
            f", CASE WHEN p.{v('until')} IS NOT NULL AND p.{_e('kind')} IS NULL"
            f" AND p.{v('kind')} NOT IN ({kinds})"
            f" THEN 'only for {', '.join(EVENT_KINDS_WITH_UNTIL)}'"
            f" WHEN p.{v('until')} < p.{v('on')} THEN 'before on' END AS {_q('x:until')}"
        )
    return f"""SELECT p.*, r.ord, d.reason AS {_q("d:id")},
            {_ref_reason("p", "r")} AS {_q("r:loan_id")},
            CASE WHEN r.reason IS NULL AND p.{v(day)} < r.disbursed_on
                 THEN 'before disbursement (' || r.disbursed_on || ')' END AS {_q("x:" + day)}
            {extra}
        FROM ({_parse_sql(st, as_of, source)}) p
        LEFT JOIN ref r ON p.{v("loan_id")} = r.loan_id
        LEFT JOIN {_q("d_" + st.name)} d ON d._i = p._i"""


# The order of the accepted child rows (loans are placed by _place_loans), as one BIGINT and then
# a text tie-break: the loan's rank by loan_id (``ord``), then the day (days since 2000-01-01,
# below 2**17 for any date the checks accept) or the installment number. One integer key sorts
# much faster than three columns.
_ORDER = {
    "payments": (f"ord * 131072 + ({_v('paid_on')} - DATE '{MIN_DATE}')", _v("payment_id")),
    "installments": (f"ord * 1024 + {_v('no')}", ""),
    "events": (f"ord * 131072 + ({_v('on')} - DATE '{MIN_DATE}')", _v("event_id")),
}


def _check_all(
    con: duckdb.DuckDBPyConnection,
    stages: Mapping[str, _Stage],
    as_of: dt.date,
    rejects_dir: Path,
    *,
    lean: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[dict[str, pa.Table], dict[str, TableCounts]]:
    files = pa.table(
        {
            "table_name": [s.name for s in stages.values() for _ in s.files],
            "_f": pa.array([k for s in stages.values() for k in range(len(s.files))], pa.int32()),
            "file": [f for s in stages.values() for f in s.files],
            "line_ok": [ok for s in stages.values() for ok in s.line_ok],
        }
    )
    con.register("files", files)
    for st in stages.values():
        if st.raw is not None:
            con.register("in_" + st.name, st.raw)
        else:
            _run(con, f"CREATE TEMP VIEW {_q('in_' + st.name)} AS {st.view}")
    loans_scan = _scanned_loans(con, stages, as_of) if lean else None
    if loans_scan is None:
        parsed_loans = _parse_loans(con, stages["loans"], as_of, lean)
        con.register("p_loans", parsed_loans)
        _prepare(con, stages, as_of)
        con.unregister("p_loans")
    else:  # _prepare's relations, from the scan: no duplicate loan ids, no installments
        _run(con, "CREATE TEMP TABLE d_loans (_i BIGINT, reason VARCHAR)")
        con.register("ref0", loans_scan.ref)
        _prepare_installments(con, stages["installments"], as_of)
        con.unregister("ref0")
        con.register("ref", loans_scan.ref)
        _prepare_children(con)

    tables: dict[str, pa.Table] = {}
    counts: dict[str, TableCounts] = {}
    rejects_dir.mkdir(parents=True, exist_ok=True)
    keys: _LoanKeys | None = None  # the accepted loans, once placed, for the children's scan
    for name, st in stages.items():
        suspects: pa.Table | None = None  # the rows the compiled scan left to the SQL checks
        base = "p_installments" if name == "installments" else "in_" + name
        schema = _accepted_schema(name, lean)
        if name == "loans":
            if loans_scan is None:
                tables[name], rejected_ids = _place_loans(con, parsed_loans, schema, st.rows)
                del parsed_loans
            else:
                tables[name], rejected_ids = loans_scan.table, loans_scan.rejected
                suspects = loans_scan.suspects
            if lean:
                keys = _loan_keys(tables[name], loans_scan.ids if loans_scan else None)
        elif lean and (scanned := _scanned_children(con, st, as_of, schema, keys)):
            tables[name], rejected_ids, suspects = scanned
        else:
            checks = _checks(st.spec)
            ok = _all_null(ch.alias for ch in checks)
            if lean:
                # Text a lean table drops and no check reads (an event's note) is read all the
                # same: DuckDB checks its UTF-8 as it reads, as the scan and a full load do.
                ok += "".join(
                    f" AND coalesce(length({_v(c)}) >= 0, true)"
                    for c in _LEAN_DROP.get(name, ())
                    if c in st.present and st.spec.column(c).kind is Kind.TEXT
                )
            cols = _accepted_columns(schema)
            key, tie = _ORDER[name]
            # One pass over the checked rows: sorted by DuckDB, or, for a lean load, unsorted
            # (the kernel groups them by loan_ord in linear time).
            order = ""
            if not lean:
                order = (
                    f" ORDER BY CASE WHEN {ok} THEN {key} END NULLS LAST"
                    f"{', ' + tie if tie else ''}, _i"
                )
            id_col = _ID_CHECKED_WHILE_FETCHED.get(name)
            h = ""
            if id_col:
                h = f", CASE WHEN {_v(id_col)} IS NOT NULL THEN hash({_v(id_col)}) END AS _h"
            query = (
                f"SELECT {cols}, _i, ({ok}) AS _ok{h} FROM ({_checked_sql(st, as_of, base)}){order}"
            )
            hashed_rows = st.rows if id_col else 0
            tables[name], rejected_ids, repeated = _fetch(con.sql(query), schema, hashed_rows)
            if id_col and repeated.num_rows:
                # Some id may be repeated (or two ids share a hash): find the repeats exactly,
                # then fetch again, now without them. Only for inputs with repeated ids.
                id_key = [_clean_text(id_col)]
                _exact_duplicates(con, "d_" + name, base, id_key, id_col, repeated)
                tables[name], rejected_ids, _ = _fetch(con.sql(query), schema)
        accepted = tables[name].num_rows
        rejected = _write_rejects(con, st, as_of, base, rejected_ids, rejects_dir, suspects)
        counts[name] = TableCounts(st.rows + len(st.bad_records), accepted, rejected)
        if progress:
            progress("load", len(counts), len(stages))
    return tables, counts


def _accepted_columns(schema: pa.Schema) -> str:
    """SELECT list of a child table's accepted columns over its checked rows."""
    return ", ".join(
        "_row AS source_row"
        if f.name == "source_row"
        else "CAST(ord - 1 AS INTEGER) AS loan_ord"
        if f.name == LOAN_ORD.name
        else f"{_v(f.name.removesuffix('_fen'))} AS {_q(f.name)}"
        for f in schema
    )


class _NotScannable(Exception):
    """A row group holds more large_string text than one string array holds: the table is left
    to the SQL path."""


class _NotUtf8(Exception):
    """A typed Parquet file holds text that is not valid UTF-8, found by a scan (which reads
    every column, also those the SQL path of a lean load never reads, such as an event's note):
    its table is read again with PyArrow, which rejects such rows (see load_portfolio)."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


@dataclass(frozen=True, slots=True)
class _ScanPlan:
    """How :func:`_scanned_children` reads one child table: its id and day columns, the
    Parquet types it takes (other types go the SQL way), the table's own checks of a row group
    (a mask of the rows that pass them) and its lean columns besides the day and loan_ord,
    taken at the clean rows."""

    id_column: str
    day_column: str
    types: Mapping[str, pa.DataType]  # required columns
    amounts: tuple[str, ...]  # required decimal128 columns with two places, any precision
    optional: Mapping[str, pa.DataType]  # read when the files have them
    checks: Callable[[pa.Table], npt.NDArray[np.bool_]]
    # Lean values at the clean rows: a NumPy array is copied into one array for the whole table
    # (as the day and loan_ord are), so the run gets one chunk without concatenating; an Arrow
    # array stays the unit's chunk.
    values: Callable[
        [pa.Table, npt.NDArray[np.int64] | None], dict[str, pa.Array | npt.NDArray[Any]]
    ]


class _Unit(NamedTuple):
    """Consecutive row groups of one file, scanned as one piece of work."""

    file: int  # index in the stage's files (_f)
    path: Path
    metadata: pq.FileMetaData  # the file's footer, as _typed_parquet read it
    groups: list[int]
    start: int  # the first row's place in the file (0-based)
    first: int  # the first row's _i
    rows: int


_UNIT_ROWS = 1 << 16  # row groups are merged into units of at least this many rows


def _decimal_words(a: pa.Array) -> npt.NDArray[np.int64]:
    """The two int64 words (low, high) of each value of a decimal128 array, without a copy."""
    return np.frombuffer(a.buffers()[1], np.int64)[2 * a.offset :][: 2 * len(a)]


def _payment_checks(group: pa.Table) -> npt.NDArray[np.bool_]:
    """An amount above 0 and at most MAX_AMOUNT_YUAN (_column_sql's checks; the plan takes
    only amounts with two places)."""
    words = _decimal_words(group["amount"].chunk(0))
    low, high = words[0::2], words[1::2]
    ok: npt.NDArray[np.bool_] = (high == 0) & (low > 0) & (low <= MAX_AMOUNT_YUAN * 100)
    return ok


def _payment_values(
    group: pa.Table, rows: npt.NDArray[np.int64] | None
) -> dict[str, pa.Array | npt.NDArray[Any]]:
    """The lean payment's amount in fen (a two-place decimal's low word) at ``rows`` (None:
    every row; a strided view, copied once into the table's array)."""
    fen = _decimal_words(group["amount"].chunk(0))[0::2]
    return {"amount_fen": fen if rows is None else fen[rows]}


def _event_checks(group: pa.Table) -> npt.NDArray[np.bool_]:
    """A kind written as one of the kinds, and an until only for the kinds that have one and
    not before the day (the checks of _column_sql and _checked_sql)."""
    kind = group["kind"].chunk(0)
    ok = pc.is_in(kind, value_set=pa.array(EVENT_KINDS))
    ok = ok.fill_null(False)
    if "until" in group.column_names and group["until"].null_count < group.num_rows:
        until = group["until"].chunk(0)
        allowed = pc.and_(
            pc.is_in(kind, value_set=pa.array(EVENT_KINDS_WITH_UNTIL)),
            pc.greater_equal(until, group["on"].chunk(0)),
        )
        ok = pc.and_(ok, pc.or_(pc.is_null(until), allowed.fill_null(False)))
    return np.asarray(ok.to_numpy(zero_copy_only=False), np.bool_)


def _event_values(
    group: pa.Table, rows: npt.NDArray[np.int64] | None
) -> dict[str, pa.Array | npt.NDArray[Any]]:
    """The lean event's kind (as written, which the checks found canonical) at ``rows`` (None:
    every row)."""
    kind = group["kind"].chunk(0)
    return {"kind": kind if rows is None else kind.take(pa.array(rows))}


_SCAN_PLANS = {
    "payments": _ScanPlan(
        "payment_id", "paid_on",
        {"payment_id": pa.string(), "loan_id": pa.string(), "paid_on": pa.date32()},
        ("amount",), {}, _payment_checks, _payment_values,
    ),
    "events": _ScanPlan(
        "event_id", "on",
        {"event_id": pa.string(), "loan_id": pa.string(), "on": pa.date32(), "kind": pa.string()},
        (), {"until": pa.date32(), "note": pa.string()}, _event_checks, _event_values,
    ),
}  # fmt: skip


def _plan_fits(plan: _ScanPlan, schema: pa.Schema) -> bool:
    """Whether files of ``schema`` have the plan's columns with the plan's types."""

    def has(name: str, fits: Callable[[pa.DataType], bool], required: bool = True) -> bool:
        return fits(schema.field(name).type) if name in schema.names else not required

    def two_places(t: pa.DataType) -> bool:
        return isinstance(t, pa.Decimal128Type) and t.scale == 2

    def like(t: pa.DataType) -> Callable[[pa.DataType], bool]:
        return lambda u: u.equals(t) or (t == pa.string() and u == pa.large_string())

    return (
        all(has(c, like(t)) for c, t in plan.types.items())
        and all(has(c, two_places) for c in plan.amounts)
        and all(has(c, like(t), required=False) for c, t in plan.optional.items())
    )


def _is_text(t: pa.DataType) -> bool:
    """Text the scans read: ``string``, or ``large_string`` (as Polars writes it)."""
    return bool(t == pa.string() or t == pa.large_string())


def _small_strings(a: pa.Array) -> pa.Array:
    """``a`` with ``large_string`` text (values or a dictionary's) as ``string``, which the scans
    take apart; other arrays as they are."""
    t = a.type
    try:
        if t == pa.large_string():
            return a.cast(pa.string())
        if pa.types.is_dictionary(t) and t.value_type == pa.large_string():
            return a.cast(pa.dictionary(t.index_type, pa.string()))
    except pa.ArrowInvalid:  # (over 2 GB of text in one unit)
        raise _NotScannable from None
    return a


def _units(st: _Stage) -> list[_Unit]:
    """The stage's files cut into units: consecutive row groups of one file, each unit at
    least :data:`_UNIT_ROWS` rows unless its file ends first (a file of thousands of small row
    groups is not thousands of tasks)."""
    units: list[_Unit] = []
    first = 0
    for k, (path, meta) in enumerate(zip(st.paths, st.footers, strict=True)):
        start = 0
        groups: list[int] = []
        rows = 0
        for g in range(meta.num_row_groups):
            groups.append(g)
            rows += meta.row_group(g).num_rows
            if rows >= _UNIT_ROWS or g == meta.num_row_groups - 1:
                units.append(_Unit(k, path, meta, groups, start, first + start, rows))
                start += rows
                groups, rows = [], 0
        first += meta.num_rows
    return units


def _valid_utf8(a: pa.Array) -> bool:
    """Whether a string array's text is valid UTF-8 (PyArrow's reader does not check; DuckDB's
    does). ASCII, the usual case, is seen from the bytes alone."""
    _, data = compiled_scan.string_buffers(a)
    if not data.size or int(data.max()) < 0x80:
        return True
    try:
        a.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _read_unit(
    unit: _Unit, columns: Sequence[str], *, threads: bool, dictionary: Sequence[str] = ()
) -> pa.Table:
    """A unit's ``columns``, one chunk each, text as ``string`` (``dictionary`` ones as
    dictionaries); :class:`_NotUtf8` when some text is not valid UTF-8."""
    read = pq.ParquetFile(
        unit.path, metadata=unit.metadata, read_dictionary=list(dictionary) or None
    ).read_row_groups(unit.groups, columns=list(columns), use_threads=threads)
    if dictionary:
        read = read.unify_dictionaries()
    group = pa.table({c: _small_strings(one_chunk(read[c])) for c in columns})
    for col in group.columns:
        a = col.chunk(0) if col.num_chunks else None
        if a is not None and pa.types.is_dictionary(a.type):
            a = a.dictionary
        if a is not None and a.type == pa.string() and not _valid_utf8(a):
            raise _NotUtf8(unit.path)
    return group


def _suspect_rows(group: pa.Table, unit: _Unit, odd: npt.NDArray[np.int64]) -> pa.Table:
    """The rows ``odd`` of a unit as read, with their file (_f), row in it (_row) and _i."""
    return (
        group.take(pa.array(odd))
        .append_column("_f", pa.array(np.full(odd.size, unit.file, np.int32)))
        .append_column("_row", pa.array(unit.start + odd + 1))
        .append_column("_i", pa.array(unit.first + odd))
    )


def _as_view(as_read: Sequence[pa.Table], types: pa.Schema) -> pa.Table:
    """Suspect rows as read (:func:`_suspect_rows`) as DuckDB's view of the files has them:
    every column of the table, with the view's types."""
    rows = pa.concat_tables(as_read)
    return pa.table(
        {
            f.name: rows[f.name].cast(f.type)
            if f.name in rows.column_names
            else pa.nulls(rows.num_rows, f.type)
            for f in types
        }
    )


_T = TypeVar("_T")


def _scan_units(units: Sequence[_Unit], scan: Callable[[_Unit, bool], _T]) -> list[_T] | None:
    """``scan(unit, threads)`` of every unit on the cores, in order (``threads``: whether the
    unit's reading may use threads of its own, when there are fewer units than cores); None
    when a unit is :class:`_NotScannable`."""
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    threads = len(units) < workers
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda unit: scan(unit, threads), units))
    except _NotScannable:
        return None


_SORT_APART = 1 << 20  # hashes from which the search uses two threads


def _repeats(hashes: Sequence[npt.NDArray[np.uint64]], ids: pa.Array) -> bool:
    """Whether some 64-bit hash (:func:`compiled_scan.id_hashes`) repeats among ``hashes`` and
    those of the ``ids``.

    A single array of hashes (and no ids) is sorted in place: for 57M payments, a copy of it
    cost as much as the sort. A large one is sorted in two halves at once (NumPy's sort
    releases the GIL), each half is searched for a repeat, and then the two for a common
    value, again on two threads: values below the low half's median in one, the others in
    the other (57M hashes: 0.6 -> 0.35 s)."""
    parts = list(hashes)
    if len(ids):
        extra = np.empty(len(ids), np.uint64)
        compiled_scan.id_hashes(*compiled_scan.string_buffers(ids), extra)
        parts.append(extra)
    together = parts[0] if len(parts) == 1 else np.concatenate(parts or [np.zeros(0, np.uint64)])
    if len(together) < _SORT_APART:
        together.sort()
        return bool(compiled_scan.has_repeats(together))
    half = len(together) // 2
    low, high = together[:half], together[half:]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(np.ndarray.sort, (low, high)))
        if compiled_scan.has_repeats(low) or compiled_scan.has_repeats(high):
            return True
        # ``low`` holds no value twice: below its median m are exactly low[:m], at or above
        # it low[m:]; in ``high``, those below m end where m would be inserted.
        m = half // 2
        cut = int(np.searchsorted(high, low[m]))
        pairs = ((low[:m], high[:cut]), (low[m:], high[cut:]))
        return any(pool.map(lambda pair: bool(compiled_scan.have_common(*pair)), pairs))


@dataclass(frozen=True, slots=True)
class _LoanKeys:
    """The accepted loans as the scan looks them up: their ids' string buffers, in bytewise
    order (their position is loan_ord), and their disbursement days."""

    offsets: npt.NDArray[np.int32]
    data: npt.NDArray[np.uint8]
    disbursed: npt.NDArray[np.int32]


def _loan_keys(loans: pa.Table, ordered: pa.Array | None = None) -> _LoanKeys | None:
    """The accepted loans' :class:`_LoanKeys`, made once for both child tables; None when
    they cannot be searched (no loans, ids too large for one string array, or not in bytewise
    order), and the child tables then take the SQL path. ``ordered``: the loans' ids as one
    array already seen to be strictly increasing (by the loans' scan)."""
    ids = loans["loan_id"]
    if len(ids) == 0 or ids.null_count or ids.nbytes >= 2**31 - 1:
        return None  # (int32 offsets could not hold ids over 2 GB)
    if ordered is not None:
        offsets, data = compiled_scan.string_buffers(ordered)
    else:
        offsets, data = compiled_scan.string_buffers(ids.combine_chunks())
        if not compiled_scan.strictly_increasing(offsets, data):
            return None
    days = loans["disbursed_on"].combine_chunks().cast(pa.int32()).to_numpy()
    return _LoanKeys(offsets, data, np.ascontiguousarray(days, np.int32))


def _scanned_children(
    con: duckdb.DuckDBPyConnection,
    st: _Stage,
    as_of: dt.date,
    schema: pa.Schema,
    keys: _LoanKeys | None,
) -> tuple[pa.Table, pa.ChunkedArray, pa.Table] | None:
    """The lean payments or events of typed Parquet, most rows checked by a compiled pass; or
    None.

    Each unit of row groups is read by PyArrow and scanned by
    :func:`compiled_scan.scan_children` on the cores: the rows clean on their face (present,
    canonical ids, a known accepted loan, dates and values in range: the table's
    :class:`_ScanPlan`) are accepted as they are; every other row (*suspect*) goes through the
    SQL checks of :func:`_checked_sql`, exactly as the whole table otherwise would, so a
    suspect row is accepted with its normalized values or rejected with its reasons. Returns
    (accepted, rejected ``_i``, the suspect rows as read), or None — and the caller takes the
    SQL path for the whole table — when the files' types are not the plan's, when the table is
    empty, when the accepted loans cannot be searched (``keys``), when some text is not valid
    UTF-8, or when two ids (or their 64-bit hashes) repeat, which the SQL path then sorts out
    exactly.
    """
    plan = _SCAN_PLANS.get(st.name)
    if plan is None or keys is None or st.types is None or not st.footers or not st.rows:
        return None
    file_schema = st.footers[0].schema.to_arrow_schema()  # (every file's: see _typed_parquet)
    if not _plan_fits(plan, file_schema):
        return None
    as_of_day = (as_of - EPOCH).days
    columns = [c for c in st.spec.column_names if c in file_schema.names]
    units = _units(st)
    if sum(u.rows for u in units) != st.rows:
        return None
    hashes = np.empty(st.rows, np.uint64)
    whole = _whole_arrays(schema, st.rows)

    def scan_unit(unit: _Unit, threads: bool) -> tuple[int, dict[str, pa.Array], pa.Table]:
        """The unit's clean rows (their count; their fixed-width lean values written into
        ``whole``, the others as chunks) and its suspect rows as read, with _f, _row and _i."""
        group = _read_unit(unit, columns, threads=threads)
        n = group.num_rows
        lo = unit.first
        ok = plan.checks(group)
        for c in (*plan.types, *plan.amounts):
            if group[c].null_count:
                ok &= np.asarray(group[c].is_valid().to_numpy(zero_copy_only=False), np.bool_)
        id_off, id_data = compiled_scan.string_buffers(group[plan.id_column].chunk(0))
        lid_off, lid_data = compiled_scan.string_buffers(group["loan_id"].chunk(0))
        days = group[plan.day_column].chunk(0)
        day = np.frombuffer(days.buffers()[1], np.int32)[days.offset :][:n]
        clean_at = np.empty(n, np.int64)
        suspect_at = np.empty(n, np.int64)
        n_clean, n_suspect = compiled_scan.scan_children(
            id_off, id_data, lid_off, lid_data, day, ok, as_of_day, keys.offsets, keys.data,
            keys.disbursed, clean_at, whole[LOAN_ORD.name][lo : lo + n], hashes[lo : lo + n],
            suspect_at,
        )  # fmt: skip
        at = None if n_clean == n else clean_at[:n_clean]
        whole[plan.day_column][lo : lo + n_clean] = day if at is None else day[at]
        chunks: dict[str, pa.Array] = {}
        for name, value in plan.values(group, at).items():
            if isinstance(value, np.ndarray):
                whole[name][lo : lo + n_clean] = value
            else:
                chunks[name] = value
        return n_clean, chunks, _suspect_rows(group, unit, suspect_at[:n_suspect])

    scanned = _scan_units(units, scan_unit)
    if scanned is None:
        return None
    suspects = _as_view([s for _, _, s in scanned], st.types)
    used = _used_rows(units, [n_clean for n_clean, _, _ in scanned], st.rows)
    clean = int(used.sum())
    parts = [_clean_rows(schema, whole, used, clean, [c for _, c, _ in scanned])]
    ids: pa.Array = pa.array([], pa.string())
    rejected = pa.chunked_array([], pa.int64())
    if suspects.num_rows:
        con.register("scan_suspects", suspects)
        ok = _all_null(ch.alias for ch in _checks(st.spec))
        checked = con.sql(
            f"SELECT {_accepted_columns(schema)}, _i, ({ok}) AS _ok, "
            f"{_v(plan.id_column)} AS _id FROM ({_checked_sql(st, as_of, 'scan_suspects')})"
        ).to_arrow_table()
        con.unregister("scan_suspects")
        good = checked.filter(checked["_ok"])
        if good.num_rows:
            converted = _converted(good.combine_chunks().to_batches()[0], schema)
            parts.append(pa.Table.from_batches([converted], schema=schema))
        rejected = checked.filter(pc.invert(checked["_ok"]))["_i"]
        ids = checked["_id"].combine_chunks().cast(pa.string()).drop_null()
    if clean + len(ids) > st.rows:
        raise AssertionError(f"{st.name} scan: more ids than rows")
    if _repeats([hashes[used] if clean < st.rows else hashes], ids):
        return None  # repeated ids (or a collision): the SQL path finds which, exactly
    accepted = pa.concat_tables(parts)
    if accepted.num_rows + len(rejected) != st.rows:
        raise AssertionError(f"{st.name} scan: rows lost between accepted and rejected")
    return accepted, pa.chunked_array(rejected.chunks, pa.int64()), suspects


def _whole_arrays(schema: pa.Schema, rows: int) -> dict[str, npt.NDArray[Any]]:
    """One array for a whole scanned table per fixed-width column of ``schema`` that has no
    nulls (days, amounts in fen, loan_ord, ...).

    Each unit of the scan writes its clean rows at the start of its own slice, as it does
    their hashes, so a table whose rows are all clean (the usual case) goes on as one chunk
    per column and the run does not concatenate the units' chunks: 10M loans, ~1 GB less
    fresh memory, whose page faults cost more than the copying on this VM.
    """
    widths = {pa.int64(): np.int64, pa.int32(): np.int32, pa.date32(): np.int32}
    return {
        f.name: np.empty(rows, widths[f.type])
        for f in schema
        if f.type in widths and not f.nullable
    }


def _used_rows(units: Sequence[_Unit], clean: Sequence[int], rows: int) -> npt.NDArray[np.bool_]:
    """The places of a scanned table's arrays that hold clean rows: each unit's ``clean`` rows
    fill the start of its slice, and the rest of the slice is free."""
    used = np.zeros(rows, np.bool_)
    for unit, count in zip(units, clean, strict=True):
        used[unit.first : unit.first + count] = True
    return used


def _clean_rows(
    schema: pa.Schema,
    whole: Mapping[str, npt.NDArray[Any]],
    used: npt.NDArray[np.bool_],
    clean: int,
    chunks: Sequence[Mapping[str, pa.Array]],
) -> pa.Table:
    """The clean rows of a scanned table: the ``whole`` arrays (their ``used`` places, or as
    they are when every row is clean) and the units' other ``chunks``, in ``schema``."""
    columns = []
    for f in schema:
        if f.name in whole:
            values = whole[f.name] if clean == len(used) else whole[f.name][used]
            array = pa.Array.from_buffers(f.type, clean, [None, pa.py_buffer(values)])
            columns.append(pa.chunked_array([array], f.type))
        else:
            columns.append(pa.chunked_array([c[f.name] for c in chunks], f.type))
    return pa.Table.from_arrays(columns, schema=schema)


# The loans' own scan (lean loads of typed Parquet loans, no installments): see _scanned_loans.


def _loan_type_fits(c: Column, t: pa.DataType) -> bool:
    """Whether the loans' scan reads column ``c`` given as Parquet type ``t`` (else: SQL)."""
    if c.kind in (Kind.TEXT, Kind.CHOICE, Kind.ORDER, Kind.RATE):
        return _is_text(t)
    if c.kind is Kind.AMOUNT:
        return isinstance(t, pa.Decimal128Type) and t.scale == 2
    if c.kind is Kind.INT:
        return bool(pa.types.is_integer(t))
    if c.kind is Kind.DATE:
        return bool(t == pa.date32())
    return bool(c.kind is Kind.BOOL and t == pa.bool_())


def _valid(a: pa.Array) -> npt.NDArray[np.bool_]:
    """Which values of ``a`` are not null."""
    if a.null_count == 0:
        return np.ones(len(a), np.bool_)
    return np.asarray(a.is_valid().to_numpy(zero_copy_only=False), np.bool_)


def _indices(a: pa.DictionaryArray) -> npt.NDArray[np.int32]:
    """The dictionary indices of ``a``, 0 where ``a`` is null (whatever its buffer holds)."""
    raw = np.frombuffer(a.indices.buffers()[1], np.int32)[a.offset : a.offset + len(a)]
    if a.null_count == 0:
        return raw
    return np.where(_valid(a), raw, 0).astype(np.int32)


def _per_row(a: pa.DictionaryArray, per_value: npt.NDArray[Any], null: Any) -> npt.NDArray[Any]:
    """``per_value`` (one entry per dictionary value) at each row of ``a``; ``null`` where null."""
    if len(a.dictionary) == 0:
        return np.full(len(a), null, per_value.dtype)
    values = per_value[_indices(a)]
    return values if a.null_count == 0 else np.where(_valid(a), values, null)


def _filled(a: pa.DictionaryArray, default: str | None) -> pa.DictionaryArray:
    """``a`` with its nulls replaced by ``default`` (a column's default value), when it has one."""
    if default is None or a.null_count == 0:
        return a
    texts = a.dictionary.to_pylist()
    dictionary = a.dictionary
    if default in texts:
        place = texts.index(default)
    else:
        place = len(texts)
        dictionary = pa.concat_arrays([dictionary, pa.array([default], pa.string())])
    at = np.where(_valid(a), _indices(a), place).astype(np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(at), dictionary)


def _rate_micro(text: str) -> int | None:
    """A rate in millionths when ``text`` is canonical (load's ``f:`` test) and at most
    MAX_RATE; else None."""
    if re.fullmatch(_RATE_RE, text) is None or Decimal(text) > MAX_RATE:
        return None
    return int(Decimal(text) * 1_000_000)


def _order_canonical(text: str, default: str) -> bool:
    """An allocation order as the SQL check leaves it: the default, or a permutation of its
    items written without any space."""
    if text == default:
        return True
    return not re.search(r"\s", text) and sorted(text.split(",")) == sorted(default.split(","))


_UNIT_FACTOR = {"annual": 1, "monthly": 12}  # daily: by the day count (_loans_sql)


class _LoanColumns:
    """One unit of loans as read: per column, whether each row passes the column's checks on
    its face (``ok``) and the lean value (``values``, nulls replaced by defaults; amounts as
    fen in ``fen`` instead)."""

    def __init__(self, group: pa.Table, spec: Table, as_of: dt.date) -> None:
        self.n = group.num_rows
        self.ok = np.ones(self.n, np.bool_)
        self.values: dict[str, pa.Array] = {}
        self.fen: dict[str, npt.NDArray[np.int64]] = {}
        self.micro = np.zeros(self.n, np.int64)  # the rate in millionths, where canonical
        rules = _rules(as_of)
        for c in spec.columns:
            rule = rules.get(("loans", c.name), _Rule())
            if c.name in group.column_names:
                self._column(c, rule, group[c.name].chunk(0))
            else:
                self._absent(c)
        self._across()

    def _require(
        self, c: Column, valid: npt.NDArray[np.bool_], good: npt.NDArray[np.bool_]
    ) -> None:
        """Rows pass when valid and good, or null in an optional column."""
        self.ok &= good & valid if c.required else good | ~valid

    def _absent(self, c: Column) -> None:
        """An optional column no file has: its default, or null (_scanned_loans leaves a
        table without a required column to SQL)."""
        assert not c.required
        name = c.name + "_fen" if c.kind is Kind.AMOUNT else c.name
        if c.default is None:
            self.values[name] = pa.nulls(self.n, _LEAN_LOANS.field(name).type)
        elif c.kind is Kind.AMOUNT:
            self.fen[name] = np.full(self.n, int(Decimal(c.default) * 100), np.int64)
        elif c.kind is Kind.BOOL:
            self.values[name] = pa.array(np.full(self.n, c.default == "true"))
        else:
            self.values[name] = pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(self.n, np.int32)), pa.array([c.default], pa.string())
            )

    def _column(self, c: Column, rule: _Rule, a: pa.Array) -> None:
        valid = _valid(a)
        if c.kind is Kind.AMOUNT:
            words = _decimal_words(a)
            low, high = words[0::2], words[1::2]
            floor = 1 if rule.positive else 0
            good = (high == 0) & (low >= floor) & (low <= MAX_AMOUNT_YUAN * 100)
            self._require(c, valid, good)
            default = 0 if c.default is None else int(Decimal(c.default) * 100)
            # (a view of the low words when nothing is null: the scan copies the clean rows
            # into the whole table's array, so the unit needs no array of its own)
            self.fen[c.name + "_fen"] = np.where(valid, low, default) if a.null_count else low
        elif c.kind is Kind.INT:
            ints = np.asarray(a.fill_null(0).to_numpy(), np.int64)
            least, most = rule.int_range
            self._require(c, valid, (ints >= least) & (ints <= most))
            self.values[c.name] = pa.array(ints.astype(np.int32))
        elif c.kind is Kind.DATE:
            days = np.frombuffer(a.buffers()[1], np.int32)[a.offset : a.offset + len(a)]
            good = np.ones(self.n, np.bool_)
            if rule.first is not None:
                good &= days >= (dt.date.fromisoformat(rule.first) - EPOCH).days
            if rule.last is not None:
                good &= days <= (dt.date.fromisoformat(rule.last) - EPOCH).days
            self._require(c, valid, good)
            self.values[c.name] = a
        elif c.kind is Kind.BOOL:
            self.values[c.name] = a if c.default is None else a.fill_null(c.default == "true")
        elif isinstance(a, pa.DictionaryArray):
            self._text(c, a, valid)
        elif c.kind is not Kind.TEXT:  # (a choice, rate or order not read as a dictionary)
            self._text(c, pc.dictionary_encode(a), valid)
        else:  # plain text (the ids)
            off, data = compiled_scan.string_buffers(a)
            canonical = np.empty(self.n, np.bool_)
            compiled_scan.canonical_texts(off, data, canonical)
            self._require(c, valid, canonical)
            self.values[c.name] = a

    def _text(self, c: Column, a: pa.DictionaryArray, valid: npt.NDArray[np.bool_]) -> None:
        """A text column read as a dictionary: each distinct value examined once."""
        texts: list[str] = a.dictionary.to_pylist()
        if c.kind is Kind.TEXT:
            off, data = compiled_scan.string_buffers(a.dictionary)
            good = np.empty(len(texts), np.bool_)
            compiled_scan.canonical_texts(off, data, good)
        elif c.kind is Kind.CHOICE:
            good = np.array([t in c.choices for t in texts], np.bool_)
        elif c.kind is Kind.ORDER:
            assert c.default is not None
            good = np.array([_order_canonical(t, c.default) for t in texts], np.bool_)
        else:  # a rate
            micro = [_rate_micro(t) for t in texts]
            good = np.array([m is not None for m in micro], np.bool_)
            if c.name == "rate":
                self.micro = _per_row(a, np.array([m or 0 for m in micro], np.int64), 0)
        self._require(c, valid, _per_row(a, good, False))
        self.values[c.name] = _filled(a, c.default)

    def _across(self) -> None:
        """_loans_sql's checks across columns: the annual rate, and a withheld upfront fee."""
        unit = self.values["rate_unit"]
        day_count = self.values["day_count"]
        units = [_UNIT_FACTOR.get(t, 0) for t in unit.dictionary.to_pylist()]
        factor = _per_row(unit, np.array(units, np.int64), 1)
        counts = [365 if t == "ACT/365" else 360 for t in day_count.dictionary.to_pylist()]
        daily = _per_row(day_count, np.array(counts, np.int64), 360)
        factor = np.where(factor == 0, daily, factor)
        self.ok &= self.micro * factor <= MAX_RATE * 1_000_000
        deducted = np.asarray(self.values["upfront_fee_deducted"].to_numpy(zero_copy_only=False))
        self.ok &= ~(deducted & (self.fen["upfront_fee_fen"] >= self.fen["principal_fen"]))


@dataclass(frozen=True, slots=True)
class _ScannedLoans:
    table: pa.Table  # the accepted loans, lean, by loan_id
    rejected: pa.ChunkedArray  # the rejected rows' _i
    suspects: pa.Table  # the rows left to the SQL checks, as read (the view's types)
    ref: pa.Table  # _prepare's ref0 and ref: per loan id of a row, its reason and rank
    ids: pa.Array | None  # table's loan_id as one array, seen to be strictly increasing


def _scanned_loans(
    con: duckdb.DuckDBPyConnection, stages: Mapping[str, _Stage], as_of: dt.date
) -> _ScannedLoans | None:
    """The lean loans of typed Parquet, most rows checked by NumPy over the Arrow buffers; or
    None.

    As :func:`_scanned_children` does for payments and events: each unit of row groups is read
    by PyArrow (low-cardinality text as dictionaries, whose distinct values are examined once)
    and a row that passes every check of :func:`_loans_sql` on its face (:class:`_LoanColumns`)
    is accepted with its values as read (defaults for nulls); the others (*suspects*) are parsed
    and judged by the SQL of :func:`_parse_loans`. Returns None — and the caller takes the SQL
    path — when the files' types are not the scan's, a required column is missing, the table is
    empty, there are installments (their schedules are checked in SQL against the loans), some
    text is not valid UTF-8, or two loan ids (or their 64-bit hashes) repeat.
    """
    st = stages["loans"]
    if stages["installments"].rows or stages["installments"].bad_records:
        return None
    if st.types is None or not st.footers or not st.rows:
        return None
    file_schema = st.footers[0].schema.to_arrow_schema()  # (every file's: see _typed_parquet)
    for c in st.spec.columns:
        if c.name in file_schema.names:
            if not _loan_type_fits(c, file_schema.field(c.name).type):
                return None
        elif c.required:
            return None
    columns = [c for c in st.spec.column_names if c in file_schema.names]
    dictionary = [c for c in _LEAN_DICTIONARY if c in columns]
    units = _units(st)
    if sum(u.rows for u in units) != st.rows:
        return None
    lean = _LEAN_LOANS
    whole = _whole_arrays(lean, st.rows)

    def scan_unit(
        unit: _Unit, threads: bool
    ) -> tuple[dict[str, pa.Array], npt.NDArray[Any], npt.NDArray[Any], pa.Table]:
        """The unit's clean rows (their fixed-width lean values written into ``whole``, the
        others as chunks), their _i and loan id hashes, and its suspect rows as read, with _f,
        _row and _i."""
        group = _read_unit(unit, columns, threads=threads, dictionary=dictionary)
        n = group.num_rows
        lo = unit.first
        checked = _LoanColumns(group, st.spec, as_of)
        ok = checked.ok
        every = bool(ok.all())
        off, data = compiled_scan.string_buffers(group["loan_id"].chunk(0))
        hashes = np.empty(n, np.uint64)
        compiled_scan.id_hashes(off, data, hashes)
        # amounts in fen and the row in the file as NumPy; other fixed-width columns as read
        computed = {**checked.fen, "source_row": np.arange(unit.start + 1, unit.start + n + 1)}
        chunks: dict[str, pa.Array] = {}
        k = n if every else int(ok.sum())
        mask = None if every else pa.array(ok)
        for f in lean:
            if f.name in whole:
                raw = computed.get(f.name)
                if raw is None:  # int32, date32 or int64 as read: its values, nulls aside
                    value = checked.values[f.name]
                    raw = np.frombuffer(value.buffers()[1], whole[f.name].dtype)
                    raw = raw[value.offset : value.offset + n]
                whole[f.name][lo : lo + k] = raw if every else raw[ok]
            else:
                value = checked.values[f.name]
                chunks[f.name] = value if mask is None else value.filter(mask)
        at = np.arange(lo, lo + n)
        suspects = _suspect_rows(group, unit, np.flatnonzero(~ok))
        if every:
            return chunks, at, hashes, suspects
        return chunks, at[ok], hashes[ok], suspects

    scanned = _scan_units(units, scan_unit)
    if scanned is None:
        return None
    used = _used_rows(units, [len(i) for _, i, _, _ in scanned], st.rows)
    clean_i = np.concatenate([i for _, i, _, _ in scanned])
    clean = _clean_rows(lean, whole, used, len(clean_i), [c for c, *_ in scanned])
    suspects = _as_view([s for *_, s in scanned], st.types)
    full = lean.append(pa.field("_i", pa.int64())).append(pa.field("own", pa.string()))
    parsed = pa.Table.from_batches([], schema=full)
    if suspects.num_rows:
        con.register("scan_suspects", suspects)
        parsed = _parse_loans(con, st, as_of, True, "scan_suspects")
        con.unregister("scan_suspects")
    ids = parsed["loan_id"].drop_null().combine_chunks()
    if _repeats([h for _, _, h, _ in scanned], ids):
        return None  # repeated ids (or a collision): the SQL path names the repeats exactly
    good = parsed.filter(pc.is_null(parsed["own"]))
    bad = parsed.filter(pc.is_valid(parsed["own"]))
    accepted = pa.concat_tables([clean, good.select(lean.names)])
    accepted_i = np.concatenate([clean_i, np.asarray(good["_i"].to_numpy(), np.int64)])
    placed = _by_loan_id(accepted, accepted_i)
    if placed is None:
        return None
    table, placed_i, ordered_ids = placed
    n = table.num_rows
    ref_columns = ("loan_id", "disbursed_on", "term_months", "principal_fen")
    named = bad.filter(pc.is_valid(bad["loan_id"]))
    ref = pa.concat_tables(
        [
            pa.table(
                {
                    **{c: table[c] for c in ref_columns},
                    "_i": pa.array(placed_i),
                    "reason": pa.nulls(n, pa.string()),
                    "ord": pa.array(np.arange(1, n + 1)),
                }
            ),
            pa.table(
                {
                    **{c: named[c] for c in ref_columns},
                    "_i": named["_i"],
                    "reason": named["own"],
                    "ord": pa.nulls(named.num_rows, pa.int64()),
                }
            ),
        ]
    )
    rejected = pa.chunked_array(bad["_i"].chunks, pa.int64())
    if n + len(rejected) != st.rows:
        raise AssertionError("loans scan: rows lost between accepted and rejected")
    return _ScannedLoans(table, rejected, suspects, ref, ordered_ids)


def _by_loan_id(
    accepted: pa.Table, at: npt.NDArray[np.int64]
) -> tuple[pa.Table, npt.NDArray[np.int64], pa.Array | None] | None:
    """``accepted`` (whose rows are the input's rows ``at``) in loan_id order, bytewise as
    DuckDB sorts text, their ``at`` and, unless they had to be sorted, their loan ids as one
    array (seen strictly increasing here, so the children's scan need not look again); None
    when the ids are too large to search."""
    ids = accepted["loan_id"]
    if ids.nbytes >= 2**31 - 1:
        return None  # (int32 offsets could not hold ids over 2 GB)
    in_input = bool(np.all(at[1:] > at[:-1]))
    order = np.arange(len(at)) if in_input else np.argsort(at, kind="stable")
    ids = (ids if in_input else ids.take(order)).combine_chunks()
    if compiled_scan.strictly_increasing(*compiled_scan.string_buffers(ids)):
        if in_input:
            return accepted, at, ids
        return accepted.take(pa.array(order)), at[order], ids
    order = order[np.asarray(pc.sort_indices(ids).to_numpy(), np.int64)]
    return accepted.take(pa.array(order)), at[order], None


def _place_loans(
    con: duckdb.DuckDBPyConnection, parsed: pa.Table, schema: pa.Schema, rows: int
) -> tuple[pa.Table, pa.ChunkedArray]:
    """The accepted loans (``ref`` ranks them by loan_id) in their order, and the rejected ``_i``.

    ``parsed`` is :func:`_parse_loans`' table, in input order (checked). Sorting wide rows
    (text included) costs DuckDB far more than placing them costs Arrow: only the ranks come
    from DuckDB. When the file lists its loans by loan_id, the accepted ones are only selected
    (or, all accepted, taken as they are).
    """
    ranked = con.sql(
        "SELECT _i, CAST(ord - 1 AS BIGINT) AS rank FROM ref WHERE ord IS NOT NULL"
    ).to_arrow_table()
    accepted_i = np.asarray(ranked["_i"].to_numpy(), np.int64)
    rank = np.asarray(ranked["rank"].to_numpy(), np.int64)
    n = rank.size
    if not np.array_equal(parsed["_i"].to_numpy(), np.arange(rows)):
        raise AssertionError("the parsed loans are not in input order")
    where = np.full(n, -1, np.int64)  # where[k]: the place in ``parsed`` (= _i) of rank k
    if n and (rank.min() < 0 or rank.max() >= n):
        raise AssertionError("the ranks of the accepted loans are not 0 .. n - 1")
    where[rank] = accepted_i
    if n and where.min() < 0:  # a rank missing, so another one repeated
        raise AssertionError("the ranks of the accepted loans are not 0 .. n - 1")
    accepted = np.zeros(rows, np.bool_)
    accepted[accepted_i] = True
    rejected = pa.chunked_array([pa.array(np.flatnonzero(~accepted))], pa.int64())
    target = pa.schema([parsed.schema.field(f.name) for f in schema])
    if n == rows and np.array_equal(where, np.arange(n)):  # in order, nothing rejected
        return parsed.select(target.names), rejected
    # Column by column; Arrow takes from one contiguous array several times faster than from
    # chunks (dictionary columns are cheap either way and keep their batches' dictionaries).
    columns = []
    for f in schema:
        col = parsed[f.name]
        columns.append(
            (col if pa.types.is_dictionary(col.type) else col.combine_chunks()).take(where)
        )
    return pa.Table.from_arrays(columns, schema=target), rejected


def _accepted_schema(name: str, lean: bool) -> pa.Schema:
    """The schema of a table's accepted rows: normalized, loan_ord for children, lean or not."""
    schema = NORMALIZED[name]
    if name != "loans":
        schema = schema.append(LOAN_ORD)
    if lean:
        for drop in _LEAN_DROP.get(name, ()):
            schema = schema.remove(schema.get_field_index(drop))
    return schema


def _dictionary_schema(schema: pa.Schema, dictionary: Sequence[str]) -> pa.Schema:
    return pa.schema(
        [
            f.with_type(pa.dictionary(pa.int32(), f.type)) if f.name in dictionary else f
            for f in schema
        ]
    )


# The accepted loans of a lean load, as the loans' scan builds them.
_LEAN_LOANS = _dictionary_schema(_accepted_schema("loans", True), _LEAN_DICTIONARY)


def _converted(
    batch: pa.RecordBatch, schema: pa.Schema, dictionary: Sequence[str] = ()
) -> pa.RecordBatch:
    """``batch``'s columns of ``schema``, cast to its types; ``dictionary`` ones encoded.

    Every column is copied into Arrow's own memory (encoding or casting copies; otherwise an
    explicit copy): DuckDB frees a fetched batch's memory only when none of its columns is
    referenced, so keeping a few columns of each batch kept the whole of it alive (for ten
    million loans, 2.5 GB of columns no longer wanted).
    """
    cols = []
    for f in schema:
        col = batch.column(f.name)
        if f.name in dictionary:
            cols.append(pc.dictionary_encode(col.cast(f.type)))
        elif col.type != f.type:
            cols.append(col.cast(f.type))
        else:
            cols.append(pa.concat_arrays([col]))  # a copy
    return pa.RecordBatch.from_arrays(cols, schema=_dictionary_schema(schema, dictionary))


def _fetch(
    result: duckdb.DuckDBPyRelation, schema: pa.Schema, hashed_rows: int = 0
) -> tuple[pa.Table, pa.ChunkedArray, pa.Table]:
    """The accepted rows (first in ``result``) as ``schema``, the ``_i`` of the rejected ones,
    and the values of ``result``'s ``_h`` (id hashes; ``hashed_rows``: at most that many rows,
    0 when there is no such column) that occur more than once (column ``h``).

    Batch by batch, so that only the batches' final form is kept. The hashes are sorted by
    NumPy once all are in: cheaper than a separate DuckDB pass over the table to sort them.
    """
    kept: list[pa.RecordBatch] = []
    rejected: list[pa.Array] = []
    hashes = np.empty(hashed_rows, np.uint64)
    filled = 0
    for batch in result.to_arrow_reader(_BATCH_ROWS):
        if hashed_rows:
            h = batch.column("_h")
            h = h.drop_null() if h.null_count else h
            hashes[filled : filled + len(h)] = h.to_numpy()
            filled += len(h)
        ok = batch.column("_ok")
        n_ok = ok.true_count
        good = batch
        if n_ok < batch.num_rows:
            good = batch.filter(ok)
            rejected.append(batch.column("_i").filter(pc.invert(ok)))
        if n_ok:
            kept.append(_converted(good, schema))
    table = pa.Table.from_batches(kept, schema=schema)
    return table, pa.chunked_array(rejected, pa.int64()), _repeated(hashes[:filled])


def _repeated(hashes: npt.NDArray[np.uint64]) -> pa.Table:
    """The values occurring more than once in ``hashes`` (sorted in place), as column ``h``."""
    hashes.sort()
    twice = np.unique(hashes[1:][hashes[1:] == hashes[:-1]])
    return pa.table({"h": pa.array(twice, pa.uint64())})


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    """Execute a statement to completion (DuckDB keeps a pending result until it is fetched)."""
    return con.execute(sql).fetchall()


def _write_rejects(
    con: duckdb.DuckDBPyConnection,
    st: _Stage,
    as_of: dt.date,
    base: str,
    rejected_ids: pa.ChunkedArray,
    rejects_dir: Path,
    read_rows: pa.Table | None = None,
) -> int:
    """Write ``<table>.csv`` (or remove a stale one); return the number of rejected rows.

    The checks are evaluated again, on the rejected rows only, to list every problem. The
    rejected rows as read are taken from ``read_rows`` when given (rows with ``_i``, a superset),
    else from the stage's table, else read again from the files.
    """
    target = rejects_dir / f"{st.name}.csv"
    if len(rejected_ids) == 0 and not st.bad_records:
        target.unlink(missing_ok=True)
        return 0
    checks = _checks(st.spec)
    ids = rejected_ids.take(pc.sort_indices(rejected_ids))
    if read_rows is not None:
        taken = read_rows.filter(pc.is_in(read_rows["_i"], value_set=ids.combine_chunks()))
        con.register("rejected_raw", taken.sort_by("_i"))
    elif st.raw is not None:
        con.register("rejected_raw", st.raw.take(ids))
    else:  # only the rejected rows are read again, from the files
        con.register("rejected_ids", pa.table({"_i": ids}))
        _run(
            con,
            f"CREATE OR REPLACE TEMP TABLE rejected_raw AS SELECT * FROM {_q('in_' + st.name)} "
            "WHERE _i IN (SELECT _i FROM rejected_ids) ORDER BY _i",
        )
        con.unregister("rejected_ids")
    if base.startswith("in_"):
        source = "rejected_raw"
    else:
        source = f"(SELECT * FROM {base} WHERE _i IN (SELECT _i FROM rejected_raw))"
    con.register(
        "checks",
        pa.table(
            {
                "alias": [ch.alias for ch in checks],
                "field": [ch.field for ch in checks],
                "k": pa.array(range(len(checks)), pa.int32()),
            }
        ),
    )
    con.register(
        "bad_records",
        pa.table(
            {
                "_f": pa.array([f for f, _ in st.bad_records], pa.int32()),
                "_row": pa.array([b.row for _, b in st.bad_records], pa.int64()),
                "field": [b.field for _, b in st.bad_records],
                "reason": [b.reason for _, b in st.bad_records],
                "value": [b.value for _, b in st.bad_records],
                "raw": [b.raw for _, b in st.bad_records],
            },
            schema=pa.schema(
                [("_f", pa.int32()), ("_row", pa.int64()), ("field", pa.string()),
                 ("reason", pa.string()), ("value", pa.string()), ("raw", pa.string())]
            ),
        ),
    )  # fmt: skip
    aliases = ", ".join(_q(ch.alias) for ch in checks)
    _run(
        con,
        f"""CREATE OR REPLACE TEMP TABLE lines AS
        SELECT _i, _f, _row, alias, reason FROM (
            UNPIVOT (SELECT _i, _f, _row, {aliases} FROM ({_checked_sql(st, as_of, source)}))
            ON {aliases} INTO NAME alias VALUE reason)""",
    )
    with_lines = int(_run(con, "SELECT count(DISTINCT _i) FROM lines")[0][0])
    if with_lines != len(rejected_ids):
        raise AssertionError(
            f"{st.name}: {len(rejected_ids)} rows rejected but {with_lines} have reject lines"
        )
    names = st.present
    value = (
        "CASE c.field "
        + " ".join(f"WHEN {_lit(n)} THEN CAST(w.{_q(n)} AS VARCHAR)" for n in names)
        + " END"
    )
    raw_json = "json_object(" + ", ".join(f"{_lit(n)}, w.{_q(n)}" for n in names) + ")::VARCHAR"
    _run(
        con,
        f"""COPY (
            SELECT file, "row", CASE WHEN fl.line_ok THEN x."row" + 1 END AS line,
                field, reason, value, raw
            FROM (
                SELECT l._f, l._row AS "row", c.k, c.field, l.reason,
                    {value} AS value, {raw_json} AS raw
                FROM lines l JOIN checks c ON c.alias = l.alias
                JOIN rejected_raw w ON w._i = l._i
                UNION ALL
                SELECT _f, _row, -1, field, reason, value, raw FROM bad_records
            ) x JOIN files fl ON fl.table_name = {_lit(st.name)} AND fl._f = x._f
            ORDER BY x._f, x."row", x.k
        ) TO {_lit(str(target))} (FORMAT csv, HEADER)""",
    )
    for name in ("checks", "rejected_raw", "bad_records"):
        if name == "rejected_raw" and st.raw is None and read_rows is None:
            _run(con, "DROP TABLE rejected_raw")
        else:
            con.unregister(name)
    return len(rejected_ids) + len(st.bad_records)


def _write_summary(
    rejects_dir: Path,
    as_of: dt.date,
    stages: Sequence[_Stage],
    counts: Mapping[str, TableCounts],
    max_reject_ratio: Decimal,
    *,
    passed: bool,
) -> None:
    def entry(c: TableCounts) -> dict[str, Any]:
        return {
            "read": c.read,
            "accepted": c.accepted,
            "rejected": c.rejected,
            "reject_ratio": _ratio_text(c.reject_ratio),
        }

    doc = {
        "as_of": as_of.isoformat(),
        "tables": {st.name: {"files": st.files, **entry(counts[st.name])} for st in stages},
        "total": entry(_total(counts)),
        "max_reject_ratio": str(max_reject_ratio),
        "passed": passed,
    }
    rejects_dir.mkdir(parents=True, exist_ok=True)
    (rejects_dir / "summary.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
