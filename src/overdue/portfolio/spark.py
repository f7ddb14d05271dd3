"""The nightly computation on Apache Spark: the same kernel, applied per loan partition via Arrow.

:func:`compute_spark` is the Spark twin of :func:`overdue.portfolio.run.compute_loaded`: it
takes the validated, normalized tables (:class:`~overdue.portfolio.load.LoadedPortfolio`) and
returns the same ``loan_state`` table, value for value and in schema.

1. **One row per loan.** The driver gathers each loan's payments, installments and events into
   list-of-struct columns beside the loan's own columns (:func:`nested_loans`; Arrow, about a
   second per million child rows). A loan and everything the kernel needs about it are then one
   row, so any split of the rows is a valid split of the work — no shuffle, no join in Spark.
2. **To the executors and back** (``transfer``). As Parquet files in a staging directory the
   driver and every executor can reach (a temporary directory for a local master; on a cluster
   ``staging=`` or the Spark setting ``spark.overdue.staging``: a shared mount, ``hdfs://``,
   ``s3a://``): the driver writes the nested table, the executors read it in row-group splits
   and write the states, the driver reads them. Or, with no staging directory on a cluster,
   through the driver (``createDataFrame`` and ``toArrow``): nothing to set up, but the driver's
   JVM holds the portfolio and the result counts against ``spark.driver.maxResultSize``.
3. **Per partition.** ``mapInArrow`` hands each batch of loans to a Python worker, which unnests
   the lists into the normalized tables again (:func:`unnest_loans`) and calls
   :func:`overdue.portfolio.prepare.compute_states` — the same rule preparation and the same
   compiled kernel as the DuckDB engine.
4. **Back.** The driver puts the rows in the order of ``loaded.loans`` and casts to
   :data:`~overdue.portfolio.state_columns.LOAN_STATE_SCHEMA`.

Child rows keep their order within a loan through all of this, so same-day payments are applied
in the same order as by the DuckDB engine.

The kernel is compiled by Numba with ``cache=True``: each Python worker loads the machine code
from the cache (beside the module, or in ``NUMBA_CACHE_DIR``) instead of compiling it, if the
cache was written by the same module file; a worker on a machine without a cache compiles once
(about 15 s) and writes it. Each task runs the kernel on as many threads as it has Spark CPUs
(``spark.task.cpus``, default 1): Spark, not Numba, spreads the work over the cores.

Validation (:func:`overdue.portfolio.load.load_portfolio`) still runs on the driver, on one
machine, with DuckDB; only the computation is distributed. ``python -m overdue.portfolio.spark``
is the nightly run for ``spark-submit`` (see the README).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from overdue.errors import InputError
from overdue.portfolio.load import DEFAULT_MAX_REJECT_RATIO, LoadedPortfolio
from overdue.portfolio.prepare import compute_states
from overdue.portfolio.schema import NORMALIZED
from overdue.portfolio.state_columns import LOAN_STATE_SCHEMA
from overdue.rules.caps import CapProfile

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = [
    "CHILD_TABLES",
    "NESTED_SCHEMA",
    "STAGING_CONF",
    "Transfer",
    "compute_spark",
    "main",
    "nested_loans",
    "spark_session",
    "states_of_batches",
    "unnest_loans",
]

Progress = Callable[[str, int, int], None]
Transfer = Literal["auto", "files", "driver"]

STAGING_CONF = "spark.overdue.staging"  # Spark setting: shared directory for the staging files
MAX_BATCH = 50_000  # loans per Arrow batch, i.e. per kernel call in a worker
MIN_BATCH = 10_000  # below this the per-call rule preparation (~0.3 s) dominates
_BATCH_CONF = "spark.sql.execution.arrow.maxRecordsPerBatch"
_LARGE_VAR_CONF = "spark.sql.execution.arrow.useLargeVarTypes"  # off: the schemas use string

CHILD_TABLES = ("payments", "installments", "events")


def _fields(name: str, drop: str | None = None) -> list[pa.Field]:
    """A table's normalized columns, all nullable: the loader's tables have no nulls where the
    schema says so, but tables built by hand may, and the DuckDB engine accepts them."""
    return [f.with_nullable(True) for f in NORMALIZED[name] if f.name != drop]


_LOAN_FIELDS = _fields("loans", drop="source_row")  # the loader's row number is not needed
_LOANS = pa.schema(_LOAN_FIELDS)
_CHILD_SCHEMAS = {name: pa.schema(_fields(name)) for name in CHILD_TABLES}


def _child_fields(name: str) -> list[pa.Field]:
    return [f for f in _CHILD_SCHEMAS[name] if f.name != "loan_id"]


# One row per loan: the normalized loan columns, then each child table as a list of structs
# (the child's normalized columns without loan_id).
NESTED_SCHEMA = pa.schema(
    [
        *_LOAN_FIELDS,
        *(pa.field(name, pa.list_(pa.struct(_child_fields(name)))) for name in CHILD_TABLES),
    ]
)


# ---------------------------------------------------------------------------------------------
# Nesting and unnesting (pure Arrow; the driver nests, the workers unnest)


def nested_loans(loans: pa.Table, children: Mapping[str, pa.Table | None]) -> pa.Table:
    """One row per loan with its child rows as lists (:data:`NESTED_SCHEMA`), in loan order.

    Child rows keep their relative order within each loan (a stable grouping), so the rows the
    kernel sees for a loan are in the same order as in the normalized tables.
    """
    loans = loans.select(_LOANS.names).cast(_LOANS).combine_chunks()
    ids = loans["loan_id"].combine_chunks()
    n = len(ids)
    columns = list(loans.columns)
    for name in CHILD_TABLES:
        fields = _child_fields(name)
        child = children.get(name)
        if child is None:
            child = _CHILD_SCHEMAS[name].empty_table()
        index = pc.index_in(child["loan_id"], value_set=ids)
        if index.null_count:
            raise InputError(
                "loan_id", f"a row of {name} refers to a loan that is not in the loans"
            )
        order = pc.sort_indices(index)  # stable: ties keep the table's order
        rows = child.take(order).select([f.name for f in fields]).cast(pa.schema(fields))
        counts = np.bincount(np.asarray(index.take(order), np.int64), minlength=n)
        offsets = np.zeros(n + 1, np.int32)
        np.cumsum(counts, out=offsets[1:])
        values = pa.StructArray.from_arrays(
            [rows[f.name].combine_chunks() for f in fields], fields=fields
        )
        columns.append(pa.ListArray.from_arrays(pa.array(offsets), values))
    return pa.Table.from_arrays(columns, schema=NESTED_SCHEMA)


def unnest_loans(batch: pa.RecordBatch | pa.Table) -> tuple[pa.Table, dict[str, pa.Table]]:
    """The normalized ``loans`` table and child tables of a batch of nested loans."""
    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    table = table.combine_chunks()
    loans = table.select(_LOANS.names).cast(_LOANS)
    loan_ids = table["loan_id"].combine_chunks()
    children = {}
    for name in CHILD_TABLES:
        lists = table[name].combine_chunks()
        rows = pc.list_flatten(lists)
        parent = pc.list_parent_indices(lists)
        children[name] = pa.table(
            {
                f.name: loan_ids.take(parent) if f.name == "loan_id" else rows.field(f.name)
                for f in _CHILD_SCHEMAS[name]
            }
        ).cast(_CHILD_SCHEMAS[name])
    return loans, children


def _kernel_threads() -> None:
    """Give the kernel as many threads as this Spark task has CPUs (Spark parallelises)."""
    import numba
    from pyspark import TaskContext

    ctx = TaskContext.get()
    cpus = int(ctx.cpus()) if ctx is not None else 1
    most = int(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
    numba.set_num_threads(max(1, min(cpus, most)))


def states_of_batches(
    as_of: dt.date, cap: CapProfile | None = None
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The function ``mapInArrow`` runs: batches of nested loans in, ``loan_state`` batches out."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        _kernel_threads()
        for batch in batches:
            if batch.num_rows == 0:
                continue
            loans, children = unnest_loans(batch)
            states = compute_states(
                loans,
                children["payments"],
                children["events"],
                children["installments"],
                as_of,
                cap=cap,
            )
            yield from states.to_batches()

    return run


# ---------------------------------------------------------------------------------------------
# Session


def _settings(local: bool) -> dict[str, str]:
    """Arrow on, UTC (dates cannot shift), no UI; for local runs few partitions and loopback."""
    conf = {
        "spark.app.name": "overdue-nightly",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # the plans of the nested loan table have ~50 fields; Spark warned that it truncated them
        "spark.sql.debug.maxToStringFields": "200",
    }
    if local:
        conf |= {
            "spark.sql.shuffle.partitions": str(2 * (os.cpu_count() or 1)),
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.driver.host": "127.0.0.1",
        }
    return conf


_MASTER_TIMEOUT = 5.0  # seconds to wait for a standalone master to accept a connection
_MASTER_PORT = 7077  # a standalone master's usual port (Spark wants it written)


def check_master(master: str | None, option: str = "--master") -> None:
    """Refuse a standalone master (``spark://host:port``, or several hosts for a master with
    standby) of which no host accepts a connection: Spark itself would retry for about a minute
    and end with a Java stack trace. Other masters (``local``, ``yarn``, ``k8s://``) and None
    (spark-submit's) are not checked here."""
    if master is None or not master.startswith("spark://"):
        return
    problems = []
    for address in master.removeprefix("spark://").split(","):
        host, colon, port = address.rpartition(":")
        bracketed = host.startswith("[") and host.endswith("]")
        if not colon or not (port.isascii() and port.isdigit()):
            problems.append(f"{address}: no port number (host:port, e.g. host:{_MASTER_PORT})")
            continue
        if (
            not host
            or host.startswith("[") != host.endswith("]")
            or (":" in host and not bracketed)
        ):
            problems.append(f"{address}: no host (an IPv6 address goes in brackets: [::1]:7077)")
            continue
        try:
            socket.create_connection(
                (host.removeprefix("[").removesuffix("]"), int(port)), timeout=_MASTER_TIMEOUT
            ).close()
            return
        except TimeoutError:
            problems.append(f"{address}: no answer within {_MASTER_TIMEOUT:.0f} s")
        except OSError as exc:
            problems.append(f"{address}: {exc.strerror or exc}")
    raise InputError(
        option,
        f"no Spark master answers at {master} ({'; '.join(problems)}); check the host and "
        "port (a standalone master listens on 7077 by default)",
    )


def spark_session(
    master: str | None = "local[*]", conf: Mapping[str, str] | None = None
) -> SparkSession:
    """The active SparkSession, or a new one with the settings this module needs.

    ``master=None`` leaves the master to ``spark-submit`` (``local[*]`` in a plain Python
    process); a master given here would override the one spark-submit was given. ``conf`` adds
    or overrides settings of a new session (for example ``spark.driver.memory``). An active
    session is returned as it is.
    """
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    check_master(master)
    # With no master and no spark-submit behind this process (which starts the JVM first and
    # tells Python its port), PySpark runs locally too.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    local = master.startswith("local") if master is not None else not submitted
    if local:
        # Local workers must run this interpreter (the one overdue is installed in), not the
        # first ``python3`` on the PATH; PySpark takes it from the environment.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        # Spark binds to loopback anyway (below); without this it warns that the host name
        # resolves to a loopback address.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder
    if master is not None:
        builder = builder.master(master)
    for key, value in (_settings(local) | dict(conf or {})).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


_TEMP_PREFIX = "overdue-spark-"


def _remove_left_behind() -> None:
    """Remove the temporary folders of local runs that were killed (named by their process)."""
    from overdue.workers import process_alive

    for old in Path(tempfile.gettempdir()).glob(f"{_TEMP_PREFIX}*-*"):
        pid = old.name.removeprefix(_TEMP_PREFIX).split("-")[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _sql_conf(spark: SparkSession, settings: Mapping[str, str]) -> Iterator[None]:
    """Set runtime SQL settings for the duration of a block; restore the previous values."""
    before = {k: spark.conf.get(k, None) for k in settings}
    for key, value in settings.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, old in before.items():
            if old is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, old)


@contextmanager
def _task_progress(
    spark: SparkSession, progress: Progress | None, n: int, step: str = "kernel"
) -> Iterator[None]:
    """Report ``progress(step, loans done, n)`` from Spark's task counts while a job runs."""
    if progress is None:
        yield
        return
    sc = spark.sparkContext
    group = f"overdue-{uuid.uuid4().hex}"
    sc.setJobGroup(group, "overdue: loan states")
    stop = threading.Event()

    def poll() -> None:
        tracker = sc.statusTracker()
        while not stop.wait(0.5):
            done = total = 0
            for job in tracker.getJobIdsForGroup(group):
                info = tracker.getJobInfo(job)
                for stage in info.stageIds if info else ():
                    s = tracker.getStageInfo(stage)
                    if s is not None:
                        done, total = done + s.numCompletedTasks, total + s.numTasks
            if total:
                progress(step, n * done // total, n)

    watcher = threading.Thread(target=poll, name="overdue-spark-progress", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
        sc._jsc.clearJobGroup()


# ---------------------------------------------------------------------------------------------
# The computation


def _batch_size(n: int, parallelism: int) -> int:
    """Loans per batch: about two batches per core, within [MIN_BATCH, MAX_BATCH]."""
    return max(MIN_BATCH, min(MAX_BATCH, -(-n // max(1, 2 * parallelism))))


def _arrow_fs(uri: str) -> tuple[pafs.FileSystem, str]:
    """A PyArrow file system for a Spark URI (``s3a://`` is ``s3://`` to PyArrow)."""
    if uri.startswith("s3a://"):
        uri = "s3://" + uri.removeprefix("s3a://")
    if "://" not in uri:
        return pafs.LocalFileSystem(), str(Path(uri).absolute())
    fs, path = pafs.FileSystem.from_uri(uri)
    return fs, path


def _spark_schema() -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(LOAN_STATE_SCHEMA)


def compute_spark(
    loaded: LoadedPortfolio,
    as_of: dt.date,
    *,
    cap: CapProfile | None = None,
    master: str | None = "local[*]",
    progress: Progress | None = None,
    transfer: Transfer = "auto",
    staging: str | None = None,
    conf: Mapping[str, str] | None = None,
) -> pa.Table:
    """Every accepted loan's state as of ``as_of``, computed on Spark.

    Equal to :func:`overdue.portfolio.run.compute_loaded` for the same arguments: same rows in
    the same order (that of ``loaded.loans``), same values, same schema.

    The session is the active one if there is one; otherwise a new one on ``master`` (with
    ``conf`` added), stopped again before returning.

    How the loans reach the executors and the states come back (``transfer``):

    - ``"files"``: as Parquet files in a fresh subdirectory of ``staging`` (default: the
      session's ``spark.overdue.staging``; for a local master, a temporary directory), which
      the driver and every executor must be able to read and write; removed afterwards;
    - ``"driver"``: through the driver (``createDataFrame`` and ``toArrow``): nothing to set
      up, but the driver's JVM holds the whole portfolio (``spark.driver.memory``) and the
      result counts against ``spark.driver.maxResultSize``;
    - ``"auto"``: files when there is a staging directory or the master is local, else driver.
    """
    n = loaded.loans.num_rows
    if n == 0:
        return LOAN_STATE_SCHEMA.empty_table()
    if transfer not in ("auto", "files", "driver"):
        raise ValueError(f"transfer must be auto, files or driver; got {transfer!r}")
    if progress:
        progress("kernel", 0, n)
    from pyspark.sql import SparkSession

    created = SparkSession.getActiveSession() is None
    spark = spark_session(master, conf)
    try:
        staging = staging or spark.conf.get(STAGING_CONF, None) or None
        local = (spark.sparkContext.master or "").startswith("local")
        if transfer == "auto":
            transfer = "files" if staging is not None or local else "driver"
        nested = nested_loans(
            loaded.loans,
            {
                "payments": loaded.payments,
                "installments": loaded.installments,
                "events": loaded.events,
            },
        )
        batch = _batch_size(n, spark.sparkContext.defaultParallelism)
        with (
            _sql_conf(spark, {_BATCH_CONF: str(batch), _LARGE_VAR_CONF: "false"}),
            _task_progress(spark, progress, n),
        ):
            if transfer == "driver":
                states = _map(spark.createDataFrame(nested), as_of, cap).toArrow()
            elif staging is not None:
                states = _through_files(spark, nested, as_of, cap, staging, batch)
            elif local:
                _remove_left_behind()
                with tempfile.TemporaryDirectory(prefix=f"{_TEMP_PREFIX}{os.getpid()}-") as tmp:
                    uri = Path(tmp).as_uri()
                    states = _through_files(spark, nested, as_of, cap, uri, batch)
            else:
                raise ValueError(
                    f"transfer='files' on {spark.sparkContext.master} needs a staging directory"
                    f" every executor can reach: staging=... or --conf {STAGING_CONF}=..."
                )
    finally:
        if created:
            spark.stop()
    result = _in_loan_order(states, loaded.loans["loan_id"])
    if progress:
        progress("kernel", n, n)
    return result


def _map(frame: DataFrame, as_of: dt.date, cap: CapProfile | None) -> DataFrame:
    return frame.mapInArrow(states_of_batches(as_of, cap), _spark_schema())


def _through_files(
    spark: SparkSession,
    nested: pa.Table,
    as_of: dt.date,
    cap: CapProfile | None,
    staging: str,
    batch: int,
) -> pa.Table:
    """Inputs and outputs through Parquet files in a fresh directory under ``staging``."""
    fs, root = _arrow_fs(staging)
    name = f"overdue-{as_of.isoformat()}-{uuid.uuid4().hex}"
    base, uri = f"{root.rstrip('/')}/{name}", f"{staging.rstrip('/')}/{name}"
    fs.create_dir(f"{base}/loans", recursive=True)
    try:
        # Row groups of one batch each: Spark splits the files at row-group boundaries, so the
        # scan spreads over the cores without a shuffle.
        pq.write_table(nested, f"{base}/loans/part-0.parquet", filesystem=fs, row_group_size=batch)
        _map(spark.read.parquet(f"{uri}/loans"), as_of, cap).write.parquet(f"{uri}/states")
        files = sorted(
            i.path
            for i in fs.get_file_info(pafs.FileSelector(f"{base}/states"))
            if i.path.endswith(".parquet")
        )
        tables = [pq.read_table(f, filesystem=fs) for f in files]
        return pa.concat_tables(tables) if tables else LOAN_STATE_SCHEMA.empty_table()
    finally:
        fs.delete_dir(base)


def _in_loan_order(states: pa.Table, loan_ids: pa.ChunkedArray) -> pa.Table:
    """``states`` in the order of ``loan_ids``, cast to LOAN_STATE_SCHEMA; every loan once."""
    if states.num_rows != len(loan_ids):
        raise RuntimeError(f"Spark returned {states.num_rows} states for {len(loan_ids)} loans")
    index = pc.index_in(loan_ids, value_set=states["loan_id"].combine_chunks())
    if index.null_count:
        raise RuntimeError("Spark returned no state for some loans")
    return states.take(index).cast(LOAN_STATE_SCHEMA).combine_chunks()


# ---------------------------------------------------------------------------------------------
# spark-submit entry point


def _ratio(text: str) -> Decimal:
    try:
        ratio = Decimal(text)
    except ArithmeticError:
        raise argparse.ArgumentTypeError(f"not a decimal number: {text!r}") from None
    if not ratio.is_finite() or not 0 <= ratio <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text!r}")
    return ratio


def main(argv: Sequence[str] | None = None) -> int:
    """The nightly run with the Spark engine, for ``spark-submit`` (see the README).

    Takes the master and every other Spark setting from ``spark-submit``; ``--master`` is only
    for running the module without it.
    """
    from overdue.errors import OverdueError
    from overdue.portfolio.run import check_out, run_nightly

    parser = argparse.ArgumentParser(
        prog="python -m overdue.portfolio.spark",
        description="overdue nightly run on Spark: load and validate on the driver, compute "
        "every loan's state on the executors, publish atomically.",
    )
    parser.add_argument("--data", type=Path, required=True, help="portfolio directory (driver)")
    parser.add_argument("--as-of", required=True, help="as-of date, YYYY-MM-DD")
    parser.add_argument("--out", type=Path, required=True, help="where the run is published")
    parser.add_argument("--master", help="Spark master when not run by spark-submit")
    parser.add_argument("--staging", help=f"shared staging directory (or --conf {STAGING_CONF})")
    parser.add_argument(
        "--max-reject-ratio",
        type=_ratio,
        default=DEFAULT_MAX_REJECT_RATIO,
        help=f"fail above this share of rejected rows (default {DEFAULT_MAX_REJECT_RATIO})",
    )
    args = parser.parse_args(argv)
    try:
        as_of = dt.date.fromisoformat(args.as_of)
    except ValueError:
        parser.error(f"--as-of: not a date in the form YYYY-MM-DD: {args.as_of!r}")
    started = time.perf_counter()
    try:
        check_out(args.out)  # before Spark starts
        spark = spark_session(args.master, {STAGING_CONF: args.staging} if args.staging else None)
        try:
            master = spark.sparkContext.master or "local[*]"
            summary = run_nightly(
                args.data, args.out, as_of, engine="spark", spark_master=master,
                max_reject_ratio=args.max_reject_ratio,
            )  # fmt: skip
        finally:
            spark.stop()
    except OverdueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    total = summary.counts["total"]
    print(
        f"{summary.counts['loans']['accepted']} loans as of {as_of} on {master}: "
        f"{total['read']} rows read, {total['rejected']} rejected; "
        f"published {args.out} -> {summary.version_dir.name} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
