"""The loader's test for repeated ids: a 64-bit hash of every id, sorted, searched for a repeat
(in two halves at once when there are many)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import overdue.portfolio.load as load_module
from overdue.portfolio.scan import has_repeats, have_common, id_hashes, string_buffers

SMALL = st.lists(st.integers(0, 40), max_size=30).map(lambda v: np.array(sorted(v), np.uint64))


@given(SMALL, SMALL)
@settings(max_examples=300, deadline=None)
def test_have_common_says_whether_two_sorted_arrays_share_a_value(
    a: np.ndarray, b: np.ndarray
) -> None:
    assert have_common(a, b) == bool(set(a.tolist()) & set(b.tolist()))


@given(SMALL)
@settings(max_examples=200, deadline=None)
def test_has_repeats_says_whether_a_sorted_array_holds_a_value_twice(a: np.ndarray) -> None:
    assert has_repeats(a) == (len(set(a.tolist())) < len(a))


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
    id_hashes(*string_buffers(ids), theirs)
    values = distinct(N, 3)
    assert not load_module._repeats([values.copy()], ids)
    values[7] = theirs[1]
    assert load_module._repeats([values[: N // 3], values[N // 3 :]], ids)


@pytest.mark.parametrize("rank", [0, N // 4 - 1, N // 4, N // 4 + 1, N // 2 - 1])
def test_a_value_of_the_low_half_found_again_in_the_high_half_at_any_rank(rank: int) -> None:
    """The common values are looked for in two ranges, cut at the low half's median (rank
    N // 4): a copy of the smallest, largest, median and its neighbours is found."""
    values = distinct(N, 4)
    half = N // 2
    wanted = np.sort(values[:half])[rank]
    values[half + 17] = wanted
    assert load_module._repeats([values], pa.array([], pa.string()))
