"""Benchmark of the nightly run: wall time, peak memory and two ratios measured in the same run.

    .venv/bin/python bench/nightly.py --loans 1000000 3000000 10000000 [--ledger-sample 100000]

For each size it synthesises a portfolio (not timed), then in separate processes (so that
peak memory is per step):

1. **run**: ``overdue run`` as a user runs it (load and validate, prepare, kernel, write);
2. **floor**: DuckDB reading the same Parquet inputs and computing only each loan's dpd from
   its payments (a join, an aggregate and a date expression: the least any nightly run must do);
3. **ledger**: the reference ledger on a sample of loans (default 100,000, both cores), to get
   the per-loan speed-up of the batch engine;
4. **bounds** (``--bounds``): what any nightly run must do at the least besides its logic, each
   in a fresh process like the run: *read* every column of every input table, batch by batch
   without keeping them (PyArrow, both cores, low-cardinality text as dictionaries: its fastest
   way), and *write* the run's own ``loan_state`` (read back into memory first, not timed)
   with the run's Parquet options. Their CPU time spread over the cores, against the floor,
   says how much of the "at most 5x the floor" target is left for checking every row, the
   rules and the kernel.

It prints wall time, peak RSS and the ratios, compares them with the targets of the issue
(10M loans in at most 20 s and 8 GB; at most 5x the floor; at least 500x the ledger per loan;
linear growth) and appends the figures to ``bench/RESULTS.md`` with the machine and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-20"
TARGETS = {"seconds_10m": 20.0, "rss_gb_10m": 8.0, "floor_ratio": 5.0, "ledger_speedup": 500.0}


def _child(code: str, *args: str) -> tuple[float, float, str]:
    """Run Python code in a child process; return (wall seconds, peak RSS in GB, stdout)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args], stdout=out, stderr=err, cwd=ROOT
        )
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(err.read()[-3000:])
        return wall, usage.ru_maxrss / 1024 / 1024, out.read()


RUN = """
import sys, datetime as dt
from pathlib import Path
from overdue.portfolio.run import run_nightly
s = run_nightly(Path(sys.argv[1]), Path(sys.argv[2]), dt.date.fromisoformat(sys.argv[3]))
import json; print(json.dumps(s.timings))
"""

FLOOR = """
import sys, duckdb
con = duckdb.connect()
d, as_of = sys.argv[1], sys.argv[2]
n = con.sql(f'''
  WITH p AS (SELECT loan_id, count(*) AS n_paid FROM read_parquet('{d}/payments/**/*.parquet') GROUP BY loan_id)
  SELECT count(*), sum(greatest(0, date_diff('day',
         l.disbursed_on + to_months(coalesce(p.n_paid, 0) + 1), DATE '{as_of}')))
  FROM read_parquet('{d}/loans/**/*.parquet') l LEFT JOIN p USING (loan_id)
''').fetchall()
print(n)
"""

READ = """
import sys, time, pyarrow.dataset as ds
from pathlib import Path
from overdue.portfolio.load import _LEAN_DICTIONARY
d = Path(sys.argv[1])
rows = 0
cpu = time.process_time()
for name in ("loans", "payments", "installments", "events"):
    if not (d / name).exists():
        continue
    opts = ds.ParquetReadOptions(dictionary_columns=list(_LEAN_DICTIONARY) if name == "loans" else [])
    # batch by batch, none kept: a run must look at every cell once, not keep them all
    for batch in ds.dataset(d / name, format=ds.ParquetFileFormat(read_options=opts)).to_batches():
        rows += batch.num_rows
print(rows, time.process_time() - cpu)
"""

WRITE = """
import sys, time, tempfile, os
import pyarrow.parquet as pq
from overdue.portfolio.run import write_parquet
states = pq.read_table(sys.argv[1])
states = states.combine_chunks()
cpu = time.process_time()
with tempfile.TemporaryDirectory() as tmp:
    write_parquet(states, os.path.join(tmp, "loan_state.parquet"))
print(states.num_rows, time.process_time() - cpu)
"""

LEDGER = """
import sys, datetime as dt, tempfile, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from decimal import Decimal
import pyarrow.compute as pc
from overdue.portfolio.load import load_portfolio
from overdue.portfolio.frames import loan_from_tables
from overdue.ledger.engine import loan_state

def work(args):
    data, ids, as_of = args
    loaded = load_portfolio(Path(data), as_of=as_of, rejects_dir=Path(tempfile.mkdtemp()), max_reject_ratio=Decimal(1))
    keep = pc.is_in(loaded.loans['loan_id'], value_set=__import__('pyarrow').array(ids))
    loans = loaded.loans.filter(keep)
    pays = loaded.payments.filter(pc.is_in(loaded.payments['loan_id'], value_set=loans['loan_id']))
    evs = loaded.events.filter(pc.is_in(loaded.events['loan_id'], value_set=loans['loan_id']))
    built = [loan_from_tables(loans, pays, evs, i) for i in ids]
    start = time.perf_counter()
    for loan in built:
        loan_state(loan, as_of)
    return time.perf_counter() - start

data, sample, as_of = sys.argv[1], int(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
import duckdb
ids = [r[0] for r in duckdb.sql(f"SELECT loan_id FROM read_parquet('{data}/loans/**/*.parquet') ORDER BY hash(loan_id) LIMIT {sample}").fetchall()]
half = len(ids) // 2
with ProcessPoolExecutor(2) as pool:
    seconds = list(pool.map(work, [(data, ids[:half], as_of), (data, ids[half:], as_of)]))
print(len(ids), max(seconds), sum(seconds))
"""


def bench(loans: int, ledger_sample: int, work: Path, bounds: bool = False) -> dict[str, float]:
    data = work / f"p{loans}"
    # A portfolio kept from an earlier bench is reused only if the generator is the same: the
    # digest of the package's source and data (synth uses the schema, the contract terms, the
    # court table, ...) is kept beside the tables (a dot file, which the load skips).
    made_by = data / ".synth-source"
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src/overdue").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    source = digest.hexdigest()
    if not (data / "loans").exists() or not made_by.exists() or made_by.read_text() != source:
        shutil.rmtree(data, ignore_errors=True)
        t = time.perf_counter()
        subprocess.run(
            [str(ROOT / ".venv/bin/overdue"), "synth", "--loans", str(loans), "--out", str(data),
             "--seed", "1", "--as-of", AS_OF],
            check=True, capture_output=True,
        )  # fmt: skip
        made_by.write_text(source)
        print(f"  synthesised {loans:,} loans in {time.perf_counter() - t:.1f} s")
    out = work / f"r{loans}"
    run_s, run_rss, stdout = _child(RUN, str(data), str(out), AS_OF)
    steps = json.loads(stdout.strip().splitlines()[-1])
    floor_s, _, _ = _child(FLOOR, str(data), AS_OF)
    result = {
        "loans": loans,
        "run_s": run_s,
        "run_rss_gb": run_rss,
        "floor_s": floor_s,
        **{f"step_{k}_s": v for k, v in steps.items()},
    }
    if ledger_sample:
        _, _, led = _child(LEDGER, str(data), str(min(ledger_sample, loans)), AS_OF)
        n, _wall, cpu = led.strip().splitlines()[-1].split()
        per_loan_ledger = float(cpu) / int(n)
        result["ledger_us_per_loan"] = per_loan_ledger * 1e6
        result["run_us_per_loan"] = run_s / loans * 1e6
        result["ledger_speedup"] = per_loan_ledger / (run_s / loans)
    result["floor_ratio"] = run_s / floor_s
    if bounds:
        # CPU seconds of the operation alone (both cores' worth), halved: the least wall time
        # the two would take on two cores if nothing else ran and nothing waited.
        read_s, _, read = _child(READ, str(data))
        _, _, wrote = _child(WRITE, str(out / "loan_state.parquet"))
        result["read_s"] = read_s
        result["read_cpu_s"] = float(read.split()[-1])
        result["write_cpu_s"] = float(wrote.split()[-1])
        least = (result["read_cpu_s"] + result["write_cpu_s"]) / (os.cpu_count() or 1)
        result["bounds_ratio"] = least / floor_s
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--loans", type=int, nargs="+", default=[1_000_000, 3_000_000, 10_000_000])
    ap.add_argument("--ledger-sample", type=int, default=100_000)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "overdue-bench")
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--bounds", action="store_true", help="also time reading and writing alone")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    # compile once (Numba caches the kernel on disk)
    warm = args.work / "warm-data"
    subprocess.run(
        [
            str(ROOT / ".venv/bin/overdue"),
            "synth",
            "--loans",
            "1000",
            "--out",
            str(warm),
            "--seed",
            "2",
        ],
        check=True,
        capture_output=True,
    )
    _child(RUN, str(warm), str(args.work / "warm-run"), AS_OF)
    rows = []
    for n in args.loans:
        print(f"{n:,} loans")
        r = bench(n, args.ledger_sample, args.work, args.bounds)
        rows.append(r)
        print(
            "  "
            + ", ".join(
                f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in r.items()
            )
        )
    verdicts = []
    big = max(rows, key=lambda r: r["loans"])
    scale = 10_000_000 / big["loans"]
    verdicts.append(
        f"10M wall (measured or scaled linearly from {big['loans']:,}): {big['run_s'] * scale:.1f} s vs target {TARGETS['seconds_10m']} s"
    )
    verdicts.append(
        f"peak RSS at {big['loans']:,}: {big['run_rss_gb']:.2f} GB (target at 10M: {TARGETS['rss_gb_10m']} GB)"
    )
    verdicts.append(
        f"run / floor: {big['floor_ratio']:.1f}x (target at most {TARGETS['floor_ratio']}x)"
    )
    if "ledger_speedup" in big:
        verdicts.append(
            f"speed-up per loan vs reference ledger: {big['ledger_speedup']:.0f}x (target at least {TARGETS['ledger_speedup']}x)"
        )
    if "bounds_ratio" in big:
        verdicts.append(
            f"reading every input ({big['read_cpu_s']:.1f} s of CPU; {big['read_s']:.1f} s wall"
            f" with start-up) and writing loan_state ({big['write_cpu_s']:.1f} s of CPU), spread"
            f" over {os.cpu_count()} cores without any wait: {big['bounds_ratio']:.1f}x the"
            f" floor, leaving {TARGETS['floor_ratio'] - big['bounds_ratio']:.1f}x of the floor"
            " for the checks, the rules and the kernel"
        )
    if len(rows) > 1:
        per = [r["run_s"] / r["loans"] * 1e6 for r in rows]
        verdicts.append(
            "µs per loan by size: "
            + ", ".join(f"{r['loans']:,}: {p:.2f}" for r, p in zip(rows, per, strict=True))
        )
    for v in verdicts:
        print(v)
    if not args.no_record:
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as fh:
            fh.write(
                f"\n## nightly.py — {dt.datetime.now(dt.UTC).date().isoformat()} — {platform.node()} ({os.cpu_count()} cores, {platform.processor() or platform.machine()})\n\n"
            )
            fh.write(
                "| loans | run s | peak RSS GB | floor s | run/floor | ledger µs/loan | run µs/loan | speed-up | steps |\n|---|---|---|---|---|---|---|---|---|\n"
            )
            for r in rows:
                steps = ", ".join(
                    f"{k[5:-2]} {v:.1f}" for k, v in r.items() if k.startswith("step_")
                )
                fh.write(
                    f"| {r['loans']:,} | {r['run_s']:.1f} | {r['run_rss_gb']:.2f} | {r['floor_s']:.2f} | {r['floor_ratio']:.1f} | "
                    f"{r.get('ledger_us_per_loan', float('nan')):.0f} | {r.get('run_us_per_loan', float('nan')):.2f} | {r.get('ledger_speedup', float('nan')):.0f} | {steps} |\n"
                )
            fh.write("\n" + "\n".join(f"- {v}" for v in verdicts) + "\n")


if __name__ == "__main__":
    main()
