"""Worker processes for the CPU-bound batches: spawned, and given a faster ``malloc`` when the
machine has one.

The litigation build's workers spend most of their time in Typst (Rust, through PyO3), which
takes every allocation from the C library's ``malloc``: a perf profile of a worker on glibc 2.36
showed ~13 % of its CPU in ``malloc``/``free`` and their chunk bookkeeping (``_int_malloc``,
``unlink_chunk``, ``malloc_consolidate``). jemalloc serves the same small, short-lived
allocations from per-thread caches; measured on this project's 2-core VM, three alternating
pairs of one-worker builds of 500 accounts: 27.4–28.3 s against 30.8–33.8 s with glibc.

An allocator can only be chosen when a process starts, so it is preloaded into the worker
processes (``LD_PRELOAD`` in their environment at spawn; the parent's environment is restored at
once). Which library: ``$OVERDUE_WORKER_MALLOC`` — a file, a shared-library name the dynamic
linker finds (``libjemalloc.so.2``, or just ``jemalloc``), or ``system`` for the C library's
own — else Debian's ``libjemalloc2`` (``scripts/system-deps.sh`` installs it) when the dynamic
linker knows it, else the system's. Only on Linux; the workers' output does not depend on the
allocator.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
import threading
from multiprocessing.context import SpawnContext, SpawnProcess
from pathlib import Path
from typing import Any

from overdue.errors import OverdueError

__all__ = [
    "MALLOC_VARIABLE", "WorkerMallocError", "process_alive", "spawn_context", "worker_malloc",
]  # fmt: skip

MALLOC_VARIABLE = "OVERDUE_WORKER_MALLOC"
SYSTEM = "system"
_DEFAULT = "jemalloc"  # as ctypes.util.find_library names it

_environ_lock = threading.Lock()


class WorkerMallocError(OverdueError):
    """``$OVERDUE_WORKER_MALLOC`` names a library that is not there."""


def worker_malloc() -> str | None:
    """The library to preload into worker processes, or ``None`` for the system's ``malloc``
    (see the module's description). A missing library named in ``$OVERDUE_WORKER_MALLOC`` is
    an error: an operator who asked for one should not silently get another."""
    if not sys.platform.startswith("linux"):
        return None
    named = os.environ.get(MALLOC_VARIABLE, "").strip()
    if named == SYSTEM:
        return None
    if not named:
        return ctypes.util.find_library(_DEFAULT)  # e.g. "libjemalloc.so.2", or None
    if "/" in named:
        if not Path(named).is_file():
            raise WorkerMallocError(f"${MALLOC_VARIABLE}: no such file: {named}")
        return named
    stem = named.removeprefix("lib").split(".so")[0]
    found = ctypes.util.find_library(stem)
    if found is None or (".so" in named and found != named):
        raise WorkerMallocError(
            f"${MALLOC_VARIABLE}: the dynamic linker knows no {named!r} (a file path, a "
            f"library name such as libjemalloc.so.2 or jemalloc, or {SYSTEM!r})"
        )
    return found


class _PreloadingProcess(SpawnProcess):
    """A spawned process started with ``preload`` first in its ``LD_PRELOAD``. (Pickled to
    the child by ``spawn``, so a module-level class.)"""

    preload: str | None = None

    def start(self) -> None:
        if not self.preload:
            super().start()
            return
        with _environ_lock:
            before = os.environ.get("LD_PRELOAD")
            os.environ["LD_PRELOAD"] = f"{self.preload} {before}" if before else self.preload
            try:
                super().start()
            finally:
                if before is None:
                    del os.environ["LD_PRELOAD"]
                else:
                    os.environ["LD_PRELOAD"] = before


class _PreloadingContext(SpawnContext):
    def __init__(self, preload: str | None) -> None:
        super().__init__()
        self.preload = preload

    # multiprocessing calls ctx.Process(...); a method here, a class in SpawnContext
    def Process(self, *args: Any, **kwargs: Any) -> SpawnProcess:  # type: ignore[override]
        process = _PreloadingProcess(*args, **kwargs)
        process.preload = self.preload
        return process


def spawn_context(preload: str | None) -> SpawnContext:
    """A ``spawn`` multiprocessing context (for ``ProcessPoolExecutor(mp_context=...)``) whose
    processes start with ``preload`` (what :func:`worker_malloc` chose; None: nothing)
    preloaded. Spawn, not fork: the parent may hold threads (Arrow's pools) that fork would
    copy."""
    return _PreloadingContext(preload)


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` runs (another user's counts too; a zombie, killed and not yet
    reaped by its parent, does not): to tell the folders of a running job from those a killed
    one left behind."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:  # Linux: the state letter follows the command name in parentheses
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2 :][:1] != "Z"
