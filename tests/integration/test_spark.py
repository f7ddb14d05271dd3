"""The Spark engine gives the DuckDB engine's loan_state table, value for value and in schema.

One local Spark session (``local[*]``) for the whole module: start-up costs ~5 s and ~1 GB.
Timings are printed (``pytest -s``) and recorded as test properties (``--junitxml``).

Under ``pytest -n 2`` the tests of this module should share one worker (and one JVM): they are
marked ``xdist_group("spark")``, which takes effect with ``--dist loadgroup``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from tests.strategies import random_messy_loan

from overdue.portfolio.frames import tables_from_loans
from overdue.portfolio.load import LoadedPortfolio, load_portfolio
from overdue.portfolio.run import compute_loaded, run_nightly
from overdue.portfolio.spark import Transfer, compute_spark, spark_session
from overdue.portfolio.state_columns import LOAN_STATE_SCHEMA
from overdue.portfolio.synth import synthesize
from overdue.rules.caps import CapProfile

pytestmark = [
    pytest.mark.integration,
    pytest.mark.xdist_group("spark"),
]

AS_OF = dt.date(2026, 11, 20)
BIG = 200_000

Record = Callable[[str, object], None]


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    started = time.perf_counter()
    session = spark_session("local[*]")
    print(f"\nSpark session started in {time.perf_counter() - started:.1f} s")
    yield session
    session.stop()


def _timed(label: str, record: Record, fn: Callable[[], pa.Table]) -> pa.Table:
    started = time.perf_counter()
    result = fn()
    seconds = round(time.perf_counter() - started, 2)
    record(label, seconds)
    print(f"{label}: {seconds} s")
    return result


def test_on_200000_synthetic_loans_spark_gives_the_duckdb_table_value_for_value_and_in_schema(
    spark: object, tmp_path: Path, record_property: Record
) -> None:
    data = tmp_path / "portfolio"
    synthesize(BIG, data, seed=2026, as_of=AS_OF)
    loaded = load_portfolio(data, as_of=AS_OF, rejects_dir=tmp_path / "rejects")
    assert loaded.loans.num_rows == BIG

    expected = _timed("duckdb_seconds", record_property, lambda: compute_loaded(loaded, AS_OF))
    first = _timed("spark_first_seconds", record_property, lambda: compute_spark(loaded, AS_OF))
    again = _timed("spark_warm_seconds", record_property, lambda: compute_spark(loaded, AS_OF))
    driver = _timed(
        "spark_warm_through_driver_seconds",
        record_property,
        lambda: compute_spark(loaded, AS_OF, transfer="driver"),
    )

    assert first.schema.equals(LOAN_STATE_SCHEMA, check_metadata=True)
    assert first.schema.equals(expected.schema, check_metadata=True)
    assert first["loan_id"].equals(expected["loan_id"])  # same order: that of the loans table
    assert first.equals(expected)
    assert again.equals(expected)
    assert driver.equals(expected)


def test_the_nightly_run_with_the_spark_engine_publishes_the_same_loan_state_bytes(
    spark: object, tmp_path: Path
) -> None:
    data = tmp_path / "portfolio"
    synthesize(2000, data, seed=5, as_of=AS_OF)
    duck = run_nightly(data, tmp_path / "duckdb", AS_OF, engine="duckdb")
    spk = run_nightly(data, tmp_path / "spark", AS_OF, engine="spark", spark_master="local[*]")

    assert spk.engine == "spark"
    assert spk.counts == duck.counts
    assert spk.buckets == duck.buckets
    for name in ("loan_state.parquet", "summary_buckets.parquet", "summary_buckets.csv"):
        assert (tmp_path / "spark" / name).read_bytes() == (tmp_path / "duckdb" / name).read_bytes()


@pytest.mark.parametrize(
    ("cap", "transfer", "shared"),
    [
        (None, "files", True),
        (CapProfile.NONE, "driver", False),
        (CapProfile.PRIVATE_4LPR, "auto", False),
    ],
    ids=["by-lender-type-staging-dir", "no-cap-through-driver", "private-4lpr-temporary-files"],
)
def test_messy_loans_with_given_schedules_agree_whichever_way_the_data_travel(
    spark: object, tmp_path: Path, cap: CapProfile | None, transfer: Transfer, shared: bool
) -> None:
    rng = random.Random(20261120)
    loans = [random_messy_loan(rng, f"M{k:05d}", AS_OF) for k in range(1500)]
    assert any(loan.installments for loan in loans)
    t = tables_from_loans(loans)
    loaded = LoadedPortfolio(
        as_of=AS_OF,
        loans=t.loans,
        payments=t.payments,
        installments=t.installments,
        events=t.events,
        counts={},
        checksums={},
        rejects_dir=tmp_path,
    )
    staging = tmp_path / "staging"
    staging.mkdir()
    expected = compute_loaded(loaded, AS_OF, cap=cap)
    actual = compute_spark(
        loaded, AS_OF, cap=cap, transfer=transfer, staging=str(staging) if shared else None
    )

    assert actual.equals(expected)
    assert list(staging.iterdir()) == []  # a run's staging files are removed


def test_an_empty_portfolio_gives_an_empty_table_without_starting_spark(tmp_path: Path) -> None:
    empty = tables_from_loans([])
    loaded = LoadedPortfolio(
        AS_OF, empty.loans, empty.payments, empty.installments, empty.events, {}, {}, tmp_path
    )
    result = compute_spark(loaded, AS_OF, master="spark://nowhere:7077")
    assert result.num_rows == 0
    assert result.schema.equals(LOAN_STATE_SCHEMA, check_metadata=True)


def test_the_module_entry_as_the_readme_shows_it_runs_without_the_environment_on_the_path(
    tmp_path: Path,
) -> None:
    # ``python -m overdue.portfolio.spark`` with no --master and no spark-submit: the local
    # workers must run this interpreter, not the first python3 on the PATH (which has no overdue).
    data = tmp_path / "portfolio"
    synthesize(300, data, seed=7, as_of=AS_OF)
    env = {k: v for k, v in os.environ.items() if k != "PYSPARK_PYTHON"}
    env["PATH"] = "/usr/bin:/bin"
    done = subprocess.run(
        [sys.executable, "-m", "overdue.portfolio.spark", "--data", str(data), "--as-of",
         AS_OF.isoformat(), "--out", str(tmp_path / "spark")],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    # Python's and Spark's warnings that the pins and the local settings avoid (PySpark 4.3 on
    # pandas >= 3; a host name resolving to loopback; truncated plans)
    for noise in ("FutureWarning", "resolves to a loopback address", "Truncated the string"):
        assert noise not in done.stderr
    run_nightly(data, tmp_path / "duckdb", AS_OF, engine="duckdb")
    spark_bytes = (tmp_path / "spark" / "loan_state.parquet").read_bytes()
    assert spark_bytes == (tmp_path / "duckdb" / "loan_state.parquet").read_bytes()


def test_temporary_folders_of_killed_local_runs_are_removed_and_live_ones_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from overdue.portfolio.spark import _remove_left_behind

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    left = tmp_path / f"overdue-spark-{dead.stdout.strip()}-x1"
    live = tmp_path / f"overdue-spark-{os.getpid()}-x2"
    other = tmp_path / "overdue-spark-progress"
    for d in (left, live, other):
        (d / "part").mkdir(parents=True)
    _remove_left_behind()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])
