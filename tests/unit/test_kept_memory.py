"""The nightly run's malloc setting (overdue.portfolio.run._kept_memory) on glibc: inside the
block a large allocation comes from the heap, not from a mapping of its own; after it, glibc's
mmap limit is back. Read from glibc's own counters (mallinfo2: hblks, mapped blocks in use)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from overdue.portfolio.run import _glibc

LARGE = 64 << 20  # above glibc's largest mmap threshold (32 MB)


# Each measurement runs in a fresh interpreter: a large block that an earlier test in the same
# process freed can stay in glibc's heap as a free chunk, and a large allocation is then served
# from it, mapping or not (the suite's order would decide the result).
_PROBE = """
import ctypes, sys
import numpy as np
from overdue.portfolio.run import _kept_memory

class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd",
        "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2

def mapped_for_one_large_array():
    before = libc.mallinfo2().hblks
    block = np.ones(LARGE, np.uint8)  # touched, so it is really allocated
    during = libc.mallinfo2().hblks
    del block
    return during - before

seen = [mapped_for_one_large_array()]  # glibc's default: a mapping of its own
with _kept_memory():
    seen.append(mapped_for_one_large_array())
seen.append(mapped_for_one_large_array())  # the default limit is back
try:
    with _kept_memory():
        raise RuntimeError("a failed run")
except RuntimeError:
    seen.append(mapped_for_one_large_array())
print(*seen)
""".replace("LARGE", str(LARGE))


def _probe() -> list[int]:
    """Mapped blocks made for one large array: before, inside, after the block, and after a
    block that raised."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    return [int(x) for x in out.stdout.split()]


glibc_only = pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="_kept_memory tunes glibc's malloc only"
)


@glibc_only
def test_glibc_is_found_so_the_setting_is_applied() -> None:
    assert _glibc() is not None


@glibc_only
def test_inside_the_block_large_arrays_come_from_the_heap_and_afterwards_from_mappings() -> None:
    before, inside, after, _ = _probe()
    assert (before, inside, after) == (1, 0, 1)


@glibc_only
def test_the_setting_is_undone_when_the_block_raises() -> None:
    assert _probe()[3] == 1
