"""The nightly run end to end: counts reconcile, outputs are deterministic and published atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from overdue.errors import InputError
from overdue.ledger.engine import loan_state
from overdue.portfolio import kernel
from overdue.portfolio.frames import loan_from_tables
from overdue.portfolio.load import load_portfolio
from overdue.portfolio.prepare import _slice, compute_states, kernel_inputs
from overdue.portfolio.run import KEEP_VERSIONS, run_nightly, write_parquet, write_parquet_parts
from overdue.portfolio.synth import synthesize

pytestmark = pytest.mark.integration

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("portfolio")
    synthesize(3000, data, seed=11, as_of=AS_OF)
    return data


def test_counts_reconcile_and_every_accepted_loan_has_a_state(
    portfolio: Path, tmp_path: Path
) -> None:
    s = run_nightly(portfolio, tmp_path / "run", AS_OF)
    for name, c in s.counts.items():
        assert c["read"] == c["accepted"] + c["rejected"], name
    states = pq.read_table(tmp_path / "run" / "loan_state.parquet")
    assert states.num_rows == s.counts["loans"]["accepted"] == 3000
    assert sum(b["accounts"] for b in s.buckets) == states.num_rows
    # Readers prune row groups by id, date, days past due and bucket: those keep statistics.
    meta = pq.ParquetFile(tmp_path / "run" / "loan_state.parquet").metadata.row_group(0)
    kept = {meta.column(k).path_in_schema for k in range(meta.num_columns)
            if meta.column(k).is_stats_set}  # fmt: skip
    assert {"loan_id", "disbursed_on", "dpd", "bucket", "next_due_date"} <= kept
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2026-11-20"
    assert manifest["engine"] == "duckdb"
    assert set(manifest["rule_versions"]) >= {"lpr.csv", "cap_profiles.csv", "periods.csv"}
    assert all(len(h) == 64 for h in manifest["inputs"].values())
    run_dir = tmp_path / "run"
    rejects = sorted(p for p in (run_dir / "rejects").rglob("*") if p.is_file())
    assert [p.name for p in rejects][-1] == "summary.json"
    assert manifest["outputs"] == {
        name: hashlib.sha256((run_dir / name).read_bytes()).hexdigest()
        for name in (
            "loan_state.parquet", "summary_buckets.parquet", "summary_buckets.csv",
            *(p.relative_to(run_dir).as_posix() for p in rejects),
        )
    }  # fmt: skip
    assert manifest["holiday_calendar"].startswith("chinese-calendar 1.")
    assert manifest["counts"]["total"]["read"] == sum(
        c["read"] for k, c in s.counts.items() if k != "total"
    )


def test_a_row_of_the_run_matches_the_reference_ledger(portfolio: Path, tmp_path: Path) -> None:
    run_nightly(portfolio, tmp_path / "run", AS_OF)
    rows = (
        duckdb.sql(
            f"SELECT * FROM '{tmp_path / 'run' / 'loan_state.parquet'}' WHERE dpd > 0 ORDER BY loan_id LIMIT 25"
        )
        .to_arrow_table()
        .to_pylist()
    )
    loaded = load_portfolio(portfolio, as_of=AS_OF, rejects_dir=tmp_path / "rejects")
    for row in rows:
        loan = loan_from_tables(
            loaded.loans, loaded.payments, loaded.events, row["loan_id"], loaded.installments
        )
        s = loan_state(loan, AS_OF)
        assert (
            row["dpd"],
            row["total_due"],
            row["claimable_total"],
            row["limitation_expires_on"],
        ) == (
            s.dpd,
            s.total_due,
            s.claimable_total,
            s.limitation.expires_on,
        )


def test_the_run_on_lean_tables_equals_the_kernel_on_the_normalized_tables(
    portfolio: Path, tmp_path: Path
) -> None:
    """The run loads lean tables (unsorted child rows, loan_ord, dictionary-encoded loans) and
    writes loan_state chunk by chunk; every row and column equals one computation over the
    sorted, normalized tables (which the differential test holds to the reference ledger)."""
    run_nightly(portfolio, tmp_path / "run", AS_OF)
    got = pq.read_table(tmp_path / "run" / "loan_state.parquet")
    loaded = load_portfolio(portfolio, as_of=AS_OF, rejects_dir=tmp_path / "rejects")
    expected = compute_states(
        loaded.loans, loaded.payments, loaded.events, loaded.installments, AS_OF
    )
    assert got.num_rows == expected.num_rows == 3000
    assert got.equals(expected)


def test_the_kernel_is_compiled_once_whatever_its_arrays_origin(
    portfolio: Path, tmp_path: Path
) -> None:
    """Numba compiles the kernel once per combination of argument types, and read-only is part
    of an array's type (Arrow's zero-copy arrays are read-only, NumPy's results are not; child
    rows already in order come back from the grouping uncopied). The same inputs given as
    writable copies and as read-only views give one compiled signature and equal results."""
    loaded = load_portfolio(portfolio, as_of=AS_OF, rejects_dir=tmp_path / "rejects", lean=True)
    inputs = _slice(
        kernel_inputs(loaded.loans, loaded.payments, loaded.events, loaded.installments, AS_OF),
        0,
        loaded.loans.num_rows,
    )

    def as_arrays(writable: bool) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, value in inputs.items():
            if isinstance(value, np.ndarray):
                value = np.array(value)  # a writable copy
                value.flags.writeable = writable
            out[name] = value
        return out

    results = [kernel.run_kernel(as_arrays(w)) for w in (True, False)]
    assert len(kernel._run.signatures) == 1
    for field in results[0]:
        assert np.array_equal(results[0][field], results[1][field])


def test_streamed_parquet_has_the_bytes_of_one_write(tmp_path: Path) -> None:
    """Chunks written one after another give the file one write of the whole table gives."""
    table = pa.table({"x": pa.array(range(25), pa.int64()), "y": [str(k % 3) for k in range(25)]})
    parts = [table.slice(0, 10), table.slice(10, 10), table.slice(20)]
    write_parquet(table, tmp_path / "one.parquet", row_group=10)
    assert write_parquet_parts(parts, table.schema, tmp_path / "parts.parquet", row_group=10) == 25
    one = (tmp_path / "one.parquet").read_bytes()
    assert (tmp_path / "parts.parquet").read_bytes() == one
    assert pq.ParquetFile(tmp_path / "parts.parquet").metadata.num_row_groups == 3


def test_the_same_inputs_and_date_give_byte_identical_outputs(
    portfolio: Path, tmp_path: Path
) -> None:
    run_nightly(portfolio, tmp_path / "a", AS_OF)
    run_nightly(portfolio, tmp_path / "b", AS_OF)
    for name in ("loan_state.parquet", "summary_buckets.parquet", "summary_buckets.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    ma = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    mb = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    ma.pop("timings")
    mb.pop("timings")
    assert ma == mb


def test_a_run_killed_half_way_leaves_the_previous_outputs_intact(
    portfolio: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    run_nightly(portfolio, out, AS_OF)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    target = os.readlink(out)
    code = (
        "import sys, datetime as dt; from pathlib import Path; "
        "from overdue.portfolio.run import run_nightly; "
        "run_nightly(Path(sys.argv[1]), Path(sys.argv[2]), dt.date(2026, 11, 21))"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(portfolio), str(out)])
    versions = out.with_name("run.versions")
    deadline = time.monotonic() + 120
    # Kill it once it has started writing its new version (the rejects of its load are there).
    while time.monotonic() < deadline and proc.poll() is None:
        if any((p / "rejects" / "summary.json").exists() for p in versions.glob("*.partial")):
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before it could be killed; use a larger portfolio"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert os.readlink(out) == target
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    # The next run cleans up what the killed one left.
    run_nightly(portfolio, out, AS_OF)
    assert not list(versions.glob("*.partial"))


def test_a_loans_table_with_only_a_header_is_refused_and_the_last_run_stays(
    tmp_path: Path,
) -> None:
    """A header-only loans file is an export that failed, not a lender without loans:
    publishing it would replace last night's run with an empty one."""
    data = tmp_path / "empty"
    data.mkdir()
    (data / "loans.csv").write_text(
        "loan_id,borrower_id,principal,disbursed_on,term_months,method,rate\n", encoding="utf-8"
    )
    (data / "payments.csv").write_text("payment_id,loan_id,paid_on,amount\n", encoding="utf-8")
    good = tmp_path / "good"
    synthesize(50, good, seed=3, as_of=AS_OF)
    before = run_nightly(good, tmp_path / "run", AS_OF)
    with pytest.raises(InputError, match="only a header"):
        run_nightly(data, tmp_path / "run", AS_OF)
    # with payments, every one of them is rejected (no such loan): the reason still comes first
    (data / "payments.csv").write_text(
        "payment_id,loan_id,paid_on,amount\nP1,L1,2026-01-05,100.00\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="only a header"):
        run_nightly(data, tmp_path / "run", AS_OF)
    assert (tmp_path / "run").resolve() == before.version_dir.resolve()
    assert pq.read_table(tmp_path / "run" / "loan_state.parquet").num_rows == 50
    assert not list((tmp_path / "run.versions").glob("*.partial"))


def test_failed_runs_keep_their_rejects_but_only_the_newest_few(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "loans.csv").write_text(
        "loan_id,borrower_id,principal,disbursed_on,term_months,method,rate\n", encoding="utf-8"
    )
    (bad / "payments.csv").write_text(
        "payment_id,loan_id,paid_on,amount\nP1,L1,2026-01-05,100.00\n", encoding="utf-8"
    )
    for _ in range(KEEP_VERSIONS + 2):
        with pytest.raises(InputError, match="only a header"):
            run_nightly(bad, tmp_path / "run", AS_OF)
    versions = tmp_path / "run.versions"
    assert len(list(versions.glob("*.failed"))) == KEEP_VERSIONS + 2
    newest = sorted(versions.glob("*.failed"), key=lambda p: p.stat().st_mtime)[-KEEP_VERSIONS:]
    good = tmp_path / "good"
    synthesize(20, good, seed=3, as_of=AS_OF)
    run_nightly(good, tmp_path / "run", AS_OF)
    assert sorted(versions.glob("*.failed")) == sorted(newest)
    assert all((p / "rejects" / "payments.csv").exists() for p in newest)


def test_the_load_reports_progress_table_by_table(tmp_path: Path) -> None:
    data = tmp_path / "p"
    synthesize(30, data, seed=3, as_of=AS_OF)
    seen: list[tuple[str, int, int]] = []
    run_nightly(data, tmp_path / "run", AS_OF, progress=lambda *step: seen.append(step))
    load = [s for s in seen if s[0] == "load"]
    assert load == [("load", k, len(load)) for k in range(1, len(load) + 1)]
    assert len(load) >= 4  # loans, payments, installments, events (and borrowers, if loaded)
    assert seen[-1][0] == "kernel"
