"""Small-claims procedure thresholds (小额诉讼程序, 民事诉讼法 Art. 165).

A simple money claim at a basic court is heard under the small-claims procedure — one instance,
final on service — when it does not exceed 50 % of the province's average annual wage of
employed persons for the previous year (民诉解释 Art. 272: the latest published figure).
``rules/data/small_claims.csv`` holds one row per province and date; ``*`` is the fallback for
provinces without a row. Figures not checked against an official notice are UNVERIFIED and an
operator overrides them per province (POLICY.yaml ``small_claims_thresholds``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from overdue.rules._data import Status, in_force, read_rows

__all__ = ["SmallClaimsThreshold", "small_claims_threshold"]


@dataclass(frozen=True, slots=True)
class SmallClaimsThreshold:
    province: str  # court-code abbreviation (浙), or * for the fallback
    effective_from: dt.date
    threshold: Decimal
    citation: str
    status: Status
    source: str

    @property
    def text(self) -> str:
        mark = (
            "" if self.status is Status.VERIFIED else f"（{self.status.value}，可在政策文件中修改）"
        )
        where = "全国参考值" if self.province == "*" else f"{self.province}"
        return f"小额诉讼标的额上限 {self.threshold} 元（{where}，{self.effective_from.isoformat()} 起）{mark}"


@cache
def _rows() -> tuple[SmallClaimsThreshold, ...]:
    return tuple(
        SmallClaimsThreshold(
            r["province"],
            dt.date.fromisoformat(r["effective_from"]),
            Decimal(r["threshold"]),
            r["citation"],
            Status(r["status"]),
            r["source"],
        )
        for r in read_rows("small_claims.csv")
    )


def small_claims_threshold(
    province: str, on: dt.date, overrides: Mapping[str, Decimal] | None = None
) -> SmallClaimsThreshold:
    """The threshold for a court of ``province`` (its code's first character) on ``on``."""
    if overrides and province in overrides:
        return SmallClaimsThreshold(
            province, on, overrides[province], "民事诉讼法第一百六十五条", Status.UNVERIFIED,
            "POLICY.yaml small_claims_thresholds",
        )  # fmt: skip
    own = [r for r in _rows() if r.province == province and r.effective_from <= on]
    if own:
        return max(own, key=lambda r: r.effective_from)
    return in_force([r for r in _rows() if r.province == "*"], on, "small-claims threshold")
