"""Rules prepared once per distinct combination of column values, whatever the columns hold."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue.portfolio.prepare import _per_distinct

cells = st.one_of(st.none(), st.sampled_from(["a", "b", "0.18", "monthly", "x,y"]))


@st.composite
def tables(draw: st.DrawFn) -> list[list[str | None]]:
    n = draw(st.integers(0, 40))
    width = draw(st.integers(1, 4))
    return [draw(st.lists(cells, min_size=n, max_size=n)) for _ in range(width)]


def chunked(values: list[str | None], dictionary: bool, cut: int) -> pa.ChunkedArray:
    """The column in two chunks (as a loader gives it), plain or dictionary-encoded."""
    arr = pa.array(values, pa.string())
    parts = [arr.slice(0, cut), arr.slice(cut)]
    if dictionary:
        parts = [pc.dictionary_encode(p) for p in parts]  # each chunk its own dictionary
    return pa.chunked_array(parts, parts[0].type)


@given(tables(), st.booleans(), st.integers(0, 40))
@settings(max_examples=200, deadline=None)
def test_each_row_gets_the_result_for_its_own_values_computed_once_per_combination(
    columns: list[list[str | None]], dictionary: bool, cut: int
) -> None:
    n = len(columns[0])
    cut = min(cut, n)
    calls: list[tuple[str | None, ...]] = []

    def fn(*values: str | None) -> tuple[str | None, ...]:
        calls.append(values)
        return values

    results, index = _per_distinct([chunked(c, dictionary, cut) for c in columns], fn)
    rows = [tuple(c[i] for c in columns) for i in range(n)]
    assert [results[index[i]] for i in range(n)] == rows
    assert sorted(calls, key=repr) == sorted(set(rows), key=repr)


def test_many_columns_renumber_their_combinations_instead_of_overflowing() -> None:
    # 30 columns of 7 values: 8**30 combinations would not fit in 64 bits.
    n = 50
    columns = [[f"v{(i * (k + 3)) % 7}" for i in range(n)] for k in range(30)]
    results, index = _per_distinct([pa.chunked_array([c]) for c in columns], lambda *v: v)
    assert [results[index[i]] for i in range(n)] == [tuple(c[i] for c in columns) for i in range(n)]
    assert len(results) == len({tuple(c[i] for c in columns) for i in range(n)})
