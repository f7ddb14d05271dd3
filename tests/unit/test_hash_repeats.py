"""The loader's test for repeated ids: a 64-bit hash of every id, sorted, searched for a repeat
(in two halves at once when there are many)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import overdue.portfolio.load as load_module
from overdue.portfolio.scan import fnv1a, have_common, string_buffers

SMALL = st.lists(st.integers(0, 40), max_size=30).map(lambda v: np.array(sorted(v), np.uint64))


@given(SMALL, SMALL)
@settings(max_examples=300, deadline=None)
def test_have_common_says_whether_two_sorted_arrays_share_a_value(
    a: np.ndarray, b: np.ndarray
) -> None:
    assert have_common(a, b) == bool(set(a.tolist()) & set(b.tolist()))


def distinct(n: int, seed: int) -> np.ndarray:
    """n distinct 64-bit values in no order (an odd multiplier is a bijection mod 2^64)."""
    values = np.arange(1, n + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    np.random.default_rng(seed).shuffle(values)
    return values


N = load_module._SORT_APART + 1001  # sorted in two halves


def test_distinct_hashes_are_not_repeats() -> None:
    assert not load_module._repeats([distinct(N, 1)], pa.array([], pa.string()))
    assert not load_module._repeats([distinct(5, 1)], pa.array([], pa.string()))


@pytest.mark.parametrize(
    ("first", "second"),
    [(10, 20), (N - 20, N - 10), (10, N - 10), (N // 2 - 1, N // 2)],
    ids=["low half", "high half", "across the halves", "at the cut"],
)
def test_a_repeat_is_found_wherever_its_two_copies_are(first: int, second: int) -> None:
    values = distinct(N, 2)
    values[second] = values[first]
    assert load_module._repeats([values], pa.array([], pa.string()))


def test_a_repeat_between_the_hashes_and_the_ids_is_found() -> None:
    ids = pa.array(["L-1", "L-2"])
    theirs = np.empty(2, np.uint64)
    fnv1a(*string_buffers(ids), theirs)
    values = distinct(N, 3)
    assert not load_module._repeats([values.copy()], ids)
    values[7] = theirs[1]
    assert load_module._repeats([values[: N // 3], values[N // 3 :]], ids)
