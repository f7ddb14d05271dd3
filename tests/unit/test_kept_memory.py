"""The nightly run's malloc setting (overdue.portfolio.run._kept_memory) on glibc: inside the
block a large allocation comes from the heap, not from a mapping of its own; after it, glibc's
mmap limit is back. Read from glibc's own counters (mallinfo2: hblks, mapped blocks in use)."""

from __future__ import annotations

import ctypes
import platform

import numpy as np
import pytest

from overdue.portfolio.run import _glibc, _kept_memory

LARGE = 64 << 20  # above glibc's largest mmap threshold (32 MB)


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd",
            "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def _mapped_blocks() -> int:
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = _MallInfo2
    return int(libc.mallinfo2().hblks)


def _mapped_for_one_large_array() -> int:
    before = _mapped_blocks()
    block = np.ones(LARGE, np.uint8)  # touched, so it is really allocated
    during = _mapped_blocks()
    del block
    return during - before


glibc_only = pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="_kept_memory tunes glibc's malloc only"
)


@glibc_only
def test_glibc_is_found_so_the_setting_is_applied() -> None:
    assert _glibc() is not None


@glibc_only
def test_inside_the_block_large_arrays_come_from_the_heap_and_afterwards_from_mappings() -> None:
    assert _mapped_for_one_large_array() == 1  # glibc's default: a mapping of its own
    with _kept_memory():
        assert _mapped_for_one_large_array() == 0
    assert _mapped_for_one_large_array() == 1  # the default limit is back


@glibc_only
def test_the_setting_is_undone_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError), _kept_memory():
        raise RuntimeError("a failed run")
    assert _mapped_for_one_large_array() == 1
