"""The kernel's grouping of child rows by loan and day equals a stable sort by (loan, day)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue.portfolio.kernel import group_rows


@st.composite
def child_rows(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int]:
    n_loans = draw(st.integers(1, 8))
    rows = draw(st.lists(st.tuples(st.integers(0, n_loans - 1), st.integers(0, 5)), max_size=60))
    loan = np.array([r[0] for r in rows], np.int64)
    day = np.array([r[1] for r in rows], np.int64)
    return loan, day, n_loans


@given(child_rows())
@settings(max_examples=300, deadline=None)
def test_grouping_is_a_stable_sort_by_loan_then_day(
    rows: tuple[np.ndarray, np.ndarray, int],
) -> None:
    loan, day, n_loans = rows
    order, offsets, in_order = group_rows(loan, day, n_loans)
    expected = np.lexsort((day, loan))  # stable: ties keep the rows' order
    assert order.tolist() == expected.tolist()
    assert offsets.tolist() == [0, *np.cumsum(np.bincount(loan, minlength=n_loans)).tolist()]
    assert in_order == (expected.tolist() == list(range(len(loan))))
