"""Interest caps as profiles, and the LPR history they depend on.

A cap limits the *total* cost of a loan — contractual interest, penalty interest, compound
interest and fees together — to an annual rate of the principal outstanding over each span
of days. The reference ledger turns a profile into the amount above the cap; this module only
says which rate applies on which days.

Profiles:

``licensed-24``
    Banks, consumer-finance companies, small-loan companies and other licensed lenders:
    法发〔2017〕22号 Art. 2 supports a borrower's request to reduce the part of interest,
    compound interest, penalty interest, liquidated damages and other fees that together
    exceed 24 % a year. The private-lending rules do not apply to them (法释〔2020〕17号
    Art. 1 ¶2; 法释〔2020〕27号).

``private-4lpr``
    Private lending (民间借贷): 4 × the one-year LPR published on or before the date the
    contract was formed (法释〔2020〕17号 Arts. 25, 28, 29). For a contract formed before
    2020-08-20 the transitional rule of Art. 31 applies: 24 % up to 2020-08-19, then 4 × the
    one-year LPR at the time of filing.

``none``
    No cap (for what-if comparisons).

Worked example: a private loan contracted on 2021-03-01 takes the LPR published on
2021-02-20 (3.85 %), so its cap is 15.40 % a year for its whole life.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache

from overdue.dates import date_cn
from overdue.errors import RuleLookupError
from overdue.money import exact, parse_rate, percent
from overdue.rules._data import Status, read_rows

__all__ = [
    "TRANSITION_DAY",
    "CapProfile",
    "CapSegment",
    "CapSettings",
    "LprPublication",
    "cap_segments",
    "lpr_1y",
    "lpr_history",
    "lpr_note",
]

# 法释〔2020〕17号 Art. 31: the day the revised private-lending rules took effect.
TRANSITION_DAY = dt.date(2020, 8, 20)


class CapProfile(StrEnum):
    LICENSED_24 = "licensed-24"
    PRIVATE_4LPR = "private-4lpr"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class LprPublication:
    month: str
    effective_from: dt.date
    rate_1y: Decimal  # a fraction: 0.0385 for 3.85 %
    rate_5y: Decimal
    status: Status
    source: str


@cache
def lpr_history() -> tuple[LprPublication, ...]:
    """Every LPR publication in the data file, oldest first."""
    with exact():
        rows = tuple(
            LprPublication(
                month=r["month"],
                effective_from=dt.date.fromisoformat(r["effective_from"]),
                rate_1y=Decimal(r["lpr_1y_pct"]) / 100,
                rate_5y=Decimal(r["lpr_5y_pct"]) / 100,
                status=Status(r["status"]),
                source=r["source"],
            )
            for r in read_rows("lpr.csv")
        )
    return tuple(sorted(rows, key=lambda p: p.effective_from))


def lpr_1y(on: dt.date) -> LprPublication:
    """The one-year LPR in force on ``on``: the latest publication on or before that day.

    A publication stays in force until the next one (以上LPR在下一次发布LPR之前有效), so a
    contract dated 2024-10-20 takes the July figure (3.35 %) and one dated 2024-10-21 takes
    the October figure (3.10 %). After the last row of the table the last publication is used
    and :func:`lpr_note` says so: add newer publications to ``rules/data/lpr.csv``.
    """
    history = lpr_history()
    if on < history[0].effective_from:
        raise RuleLookupError(
            f"no one-year LPR before {history[0].effective_from.isoformat()} (first publication)"
        )
    return [p for p in history if p.effective_from <= on][-1]


def lpr_note(on: dt.date) -> str:
    """Empty, or a warning when ``on`` may be after a publication the table does not have yet."""
    last = lpr_history()[-1]
    # Publications come out on the 20th (or the next business day): from the 20th of the
    # following month a newer figure may exist that the table lacks.
    year, month = divmod(last.effective_from.year * 12 + last.effective_from.month, 12)
    if on < dt.date(year, month + 1, 20):
        return ""
    return (
        f"（LPR表最新一期为{last.month}，{date_cn(on)}前的后续发布未录入，按最新一期计算；"
        f"请核实该日适用的一年期LPR）"
    )


@dataclass(frozen=True, slots=True)
class CapSettings:
    """Operator-editable settings of the cap profiles (defaults from ``cap_profiles.csv``)."""

    licensed_rate: Decimal
    lpr_multiple: Decimal
    transition_old_rate: Decimal
    day_basis: int  # UNVERIFIED policy default: 365

    @staticmethod
    @cache
    def defaults() -> CapSettings:
        rows = {r["profile"]: r for r in read_rows("cap_profiles.csv")}
        return CapSettings(
            licensed_rate=parse_rate(rows["licensed-24"]["rate"]),
            lpr_multiple=parse_rate(rows["private-4lpr"]["rate"]),
            transition_old_rate=parse_rate(rows["private-4lpr-transition"]["rate"]),
            day_basis=int(rows["licensed-24"]["day_basis"]),
        )


@dataclass(frozen=True, slots=True)
class CapSegment:
    """The cap rate in force for the days ``starts_on`` .. ``ends_before`` - 1."""

    starts_on: dt.date | None  # None: from the beginning
    ends_before: dt.date | None  # None: open-ended
    annual_rate: Decimal
    rule: str  # the rule as a court document cites it
    # a caveat for the operator, never printed in a court document: the LPR table may lack a
    # publication after its last row (:func:`lpr_note`); "" when there is none
    note: str = ""

    @property
    def explained(self) -> str:
        """The rule with its caveat, for explanations (the command line, the ledger)."""
        return self.rule + self.note

    def covers(self, day: dt.date) -> bool:
        return (self.starts_on is None or day >= self.starts_on) and (
            self.ends_before is None or day < self.ends_before
        )


def cap_segments(
    profile: CapProfile,
    contract_on: dt.date,
    *,
    filed_on: dt.date,
    settings: CapSettings | None = None,
) -> tuple[CapSegment, ...]:
    """The cap rates that apply to a loan, as consecutive segments of days.

    ``filed_on`` is the day the suit is (or would be) filed; it matters only for the
    transitional rule of 法释〔2020〕17号 Art. 31. Returns ``()`` for :attr:`CapProfile.NONE`.
    """
    s = settings or CapSettings.defaults()
    if profile is CapProfile.NONE:
        return ()
    if profile is CapProfile.LICENSED_24:
        return (
            CapSegment(
                None,
                None,
                s.licensed_rate,
                "法发〔2017〕22号第二条：利息、复利、罚息、违约金和其他费用总计不超过年利率24%",
            ),
        )
    with exact():
        if contract_on >= TRANSITION_DAY:
            lpr = lpr_1y(contract_on)
            return (
                CapSegment(
                    None,
                    None,
                    s.lpr_multiple * lpr.rate_1y,
                    f"法释〔2020〕17号第二十五、二十九条：合同成立时一年期LPR {percent(lpr.rate_1y)}"
                    f"（{date_cn(lpr.effective_from)}发布）的{s.lpr_multiple}倍",
                    lpr_note(contract_on),
                ),
            )
        if filed_on < TRANSITION_DAY:
            # A case accepted before the new rules took effect is judged under the old ones.
            return (
                CapSegment(
                    None,
                    None,
                    s.transition_old_rate,
                    "法释〔2020〕17号第三十一条：2020年8月20日前受理的案件适用原规定（年利率24%）",
                ),
            )
        lpr = lpr_1y(filed_on)
        return (
            CapSegment(
                None,
                TRANSITION_DAY,
                s.transition_old_rate,
                "法释〔2020〕17号第三十一条：2020年8月20日前成立的合同，此前的利息适用原规定（年利率24%）",
            ),
            CapSegment(
                TRANSITION_DAY,
                None,
                s.lpr_multiple * lpr.rate_1y,
                f"法释〔2020〕17号第三十一条：自2020年8月20日起按起诉时一年期LPR {percent(lpr.rate_1y)}"
                f"（{date_cn(lpr.effective_from)}发布）的{s.lpr_multiple}倍",
                lpr_note(filed_on),
            ),
        )
