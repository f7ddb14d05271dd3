"""Compiled passes over Arrow string buffers: the loader's scan of typed Parquet child tables.

The loader (``overdue.portfolio.load``) checks every row with DuckDB SQL. For the usual
portfolio — typed Parquet whose rows are nearly all clean — the checks of the payments and the
events are far cheaper as one compiled pass over each row group: :func:`scan_children` accepts
the rows that pass every check on their face (and finds their loan by a search in the sorted
loan ids, not a hash join of text), and calls every other row *suspect*. Suspect rows go
through the SQL checks as before, so whatever a reject says is still said by one piece of
code. Nothing here decides a reject. (The loans' own scan is mostly NumPy over Arrow buffers, in
the loader; it uses :func:`canonical_texts` and the hashes from here.)

Strings are Arrow ``string`` arrays given as their int32 offsets and UTF-8 bytes; comparisons
are bytewise, as DuckDB orders text.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from numba import njit

__all__ = [
    "canonical_texts",
    "fnv1a",
    "has_repeats",
    "have_common",
    "scan_children",
    "strictly_increasing",
    "string_buffers",
]

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)
_SPACE = 32


def string_buffers(arr: pa.Array) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8]]:
    """The offsets (``len(arr) + 1`` of them) and bytes of a ``string`` array, without a copy."""
    if arr.type != pa.string():
        raise TypeError(f"expected a string array, got {arr.type}")
    buffers = arr.buffers()
    offsets = np.frombuffer(buffers[1], np.int32)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(buffers[2], np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    return offsets, data


@njit(cache=True, inline="always")
def _compare(
    a_off: npt.NDArray[np.int32],
    a_data: npt.NDArray[np.uint8],
    i: int,
    b_off: npt.NDArray[np.int32],
    b_data: npt.NDArray[np.uint8],
    j: int,
) -> int:
    """-1, 0 or 1 as string ``i`` of a is bytewise below, equal to or above string ``j`` of b."""
    s1, e1, s2, e2 = a_off[i], a_off[i + 1], b_off[j], b_off[j + 1]
    n1, n2 = e1 - s1, e2 - s2
    for k in range(min(n1, n2)):
        x, y = a_data[s1 + k], b_data[s2 + k]
        if x != y:
            return -1 if x < y else 1
    if n1 == n2:
        return 0
    return -1 if n1 < n2 else 1


@njit(cache=True, inline="always")
def _canonical(off: npt.NDArray[np.int32], data: npt.NDArray[np.uint8], i: int) -> bool:
    """Not empty, no space at either end: the text is its own value (load's ``f:`` test)."""
    s, e = int(off[i]), int(off[i + 1])
    return e > s and int(data[s]) != _SPACE and int(data[e - 1]) != _SPACE


@njit(cache=True, inline="always")
def _hash(off: npt.NDArray[np.int32], data: npt.NDArray[np.uint8], i: int) -> np.uint64:
    """The 64-bit FNV-1a hash of string ``i``'s bytes (a repeat is then confirmed in SQL)."""
    h = _FNV_OFFSET
    for k in range(off[i], off[i + 1]):
        h = (h ^ np.uint64(data[k])) * _FNV_PRIME
    return h


@njit(cache=True, nogil=True)
def strictly_increasing(off: npt.NDArray[np.int32], data: npt.NDArray[np.uint8]) -> bool:
    """Whether the strings are in strictly increasing bytewise order (so they can be searched)."""
    for i in range(1, len(off) - 1):  # noqa: SIM110 (Numba compiles loops, not generators)
        if _compare(off, data, i - 1, off, data, i) >= 0:
            return False
    return True


@njit(cache=True, nogil=True)
def canonical_texts(
    off: npt.NDArray[np.int32], data: npt.NDArray[np.uint8], out: npt.NDArray[np.bool_]
) -> None:
    """``out[i]``: whether string ``i`` is its own value (not empty, no space at either end)."""
    for i in range(len(off) - 1):
        out[i] = _canonical(off, data, i)


@njit(cache=True, nogil=True)
def fnv1a(
    off: npt.NDArray[np.int32], data: npt.NDArray[np.uint8], out: npt.NDArray[np.uint64]
) -> None:
    """``out[i]``: the 64-bit FNV-1a hash of string ``i``'s bytes."""
    for i in range(len(off) - 1):
        out[i] = _hash(off, data, i)


@njit(cache=True, nogil=True)
def has_repeats(sorted_values: npt.NDArray[np.uint64]) -> bool:
    """Whether a sorted array holds some value twice. (No early exit: without the branch
    the loop is vectorised, 7x faster, and repeats are rare.)"""
    found = False
    for i in range(1, len(sorted_values)):
        found |= sorted_values[i] == sorted_values[i - 1]
    return found


@njit(cache=True, nogil=True)
def have_common(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> bool:
    """Whether two sorted arrays hold some value in common: one merge walk, whose steps are
    computed rather than branched on (random hashes make any branch a coin toss)."""
    i, j = 0, 0
    found = False
    while i < len(a) and j < len(b):
        x, y = a[i], b[j]
        found |= x == y
        i += x <= y
        j += y <= x
    return found


@njit(cache=True, nogil=True)
def scan_children(
    id_off: npt.NDArray[np.int32],
    id_data: npt.NDArray[np.uint8],
    lid_off: npt.NDArray[np.int32],
    lid_data: npt.NDArray[np.uint8],
    day: npt.NDArray[np.int32],
    ok: npt.NDArray[np.bool_],
    as_of: int,
    key_off: npt.NDArray[np.int32],
    key_data: npt.NDArray[np.uint8],
    disbursed: npt.NDArray[np.int32],
    out_row: npt.NDArray[np.int64],
    out_ord: npt.NDArray[np.int32],
    out_hash: npt.NDArray[np.uint64],
    suspect: npt.NDArray[np.int64],
) -> tuple[int, int]:
    """One row group of a table of rows that name a loan (payments, events): which rows are
    clean on their face, and which are not (suspect).

    A row is clean when ``ok`` (the table's own checks of its other cells, made beforehand)
    holds, its id and loan_id are their own values (not empty, no space at either end), its
    day is not after ``as_of``, its loan_id is one of the accepted loans (the sorted ``key``
    strings; ``disbursed`` their days) and its day is not before that loan's disbursement.
    For clean rows it writes compactly the row's position (``out_row``), the loan's position
    and the id's FNV-1a hash; the positions of the other rows go to ``suspect``. Returns the
    (clean, suspect) counts. Rows of one loan usually come together, so the previous row's
    loan (or the next loan in order) is tried before a binary search.
    """
    n_keys = len(key_off) - 1
    prev_ord, prev_row = -1, -1
    clean, odd = 0, 0
    for i in range(len(day)):
        good = (
            ok[i]
            and _canonical(id_off, id_data, i)
            and _canonical(lid_off, lid_data, i)
            and day[i] <= as_of
        )
        found = -1
        if good:
            if prev_row >= 0 and _compare(lid_off, lid_data, i, lid_off, lid_data, prev_row) == 0:
                found = prev_ord
            else:
                nxt = prev_ord + 1
                if 0 < nxt < n_keys and _compare(key_off, key_data, nxt, lid_off, lid_data, i) == 0:
                    found = nxt
                else:
                    a, b = 0, n_keys
                    while a < b:
                        m = (a + b) >> 1
                        if _compare(key_off, key_data, m, lid_off, lid_data, i) < 0:
                            a = m + 1
                        else:
                            b = m
                    if a < n_keys and _compare(key_off, key_data, a, lid_off, lid_data, i) == 0:
                        found = a
                prev_ord, prev_row = found, i
            good = found >= 0 and day[i] >= disbursed[found]
        if good:
            out_row[clean] = i
            out_ord[clean] = found
            out_hash[clean] = _hash(id_off, id_data, i)
            clean += 1
        else:
            suspect[odd] = i
            odd += 1
    return clean, odd
