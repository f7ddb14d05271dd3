"""Jinja filters: how amounts, rates and dates are written in documents.

Figures and capitals come from one value: ``{{ x | amount }}`` writes
``12,345.67元（大写：壹万贰仟叁佰肆拾伍元陆角柒分）``; the check :func:`check_capitals` reads
such pairs back from the rendered file.
"""

from __future__ import annotations

from decimal import Decimal

from overdue.dates import date_cn
from overdue.money import capital as money_capital
from overdue.money import fmt, percent

__all__ = ["amount", "capital", "date_cn", "masked", "pct", "yuan"]


def yuan(value: Decimal) -> str:
    """``Decimal("12345.675")`` -> ``12,345.68`` (money.fmt: half-up to the fen)."""
    return fmt(value)


def capital(value: Decimal) -> str:
    """``Decimal("12345.67")`` -> ``壹万贰仟叁佰肆拾伍元陆角柒分``."""
    return money_capital(value)


def amount(value: Decimal) -> str:
    """Figures and capital of one value: ``1,000.00元（大写：壹仟元整）``."""
    return f"{fmt(value)}元（大写：{money_capital(value)}）"


def pct(value: Decimal) -> str:
    """A rate as a percentage without trailing zeros and without floats:
    ``Decimal("0.24")`` -> ``24%``, ``Decimal("0.154")`` -> ``15.4%``,
    ``Decimal("0.000500")`` -> ``0.05%``."""
    return percent(value)


def masked(value: str, head: int = 3, tail: int = 4) -> str:
    """Keep ``head`` and ``tail`` characters, mask the rest: ``13812345678`` -> ``138****5678``."""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]
