"""Benchmark: litigation documents per second, per kind and for whole accounts.

    .venv/bin/python bench/documents.py [--accounts N] [--processes P] [--per-kind N]

Part 1 renders each kind alone, in one process and in P processes at once (docs/s summed over
the processes, and ms per document in each). Part 2 renders whole
accounts — complaint, evidence list, power of attorney and service address as DOCX and PDF, and
the evidence bundle as one PDF — in P worker processes, each with one Renderer, and projects the
time for 10,000 accounts. PDFs of one kind are compiled ``--batch`` at a time and split
(``Renderer.render_pdfs``); ``--batch 1`` measures one compile per document. Contexts are built before the clock starts (``samples.sample_evidence``
with a different seed per account, so Typst cannot serve documents from its cache). Peak RSS is
``ru_maxrss`` of each worker. No file is written: this measures rendering, not packaging.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import platform
import resource
import time
from collections.abc import Callable, Sequence
from multiprocessing import get_context

from overdue.documents import EVIDENCE_SECTIONS, Renderer, sample_evidence
from overdue.documents.context import EvidenceContext

ACCOUNT_KINDS = ("complaint", "evidence_list", "power_of_attorney", "service_address")


Job = tuple[str, str, str | None]  # label, kind, evidence section (None: a ComplaintContext kind)

JOBS: tuple[Job, ...] = (
    *(
        (f"{kind} {fmt}", f"{kind}:{fmt}", None)
        for kind in ACCOUNT_KINDS
        for fmt in ("DOCX", "PDF")
    ),
    ("evidence (all sections) PDF", "evidence:PDF", "all"),
    *((f"evidence {s} PDF", "evidence:PDF", s) for s in EVIDENCE_SECTIONS),
)


def _job(renderer: Renderer, job: Job) -> Callable[[Sequence[EvidenceContext]], object]:
    """Render a batch of accounts' documents of one job."""
    _, spec, section = job
    kind, fmt = spec.split(":")
    if section is not None:
        return lambda batch: renderer.render_pdfs(
            kind, [dataclasses.replace(e, section=section) for e in batch]
        )
    if fmt == "DOCX":
        return lambda batch: [renderer.render_docx(kind, e.complaint) for e in batch]
    return lambda batch: renderer.render_pdfs(kind, [e.complaint for e in batch])


def _batches(items: Sequence[EvidenceContext], size: int) -> list[Sequence[EvidenceContext]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _kind_worker(task: tuple[range, int]) -> tuple[list[tuple[float, float]], int]:
    """(wall, CPU) seconds per job for these seeds, and this worker's peak RSS in KB."""
    seeds, batch = task
    renderer = Renderer()
    items = [sample_evidence(seed) for seed in seeds]
    seconds = []
    for job in JOBS:
        fn = _job(renderer, job)
        fn(items[:2])  # warm-up: Typst loads fonts on first use
        start, cpu = time.perf_counter(), time.process_time()
        for chunk in _batches(items, batch):
            fn(chunk)
        seconds.append((time.perf_counter() - start, time.process_time() - cpu))
    return seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def per_kind(count: int, processes: int, batch: int) -> None:
    print(
        f"Part 1: {count} documents per kind and process, PDFs compiled {batch} at a time.\n"
        "  CPU ms per document (what a process with a core to itself needs), then docs/s by\n"
        "  the clock over all processes (lower than CPU allows when the machine is shared)"
    )
    columns = []
    for procs in sorted({1, processes}):
        tasks = [(range(i * count, (i + 1) * count), batch) for i in range(procs)]
        with get_context("spawn").Pool(procs) as pool:
            results = pool.map(_kind_worker, tasks)
        cpu_ms = [
            1000 * sum(r[0][j][1] for r in results) / (count * procs) for j in range(len(JOBS))
        ]
        rates = [sum(count / r[0][j][0] for r in results) for j in range(len(JOBS))]
        columns.append((procs, cpu_ms, rates, max(r[1] for r in results)))
    header = "".join(f"{f'{p} process' + ('es' if p > 1 else ''):>26s}" for p, _, _, _ in columns)
    print(f"  {'':32s}{header}")
    for j, (label, _, _) in enumerate(JOBS):
        cells = "".join(f"{c[j]:9.2f} ms CPU {r[j]:8.1f}/s" for _, c, r, _ in columns)
        print(f"  {label:32s}{cells}")
    for p, _, _, rss in columns:
        print(f"  peak RSS per worker with {p} process(es): {rss / 1024:.0f} MB")


def render_accounts(renderer: Renderer, batch: Sequence[EvidenceContext]) -> int:
    """Every file of a batch of accounts; returns the bytes produced."""
    size = 0
    for kind in ACCOUNT_KINDS:
        for files in renderer.render_many(kind, [e.complaint for e in batch]):
            size += len(files.docx) + len(files.pdf)
    size += sum(len(pdf) for pdf in renderer.render_pdfs("evidence", batch))
    return size


def _worker(task: tuple[range, int]) -> tuple[float, float, float, int, int]:
    seeds, batch = task
    started = time.perf_counter()
    renderer = Renderer()
    items = [sample_evidence(seed) for seed in seeds]
    render_accounts(renderer, items[:2])  # warm-up, not counted
    ready, cpu = time.perf_counter(), time.process_time()
    size = sum(render_accounts(renderer, chunk) for chunk in _batches(items, batch))
    done, cpu = time.perf_counter(), time.process_time() - cpu
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return ready - started, done - ready, cpu, size, rss_kb


def accounts(count: int, processes: int, batch: int) -> None:
    print(
        f"Part 2: {count} accounts, {processes} process(es), 8 DOCX/PDF + 1 evidence PDF each, "
        f"{batch} accounts per compile"
    )
    chunks = [(range(i, count, processes), batch) for i in range(processes)]
    wall = time.perf_counter()
    with get_context("spawn").Pool(processes) as pool:
        results = pool.map(_worker, chunks)
    wall = time.perf_counter() - wall
    render = max(r[1] for r in results)
    cpu_ms = 1000 * sum(r[2] for r in results) / count
    print(f"  setup per worker (imports, Renderer, contexts): {max(r[0] for r in results):.1f} s")
    print(
        f"  rendering: {render:.1f} s by the clock -> {count / render:.1f} accounts/s, "
        f"{count * 9 / render:.0f} files/s; {cpu_ms:.1f} ms CPU per account"
    )
    print(f"  total wall incl. start-up: {wall:.1f} s")
    print(f"  output: {sum(r[3] for r in results) / count / 1024:.0f} KB per account")
    print(f"  peak RSS per worker: {max(r[4] for r in results) / 1024:.0f} MB")
    print(
        f"  10,000 accounts: {10_000 / (count / render):.0f} s at this clock rate; "
        f"{10_000 * cpu_ms / 1000 / processes:.0f} s with {processes} free core(s)"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=400)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--per-kind", type=int, default=100, help="documents per kind in part 1")
    parser.add_argument("--batch", type=int, default=50, help="documents per Typst compile")
    args = parser.parse_args(argv)
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {platform.node()} · "
        f"{os.cpu_count()} CPUs · Python {platform.python_version()} · load {os.getloadavg()[0]:.2f}"
    )
    if args.per_kind:
        per_kind(args.per_kind, args.processes, args.batch)
    for processes in sorted({1, args.processes}):
        count = args.accounts if processes > 1 else max(1, args.accounts // 2)
        accounts(count, processes, args.batch)


if __name__ == "__main__":
    main()
