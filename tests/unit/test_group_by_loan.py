"""The kernel's grouping of child rows by loan and day equals a stable sort by (loan, day)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue.portfolio.kernel import group_by_loan


@st.composite
def child_rows(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    n_loans = draw(st.integers(1, 8))
    rows = draw(st.lists(st.tuples(st.integers(0, n_loans - 1), st.integers(0, 5)), max_size=60))
    loan = np.array([r[0] for r in rows], np.int32)
    day = np.array([r[1] for r in rows], np.int32)
    k = draw(st.integers(1, 3))
    # Distinct values per row, so that any misplaced row shows.
    values = np.arange(k * len(rows), dtype=np.int64).reshape(k, len(rows)) * 7 + 3
    return loan, day, values, n_loans


@given(child_rows())
@settings(max_examples=300, deadline=None)
def test_grouping_is_a_stable_sort_by_loan_then_day(
    rows: tuple[np.ndarray, np.ndarray, np.ndarray, int],
) -> None:
    loan, day, values, n_loans = rows
    offsets, days, grouped = group_by_loan(loan, day, values, n_loans)
    expected = np.lexsort((day, loan))  # stable: ties keep the rows' order
    assert days.tolist() == day[expected].tolist()
    assert grouped.tolist() == values[:, expected].tolist()
    assert offsets.tolist() == [0, *np.cumsum(np.bincount(loan, minlength=n_loans)).tolist()]


@given(child_rows())
@settings(max_examples=100, deadline=None)
def test_rows_already_grouped_are_returned_without_a_copy(
    rows: tuple[np.ndarray, np.ndarray, np.ndarray, int],
) -> None:
    loan, day, values, n_loans = rows
    order = np.lexsort((day, loan))
    loan, day, values = loan[order], day[order], values[:, order]
    offsets, days, grouped = group_by_loan(loan, day, values, n_loans)
    assert days is day
    assert grouped is values
    assert offsets.tolist() == [0, *np.cumsum(np.bincount(loan, minlength=n_loans)).tolist()]
