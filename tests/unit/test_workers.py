"""Worker processes start with jemalloc preloaded (Debian's libjemalloc2, which
scripts/system-deps.sh installs), or with what $OVERDUE_WORKER_MALLOC names; the parent's
environment is left as it was."""

from __future__ import annotations

import ctypes.util
import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from overdue.workers import MALLOC_VARIABLE, WorkerMallocError, spawn_context, worker_malloc

JEMALLOC = ctypes.util.find_library("jemalloc")


def _seen_in_worker() -> tuple[str | None, list[str]]:
    """This process's LD_PRELOAD and the malloc libraries mapped into it."""
    maps = Path("/proc/self/maps").read_text().splitlines()
    mapped = sorted({line.split()[-1] for line in maps if "malloc" in line.split()[-1]})
    return os.environ.get("LD_PRELOAD"), mapped


def _in_worker() -> tuple[str | None, list[str]]:
    with ProcessPoolExecutor(1, mp_context=spawn_context(worker_malloc())) as pool:
        return pool.submit(_seen_in_worker).result()


def test_jemalloc_is_installed() -> None:
    # The default below is only tested where the library is there; scripts/system-deps.sh
    # installs it for make test, so its absence is a defect of the set-up, not a skip.
    assert JEMALLOC == "libjemalloc.so.2"


def test_workers_run_on_jemalloc_and_the_parent_keeps_its_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(MALLOC_VARIABLE, raising=False)
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    preload, mapped = _in_worker()
    assert preload == JEMALLOC
    assert any(Path(m).name == JEMALLOC for m in mapped), mapped
    assert "LD_PRELOAD" not in os.environ
    # this process itself runs on the C library's malloc
    assert not any("jemalloc" in m for m in _seen_in_worker()[1])


def test_an_operators_preload_is_kept_after_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MALLOC_VARIABLE, raising=False)
    monkeypatch.setenv("LD_PRELOAD", "libm.so.6")
    preload, mapped = _in_worker()
    assert preload == f"{JEMALLOC} libm.so.6"
    assert any(Path(m).name == JEMALLOC for m in mapped), mapped
    assert os.environ["LD_PRELOAD"] == "libm.so.6"


def test_system_means_the_c_librarys_malloc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MALLOC_VARIABLE, "system")
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    assert worker_malloc() is None
    preload, mapped = _in_worker()
    assert preload is None
    assert not any("jemalloc" in m for m in mapped), mapped


def test_a_named_file_is_preloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MALLOC_VARIABLE, raising=False)
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    path = next(m for m in _in_worker()[1] if "jemalloc" in m)  # where the linker found it
    monkeypatch.setenv(MALLOC_VARIABLE, path)
    preload, mapped = _in_worker()
    assert preload == path
    assert path in mapped


def test_a_library_can_be_named_without_its_version(monkeypatch: pytest.MonkeyPatch) -> None:
    for named in ("jemalloc", "libjemalloc", "libjemalloc.so.2"):
        monkeypatch.setenv(MALLOC_VARIABLE, named)
        assert worker_malloc() == JEMALLOC


@pytest.mark.parametrize(
    "named",
    ["/no/such/libjemalloc.so.2", "libnosuchmalloc.so.1", "nosuchmalloc", "libjemalloc.so.9"],
)
def test_a_library_that_is_not_there_is_an_error(
    monkeypatch: pytest.MonkeyPatch, named: str
) -> None:
    monkeypatch.setenv(MALLOC_VARIABLE, named)
    with pytest.raises(WorkerMallocError, match=rf"OVERDUE_WORKER_MALLOC.*{re.escape(named)}"):
        worker_malloc()


def test_a_process_is_alive_until_it_ends_and_a_zombie_is_not() -> None:
    import signal
    import subprocess
    import time

    from overdue.workers import process_alive

    assert process_alive(os.getpid())
    child = subprocess.Popen(["sleep", "30"])
    assert process_alive(child.pid)
    child.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 10  # killed, not yet reaped: a zombie
    while Path(f"/proc/{child.pid}/stat").read_text().split(") ")[1][:1] != "Z":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert not process_alive(child.pid)
    child.wait()
    assert not process_alive(child.pid)
