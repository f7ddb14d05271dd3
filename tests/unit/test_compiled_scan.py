"""The compiled scan's string primitives against Python's own bytes: order, equality, the
search in sorted keys and the id hash. Their word loads read 8 bytes at a time, so the strings
drawn here are of every length around the word's (0-24 bytes), share long prefixes, and hold
multi-byte UTF-8."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit
from numba.core.errors import TypingError

from overdue.portfolio import scan

# Strings from a few characters (one ASCII, two multi-byte), so that prefixes are often shared.
TEXT = st.text(alphabet="ab元\u00e9", max_size=12)
LONG = st.builds(lambda p, t: p + t, st.sampled_from(["", "L0000000", "L000000001-P0"]), TEXT)


@njit
def compare(ao: Any, ad: Any, i: int, bo: Any, bd: Any, j: int) -> int:
    return scan._compare(ao, ad, i, bo, bd, j)


@njit
def equal(ao: Any, ad: Any, i: int, bo: Any, bd: Any, j: int) -> bool:
    return scan._equal(ao, ad, i, bo, bd, j)


@njit
def find(ko: Any, kd: Any, o: Any, d: Any, i: int, after: int) -> int:
    return scan._find(ko, kd, o, d, i, after)


def buffers(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return scan.string_buffers(pa.array(texts, pa.string()))


@given(st.lists(LONG, min_size=1, max_size=12), st.lists(LONG, min_size=1, max_size=12))
@settings(max_examples=300, deadline=None)
def test_order_and_equality_are_those_of_the_utf8_bytes(a: list[str], b: list[str]) -> None:
    ao, ad = buffers(a)
    bo, bd = buffers(b)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            xb, yb = x.encode(), y.encode()
            assert compare(ao, ad, i, bo, bd, j) == (xb > yb) - (xb < yb), (x, y)
            assert equal(ao, ad, i, bo, bd, j) == (xb == yb), (x, y)


@given(st.lists(LONG, max_size=30))
@settings(max_examples=200, deadline=None)
def test_strictly_increasing_is_sorted_without_repeats(texts: list[str]) -> None:
    encoded = [t.encode() for t in texts]
    expected = all(p < q for p, q in itertools.pairwise(encoded))
    assert scan.strictly_increasing(*buffers(texts)) == expected


@given(st.lists(LONG, max_size=40, unique=True), st.lists(LONG, min_size=1, max_size=8), st.data())
@settings(max_examples=300, deadline=None)
def test_the_search_finds_a_key_from_any_starting_point(
    keys: list[str], wanted: list[str], data: st.DataObject
) -> None:
    keys = sorted(keys, key=str.encode)
    wanted = wanted + keys[: data.draw(st.integers(0, len(keys)))]  # present ones too
    ko, kd = buffers(keys)
    o, d = buffers(wanted)
    for i, w in enumerate(wanted):
        after = data.draw(st.integers(-1, max(len(keys) - 1, -1)))
        expected = keys.index(w) if w in keys else -1
        assert find(ko, kd, o, d, i, after) == expected, (w, after)


def hashes(texts: list[str]) -> np.ndarray:
    out = np.empty(len(texts), np.uint64)
    scan.id_hashes(*buffers(texts), out)
    return out


def test_equal_ids_hash_alike_wherever_their_bytes_lie() -> None:
    """The same id at another place of another buffer (so its words load from another
    alignment) has the same hash."""
    ids = ["", "a", "L000000001", "L000000001-P01", "元" * 9]
    first = hashes(ids)
    for pad in range(1, 9):
        assert (hashes(["x" * pad, *ids])[1:] == first).all()


def test_ids_one_byte_apart_and_a_million_like_the_lenders_have_distinct_hashes() -> None:
    near = ["".join(chr(48 + (k == at) * c) for k in range(n)) for n in range(1, 25)
            for at in range(n) for c in (0, 1, 2)]  # fmt: skip
    near = sorted(set(near))
    assert len(set(hashes(near).tolist())) == len(near)
    ids = [f"L{n // 7:09d}-P{n % 7:02d}" for n in range(1_000_000)]
    assert len(np.unique(hashes(ids))) == len(ids)


@njit
def word(data: Any, at: int) -> np.uint64:
    return scan._le_word(data, at)


def test_a_word_is_eight_bytes_little_endian_and_only_of_a_byte_array() -> None:
    data = np.arange(1, 17, dtype=np.uint8)
    assert word(data, 3) == int.from_bytes(bytes(range(4, 12)), "little")
    with pytest.raises(TypingError):
        word(np.arange(4, dtype=np.int64), 0)  # (would read the int64s' bytes as if they were)
