"""The kernel's exact a x b / c agrees with Python's unbounded integers, on both of its paths."""

from __future__ import annotations

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from overdue.portfolio.kernel import muldiv, muldiv_qr

# The kernel's domain: non-negative factors whose product may exceed 64 bits, 0 < c < 2^49,
# and a quotient that fits in 62 bits (amounts in fen).
factors = st.one_of(st.integers(0, 2**31), st.integers(0, 2**62))
divisors = st.integers(1, 2**49 - 1)


@given(factors, factors, divisors)
@settings(max_examples=2000, deadline=None)
@example(2**31 - 1, 2**31 - 1, 7)  # below 2^62: the direct path
@example(2**42 - 1, 2**20 - 1, 7)  # an amount x days by a rate numerator: the direct path
@example(2**42, 2**20, 3)  # just past those bounds: the long path
@example(3_000_000_000, 3_200_000_000, 7)  # 9.6e18: would wrap around in 64 bits
@example(2**44 - 1, 2**20 - 1, 2**20)  # ~2^64: wraps if the direct path took it
@example(2**32 - 1, 2**32 - 1, 2**20)  # ~2^64 likewise
@example(2**62, 1, 2**49 - 1)
@example(2**62, 2**40, 2**49 - 1)
@example(0, 2**62, 5)
def test_quotient_and_remainder_are_exact(a: int, b: int, c: int) -> None:
    assume(a * b // c < 2**62)
    assert muldiv_qr(a, b, c) == divmod(a * b, c)


@given(factors, factors, divisors)
@settings(max_examples=500, deadline=None)
@example(5, 1, 2)  # 2.5 rounds up
@example(3, 1, 2)  # 1.5 rounds up
@example(7, 1, 3)  # 2.33 rounds down
def test_rounding_is_half_up(a: int, b: int, c: int) -> None:
    assume(a * b // c < 2**62)
    q, r = divmod(a * b, c)
    assert muldiv(a, b, c) == (q + 1 if 2 * r >= c else q)
