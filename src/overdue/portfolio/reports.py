"""Portfolio reports over nightly runs: buckets, roll rates, cure rates, vintages, limitation, write-off.

A *run directory* holds ``loan_state.parquet`` (one row per loan, columns
:data:`~overdue.portfolio.state_columns.LOAN_STATE_SCHEMA`) and ``manifest.json`` with at least
``{"as_of": "YYYY-MM-DD"}``. :func:`build_report` reads any number of runs, sorts them by as-of
date and writes every table as CSV (UTF-8, header row) and Parquet, plus ``report.html``: Chinese
text, inline SVG charts, no external resources, so it opens from ``file://`` offline.

Every table is computed by DuckDB SQL over the Parquet files, read in place: one aggregate scan
of each run (buckets, vintages and the input checks all come from it), one join on ``loan_id``
per pair of consecutive runs, and one filtered scan of the latest run for each of the two lists.
Python only formats the aggregates (and the first rows of the lists) for the HTML page. Money
stays ``DECIMAL(18,2)`` end to end; shares and rates are exact ratios rounded half-up to six
places (``DECIMAL(12,6)``), computed in integers (accounts, or fen) by the SQL macro ``share``,
and empty where the denominator is zero. The same inputs give byte-identical files.

Definitions (also printed in the report):

- **Active** loan: something is still owed (``outstanding_principal > 0`` or ``total_due > 0``).
  A row with neither is *settled* (结清). Bucket distributions count active loans only.
- **Roll rates** between consecutive runs t0 → t1: every loan active at t0, by its bucket at t0,
  against its bucket at t1, or ``settled`` (present at t1 with nothing owed) or ``absent`` (no row
  at t1: sold, written off, or missing from the feed). Loans new at t1 are not counted.
  Shares are of the t0 row (accounts; and outstanding principal at t0).
- **Cure rate** by t0 bucket: of loans with ``dpd > 0`` at t0, the share with ``dpd = 0`` at t1,
  whether still owing (``cured_current``) or paid off (``cured_paid_off``). An absent loan is not
  a cure. Row ``M1+`` is all delinquent buckets together.
- **Vintage**: loans grouped by origination month (``disbursed_on``); months on book
  (MOB) = calendar months from the origination month to the as-of month (2026-03-15 → 2026-11-20
  is MOB 8; days are ignored, so every loan of a vintage has the same MOB in a run). Each run
  gives one point per vintage: the share of the vintage's loans in that run (settled ones
  included) that are M3+ (``dpd > 60``), by accounts and by original principal. One run gives one
  point per vintage; several runs give curves.
- **Limitation** (诉讼时效, latest run): active loans whose ``limitation_expires_on`` is before the
  as-of date (``expired``), 0–30 days after it (``0-30``; 0 means the as-of date is the last day)
  or 31–90 days after it (``31-90``). Where ``limitation_calendar_covered`` is false the date is
  nominal: the earliest the period can end (a rest day would move it later).
- **Write-off candidates** (核销候选, latest run): active loans matching any rule of
  :class:`WriteOffPolicy`. The thresholds are policy defaults, not law; each row says which
  rules flagged it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any, Final

import duckdb
import jinja2
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from overdue.dates import parse_date
from overdue.errors import InputError
from overdue.ledger.engine import BUCKETS
from overdue.money import fmt, percent
from overdue.portfolio.sql import connect, literal
from overdue.portfolio.state_columns import LOAN_STATE_SCHEMA, MONEY, RATE

__all__ = [
    "DEFAULT_WRITE_OFF_POLICY",
    "MANIFEST_FILE",
    "REPORT_TABLES",
    "STATE_FILE",
    "ReportSummary",
    "Run",
    "TableFiles",
    "WriteOffPolicy",
    "build_report",
    "read_runs",
]

STATE_FILE: Final = "loan_state.parquet"
MANIFEST_FILE: Final = "manifest.json"

SETTLED: Final = "settled"
ABSENT: Final = "absent"
ALL_DELINQUENT: Final = "M1+"
LIMITATION_SOON: Final = 30
LIMITATION_HORIZON: Final = 90
LIMITATION_BANDS: Final = ("expired", "0-30", "31-90")
_HTML_ROWS = 100  # rows of each long list shown in the HTML; the CSV has all of them


@dataclass(frozen=True, slots=True)
class WriteOffPolicy:
    """Which active loans the report proposes for write-off (核销候选). A policy default.

    A loan is a candidate when any rule matches; ``reasons`` lists every rule that matched:

    - ``dpd_over_180``: more than ``dpd_over`` days past due;
    - ``limitation_expired``: the limitation period (诉讼时效, 民法典 Art. 188) ended before the
      as-of date, so the borrower may refuse to pay (Art. 192; a court does not raise it on its
      own, Art. 193). Where the holiday calendar did not cover the date it is the nominal day,
      the earliest the period could end;
    - ``no_payment_over_180d``: principal outstanding, delinquent, and no payment for more than
      ``no_payment_days`` days (counted from disbursement when the loan was never paid).
      Delinquency is required so that a bullet loan not yet due is not flagged.

    Example: as of 2026-11-30 a loan at dpd 181 whose last payment was on 2026-06-02 (181 days)
    has reasons ``dpd_over_180;no_payment_over_180d``; at dpd 180, paid on 2026-06-03 (180 days),
    it is not a candidate. The thresholds have not been checked against the Ministry of Finance's
    write-off rules for financial enterprises (《金融企业呆账核销管理办法》); an operator sets them.
    """

    dpd_over: int = 180
    no_payment_days: int = 180
    limitation_expired: bool = True

    @property
    def dpd_code(self) -> str:
        return f"dpd_over_{self.dpd_over}"

    @property
    def no_payment_code(self) -> str:
        return f"no_payment_over_{self.no_payment_days}d"

    def labels(self) -> dict[str, str]:
        """Each reason code with its Chinese description."""
        labels = {self.dpd_code: f"逾期超过 {self.dpd_over} 天"}
        if self.limitation_expired:
            labels["limitation_expired"] = "诉讼时效已届满"
        labels[self.no_payment_code] = f"逾期且超过 {self.no_payment_days} 天未还款"
        return labels


DEFAULT_WRITE_OFF_POLICY: Final = WriteOffPolicy()


@dataclass(frozen=True, slots=True)
class Run:
    """One nightly run: its as-of date and where its files are."""

    as_of: dt.date
    directory: Path

    @property
    def state_file(self) -> Path:
        return self.directory / STATE_FILE


@dataclass(frozen=True, slots=True)
class TableFiles:
    """One output table: its name, row count and the two files holding the same rows."""

    name: str
    rows: int
    csv: Path
    parquet: Path


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """What :func:`build_report` wrote, and the headline counts (latest run for the lists)."""

    out_dir: Path
    html: Path
    runs: tuple[dt.date, ...]
    tables: tuple[TableFiles, ...]
    loans: int
    active_loans: int
    limitation_expired: int
    limitation_0_30: int
    limitation_31_90: int
    write_off_candidates: int

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file written: CSV and Parquet per table, then the HTML report."""
        return (*(p for t in self.tables for p in (t.csv, t.parquet)), self.html)

    def table(self, name: str) -> TableFiles:
        return next(t for t in self.tables if t.name == name)

    def as_json(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "html": str(self.html),
            "runs": [d.isoformat() for d in self.runs],
            "tables": {
                t.name: {"rows": t.rows, "csv": str(t.csv), "parquet": str(t.parquet)}
                for t in self.tables
            },
            "loans": self.loans,
            "active_loans": self.active_loans,
            "limitation_expired": self.limitation_expired,
            "limitation_0_30": self.limitation_0_30,
            "limitation_31_90": self.limitation_31_90,
            "write_off_candidates": self.write_off_candidates,
        }


# --- output tables: name -> schema (the CSV header is the column names) --------------------

_COUNT = pa.int64()
REPORT_TABLES: Final[Mapping[str, pa.Schema]] = {
    "runs": pa.schema(
        [
            ("as_of", pa.date32()),
            ("loans", _COUNT),
            ("active_loans", _COUNT),
            ("settled_loans", _COUNT),
            ("outstanding_principal", MONEY),
            ("total_due", MONEY),
        ]
    ),
    "bucket_distribution": pa.schema(
        [
            ("as_of", pa.date32()),
            ("bucket", pa.string()),
            ("accounts", _COUNT),
            ("account_share", RATE),
            ("outstanding_principal", MONEY),
            ("balance_share", RATE),
            ("total_due", MONEY),
            ("total_due_share", RATE),
        ]
    ),
    "roll_rates": pa.schema(
        [
            ("from_as_of", pa.date32()),
            ("to_as_of", pa.date32()),
            ("from_bucket", pa.string()),
            ("to_bucket", pa.string()),
            ("accounts", _COUNT),
            ("account_share", RATE),
            ("outstanding_principal", MONEY),  # at t0
            ("balance_share", RATE),
        ]
    ),
    "cure_rates": pa.schema(
        [
            ("from_as_of", pa.date32()),
            ("to_as_of", pa.date32()),
            ("bucket", pa.string()),
            ("delinquent_accounts", _COUNT),
            ("cured_current", _COUNT),
            ("cured_paid_off", _COUNT),
            ("cure_rate", RATE),
        ]
    ),
    "vintages": pa.schema(
        [
            ("vintage", pa.string()),
            ("as_of", pa.date32()),
            ("mob", pa.int32()),
            ("loans", _COUNT),
            ("principal", MONEY),
            ("m3plus_loans", _COUNT),
            ("m3plus_principal", MONEY),
            ("m3plus_account_rate", RATE),
            ("m3plus_principal_rate", RATE),
        ]
    ),
    "limitation": pa.schema(
        [
            ("as_of", pa.date32()),
            ("band", pa.string()),
            ("days_left", pa.int32()),
            ("loan_id", pa.string()),
            ("bucket", pa.string()),
            ("dpd", pa.int32()),
            ("outstanding_principal", MONEY),
            ("total_due", MONEY),
            ("claimable_total", MONEY),
            ("limitation_expires_on", pa.date32()),
            ("limitation_calendar_covered", pa.bool_()),
            ("limitation_started_by", pa.string()),
        ]
    ),
    "write_off_candidates": pa.schema(
        [
            ("as_of", pa.date32()),
            ("loan_id", pa.string()),
            ("bucket", pa.string()),
            ("dpd", pa.int32()),
            ("outstanding_principal", MONEY),
            ("total_due", MONEY),
            ("claimable_total", MONEY),
            ("last_payment_date", pa.date32()),
            ("days_without_payment", pa.int32()),
            ("limitation_expires_on", pa.date32()),
            ("reasons", pa.string()),
        ]
    ),
}

# The loan_state columns the report reads.
_USED_COLUMNS = (
    "loan_id", "as_of", "disbursed_on", "principal", "dpd", "bucket", "outstanding_principal",
    "total_due", "claimable_total", "limitation_expires_on", "limitation_calendar_covered",
    "limitation_started_by", "last_payment_date",
)  # fmt: skip


# --- reading runs ---------------------------------------------------------------------------


def _run_directories(paths: Iterable[Path]) -> list[Path]:
    """Each path is a run directory, or a folder of them (``runs/`` holding ``runs/2026-11-30``).

    In a folder, the entries holding a ``manifest.json`` are the runs; others (such as the
    ``*.versions`` folders the nightly run keeps beside its links) are passed over.
    """
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            raise InputError("--runs", "not a directory", source=str(path))
        if (path / MANIFEST_FILE).is_file():
            found.append(path)
            continue
        inside = sorted(p for p in path.iterdir() if (p / MANIFEST_FILE).is_file())
        if not inside:
            raise InputError(
                "--runs",
                f"no {MANIFEST_FILE} here or in any folder inside: give run directories "
                f"(each with {STATE_FILE} and {MANIFEST_FILE}) or the folder that holds them",
                source=str(path),
            )
        found.extend(inside)
    return found


def read_runs(run_dirs: Iterable[Path]) -> tuple[Run, ...]:
    """Check each run (manifest, files, columns) and return the runs sorted by as-of date.

    ``run_dirs`` are run directories or folders of them (see :func:`_run_directories`).
    """
    runs: list[Run] = []
    for directory in _run_directories(run_dirs):
        source = str(directory)
        manifest_path = directory / MANIFEST_FILE
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError("manifest", f"not JSON: {exc}", source=str(manifest_path)) from exc
        if not isinstance(manifest, dict) or not isinstance(manifest.get("as_of"), str):
            raise InputError("as_of", "missing (a YYYY-MM-DD string)", source=str(manifest_path))
        try:
            as_of = parse_date(manifest["as_of"], "as_of")
        except InputError as exc:
            raise InputError(exc.field, exc.message, source=str(manifest_path)) from exc
        run = Run(as_of, directory)
        if not run.state_file.is_file():
            raise InputError("--runs", f"no {STATE_FILE}", source=source)
        _check_schema(run.state_file)
        runs.append(run)
    if not runs:
        raise InputError("--runs", "give at least one run directory")
    runs.sort(key=lambda r: r.as_of)
    for earlier, later in itertools.pairwise(runs):
        if earlier.as_of == later.as_of:
            raise InputError(
                "--runs", f"two runs as of {later.as_of}: {earlier.directory}, {later.directory}"
            )
    return tuple(runs)


def _check_schema(path: Path) -> None:
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputError(STATE_FILE, f"not a Parquet file: {exc}", source=str(path)) from exc
    for name in _USED_COLUMNS:
        expected = LOAN_STATE_SCHEMA.field(name).type
        if name not in schema.names:
            raise InputError(name, "missing column", source=str(path))
        actual = schema.field(name).type
        if pa.types.is_string(expected):
            ok = pa.types.is_string(actual) or pa.types.is_large_string(actual)
        elif pa.types.is_decimal(expected):
            ok = pa.types.is_decimal(actual) and actual.scale == expected.scale  # never float
        elif pa.types.is_integer(expected):
            ok = pa.types.is_integer(actual)
        else:
            ok = actual == expected
        if not ok:
            raise InputError(name, f"type {actual}, expected {expected}", source=str(path))
    # A missing loan id, from the file's statistics (no data is read).
    meta = pq.ParquetFile(path).metadata
    column = schema.get_field_index("loan_id")
    for group in range(meta.num_row_groups):
        stats = meta.row_group(group).column(column).statistics
        if stats is not None and stats.has_null_count and stats.null_count:
            raise InputError("loan_id", f"{stats.null_count} rows without one", source=str(path))


def _connect(runs: Sequence[Run]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a view ``run_<i>`` per run, ``states`` over all, and macros.

    The views read the Parquet files in place; each query reads only the columns it needs.
    """
    con = connect()
    con.execute(
        # Half-up to six places, exactly, on non-negative integers (accounts, or fen).
        "CREATE MACRO share(n, d) AS CASE WHEN d = 0 THEN NULL ELSE CAST("
        "CAST((CAST(n AS HUGEINT) * 2000000 + CAST(d AS HUGEINT)) // (2 * CAST(d AS HUGEINT))"
        " AS DECIMAL(18, 0)) * CAST(0.000001 AS DECIMAL(7, 6)) AS DECIMAL(12, 6)) END"
    )
    con.execute("CREATE MACRO fen(x) AS CAST(x * 100 AS HUGEINT)")
    con.execute("CREATE MACRO months(d) AS year(d) * 12 + month(d)")
    con.execute("CREATE TABLE runs (run INTEGER, as_of DATE)")
    con.executemany("INSERT INTO runs VALUES (?, ?)", [(i, r.as_of) for i, r in enumerate(runs)])
    con.execute("CREATE TABLE buckets (bucket_no INTEGER, bucket VARCHAR)")
    con.executemany("INSERT INTO buckets VALUES (?, ?)", list(enumerate(BUCKETS)))
    columns = ", ".join(_USED_COLUMNS)
    for i, run in enumerate(runs):
        con.execute(
            f"CREATE VIEW run_{i} AS SELECT {i} AS run, DATE '{run.as_of.isoformat()}' AS run_as_of,"
            f" {columns},"
            " outstanding_principal > 0 OR total_due > 0 AS active,"
            # M0 = 0, M1 = 1-30, ..., M6+ = over 150 days past due
            " CAST(least((dpd + 29) // 30, 6) AS INTEGER) AS bucket_no"
            f" FROM read_parquet({literal(str(run.state_file))})"
        )
    con.execute(
        "CREATE VIEW states AS " + " UNION ALL ".join(f"FROM run_{i}" for i in range(len(runs)))
    )
    return con


_MISSING = (
    "disbursed_on IS NULL OR principal IS NULL OR dpd IS NULL OR dpd < 0"
    " OR outstanding_principal IS NULL OR total_due IS NULL"
)
# Row-level conditions of the checks, to find an example loan once a check has failed.
_PROBLEMS = {
    "as_of": ("as_of IS DISTINCT FROM run_as_of", "rows not as of the manifest's as_of date"),
    "disbursed_on, principal, dpd, outstanding_principal, total_due": (
        _MISSING,
        "rows with a missing or negative value",
    ),
    "bucket": (
        "bucket IS DISTINCT FROM [" + ", ".join(f"'{b}'" for b in BUCKETS) + "][bucket_no + 1]",
        "rows whose bucket disagrees with dpd",
    ),
}

# The one scan of each run: accounts and balances by bucket, active or not, and origination
# month. The run, bucket distribution and vintage tables are sums over it, and so are the
# checks (grouping by the as_of and bucket columns costs less than testing every row).
_AGG_SQL = f"""
CREATE TEMP TABLE agg AS
SELECT run, as_of, bucket, bucket_no, active, date_trunc('month', disbursed_on) AS month,
       count(*) AS n, sum(outstanding_principal) AS op, sum(total_due) AS td,
       sum(principal) AS principal,
       count(*) FILTER (WHERE {_MISSING}) AS missing
FROM states GROUP BY ALL
"""

_CHECKS_SQL = """
SELECT a.run,
       coalesce(sum(a.n) FILTER (WHERE a.as_of IS DISTINCT FROM r.as_of), 0),
       sum(a.missing),
       coalesce(sum(a.n) FILTER (WHERE a.bucket IS DISTINCT FROM b.bucket), 0)
FROM agg a JOIN runs r ON r.run = a.run LEFT JOIN buckets b ON b.bucket_no = a.bucket_no
GROUP BY a.run ORDER BY a.run
"""


def _validate(con: duckdb.DuckDBPyConnection, runs: Sequence[Run]) -> None:
    """Refuse a run whose rows fail a check: as-of date, missing values, bucket against dpd.

    The counts come from the aggregate scan; only when one is not zero is the run read again
    for an example loan id. Loan ids are not checked for uniqueness (a distinct count over ten
    million ids would cost more than the rest of the report); :func:`_check_moves` catches an
    id that appears twice in a later run when the loan was active in the one before.
    """
    for run_no, *counts in con.sql(_CHECKS_SQL).fetchall():
        for (field, (cond, what)), count in zip(_PROBLEMS.items(), counts, strict=True):
            if count:
                example = con.sql(f"SELECT min(loan_id) FROM run_{run_no} WHERE {cond}").fetchall()
                raise InputError(
                    field,
                    f"{count} {what}, e.g. loan {example[0][0]}",
                    source=str(runs[run_no].state_file),
                )


# --- the tables -----------------------------------------------------------------------------

_RUNS_SQL = """
SELECT r.as_of,
       coalesce(sum(a.n), 0) AS loans,
       coalesce(sum(a.n) FILTER (WHERE a.active), 0) AS active_loans,
       coalesce(sum(a.n) FILTER (WHERE NOT a.active), 0) AS settled_loans,
       coalesce(sum(a.op), 0) AS outstanding_principal,
       coalesce(sum(a.td), 0) AS total_due
FROM runs r LEFT JOIN agg a ON a.run = r.run
GROUP BY r.run, r.as_of ORDER BY r.run
"""

_BUCKETS_SQL = """
WITH grid AS (
    SELECT r.run, r.as_of, b.bucket_no, b.bucket,
           coalesce(a.n, 0) AS n, coalesce(a.op, 0) AS op, coalesce(a.td, 0) AS td
    FROM runs r CROSS JOIN buckets b
    LEFT JOIN (
        SELECT run, bucket_no, sum(n) AS n, sum(op) AS op, sum(td) AS td
        FROM agg WHERE active GROUP BY ALL
    ) a ON a.run = r.run AND a.bucket_no = b.bucket_no
)
SELECT as_of, bucket,
       n AS accounts, share(n, sum(n) OVER w) AS account_share,
       op AS outstanding_principal, share(fen(op), fen(sum(op) OVER w)) AS balance_share,
       td AS total_due, share(fen(td), fen(sum(td) OVER w)) AS total_due_share
FROM grid
WINDOW w AS (PARTITION BY run)
ORDER BY run, bucket_no
"""


def _moves_sql(pairs: int) -> str:
    """Each active loan at t0 against where it is at t1 (7 = settled, 8 = absent), counted."""
    selects = [
        f"""
        SELECT {i} AS run, a.bucket_no AS from_no,
               CASE WHEN b.loan_id IS NULL THEN 8 WHEN NOT b.active THEN 7 ELSE b.bucket_no END
                   AS to_no,
               count(*) AS n, sum(a.outstanding_principal) AS op
        FROM run_{i} a LEFT JOIN run_{i + 1} b ON b.loan_id = a.loan_id
        WHERE a.active
        GROUP BY ALL
        """
        for i in range(pairs)
    ]
    body = " UNION ALL ".join(selects) if selects else (
        "SELECT 0 AS run, 0 AS from_no, 0 AS to_no, 0 AS n, 0::DECIMAL(18, 2) AS op WHERE false"
    )  # fmt: skip
    return "CREATE TEMP TABLE moves AS " + body


def _check_moves(con: duckdb.DuckDBPyConnection, runs: Sequence[Run]) -> None:
    """A loan id twice in a later run would be counted twice in the roll rates: refuse it."""
    for run_no, moved, active in con.sql(
        """
        SELECT m.run, m.n, a.n FROM (SELECT run, sum(n) AS n FROM moves GROUP BY run) m
        JOIN (SELECT run, sum(n) AS n FROM agg WHERE active GROUP BY run) a USING (run)
        WHERE m.n <> a.n ORDER BY m.run
        """
    ).fetchall():
        raise InputError(
            "loan_id",
            f"{moved - active} more matches than the {active} active loans of the run as of "
            f"{runs[run_no].as_of}: duplicate loan ids",
            source=str(runs[run_no + 1].state_file),
        )


_PAIRS_CTE = """
pairs AS (
    SELECT run, as_of AS from_as_of, lead(as_of) OVER (ORDER BY run) AS to_as_of FROM runs
    QUALIFY to_as_of IS NOT NULL
)
"""

_ROLL_SQL = f"""
WITH {_PAIRS_CTE}, targets AS (
    SELECT bucket_no AS to_no, bucket FROM buckets
    UNION ALL SELECT 7, '{SETTLED}' UNION ALL SELECT 8, '{ABSENT}'
), grid AS (
    SELECT p.run, p.from_as_of, p.to_as_of, f.bucket_no AS from_no, f.bucket AS from_bucket,
           t.to_no, t.bucket AS to_bucket, coalesce(m.n, 0) AS n, coalesce(m.op, 0) AS op
    FROM pairs p CROSS JOIN buckets f CROSS JOIN targets t
    LEFT JOIN moves m ON m.run = p.run AND m.from_no = f.bucket_no AND m.to_no = t.to_no
)
SELECT from_as_of, to_as_of, from_bucket, to_bucket,
       n AS accounts, share(n, sum(n) OVER w) AS account_share,
       op AS outstanding_principal, share(fen(op), fen(sum(op) OVER w)) AS balance_share
FROM grid
WINDOW w AS (PARTITION BY run, from_no)
ORDER BY run, from_no, to_no
"""

_CURE_SQL = f"""
WITH {_PAIRS_CTE}, cure_rows AS (
    SELECT bucket_no AS row_no, bucket FROM buckets WHERE bucket_no > 0
    UNION ALL SELECT 7, '{ALL_DELINQUENT}'
), grid AS (
    SELECT p.run, p.from_as_of, p.to_as_of, r.row_no, r.bucket,
           coalesce(sum(m.n), 0) AS delinquent,
           coalesce(sum(m.n) FILTER (WHERE m.to_no = 0), 0) AS cured_current,
           coalesce(sum(m.n) FILTER (WHERE m.to_no = 7), 0) AS cured_paid_off
    FROM pairs p CROSS JOIN cure_rows r
    LEFT JOIN moves m ON m.run = p.run AND m.from_no > 0
                     AND (m.from_no = r.row_no OR r.row_no = 7)
    GROUP BY ALL
)
SELECT from_as_of, to_as_of, bucket, delinquent AS delinquent_accounts, cured_current,
       cured_paid_off, share(cured_current + cured_paid_off, delinquent) AS cure_rate
FROM grid ORDER BY run, row_no
"""

_VINTAGES_SQL = """
WITH v AS (
    SELECT run, month, sum(n) AS loans, sum(principal) AS principal,
           coalesce(sum(n) FILTER (WHERE bucket_no >= 3), 0) AS m3,  -- M3+: dpd > 60
           coalesce(sum(principal) FILTER (WHERE bucket_no >= 3), 0) AS m3p
    FROM agg GROUP BY ALL
)
SELECT strftime(month, '%Y-%m') AS vintage, r.as_of, months(r.as_of) - months(month) AS mob,
       loans, principal, m3 AS m3plus_loans, m3p AS m3plus_principal,
       share(m3, loans) AS m3plus_account_rate,
       share(fen(m3p), fen(principal)) AS m3plus_principal_rate
FROM v JOIN runs r USING (run) ORDER BY month, run
"""


def _limitation_sql(run: int) -> str:
    return f"""
    SELECT run_as_of AS as_of,
           CASE WHEN days_left < 0 THEN 'expired' WHEN days_left <= {LIMITATION_SOON} THEN '0-30'
                ELSE '31-90' END AS band,
           days_left, loan_id, bucket, dpd, outstanding_principal, total_due, claimable_total,
           limitation_expires_on, limitation_calendar_covered, limitation_started_by
    FROM (
        SELECT *, limitation_expires_on - run_as_of AS days_left FROM run_{run}
        WHERE active AND limitation_expires_on - run_as_of <= {LIMITATION_HORIZON}
    )
    ORDER BY limitation_expires_on, loan_id
    """


def _write_off_sql(run: int) -> str:
    return f"""
    SELECT run_as_of AS as_of, loan_id, bucket, dpd, outstanding_principal, total_due,
           claimable_total, last_payment_date, days_without_payment, limitation_expires_on,
           concat_ws(';', CASE WHEN by_dpd THEN $dpd_code END,
                          CASE WHEN by_limitation THEN 'limitation_expired' END,
                          CASE WHEN by_no_payment THEN $no_payment_code END) AS reasons
    FROM (
        SELECT *,
               dpd > $dpd_over AS by_dpd,
               $limitation AND coalesce(limitation_expires_on < run_as_of, false) AS by_limitation,
               dpd > 0 AND outstanding_principal > 0 AND days_without_payment > $no_payment_days
                   AS by_no_payment
        FROM (
            SELECT *, run_as_of - coalesce(last_payment_date, disbursed_on) AS days_without_payment
            FROM run_{run} WHERE active
        )
    )
    WHERE by_dpd OR by_limitation OR by_no_payment
    ORDER BY dpd DESC, loan_id
    """


def _query(
    con: duckdb.DuckDBPyConnection, name: str, sql: str, params: dict[str, object] | None = None
) -> pa.Table:
    table = con.sql(sql, params=params).to_arrow_table()
    # One chunk per column, so that the Parquet bytes cannot depend on how DuckDB's threads
    # happened to batch the result.
    return table.cast(REPORT_TABLES[name]).combine_chunks()


def _tables(
    con: duckdb.DuckDBPyConnection, runs: Sequence[Run], policy: WriteOffPolicy
) -> dict[str, pa.Table]:
    latest = len(runs) - 1
    con.execute(_moves_sql(len(runs) - 1))
    _check_moves(con, runs)
    return {
        "runs": _query(con, "runs", _RUNS_SQL),
        "bucket_distribution": _query(con, "bucket_distribution", _BUCKETS_SQL),
        "roll_rates": _query(con, "roll_rates", _ROLL_SQL),
        "cure_rates": _query(con, "cure_rates", _CURE_SQL),
        "vintages": _query(con, "vintages", _VINTAGES_SQL),
        "limitation": _query(con, "limitation", _limitation_sql(latest)),
        "write_off_candidates": _query(
            con,
            "write_off_candidates",
            _write_off_sql(latest),
            {
                "dpd_over": policy.dpd_over,
                "dpd_code": policy.dpd_code,
                "limitation": policy.limitation_expired,
                "no_payment_days": policy.no_payment_days,
                "no_payment_code": policy.no_payment_code,
            },
        ),
    }


# --- the entry point ------------------------------------------------------------------------


def build_report(
    run_dirs: Sequence[Path],
    out_dir: Path,
    *,
    policy: WriteOffPolicy = DEFAULT_WRITE_OFF_POLICY,
) -> ReportSummary:
    """Read the runs, write every table as CSV and Parquet and ``report.html`` into ``out_dir``.

    ``run_dirs``: run directories, or folders holding them (see :func:`read_runs`); in any order.

    Bad input (a missing file, a manifest without ``as_of``, two runs on the same date, a float
    money column, a bucket that disagrees with dpd) raises :class:`~overdue.errors.InputError`
    before anything is written.
    """
    runs = read_runs(run_dirs)
    con = _connect(runs)
    try:
        con.execute(_AGG_SQL)
        _validate(con, runs)
        tables = _tables(con, runs, policy)
    finally:
        con.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    files = tuple(_write_table(out_dir, name, table) for name, table in tables.items())
    html = out_dir / "report.html"
    html.write_text(_render_html(runs, tables, policy), encoding="utf-8")
    latest = tables["runs"].slice(len(runs) - 1).to_pylist()[0]
    bands = _band_counts(tables["limitation"])
    return ReportSummary(
        out_dir=out_dir,
        html=html,
        runs=tuple(r.as_of for r in runs),
        tables=files,
        loans=latest["loans"],
        active_loans=latest["active_loans"],
        limitation_expired=bands["expired"],
        limitation_0_30=bands["0-30"],
        limitation_31_90=bands["31-90"],
        write_off_candidates=tables["write_off_candidates"].num_rows,
    )


def _write_table(out_dir: Path, name: str, table: pa.Table) -> TableFiles:
    csv_path = out_dir / f"{name}.csv"
    parquet_path = out_dir / f"{name}.parquet"
    pa_csv.write_csv(table, csv_path, pa_csv.WriteOptions(quoting_style="needed"))
    pq.write_table(table, parquet_path)
    return TableFiles(name, table.num_rows, csv_path, parquet_path)


# --- HTML -----------------------------------------------------------------------------------

_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
_TARGET_LABELS = {SETTLED: "结清", ABSENT: "缺失"}
_BAND_LABELS = {"expired": "已届满", "0-30": "0–30 天内届满", "31-90": "31–90 天内届满"}
_STARTED_BY = {
    "final-due-date": "最后一期到期日",
    "payment": "还款",
    "demand": "催收",
    "acknowledgement": "同意履行",
    "suit": "起诉",
}


def _pct(value: Decimal | None) -> str:
    return "–" if value is None else percent(value, 2)


def _num(n: int) -> str:
    return f"{n:,}"


def _day(value: dt.date | None) -> str:
    return "–" if value is None else value.isoformat()


def _px(value: float) -> str:
    return f"{value:.1f}"


def _ratio_float(value: Decimal | None) -> float:
    # float for pixel coordinates and colours only: a share is a ratio, never money.
    return 0.0 if value is None else float(value)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("overdue.portfolio", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["money"] = fmt
    env.filters["pct"] = _pct
    env.filters["num"] = _num
    env.filters["day"] = _day
    return env


def _render_html(
    runs: Sequence[Run],
    tables: Mapping[str, pa.Table],
    policy: WriteOffPolicy,
) -> str:
    rows = {name: table.to_pylist() for name, table in tables.items() if name not in _LONG}
    latest = runs[-1].as_of
    limitation = tables["limitation"]
    limitation_sections = []
    for band in LIMITATION_BANDS:
        band_rows = limitation.filter(pc.equal(limitation.column("band"), band))
        limitation_sections.append(
            {
                "band": band,
                "label": _BAND_LABELS[band],
                "count": band_rows.num_rows,
                "rows": band_rows.slice(0, _HTML_ROWS).to_pylist(),
            }
        )
    write_off = tables["write_off_candidates"]
    reason_labels = policy.labels()
    write_off_rows = write_off.slice(0, _HTML_ROWS).to_pylist()
    for row in write_off_rows:
        row["reason_text"] = "；".join(reason_labels[c] for c in row["reasons"].split(";"))
    # No code is a substring of another, so a literal match finds each one.
    reason_counts = {
        code: _count_true(pc.match_substring(write_off.column("reasons"), code))
        for code in reason_labels
    }
    pairs = _roll_pairs(rows["roll_rates"])
    context = {
        "as_of": latest,
        "run_dates": [r.as_of for r in runs],
        "runs": rows["runs"],
        "buckets": BUCKETS,
        "bucket_rows": rows["bucket_distribution"],
        "bucket_chart": _bucket_chart(rows["bucket_distribution"], [r.as_of for r in runs]),
        "roll_pairs": [
            {**p, "chart": _heat_map(p["matrix"]), "cure": _cure_rows(rows["cure_rates"], p)}
            for p in pairs
        ],
        "vintage_chart": _vintage_chart(rows["vintages"]),
        "vintage_table": _vintage_pivot(rows["vintages"]),
        "one_run": len(runs) == 1,
        "limitation_sections": limitation_sections,
        "limitation_total": limitation.num_rows,
        "write_off_rows": write_off_rows,
        "write_off_total": write_off.num_rows,
        "reason_labels": reason_labels,
        "reason_counts": reason_counts,
        "policy": policy,
        "started_by": _STARTED_BY,
        "target_labels": _TARGET_LABELS,
        "html_rows": _HTML_ROWS,
        "files": [f"{name}.csv / {name}.parquet" for name in tables],
    }
    return _environment().get_template("report.html.j2").render(context)


_LONG = ("limitation", "write_off_candidates")


def _count_true(mask: pa.ChunkedArray) -> int:
    total: int | None = pc.sum(mask.cast(pa.int64())).as_py()
    return total or 0


def _band_counts(limitation: pa.Table) -> dict[str, int]:
    return {
        band: _count_true(pc.equal(limitation.column("band"), band)) for band in LIMITATION_BANDS
    }


def _roll_pairs(roll_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pairs: dict[tuple[dt.date, dt.date], dict[str, Any]] = {}
    for row in roll_rows:
        key = (row["from_as_of"], row["to_as_of"])
        pair = pairs.setdefault(key, {"from_as_of": key[0], "to_as_of": key[1], "matrix": {}})
        pair["matrix"].setdefault(row["from_bucket"], []).append(row)
    return list(pairs.values())


def _cure_rows(cure_rows: list[dict[str, Any]], pair: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        r
        for r in cure_rows
        if r["from_as_of"] == pair["from_as_of"] and r["to_as_of"] == pair["to_as_of"]
    ]


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    # No xmlns: inline SVG in HTML needs none, and the page holds no URL at all.
    head = (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" font-size="12">'
    )
    return "\n".join([head, f"<title>{escape(label)}</title>", *body, "</svg>"])


def _share_axis(
    top_share: float, left: int, right: int, top: int, plot_h: int
) -> tuple[float, list[str]]:
    """A y axis for shares: its top (a fraction) and its grid lines with whole-percent labels.

    The top is the largest share rounded up to a step of 1, 2, 5, 10, 20 or 25 % that gives at
    most six steps: 0.78 -> 0-80 % in steps of 20; 0.21 -> 0-25 % in steps of 5.
    """
    top_pct = max(1, min(100, math.ceil(top_share * 100)))
    step = next(s for s in (1, 2, 5, 10, 20, 25) if math.ceil(top_pct / s) <= 6)
    ticks = math.ceil(top_pct / step)
    lines = []
    for tick in range(ticks + 1):
        y = top + plot_h - plot_h * tick / ticks
        lines.append(
            f'<line x1="{left}" x2="{right}" y1="{_px(y)}" y2="{_px(y)}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{_px(y + 4)}" text-anchor="end">{tick * step}%</text>'
        )
    return ticks * step / 100, lines


def _bucket_chart(rows: list[dict[str, Any]], run_dates: list[dt.date]) -> str:
    """Grouped bars: share of outstanding principal per bucket, one bar per run."""
    left, top, plot_h, group_w = 48, 16, 220, 96
    width = left + group_w * len(BUCKETS) + 16
    height = top + plot_h + 56
    top_share = max(_ratio_float(r["balance_share"]) for r in rows)
    scale, body = _share_axis(top_share, left, width - 16, top, plot_h)
    bar_w = (group_w - 16) / max(1, len(run_dates))
    by_key = {(r["as_of"], r["bucket"]): r for r in rows}
    for b_index, bucket in enumerate(BUCKETS):
        x0 = left + b_index * group_w + 8
        for r_index, as_of in enumerate(run_dates):
            row = by_key[(as_of, bucket)]
            share = _ratio_float(row["balance_share"])
            h = plot_h * share / scale
            x = x0 + r_index * bar_w
            tip = (
                f"{as_of} {bucket}：剩余本金 {fmt(row['outstanding_principal'])}，"
                f"{_pct(row['balance_share'])}，{row['accounts']:,} 户"
            )
            body.append(
                f'<rect x="{_px(x)}" y="{_px(top + plot_h - h)}" width="{_px(bar_w - 2)}" '
                f'height="{_px(h)}" fill="{_PALETTE[r_index % len(_PALETTE)]}">'
                f"<title>{escape(tip)}</title></rect>"
            )
        body.append(
            f'<text x="{_px(x0 + (group_w - 16) / 2)}" y="{top + plot_h + 18}" '
            f'text-anchor="middle">{escape(bucket)}</text>'
        )
    for r_index, as_of in enumerate(run_dates):
        x = left + r_index * 110
        body.append(
            f'<rect x="{x}" y="{height - 18}" width="10" height="10" '
            f'fill="{_PALETTE[r_index % len(_PALETTE)]}"/>'
            f'<text x="{x + 14}" y="{height - 9}">{as_of}</text>'
        )
    return _svg(width, height, "各账龄剩余本金占比", body)


def _heat_colour(share: float) -> str:
    # White (0 %) to dark red (100 %).
    r = round(255 - (255 - 165) * share)
    g = round(255 - (255 - 15) * share)
    b = round(255 - (255 - 21) * share)
    return f"#{r:02x}{g:02x}{b:02x}"


def _heat_map(matrix: Mapping[str, list[dict[str, Any]]]) -> str:
    """Roll-rate heat map: rows are t0 buckets, columns t1 buckets, cells the row share."""
    targets = [*BUCKETS, SETTLED, ABSENT]
    left, top, cell_w, cell_h = 56, 40, 64, 30
    width = left + cell_w * len(targets) + 8
    height = top + cell_h * len(BUCKETS) + 8
    body = [
        f'<text x="{left + cell_w * len(targets) / 2}" y="12" text-anchor="middle">t1 →</text>',
        f'<text x="8" y="{top - 8}">t0 ↓</text>',
    ]
    for c, target in enumerate(targets):
        body.append(
            f'<text x="{left + c * cell_w + cell_w / 2}" y="{top - 8}" text-anchor="middle">'
            f"{escape(_TARGET_LABELS.get(target, target))}</text>"
        )
    for r, bucket in enumerate(BUCKETS):
        y = top + r * cell_h
        body.append(
            f'<text x="{left - 8}" y="{y + cell_h / 2 + 4}" text-anchor="end">{escape(bucket)}</text>'
        )
        for c, cell in enumerate(matrix[bucket]):
            share = _ratio_float(cell["account_share"])
            x = left + c * cell_w
            tip = (
                f"{bucket} → {_TARGET_LABELS.get(cell['to_bucket'], cell['to_bucket'])}："
                f"{cell['accounts']:,} 户（{_pct(cell['account_share'])}），"
                f"t0 剩余本金 {fmt(cell['outstanding_principal'])}"
            )
            text_colour = "#fff" if share > 0.5 else "#222"
            label = "–" if cell["account_share"] is None else _pct(cell["account_share"])
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 1}" height="{cell_h - 1}" '
                f'fill="{_heat_colour(share)}" stroke="#eee"><title>{escape(tip)}</title></rect>'
                f'<text x="{x + cell_w / 2}" y="{y + cell_h / 2 + 4}" text-anchor="middle" '
                f'fill="{text_colour}">{escape(label)}</text>'
            )
    return _svg(width, height, "迁徙率热力图（按户数，行内占比）", body)


def _vintage_chart(rows: list[dict[str, Any]]) -> str:
    """M3+ share of accounts by months on book, one line (or point) per vintage."""
    left, top, plot_w, plot_h = 48, 16, 640, 260
    width, height = left + plot_w + 24, top + plot_h + 40
    if not rows:
        return _svg(width, height, "Vintage 曲线（无数据）", [])
    max_mob = max(1, *(r["mob"] for r in rows))
    top_rate = max(_ratio_float(r["m3plus_account_rate"]) for r in rows)
    scale, body = _share_axis(top_rate, left, left + plot_w, top, plot_h)

    def xy(mob: int, rate: Decimal | None) -> tuple[str, str]:
        return (
            _px(left + plot_w * mob / max_mob),
            _px(top + plot_h - plot_h * _ratio_float(rate) / scale),
        )

    step = max(1, max_mob // 12)
    for mob in range(0, max_mob + 1, step):
        x = left + plot_w * mob / max_mob
        body.append(f'<text x="{_px(x)}" y="{top + plot_h + 16}" text-anchor="middle">{mob}</text>')
    body.append(
        f'<text x="{left + plot_w / 2}" y="{height - 4}" text-anchor="middle">在账月数 MOB</text>'
    )
    vintages = _by_vintage(rows)
    for index, (vintage, points) in enumerate(vintages.items()):
        colour = _vintage_colour(index, len(vintages))
        coords = [xy(p["mob"], p["m3plus_account_rate"]) for p in points]
        if len(coords) > 1:
            path = " ".join(f"{cx},{cy}" for cx, cy in coords)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>'
            )
        for (cx, cy), p in zip(coords, points, strict=True):
            tip = (
                f"{vintage} MOB {p['mob']}（{p['as_of']}）：M3+ {p['m3plus_loans']:,}/"
                f"{p['loans']:,} 户 {_pct(p['m3plus_account_rate'])}，"
                f"本金占比 {_pct(p['m3plus_principal_rate'])}"
            )
            body.append(
                f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"><title>{escape(tip)}</title>'
                "</circle>"
            )
    return _svg(width, height, "Vintage 曲线：M3+ 户数占比 × 在账月数", body)


def _vintage_colour(index: int, count: int) -> str:
    """The ``index``-th of ``count`` vintages (oldest first) on one ramp, dark blue to orange:
    with dozens of vintages a cycling palette repeats its colours, a ramp keeps their order."""
    start, end = (0x08, 0x30, 0x6B), (0xF1, 0x69, 0x13)
    t = index / (count - 1) if count > 1 else 0.0
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(start, end, strict=True))


def _by_vintage(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["vintage"], []).append(row)
    return grouped


def _vintage_pivot(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Vintages down, MOB across, the M3+ account share in each cell, with a colour key."""
    grouped = _by_vintage(rows)
    mobs = sorted({r["mob"] for r in rows})
    body = []
    for index, (vintage, points) in enumerate(grouped.items()):
        cells = {p["mob"]: p for p in points}
        body.append(
            {
                "vintage": vintage,
                "colour": _vintage_colour(index, len(grouped)),
                "cells": [cells.get(m) for m in mobs],
            }
        )
    return {"mobs": mobs, "rows": body}
