"""The portfolio input schema as data: tables, columns, kinds, defaults and rules.

This module is the single source of the schema. :func:`schema_text` renders it as the Markdown
document printed by ``overdue portfolio schema`` and kept in ``docs/portfolio-schema.md`` (a
test checks that the two are identical); :func:`schema_json` gives the same as JSON.
:mod:`overdue.portfolio.load` reads kinds, required flags, defaults and choices from here and
implements the rules that ``rule`` describes. :data:`NORMALIZED` is the shape of the tables the
loader hands to the nightly run (integer fen, ``date32``, canonical rate strings).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pyarrow as pa

from overdue.ledger.contract import (
    DEFAULT_ORDER,
    AllocationBy,
    Component,
    DayCount,
    EventKind,
    LenderType,
    RateUnit,
    RepaymentMethod,
)

__all__ = [
    "DEFAULT_ALLOCATION_ORDER",
    "EPOCH",
    "EVENT_KINDS",
    "EVENT_KINDS_WITH_UNTIL",
    "LOADED_TABLES",
    "LOAN_ORD",
    "MAX_AMOUNT_YUAN",
    "MAX_RATE",
    "MIN_DATE",
    "NORMALIZED",
    "NORMALIZED_ORDER",
    "TABLES",
    "Column",
    "Kind",
    "Table",
    "schema_json",
    "schema_text",
    "table",
]


class Kind(StrEnum):
    """How a column's text is read and checked."""

    TEXT = "text"  # free text or an identifier; surrounding spaces removed
    AMOUNT = "amount"  # yuan, at most two decimals
    RATE = "rate"  # decimal fraction, at most six decimals
    INT = "int"  # whole number
    DATE = "date"  # YYYY-MM-DD
    BOOL = "bool"  # true / false
    CHOICE = "choice"  # one of a fixed list
    ORDER = "order"  # the allocation order: a comma-separated permutation of the components


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    required: bool
    rule: str = ""  # what is checked, in words (the checks are in overdue.portfolio.load)
    default: str | None = None  # the value an empty optional cell takes, as text
    choices: tuple[str, ...] = ()  # for Kind.CHOICE


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    required: bool
    columns: tuple[Column, ...]
    note: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


EPOCH = dt.date(1970, 1, 1)  # day 0 of date32, the dates of the portfolio's Arrow tables
MIN_DATE = "2000-01-01"
MAX_AMOUNT_YUAN = 100_000_000
MAX_RATE = 10  # 1000 % a year
DEFAULT_ALLOCATION_ORDER = ",".join(c.value for c in DEFAULT_ORDER)
# The three kinds that restart the limitation period (民法典 Art. 195) come first.
EVENT_KINDS: tuple[str, ...] = (
    *(k.value for k in EventKind),
    "dispute",
    "dispute_resolved",
    "promise",
    "plan",
    "pause",
    "resume",
)
EVENT_KINDS_WITH_UNTIL: tuple[str, ...] = ("promise", "plan", "pause")


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(e.value for e in enum)


_AMOUNT_MAX = f"at most {MAX_AMOUNT_YUAN:,}"

TABLES: tuple[Table, ...] = (
    Table(
        "loans",
        True,
        (
            Column("loan_id", Kind.TEXT, True, "unique across the table"),
            Column("borrower_id", Kind.TEXT, True),
            Column("product_id", Kind.TEXT, False),
            Column("principal", Kind.AMOUNT, True, f"> 0, {_AMOUNT_MAX}"),
            Column("disbursed_on", Kind.DATE, True, f"{MIN_DATE} .. the as-of date"),
            Column("term_months", Kind.INT, True, "1 .. 360"),
            Column("method", Kind.CHOICE, True, choices=_values(RepaymentMethod)),
            Column(
                "rate",
                Kind.RATE,
                True,
                f"in rate_unit; as an annual rate (monthly x 12, daily x 360 or 365 by day_count) "
                f"at most {MAX_RATE} ({MAX_RATE * 100} %)",
            ),
            Column("rate_unit", Kind.CHOICE, False, default="annual", choices=_values(RateUnit)),
            Column("day_count", Kind.CHOICE, False, default="ACT/360", choices=_values(DayCount)),
            Column("penalty_markup", Kind.RATE, False, "penalty rate = rate x (1 + markup)", "0.5"),
            Column("penalty_rate", Kind.RATE, False, "explicit annual penalty rate; overrides"),
            Column("compound", Kind.BOOL, False, "compound interest on overdue interest", "false"),
            Column("upfront_fee", Kind.AMOUNT, False, "charged at disbursement", "0"),
            Column(
                "upfront_fee_deducted",
                Kind.BOOL,
                False,
                "true: withheld from the amount paid out; the principal is then the amount "
                "actually lent and the schedule follows from it (民法典 Art. 670)",
                "false",
            ),
            Column("service_fee", Kind.AMOUNT, False, "per installment", "0"),
            Column("late_fee_rate", Kind.RATE, False, "share of the overdue installment", "0"),
            Column("late_fee_min", Kind.AMOUNT, False, "minimum late fee per installment", "0"),
            Column(
                "allocation_order",
                Kind.ORDER,
                False,
                "comma-separated permutation of " + ",".join(_values(Component)),
                DEFAULT_ALLOCATION_ORDER,
            ),
            Column(
                "allocation_by",
                Kind.CHOICE,
                False,
                default="component",
                choices=_values(AllocationBy),
            ),
            Column(
                "lender_type", Kind.CHOICE, False, default="licensed", choices=_values(LenderType)
            ),
            Column(
                "signed_on",
                Kind.DATE,
                False,
                f"contract date, {MIN_DATE} .. the as-of date; empty: disbursed_on "
                "(may be after disbursement: an IOU is often written after the money is lent)",
            ),
        ),
        "At least one row: a header-only loans table stops the run (an export that failed would "
        "otherwise replace the last run with an empty one).",
    ),
    Table(
        "payments",
        True,
        (
            Column("payment_id", Kind.TEXT, True, "unique across the table"),
            Column("loan_id", Kind.TEXT, True, "an accepted loan"),
            Column("paid_on", Kind.DATE, True, "the loan's disbursed_on .. the as-of date"),
            Column("amount", Kind.AMOUNT, True, f"> 0, {_AMOUNT_MAX}"),
        ),
        "May be empty (a header only).",
    ),
    Table(
        "installments",
        False,
        (
            Column("loan_id", Kind.TEXT, True, "an accepted loan"),
            Column("no", Kind.INT, True, "1 .. the loan's term_months, unique per loan"),
            Column(
                "due_on",
                Kind.DATE,
                True,
                "after the loan's disbursed_on and after installment no - 1's due_on",
            ),
            Column("principal", Kind.AMOUNT, True, f">= 0, {_AMOUNT_MAX}"),
            Column("interest", Kind.AMOUNT, True, f">= 0, {_AMOUNT_MAX}"),
            Column("service_fee", Kind.AMOUNT, False, f">= 0, {_AMOUNT_MAX}", "0"),
        ),
        "Optional, per loan: a loan without installment rows gets its schedule generated from "
        "its terms. A loan with installment rows must have all of them: numbers 1 .. term_months "
        "each once, due dates increasing, principal summing to the loan's principal; otherwise "
        "the loan is rejected (field `installments`), and with it its installments, payments "
        "and events.",
    ),
    Table(
        "events",
        False,
        (
            Column("event_id", Kind.TEXT, True, "unique across the table"),
            Column("loan_id", Kind.TEXT, True, "an accepted loan"),
            Column("on", Kind.DATE, True, "the loan's disbursed_on .. the as-of date"),
            Column(
                "kind",
                Kind.CHOICE,
                True,
                "demand, acknowledgement and suit restart the limitation period "
                "(民法典 Art. 195); the others are used by collection and litigation",
                choices=EVENT_KINDS,
            ),
            Column(
                "until",
                Kind.DATE,
                False,
                "end of a " + ", ".join(EVENT_KINDS_WITH_UNTIL) + "; on or after `on`; "
                "empty for other kinds",
            ),
            Column("note", Kind.TEXT, False),
        ),
    ),
    Table(
        "borrowers",
        False,
        (
            Column("borrower_id", Kind.TEXT, True, "unique across the table"),
            Column("name", Kind.TEXT, True),
            Column("id_number", Kind.TEXT, True, "18 characters, valid check digit"),
            Column("phone", Kind.TEXT, False),
            Column("address", Kind.TEXT, False),
            Column("county_code", Kind.TEXT, False, "6-digit administrative division code"),
            Column("gender", Kind.TEXT, False),
            Column("birth_date", Kind.DATE, False),
        ),
        "Read by litigation, not by the nightly load (which records its checksum only).",
    ),
)

LOADED_TABLES: tuple[str, ...] = ("loans", "payments", "installments", "events")


def table(name: str) -> Table:
    for t in TABLES:
        if t.name == name:
            return t
    raise KeyError(name)


def _f(name: str, type_: pa.DataType, nullable: bool = False) -> pa.Field:
    return pa.field(name, type_, nullable=nullable)


# The accepted tables as the loader returns them. Every default is filled in, so only the
# columns that may really be empty are nullable.
NORMALIZED: dict[str, pa.Schema] = {
    "loans": pa.schema(
        [
            _f("loan_id", pa.string()),
            _f("borrower_id", pa.string()),
            _f("product_id", pa.string(), True),
            _f("principal_fen", pa.int64()),
            _f("disbursed_on", pa.date32()),
            _f("term_months", pa.int32()),
            _f("method", pa.string()),
            _f("rate", pa.string()),
            _f("rate_unit", pa.string()),
            _f("day_count", pa.string()),
            _f("penalty_markup", pa.string()),
            _f("penalty_rate", pa.string(), True),
            _f("compound", pa.bool_()),
            _f("upfront_fee_fen", pa.int64()),
            _f("upfront_fee_deducted", pa.bool_()),
            _f("service_fee_fen", pa.int64()),
            _f("late_fee_rate", pa.string()),
            _f("late_fee_min_fen", pa.int64()),
            _f("allocation_order", pa.string()),
            _f("allocation_by", pa.string()),
            _f("lender_type", pa.string()),
            _f("signed_on", pa.date32(), True),
            _f("source_row", pa.int64()),
        ]
    ),
    "payments": pa.schema(
        [
            _f("payment_id", pa.string()),
            _f("loan_id", pa.string()),
            _f("paid_on", pa.date32()),
            _f("amount_fen", pa.int64()),
        ]
    ),
    "installments": pa.schema(
        [
            _f("loan_id", pa.string()),
            _f("no", pa.int32()),
            _f("due_on", pa.date32()),
            _f("principal_fen", pa.int64()),
            _f("interest_fen", pa.int64()),
            _f("service_fee_fen", pa.int64()),
        ]
    ),
    "events": pa.schema(
        [
            _f("event_id", pa.string()),
            _f("loan_id", pa.string()),
            _f("on", pa.date32()),
            _f("kind", pa.string()),
            _f("until", pa.date32(), True),
            _f("note", pa.string(), True),
        ]
    ),
}

# The position of a child row's loan in the accepted ``loans`` table (0-based; loans sorted by
# loan_id). The loader appends it to every accepted child table, so that consumers group rows
# by loan without looking loan ids up again.
LOAN_ORD = pa.field("loan_ord", pa.int32(), nullable=False)

NORMALIZED_ORDER: dict[str, str] = {
    "loans": "loan_id",
    "payments": "loan_id, paid_on, payment_id",
    "installments": "loan_id, no",
    "events": "loan_id, on, event_id",
}

_KIND_TEXT: dict[Kind, str] = {
    Kind.TEXT: "text",
    Kind.AMOUNT: "amount",
    Kind.RATE: "rate",
    Kind.INT: "int",
    Kind.DATE: "date",
    Kind.BOOL: "bool",
    Kind.CHOICE: "choice",
    Kind.ORDER: "order",
}

_INTRO = """\
# Portfolio input schema

The contract between lenders' extracts, the synthetic generator and the nightly run. Printed by
`overdue portfolio schema` and generated from `src/overdue/portfolio/schema.py`.

## Files

A portfolio is a directory holding one file per table, as Parquet (`NAME.parquet`) or CSV
(`NAME.csv`, UTF-8, comma-separated, header row, values may be quoted). A table may also be a
directory `NAME/` of such files, read in file-name order (names starting with `.` or `_`, such
as Spark's `_SUCCESS`, are skipped). Tables: `loans` and `payments` are required, `installments`
and `events` optional, `borrowers` optional and not read by the nightly load.

These are file-level errors that stop the load before any row is read (exit status 2, naming the
file and the column): a required table missing; a table given twice (`loans.csv` and
`loans.parquet`); a CSV or Parquet file whose name is not a table (a misspelt `event.csv` would
otherwise be skipped silently); a missing required column; a column that is not in the schema
(a misspelt optional column would otherwise fall back to its default silently); a repeated
column; a Parquet column of the wrong type, in particular a floating-point column for an
amount, a rate or a whole number; a CSV header that is not UTF-8; a file not readable as CSV or
Parquet; a table file in another format (`loans.csv.gz`); a CSV file with a quote that is never closed (every record
after it would read as part of one value; the error names the row where the quote opens).
Other files and directories are ignored.

## Values

| kind | CSV text | Parquet types |
|---|---|---|
| text | any | string (or integer) |
| amount | yuan, at most two decimals: `1234.56`, `1234.5`, `1234`, `-5` (then refused by its rule); no `+`, thousands separators, exponents or currency signs | decimal (at most two decimals in value), integer yuan, string |
| rate | decimal fraction, at most six decimals: `0.18`, `0.0005`, `0`; not `18%`; between 0 and 10 | decimal, integer, string |
| int | whole number: `12` | integer, string |
| date | `YYYY-MM-DD` | date32, date64, string |
| bool | `true` / `false` (any case) or `1` / `0` | bool, string |
| choice | exactly one of the listed values | string |
| order | comma-separated permutation of the six components | string |

In every table, surrounding spaces (U+0020) are removed and an empty cell is missing: an error
for a required column, the default for an optional one. Every amount is at most 100,000,000 yuan and
every rate at most 10 (1000 %) with at most six decimals; trailing zeros beyond the allowed
decimals are fine (`12.500`), other digits are not (`12.345`). A float is never used: amounts
become integer fen, rates stay decimal text.
"""

_RULES = """\
## Validation

Every row of every loaded table is checked; a row passes only if all its checks pass. A row that
fails goes to the rejects, never silently away.

- **Row numbers.** `row` is the 1-based data row in its file: for CSV the header is not counted
  (row 1 is the first record after the header; blank lines are not records and not counted); for
  Parquet it is the row's position in the file. For CSV the reject also gives `line`, the
  physical line (row + 1), when every record of the file is one line and the file has no blank
  lines; otherwise `line` is empty. A CSV record with the wrong number of cells is rejected
  whole (field `(row)`). A row with text that is not UTF-8 (a GBK export, say) is rejected
  whole, naming its first such column, with the bytes that do not decode written `\\xNN` in
  `value`; the other rows of the file are read.
- **Duplicates.** The first occurrence of an id (in file-name order, then row order) is kept;
  every later row with the same id is rejected with `duplicate loan_id (first at row N)`, or
  `(first at <file> row N)` when the first is in another file of the table (`payment_id` and
  `event_id` likewise; `installment no` for a repeated loan_id and no). An exact re-export of a
  row thus costs nothing, and a conflicting one is visible in the rejects. A row rejected as
  read (a CSV record with the wrong number of cells, a row with text that is not UTF-8) is not
  an occurrence: a later row with its id is the first.
- **References.** A payment, installment or event whose loan_id is not in the loans table is
  rejected with `unknown loan id`; one whose loan is rejected, with `loan rejected: <field>:
  <reason>` (the loan's first problem in column order); a loan whose CSV record could not be
  split into cells, or whose text is not UTF-8, is unknown. A payment, event or installment dated before its loan's
  disbursement is rejected on its date field.
- **Every problem.** A row with several problems gives one reject line per problem, and counts
  once as rejected.

## Rejects and counts

The load writes into the rejects directory:

- `<table>.csv` for each table with rejects: columns `file`, `row`, `line`, `field`, `reason`,
  `value` (the cell as read), `raw` (the whole row as JSON text: the columns the file has),
  ordered by file, row and the order of the checks (columns first, then duplicates and
  references); a stale `<table>.csv` from an earlier run is removed;
- `summary.json`: per table `files`, `read`, `accepted`, `rejected`, `reject_ratio`, and the
  same totals over all loaded tables, the threshold and whether the load passed.

Counts always reconcile: rows read = accepted + rejected, per table and in total. The load fails
(after writing the rejects) when rejected / read exceeds the threshold (default 0.05) over all
tables together **or in any one table**, so that a systematically broken small table (every
event refused, say) is not hidden by millions of good payments.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table_text(t: Table) -> str:
    head = f"## {t.name}" + ("" if t.required else " (optional)")
    lines = [head, ""]
    if t.note:
        lines += [t.note, ""]
    lines += ["| column | kind | required | default | rule |", "|---|---|---|---|---|"]
    for c in t.columns:
        rule = c.rule
        if c.choices:
            rule = "one of " + ", ".join(c.choices) + ("; " + rule if rule else "")
        lines.append(
            f"| {c.name} | {_KIND_TEXT[c.kind]} | {'yes' if c.required else 'no'} "
            f"| {'' if c.default is None else _cell(c.default)} | {_cell(rule)} |"
        )
    return "\n".join(lines) + "\n"


def _normalized_text() -> str:
    lines = [
        "## Accepted tables",
        "",
        "What the load hands to the nightly run: defaults filled in, amounts as int64 fen "
        "(`*_fen`), dates as date32, rates as canonical decimal text (`0.024`, `0.5`, `0`), the "
        "allocation order as a canonical comma list; `source_row` is the loan's row in its file.",
        "",
        "| table | columns | sorted by |",
        "|---|---|---|",
    ]
    for name, schema in NORMALIZED.items():
        cols = ", ".join(
            f"{f.name}{'?' if f.nullable else ''}: {_type_text(f.type)}" for f in schema
        )
        lines.append(f"| {name} | {cols} | {NORMALIZED_ORDER[name]} |")
    lines += ["", "`?`: may be empty (null)."]
    return "\n".join(lines) + "\n"


def _type_text(t: pa.DataType) -> str:
    return {"date32[day]": "date32", "bool": "bool"}.get(str(t), str(t))


def schema_text() -> str:
    """The schema as a Markdown document (what ``overdue portfolio schema`` prints)."""
    parts = [_INTRO, *(_table_text(t) for t in TABLES), _RULES, _normalized_text()]
    return "\n".join(parts)


def schema_json() -> str:
    """The schema as JSON text: tables, columns, kinds, defaults, choices, rules."""
    doc: dict[str, Any] = {
        "tables": [
            {
                "name": t.name,
                "required": t.required,
                "loaded": t.name in LOADED_TABLES,
                "note": t.note,
                "columns": [
                    {
                        "name": c.name,
                        "kind": c.kind.value,
                        "required": c.required,
                        "default": c.default,
                        "choices": list(c.choices),
                        "rule": c.rule,
                    }
                    for c in t.columns
                ],
            }
            for t in TABLES
        ],
        "limits": {
            "min_date": MIN_DATE,
            "max_amount_yuan": MAX_AMOUNT_YUAN,
            "max_rate": MAX_RATE,
            "amount_decimals": 2,
            "rate_decimals": 6,
        },
        "normalized": {
            name: {
                "columns": [
                    {"name": f.name, "type": _type_text(f.type), "nullable": f.nullable}
                    for f in schema
                ],
                "sorted_by": NORMALIZED_ORDER[name],
            }
            for name, schema in NORMALIZED.items()
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)
