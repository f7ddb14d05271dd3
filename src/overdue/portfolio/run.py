"""The nightly run: load and validate a portfolio, compute every loan's state, publish atomically.

``run_nightly(data_dir, out_dir, as_of)`` writes into a fresh version directory beside
``out_dir`` and then points ``out_dir`` (a symbolic link) at it with one atomic rename, so a run
killed half way leaves the previous outputs in place, and readers never see a half-written run.

Outputs (``out_dir/``):

- ``loan_state.parquet`` — one row per accepted loan (:data:`~overdue.portfolio.state_columns.LOAN_STATE_SCHEMA`);
- ``summary_buckets.csv`` / ``.parquet`` — accounts and balances per bucket;
- ``rejects/`` — every rejected input row with its file, row, field and reason;
- ``manifest.json`` — as-of date, engine, input checksums, counts, rule versions, timings.

Every output but the ``timings`` object of the manifest is byte-identical for the same inputs,
date and software versions.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

import overdue
from overdue.checksums import file_sha256
from overdue.errors import InputError
from overdue.portfolio.load import (
    DEFAULT_MAX_REJECT_RATIO,
    LoadedPortfolio,
    RejectThresholdExceeded,
    counts_by_table,
    load_portfolio,
)
from overdue.portfolio.prepare import CHUNK, compute_states, iter_states
from overdue.portfolio.sql import connect, literal
from overdue.portfolio.state_columns import LOAN_STATE_SCHEMA
from overdue.rules._data import data_version
from overdue.rules.caps import CapProfile
from overdue.workers import process_alive

__all__ = [
    "RULE_FILES",
    "Engine",
    "RunSummary",
    "check_out",
    "publish",
    "run_nightly",
    "write_parquet",
]

RULE_FILES = ("cap_profiles.csv", "lpr.csv", "periods.csv", "court_fees.csv")
KEEP_VERSIONS = 2

Engine = str  # "duckdb" | "spark"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class RunSummary:
    out_dir: Path
    version_dir: Path
    as_of: dt.date
    engine: str
    counts: dict[str, dict[str, int]]
    buckets: list[dict[str, Any]]
    timings: dict[str, float] = field(default_factory=dict)


# Deterministic Parquet: fixed compression and row-group size, no wall-clock metadata.
# Dictionary encoding for text and date columns only (numbers rarely repeat; trying costs time),
# and not for the identifiers: one value per loan, so the dictionary was built and then abandoned
# (measured on 3M loan states: 11 % less writing CPU, 3 % smaller file).
# Min/max statistics for every column but decimals: money and rates spread over every row group,
# so their statistics would prune nothing, and they cost a quarter of the writing time.
_PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "store_schema": True,
}
_IDENTIFIERS = frozenset({"loan_id", "borrower_id"})
ROW_GROUP = CHUNK  # one kernel chunk is one row group, so streamed and whole writes agree


def _column_options(schema: pa.Schema) -> dict[str, Any]:
    return {
        "use_dictionary": [
            f.name
            for f in schema
            if (pa.types.is_string(f.type) or pa.types.is_date(f.type))
            and f.name not in _IDENTIFIERS
        ],
        "write_statistics": [f.name for f in schema if not pa.types.is_decimal(f.type)],
        **_PARQUET_OPTIONS,
    }


def write_parquet(table: pa.Table, path: Path, *, row_group: int = ROW_GROUP) -> None:
    """Write ``table`` as deterministic Parquet."""
    pq.write_table(table, path, row_group_size=row_group, **_column_options(table.schema))


def write_parquet_parts(
    parts: Iterable[pa.Table], schema: pa.Schema, path: Path, *, row_group: int = ROW_GROUP
) -> int:
    """Write tables of ``schema`` one after another as one file; return the number of rows.

    The bytes are those of :func:`write_parquet` of their concatenation when every part but
    the last has ``row_group`` rows. A part is written in a thread while the next is made
    (Arrow's writer releases the GIL); at most two parts are in memory.
    """
    rows = 0
    with (
        pq.ParquetWriter(path, schema, **_column_options(schema)) as writer,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        pending: Future[None] | None = None
        for part in parts:
            if pending is not None:
                pending.result()
            pending = pool.submit(writer.write_table, part, row_group_size=row_group)
            rows += part.num_rows
        if pending is not None:
            pending.result()
    return rows


def compute_loaded(
    loaded: LoadedPortfolio,
    as_of: dt.date,
    *,
    cap: CapProfile | None = None,
    progress: Progress | None = None,
) -> pa.Table:
    """Every accepted loan's state as of ``as_of`` (DuckDB engine: one process, both cores)."""
    return compute_states(
        loaded.loans, loaded.payments, loaded.events, loaded.installments, as_of,
        cap=cap, progress=progress,
    )  # fmt: skip


def bucket_summary(con: duckdb.DuckDBPyConnection, states: str) -> pa.Table:
    """Accounts and balances per bucket, M0..M6+ (all buckets, zero rows included).

    ``states`` is a relation of ``loan_state`` rows (a registered table or a ``read_parquet``).
    """
    return con.sql(
        f"""
        WITH b(bucket, ord) AS (VALUES ('M0',0),('M1',1),('M2',2),('M3',3),('M4',4),('M5',5),('M6+',6))
        SELECT b.bucket,
               count(s.loan_id)::BIGINT AS accounts,
               coalesce(sum(s.outstanding_principal), 0)::DECIMAL(18,2) AS outstanding_principal,
               coalesce(sum(s.total_due), 0)::DECIMAL(18,2) AS total_due,
               coalesce(sum(s.claimable_total), 0)::DECIMAL(18,2) AS claimable_total
        FROM b LEFT JOIN {states} s ON s.bucket = b.bucket
        GROUP BY b.bucket, b.ord ORDER BY b.ord
        """
    ).to_arrow_table()


@contextmanager
def _timed(timings: dict[str, float], step: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[step] = round(time.perf_counter() - start, 3)


@contextmanager
def _system_allocator() -> Iterator[None]:
    """Arrow's allocations from the C library's ``malloc`` while the block runs.

    Arrow's default pool here (mimalloc) hands large freed blocks back to the system and takes
    fresh ones, so every large array costs page faults. Measured on 10 million loans
    (2026-12-02, this repository's bench machine): preparing the kernel's inputs took 7.3 s
    with the default pool and 3.8 s with ``malloc``; system time fell from 11 s to 5 s. Arrays
    made in the block stay valid afterwards (each buffer keeps its pool).
    """
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


# glibc's mallopt parameters and defaults (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4
_DEFAULT_TRIM_THRESHOLD, _DEFAULT_MMAP_MAX = 128 * 1024, 65536


def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (whose ``mallopt`` :func:`_kept_memory` tunes), else None."""
    if platform.libc_ver()[0] != "glibc":
        return None
    libc = ctypes.CDLL(None)
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


@contextmanager
def _kept_memory() -> Iterator[None]:
    """Memory freed while the block runs stays in the process for the next allocation.

    glibc's ``malloc`` gives each block above its mmap threshold (at most 32 MB) pages of its
    own and returns them to the kernel when it is freed, so each row group's decoded columns and
    each chunk's arrays came on fresh pages, each one a page fault (on a virtual machine whose
    host takes back free guest pages, as this repository's bench machine does, a costly one).
    Here every block comes from the heap, which is not trimmed: 10M loans, 3 pairs of runs
    (2026-12-04): system time 7.0-12.6 -> 5.3-6.3 s, 4K page faults 1.02M -> 0.84M, hugepage
    faults 3,982 -> 1,867; peak RSS unchanged. For the same reason the load does not hand the
    memory it freed back to the system before the compute (10M loans, 5 pairs of runs on
    2026-12-04: 16.8-17.4 s against 17.4-19.5 s). Afterwards glibc's default limits are put back
    (its sliding mmap threshold then stays where it is) and the kept memory is returned. Other
    C libraries: nothing is changed.
    """
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_MMAP_MAX, 0)
        libc.mallopt(_M_TRIM_THRESHOLD, 2**31 - 1)
    try:
        yield
    finally:
        if libc is not None:
            libc.mallopt(_M_MMAP_MAX, _DEFAULT_MMAP_MAX)
            libc.mallopt(_M_TRIM_THRESHOLD, _DEFAULT_TRIM_THRESHOLD)
            libc.malloc_trim(0)


def publish(staging: Path, out_dir: Path) -> Path:
    """Point ``out_dir`` at ``staging`` atomically; keep the previous version, drop older ones."""
    versions = staging.parent
    check_out(out_dir)
    link = out_dir.with_name(f".{out_dir.name}.link-{os.getpid()}")
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(staging, out_dir.parent), link)
    try:
        os.replace(link, out_dir)  # atomic on POSIX
    except OSError:
        link.unlink()
        raise
    current = staging.resolve()
    done = [p for p in versions.iterdir() if p.is_dir() and p.suffix not in (".partial", ".failed")]
    done.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in done[KEEP_VERSIONS:]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)
    for partial in versions.glob("*.partial"):  # left by a run that was killed
        if not process_alive(int(partial.name.split(".")[1])):
            shutil.rmtree(partial, ignore_errors=True)
    # failed runs keep their rejects for the operator: the newest few, not every one
    failed = sorted(versions.glob("*.failed"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in failed[KEEP_VERSIONS:]:
        shutil.rmtree(old, ignore_errors=True)
    return staging


def check_out(out_dir: Path) -> None:
    """``out_dir`` must be absent or a run link (a link into ``<name>.versions/`` beside it): a
    directory, a file or a link of something else is never replaced (checked before a run
    starts, and again when it is published)."""
    above = next((p for p in out_dir.parents if p.exists() or p.is_symlink()), None)
    if above is not None and not above.is_dir():
        what = "a broken link" if above.is_symlink() and not above.exists() else "a file"
        raise InputError("--out", f"{above} is {what}, so {out_dir} cannot be made")
    if out_dir.is_symlink():
        target = os.readlink(out_dir)
        versions = out_dir.parent / f"{out_dir.name}.versions"
        if Path(os.path.normpath(out_dir.parent / target)).parent == Path(
            os.path.normpath(versions)
        ):
            return  # an earlier run's link (its version may since have been removed)
        raise InputError(
            "--out",
            f"{out_dir} is a link to {target}, not the link of an earlier run: choose another "
            f"--out (a run is published as a link to {versions.name}/)",
        )
    if not out_dir.exists():
        return
    kind = "a directory" if out_dir.is_dir() else "a file"
    raise InputError(
        "--out",
        f"{out_dir} is {kind}, not the link of an earlier run: choose another --out (a run "
        f"is published as a link to {out_dir.name}.versions/)",
    )


@_kept_memory()
def run_nightly(
    data_dir: Path,
    out_dir: Path,
    as_of: dt.date,
    *,
    engine: Engine = "duckdb",
    max_reject_ratio: Decimal = DEFAULT_MAX_REJECT_RATIO,
    cap: CapProfile | None = None,
    progress: Progress | None = None,
    spark_master: str = "local[*]",
) -> RunSummary:
    """Run the nightly batch over ``data_dir`` as of ``as_of`` and publish it at ``out_dir``."""
    timings: dict[str, float] = {}
    check_out(out_dir)
    if engine == "spark":
        from overdue.portfolio.spark import check_master

        check_master(spark_master, "--spark-master")  # before the load, not after it
    versions = out_dir.with_name(f"{out_dir.name}.versions")
    try:
        versions.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError("--out", f"cannot make {versions}: {exc.strerror}") from None
    staging = versions / f"{as_of.isoformat()}.{os.getpid()}.{time.time_ns()}.partial"
    staging.mkdir()
    try:
        no_loans = InputError(
            "loans", f"no rows in {data_dir}: the loans table has only a header; nothing to run"
        )
        try:
            with _system_allocator(), _timed(timings, "load"):
                loaded = load_portfolio(
                    data_dir,
                    as_of=as_of,
                    rejects_dir=staging / "rejects",
                    max_reject_ratio=max_reject_ratio,
                    lean=engine == "duckdb",
                    release_memory=False,  # (see _kept_memory)
                    progress=progress,
                )
        except RejectThresholdExceeded as exc:
            if exc.counts["loans"].read == 0:  # every payment's loan unknown: say why first
                failed = staging.with_name(staging.name.removesuffix(".partial") + ".failed")
                staging.rename(failed)
                raise InputError(
                    "loans", f"{no_loans.message} (the other tables' rejects: {failed / 'rejects'})"
                ) from None
            raise
        if loaded.counts["loans"].read == 0:
            # Publishing would replace the last good run with an empty one.
            raise no_loans
        state_file = staging / "loan_state.parquet"
        # compute: the kernel and loan_state.parquet (written chunk by chunk by the DuckDB
        # engine, so that only one chunk of output is ever in memory)
        with _system_allocator(), _timed(timings, "compute"):
            if engine == "spark":
                from overdue.portfolio.spark import compute_spark

                states = compute_spark(
                    loaded, as_of, cap=cap, master=spark_master, progress=progress
                )
                write_parquet(states, state_file)
                n_states = states.num_rows
                del states
            elif engine == "duckdb":
                parts = iter_states(
                    loaded.loans, loaded.payments, loaded.events, loaded.installments, as_of,
                    cap=cap, progress=progress,
                )  # fmt: skip
                n_states = write_parquet_parts(parts, LOAN_STATE_SCHEMA, state_file)
            else:
                raise ValueError(f"unknown engine {engine!r} (duckdb or spark)")
        with _timed(timings, "write"), ThreadPoolExecutor(max_workers=1) as hashing:
            # loan_state's hash (a few hundred MB at 10M) is read beside the bucket summary
            state_sha256 = hashing.submit(file_sha256, state_file)
            con = connect()
            buckets = bucket_summary(con, f"read_parquet({literal(str(state_file))})")
            write_parquet(buckets, staging / "summary_buckets.parquet")
            con.register("buckets", buckets)
            con.execute(
                f"COPY buckets TO {literal(str(staging / 'summary_buckets.csv'))}"
                " (HEADER, DELIMITER ',')"
            )
        counts = counts_by_table(loaded.counts)
        manifest = {
            "as_of": as_of.isoformat(),
            "engine": engine,
            "overdue_version": overdue.__version__,
            "cap_profile": cap.value if cap else "by lender type",
            "inputs": dict(sorted(loaded.checksums.items())),
            "counts": counts,
            "rule_versions": data_version(RULE_FILES),
            # business days (the limitation's last day) come from this package's tables
            "holiday_calendar": f"chinese-calendar {importlib.metadata.version('chinese-calendar')}",
            "outputs": {
                "loan_state.parquet": state_sha256.result(),
                **{
                    name: file_sha256(staging / name)
                    for name in ("summary_buckets.parquet", "summary_buckets.csv")
                },
                **{
                    path.relative_to(staging).as_posix(): file_sha256(path)
                    for path in sorted((staging / "rejects").rglob("*"))
                    if path.is_file()
                },
            },
            "loans": n_states,
            "timings": timings,
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        final = staging.with_name(staging.name.removesuffix(".partial"))
        staging.rename(final)
        publish(final, out_dir)
    except RejectThresholdExceeded as exc:
        # Keep the rejects of a failed run where the operator can read them, and say where.
        failed = staging.with_name(staging.name.removesuffix(".partial") + ".failed")
        staging.rename(failed)
        raise RejectThresholdExceeded(
            exc.counts, exc.max_reject_ratio, exc.over, failed / "rejects", exc.common
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return RunSummary(out_dir, final, as_of, engine, counts, buckets.to_pylist(), timings)
