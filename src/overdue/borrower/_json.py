"""JSON views of borrower results: money as two-decimal strings, rates as decimal strings.

:func:`overdue.serialize.plain` treats every Decimal as money; borrower results also carry
rates, so the fields named in ``rates`` are printed exactly (``"0.356123"``) instead.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from overdue.serialize import plain

__all__ = ["to_plain"]


def to_plain(value: Any, rates: frozenset[str] = frozenset()) -> Any:
    """Like :func:`overdue.serialize.plain`, but fields named in ``rates`` keep full precision."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.name in rates and isinstance(item, Decimal):
                out[f.name] = str(item)
            elif f.name in rates and item is None:
                out[f.name] = None
            else:
                out[f.name] = to_plain(item, rates)
        return out
    if isinstance(value, (list, tuple)):
        return [to_plain(v, rates) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v, rates) for k, v in value.items()}
    return plain(value)
