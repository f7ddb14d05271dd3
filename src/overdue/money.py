"""Money: the one module that builds, rounds and formats amounts.

Amounts are :class:`decimal.Decimal` yuan. At rest they carry two places (fen); inside a
computation they keep full precision and are rounded only where a rule says so, always with
an explicit rounding mode and always here. Nothing else in the project calls ``quantize``.

The batch engine works in integer fen; :func:`to_fen` and :func:`from_fen` are the only
bridges between the two representations.

Never use binary floating point for money: ``yuan(0.1)`` is refused.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

__all__ = [
    "FEN",
    "YUAN",
    "ZERO",
    "MoneyError",
    "Rounding",
    "capital",
    "exact",
    "fmt",
    "fmt_plain",
    "from_fen",
    "parse_rate",
    "percent",
    "round_fen",
    "round_ratio",
    "round_yuan",
    "to_fen",
    "total",
    "yuan",
]

ZERO = Decimal("0.00")
FEN = Decimal("0.01")
YUAN = Decimal("1")

# Working precision for intermediate results (rates x days / basis, annuity factors).
# 60 significant digits keeps every product of a realistic amount, rate and day count exact,
# so a tie at half a fen is seen as a tie and rounded by the stated mode, never by accident.
_PRECISION = 60


class MoneyError(ValueError):
    """A value that cannot be an amount of money (float, NaN, infinite, not a number)."""


class Rounding(StrEnum):
    """Rounding modes by name. ``half-up`` (四舍五入) is the default everywhere."""

    HALF_UP = "half-up"
    HALF_EVEN = "half-even"
    DOWN = "down"
    UP = "up"

    @property
    def decimal_mode(self) -> str:
        return {
            Rounding.HALF_UP: decimal.ROUND_HALF_UP,
            Rounding.HALF_EVEN: decimal.ROUND_HALF_EVEN,
            Rounding.DOWN: decimal.ROUND_DOWN,
            Rounding.UP: decimal.ROUND_UP,
        }[self]


@contextmanager
def exact() -> Iterator[decimal.Context]:
    """A decimal context with enough precision that intermediate results are exact in practice."""
    with decimal.localcontext() as ctx:
        ctx.prec = _PRECISION
        ctx.traps[decimal.Inexact] = False
        yield ctx


def yuan(value: str | int | Decimal) -> Decimal:
    """Parse an amount in yuan: ``yuan("1234.5")`` -> ``Decimal("1234.5")``.

    Accepts ``str``, ``int`` and ``Decimal``; refuses ``float`` (and ``bool``), NaN and infinities.
    The value is not rounded: use :func:`round_fen` where a rule says to round.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise MoneyError(
            f"amount must be a decimal string, int or Decimal, not {type(value).__name__}"
        )
    try:
        amount = Decimal(value.strip().replace(",", "") if isinstance(value, str) else value)
    except decimal.InvalidOperation as exc:
        raise MoneyError(f"not a number: {value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    return amount


def parse_rate(value: str | int | Decimal) -> Decimal:
    """Parse a rate given as a decimal fraction (``"0.24"``) or a percentage (``"24%"``)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        with exact():
            return yuan(value.strip()[:-1]) / 100
    return yuan(value)


def round_fen(amount: Decimal | Fraction, rounding: Rounding = Rounding.HALF_UP) -> Decimal:
    """Round to the fen (0.01 yuan) with an explicit mode.

    An exact rational (:class:`fractions.Fraction`) is rounded exactly: a value of exactly
    half a fen is a tie however it was reached. The ledger computes accruals as rationals
    (amount x rate x days / basis) so that its results can be reproduced in integer fen.
    """
    if isinstance(amount, Fraction):
        return from_fen(_round_rational(amount * 100, rounding))
    return amount.quantize(FEN, rounding=rounding.decimal_mode)


def _round_rational(value: Fraction, rounding: Rounding) -> int:
    floor = value.numerator // value.denominator
    rest = value - floor
    if rest == 0:
        return floor
    if rounding is Rounding.DOWN:
        return floor if value >= 0 else floor + 1
    if rounding is Rounding.UP:
        return floor + 1 if value >= 0 else floor
    half = Fraction(1, 2)
    if rest != half:
        return floor + (1 if rest > half else 0)
    if rounding is Rounding.HALF_EVEN:
        return floor + (floor % 2)
    return floor + 1 if value >= 0 else floor  # HALF_UP: away from zero


def round_ratio(value: Fraction | Decimal, places: int = 6) -> Decimal:
    """A ratio (a rate, a share) to ``places`` decimals, half-up: ``0.345678``."""
    step = Decimal(1).scaleb(-places)
    if isinstance(value, Fraction):
        with exact():
            value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(step, rounding=decimal.ROUND_HALF_UP)


def round_yuan(amount: Decimal, rounding: Rounding = Rounding.HALF_UP) -> Decimal:
    """Round to the whole yuan, keeping two places (``2769.14`` -> ``2769.00``)."""
    return amount.quantize(YUAN, rounding=rounding.decimal_mode).quantize(FEN)


def to_fen(amount: Decimal) -> int:
    """Exact conversion to integer fen; refuses an amount with fractions of a fen."""
    # Compare exactly (Decimal comparison does not round); multiplying first would round to
    # the context precision and hide a fraction far beyond the second decimal.
    if amount.quantize(FEN, rounding=decimal.ROUND_DOWN) != amount:
        raise MoneyError(f"{amount} has fractions of a fen; round it first")
    return int(amount.scaleb(2))


def from_fen(fen: int) -> Decimal:
    """Integer fen to yuan with two places."""
    return (Decimal(fen) / 100).quantize(FEN)


def total(amounts: Iterable[Decimal]) -> Decimal:
    """Sum of amounts; ``0.00`` for an empty list (amounts at rest have two places)."""
    return sum(amounts, ZERO)


def _unsigned_zero(value: Decimal) -> Decimal:
    return ZERO if value == 0 else value  # no "-0.00"


def fmt_plain(amount: Decimal) -> str:
    """Machine form with two decimals: ``"1234.56"`` (JSON, CSV)."""
    return str(_unsigned_zero(round_fen(amount)))


def fmt(amount: Decimal) -> str:
    """Document form with thousands separators: ``"1,234.56"``."""
    return f"{_unsigned_zero(round_fen(amount)):,.2f}"


def percent(rate: Decimal, places: int | None = None) -> str:
    """A rate (a fraction) as a percentage for text: ``0.24`` -> ``"24%"``, ``0.154`` ->
    ``"15.4%"``; with ``places``, rounded half-up to that many decimals and always showing them.

    >>> percent(Decimal("0.0005"))
    '0.05%'
    >>> percent(Decimal("0.356123"), 2)
    '35.61%'
    """
    with exact():
        if places is not None:
            return f"{round_ratio(rate * 100, places)}%"
        return f"{(rate * 100).normalize():f}%"


def capital(amount: Decimal) -> str:
    """Chinese capital form for documents (人民币大写).

    >>> capital(Decimal("14000"))
    '壹万肆仟元整'
    >>> capital(Decimal("6359.32"))
    '陆仟叁佰伍拾玖元叁角贰分'

    Follows 《支付结算办法》 practice: ``整`` after 元 when there are no 角/分, ``零`` for
    zeros inside the number. Negative amounts are prefixed with ``负``.
    """
    import cn2an  # here: its import takes ~0.1 s, which commands without documents need not pay

    value = round_fen(amount)
    sign = "负" if value < 0 else ""
    text: str = cn2an.an2cn(str(abs(value)), "rmb")
    return sign + text
