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

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

__all__ = [
    "canonical_texts",
    "has_repeats",
    "have_common",
    "id_hashes",
    "scan_children",
    "strictly_increasing",
    "string_buffers",
]

_F = TypeVar("_F", bound=Callable[..., Any])


def _compiled(function: _F) -> _F:
    """``function`` compiled: cached, without the GIL, and without Numba's reference counting
    (``_nrt=False``; none of these passes makes an array, and the arrays they are given outlive
    the call). With it, every turn of a loop over the rows incremented and decremented,
    atomically, the counts of the string buffers that the branches of the inlined helpers use
    (a known limit of Numba's pruning of those operations, numba/numba#2350): scan_children
    over 57M payments, 44 -> 28 ns a row; its strings compared and hashed 8 bytes at a time
    (``_le_word``, ``_be_word``) and the galloping search (``_find``) then took it to 11 ns."""
    # (Numba's stubs do not list its ``_nrt`` option)
    compiled = njit(cache=True, nogil=True, _nrt=False)(function)  # type: ignore[call-overload]
    return cast(_F, compiled)


_SPACE = 32
_M1 = np.uint64(0x9E3779B97F4A7C15)  # odd multipliers: the hash's steps are bijections
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)


def string_buffers(arr: pa.Array) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8]]:
    """The offsets (``len(arr) + 1`` of them) and bytes of a ``string`` array, without a copy."""
    if arr.type != pa.string():
        raise TypeError(f"expected a string array, got {arr.type}")
    buffers = arr.buffers()
    offsets = np.frombuffer(buffers[1], np.int32)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(buffers[2], np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    return offsets, data


def _load_word(context: Any, builder: ir.IRBuilder, signature: Any, args: Any) -> ir.Value:
    """The uint64 of the 8 bytes of a uint8 array from a position: one unaligned load."""
    array = context.make_array(signature.args[0])(context, builder, args[0])
    place = builder.bitcast(builder.gep(array.data, [args[1]]), ir.IntType(64).as_pointer())
    return builder.load(place, align=1)


def _word_typing(data: Any, codegen: Any) -> Any:
    """The intrinsics' signature, for a one-dimensional uint8 array only (the load reads bytes
    from its data pointer; any other argument fails to compile)."""
    if not (isinstance(data, types.Array) and data.dtype == types.uint8 and data.ndim == 1):
        return None
    return types.uint64(data, types.intp), codegen


def _little_endian(typingctx: Any, data: Any, at: Any) -> Any:
    return _word_typing(data, _load_word)


def _big_endian(typingctx: Any, data: Any, at: Any) -> Any:
    def codegen(context: Any, builder: ir.IRBuilder, signature: Any, args: Any) -> ir.Value:
        return builder.bswap(_load_word(context, builder, signature, args))

    return _word_typing(data, codegen)


_Word = Callable[[npt.NDArray[np.uint8], int], np.uint64]
# ``data[at : at + 8]`` as a uint64, little-endian (_le_word) or big-endian (_be_word: its order
# as a number is the bytes' order). No bounds check: callers read within a string's bytes.
_le_word = cast(_Word, intrinsic(_little_endian))
_be_word = cast(_Word, intrinsic(_big_endian))


@njit(cache=True, inline="always")
def _short_word(data: npt.NDArray[np.uint8], s: int, n: int) -> np.uint64:
    """The ``n`` (< 8) bytes of ``data`` from ``s`` as a little-endian uint64."""
    w = np.uint64(0)
    for k in range(n):
        w |= np.uint64(data[s + k]) << np.uint64(8 * k)
    return w


@njit(cache=True, inline="always")
def _spans(
    a_off: npt.NDArray[np.int32], i: int, b_off: npt.NDArray[np.int32], j: int
) -> tuple[int, int, int, int]:
    """Where string ``i`` of a and string ``j`` of b start and end in their bytes."""
    return int(a_off[i]), int(a_off[i + 1]), int(b_off[j]), int(b_off[j + 1])


@njit(cache=True, inline="always")
def _compare(
    a_off: npt.NDArray[np.int32],
    a_data: npt.NDArray[np.uint8],
    i: int,
    b_off: npt.NDArray[np.int32],
    b_data: npt.NDArray[np.uint8],
    j: int,
) -> int:
    """-1, 0 or 1 as string ``i`` of a is bytewise below, equal to or above string ``j`` of b
    (8 bytes at a time, then byte by byte)."""
    s1, e1, s2, e2 = _spans(a_off, i, b_off, j)
    n1, n2 = e1 - s1, e2 - s2
    n = min(n1, n2)
    k = 0
    while k + 8 <= n:
        x, y = _be_word(a_data, s1 + k), _be_word(b_data, s2 + k)
        if x != y:
            return -1 if x < y else 1
        k += 8
    while k < n:
        u, v = a_data[s1 + k], b_data[s2 + k]
        if u != v:
            return -1 if u < v else 1
        k += 1
    if n1 == n2:
        return 0
    return -1 if n1 < n2 else 1


@njit(cache=True, inline="always")
def _equal(
    a_off: npt.NDArray[np.int32],
    a_data: npt.NDArray[np.uint8],
    i: int,
    b_off: npt.NDArray[np.int32],
    b_data: npt.NDArray[np.uint8],
    j: int,
) -> bool:
    """Whether string ``i`` of a and string ``j`` of b are the same bytes: words of 8 (the last
    one overlapping its neighbour), no branch on the bytes."""
    s1, e1, s2, e2 = _spans(a_off, i, b_off, j)
    n = e1 - s1
    if e2 - s2 != n:
        return False
    if n < 8:
        return bool(_short_word(a_data, s1, n) == _short_word(b_data, s2, n))
    d = _le_word(a_data, e1 - 8) ^ _le_word(b_data, e2 - 8)
    for k in range(0, n - 8, 8):
        d |= _le_word(a_data, s1 + k) ^ _le_word(b_data, s2 + k)
    return bool(d == 0)


@njit(cache=True, inline="always")
def _mix(h: np.uint64) -> np.uint64:
    h = (h ^ (h >> np.uint64(32))) * _M2
    return h ^ (h >> np.uint64(29))


@njit(cache=True, inline="always")
def _hash(off: npt.NDArray[np.int32], data: npt.NDArray[np.uint8], i: int) -> np.uint64:
    """A 64-bit hash of string ``i``'s bytes and length, 8 bytes at a time (the last word
    overlapping its neighbour); a repeat is then confirmed in SQL."""
    s, e = int(off[i]), int(off[i + 1])
    n = e - s
    h = np.uint64(n) * _M1
    if n < 8:
        h = _mix(h ^ _short_word(data, s, n))
    else:
        for k in range(0, n - 8, 8):
            h = _mix(h ^ _le_word(data, s + k)) * _M1
        h = _mix(h ^ _le_word(data, e - 8))
    h = (h ^ (h >> np.uint64(31))) * _M3
    return h ^ (h >> np.uint64(32))


@njit(cache=True, inline="always")
def _canonical(off: npt.NDArray[np.int32], data: npt.NDArray[np.uint8], i: int) -> bool:
    """Not empty, no space at either end: the text is its own value (load's ``f:`` test)."""
    s, e = int(off[i]), int(off[i + 1])
    return e > s and int(data[s]) != _SPACE and int(data[e - 1]) != _SPACE


@njit(cache=True, inline="always")
def _find(
    key_off: npt.NDArray[np.int32],
    key_data: npt.NDArray[np.uint8],
    off: npt.NDArray[np.int32],
    data: npt.NDArray[np.uint8],
    i: int,
    after: int,
) -> int:
    """The position of string ``i`` among the sorted key strings, or -1. Rows name their loans
    mostly in the keys' order, so the search starts at the key after ``after`` (-1: at the
    first) and gallops forward (1, 2, 4, ... keys on) before it halves the range found."""
    n_keys = len(key_off) - 1
    a, b = 0, n_keys  # the first key not below the string is in keys[a : b + 1]
    start = after + 1
    if 0 <= start < n_keys:
        c = _compare(key_off, key_data, start, off, data, i)
        if c == 0:
            return start
        if c > 0:
            b = start
        else:
            a, step = start + 1, 1
            while start + step < n_keys:
                if _compare(key_off, key_data, start + step, off, data, i) >= 0:
                    b = start + step
                    break
                a = start + step + 1
                step *= 2
    while a < b:
        m = (a + b) >> 1
        if _compare(key_off, key_data, m, off, data, i) < 0:
            a = m + 1
        else:
            b = m
    if a < n_keys and _equal(key_off, key_data, a, off, data, i):
        return a
    return -1


@_compiled
def strictly_increasing(off: npt.NDArray[np.int32], data: npt.NDArray[np.uint8]) -> bool:
    """Whether the strings are in strictly increasing bytewise order (so they can be searched)."""
    for i in range(1, len(off) - 1):  # noqa: SIM110 (Numba compiles loops, not generators)
        if _compare(off, data, i - 1, off, data, i) >= 0:
            return False
    return True


@_compiled
def canonical_texts(
    off: npt.NDArray[np.int32], data: npt.NDArray[np.uint8], out: npt.NDArray[np.bool_]
) -> None:
    """``out[i]``: whether string ``i`` is its own value (not empty, no space at either end)."""
    for i in range(len(off) - 1):
        out[i] = _canonical(off, data, i)


@_compiled
def id_hashes(
    off: npt.NDArray[np.int32], data: npt.NDArray[np.uint8], out: npt.NDArray[np.uint64]
) -> None:
    """``out[i]``: the 64-bit hash of string ``i`` (as :func:`scan_children` hashes ids)."""
    for i in range(len(off) - 1):
        out[i] = _hash(off, data, i)


@_compiled
def has_repeats(sorted_values: npt.NDArray[np.uint64]) -> bool:
    """Whether a sorted array holds some value twice. (No early exit: without the branch
    the loop is vectorised, 7x faster, and repeats are rare.)"""
    found = False
    for i in range(1, len(sorted_values)):
        found |= sorted_values[i] == sorted_values[i - 1]
    return found


@_compiled
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


@_compiled
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
    and the id's hash (:func:`id_hashes`); the positions of the other rows go to ``suspect``.
    Returns the (clean, suspect) counts. Rows of one loan usually come together, so the
    previous row's loan is tried first, then a search from the loan after it (:func:`_find`).
    """
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
            if prev_row >= 0 and _equal(lid_off, lid_data, i, lid_off, lid_data, prev_row):
                found = prev_ord
            else:
                found = _find(key_off, key_data, lid_off, lid_data, i, prev_ord)
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
