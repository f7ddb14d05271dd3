"""A portfolio as the lender's systems held it on an earlier day.

The nightly run rejects rows dated after its as-of date (a payment dated tomorrow is an error
in a live extract). To replay history — a month-end run for last month, or the demo's two
runs for roll rates — take a snapshot first: loans disbursed on or before the day, their
payments and events dated on or before it, and their whole installment schedules (a schedule
cut at the day would be rejected as incomplete). Borrowers are copied whole.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from overdue.errors import InputError
from overdue.portfolio.sql import connect, literal

__all__ = ["snapshot"]

# table -> (date column, whether rows must belong to a loan kept in the snapshot)
_TABLES = {
    "loans": ("disbursed_on", False),
    "payments": ("paid_on", True),
    "events": ("on", True),
    "installments": (None, True),
    "borrowers": (None, False),
}


def _source(data_dir: Path, name: str) -> str | None:
    if (data_dir / name).is_dir():
        return f"read_parquet({literal(str(data_dir / name) + '/**/*.parquet')})"
    if (data_dir / f"{name}.parquet").exists():
        return f"read_parquet({literal(str(data_dir / name) + '.parquet')})"
    return None


def snapshot(data_dir: Path, out_dir: Path, on: dt.date) -> dict[str, int]:
    """Copy the Parquet portfolio in ``data_dir`` as it stood on ``on`` into ``out_dir`` (a new
    or empty directory); return the rows kept per table."""
    loans = _source(data_dir, "loans")
    if loans is None:
        raise InputError(
            "--data", f"{data_dir}: no loans table in Parquet (loans/ or loans.parquet) to take "
            "a snapshot of"
        )  # fmt: skip
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError("--out", f"{out_dir} exists and is not an empty directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    con = connect()
    counts: dict[str, int] = {}
    day = on.isoformat()
    for name, (date_col, child) in _TABLES.items():
        src = _source(data_dir, name)
        if src is None:
            continue
        where = []
        if date_col:
            where.append(f"\"{date_col}\" <= DATE '{day}'")
        if child:
            where.append(
                f"loan_id IN (SELECT loan_id FROM {loans} WHERE disbursed_on <= DATE '{day}')"
            )
        query = f"SELECT * FROM {src}" + (f" WHERE {' AND '.join(where)}" if where else "")
        target = out_dir / f"{name}.parquet"
        con.execute(f"COPY ({query}) TO {literal(str(target))} (FORMAT parquet, COMPRESSION zstd)")
        counts[name] = con.sql(
            f"SELECT count(*) FROM read_parquet({literal(str(target))})"
        ).fetchall()[0][0]
    return counts
