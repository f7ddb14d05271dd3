"""Statutory periods (法定期间) of a consumer-loan lawsuit, and 迟延履行 interest.

The periods are data (``rules/data/periods.csv``); the calendar arithmetic is
:func:`overdue.dates.period_end`, which implements 民事诉讼法 Art. 85: the day the period
starts from is not counted; a period in months or years ends on the corresponding day (the
month's last day when there is none); holidays inside the period are not deducted; a last
day on a rest day (weekend or statutory holiday) moves to the next working day, and a
make-up working day (调休) is a working day.

Worked example (Art. 171, 85): a judgment served on 2025-09-20 may be appealed within 15
days; day 15 is 2025-10-05, inside the National Day holiday (10-01..10-08), so the last day
is 2025-10-09.

Trial limits (审理期限, Arts. 152, 164, 168) are not rolled over. That is a policy default
(UNVERIFIED): Art. 85 speaks of 法定期间 in general, but a trial limit is the court's own
management deadline, no party loses a right when it passes, and we know of no practice of
extending it for a holiday; the earlier date is the one to watch.

Which text applies is chosen by the start date (:func:`deadline`) or the given date
(:func:`period_rule`): 公告送达 started before 2022-01-01 is 60 days (2012/2017 text,
UNVERIFIED row), from 2022-01-01 30 days; 申请执行期间 is cited as Art. 246 before 2024-01-01
and Art. 250 from then on. A transition rule for a period that spans an amendment is not
modelled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache

from overdue import money
from overdue.dates import PeriodEnd, PeriodUnit, calendar_range, pending_year, period_end
from overdue.errors import CalendarCoverageError, InputError, RuleLookupError
from overdue.rules._data import Status, in_force, read_rows

__all__ = [
    "BEYOND_CALENDAR",
    "Deadline",
    "DeadlineKind",
    "DelayInterest",
    "PeriodRule",
    "beyond_calendar_note",
    "deadline",
    "delay_interest",
    "period_end_or_nominal",
    "period_rule",
    "rule_ids",
]

DATA_FILE = "periods.csv"
_ROLL_OVER = "roll-over"
_DELAY_INTEREST = "delay-interest"
_STATUS_ORDER = (Status.VERIFIED, Status.SECONDARY, Status.PARTIAL, Status.UNVERIFIED)


class DeadlineKind(StrEnum):
    """Deadlines :func:`deadline` computes: the value is the command-line spelling and rule_id."""

    ANSWER = "answer"  # 答辩期, Art. 128
    APPEAL_JUDGMENT = "appeal-judgment"  # 上诉期（判决）, Art. 171(1)
    APPEAL_RULING = "appeal-ruling"  # 上诉期（裁定）, Art. 171(2)
    ENFORCEMENT_APPLICATION = "enforcement-application"  # 申请执行期间, Art. 250
    PUBLIC_NOTICE = "public-notice"  # 公告送达, Art. 95
    ORDINARY_TRIAL = "ordinary-trial"  # 普通程序审限, Art. 152
    SIMPLIFIED_TRIAL = "simplified-trial"  # 简易程序审限, Art. 164
    SMALL_CLAIMS_TRIAL = "small-claims-trial"  # 小额诉讼审限, Art. 168


@dataclass(frozen=True, slots=True)
class PeriodRule:
    """One row of ``periods.csv``: a period as the law states it.

    ``length`` is ``None`` for a rule that is not a fixed period (``delay-interest``, whose
    ``daily_rate`` accrues per ``unit``; ``roll-over``, which states Art. 85 itself).
    """

    rule_id: str
    name_zh: str
    length: int | None
    unit: PeriodUnit
    roll_over: bool
    citation: str
    status: Status
    starts_from_zh: str
    extension_zh: str
    summary_zh: str
    after_zh: str
    effective_from: dt.date
    daily_rate: Decimal | None


@dataclass(frozen=True, slots=True)
class Deadline:
    """The last day of a statutory period that started on ``start`` ("from" in JSON).

    ``nominal_last_day`` is the day the count reaches; ``last_day`` is after the Art. 85
    roll-over (the same day when there is none). ``rule`` cites the article and explains the
    count in Chinese; ``after_zh`` says what happens once the period has run.
    """

    kind: DeadlineKind
    start: dt.date
    nominal_last_day: dt.date
    last_day: dt.date
    rolled_over: bool
    length: int
    unit: PeriodUnit
    name_zh: str
    rule: str
    after_zh: str
    starts_from_zh: str
    extension_zh: str
    citation: str
    status: Status
    policy_notes: tuple[str, ...]

    def as_json(self) -> dict[str, str | int | bool | list[str]]:
        """Plain values for JSON output; the start date is under ``"from"``."""
        return {
            "kind": self.kind.value,
            "from": self.start.isoformat(),
            "nominal_last_day": self.nominal_last_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "rolled_over": self.rolled_over,
            "length": self.length,
            "unit": self.unit.value,
            "name_zh": self.name_zh,
            "rule": self.rule,
            "after_zh": self.after_zh,
            "starts_from_zh": self.starts_from_zh,
            "extension_zh": self.extension_zh,
            "citation": self.citation,
            "status": self.status.value,
            "policy_notes": list(self.policy_notes),
        }


@dataclass(frozen=True, slots=True)
class DelayInterest:
    """加倍部分债务利息 on ``unpaid`` for ``days`` days (see :func:`delay_interest`)."""

    unpaid: Decimal
    start: dt.date
    end: dt.date
    days: int
    daily_rate: Decimal
    interest: Decimal
    rule: str
    citation: str
    status: Status

    def as_json(self) -> dict[str, str | int]:
        """Plain values for JSON output; the start date is under ``"from"``."""
        return {
            "unpaid": money.fmt_plain(self.unpaid),
            "from": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "daily_rate": str(self.daily_rate),
            "interest": money.fmt_plain(self.interest),
            "rule": self.rule,
            "citation": self.citation,
            "status": self.status.value,
        }


def _parse_bool(text: str, row: int) -> bool:
    value = text.strip().lower()
    if value not in {"true", "false"}:
        raise InputError(
            "roll_over", f"expected true or false, got {text!r}", source=DATA_FILE, row=row
        )
    return value == "true"


def _parse_length(text: str, row: int) -> int | None:
    if not text.strip():
        return None
    try:
        length = int(text)
    except ValueError as exc:
        raise InputError(
            "length", f"not a whole number: {text!r}", source=DATA_FILE, row=row
        ) from exc
    if length <= 0:
        raise InputError("length", f"must be positive: {text!r}", source=DATA_FILE, row=row)
    return length


@cache
def _rules() -> tuple[PeriodRule, ...]:
    rules = []
    for number, raw in enumerate(read_rows(DATA_FILE), start=2):
        rate = raw["daily_rate"].strip()
        rules.append(
            PeriodRule(
                rule_id=raw["rule_id"],
                name_zh=raw["name_zh"],
                length=_parse_length(raw["length"], number),
                unit=PeriodUnit(raw["unit"]),
                roll_over=_parse_bool(raw["roll_over"], number),
                citation=raw["citation"],
                status=Status(raw["status"]),
                starts_from_zh=raw["starts_from_zh"],
                extension_zh=raw["extension_zh"],
                summary_zh=raw["summary_zh"],
                after_zh=raw["after_zh"],
                effective_from=dt.date.fromisoformat(raw["effective_from"]),
                daily_rate=money.parse_rate(rate) if rate else None,
            )
        )
    return tuple(rules)


def rule_ids() -> tuple[str, ...]:
    """Every rule_id in ``periods.csv``, in file order."""
    return tuple(dict.fromkeys(rule.rule_id for rule in _rules()))


def period_rule(rule_id: str, on: dt.date) -> PeriodRule:
    """The version of rule ``rule_id`` in force on ``on``.

    >>> period_rule("public-notice", dt.date(2021, 6, 1)).length   # 2017 text, Art. 92
    60
    >>> period_rule("public-notice", dt.date(2022, 1, 1)).length   # Art. 95 since 2022
    30
    """
    versions = [rule for rule in _rules() if rule.rule_id == rule_id]
    if not versions:
        known = "、".join(rule_ids())
        raise RuleLookupError(f"未知的期间规则：{rule_id!r}（已知：{known}）")
    return in_force(versions, on, f"period rule {rule_id!r}")


def deadline(kind: DeadlineKind, start: dt.date, *, beyond_calendar: bool = False) -> Deadline:
    """The last day of the period ``kind`` that starts from ``start``.

    The rule in force on ``start`` applies. Worked examples (Art. 85 count, by hand):

    * answer, complaint copy received 2025-03-03: day 15 is 2025-03-18 (a Tuesday);
    * appeal against a judgment served 2025-09-20: day 15 is 2025-10-05, a National Day
      holiday, so the last day is 2025-10-09;
    * appeal against a judgment served 2025-09-26: day 15 is Saturday 2025-10-11, a make-up
      working day, so it stays.

    Raises :class:`~overdue.errors.CalendarCoverageError` when a roll-over needs a year the
    holiday calendar does not cover (trial limits, which do not roll over, need no calendar);
    with ``beyond_calendar``, for a last day in the year right after the calendar (whose
    holidays are not yet published), it returns the nominal last day instead — the earliest the
    period can end — with a policy note saying the day may still move (``last_day`` is then
    that nominal day and ``rolled_over`` False).
    """
    kind = DeadlineKind(kind)
    rule = period_rule(kind.value, start)
    if rule.length is None:  # pragma: no cover - the data file gives every deadline a length
        raise RuleLookupError(f"period rule {kind.value!r} has no length")
    if beyond_calendar:
        end, pending = period_end_or_nominal(start, rule.length, rule.unit, rule.roll_over)
        notes: tuple[str, ...] = (pending,) if pending else ()
    else:
        end, notes = period_end(start, rule.length, rule.unit, roll_over=rule.roll_over), ()
    counting = period_rule(_ROLL_OVER, start)
    statuses = {rule.status}
    if rule.roll_over:
        text = f"{rule.citation}：{rule.summary_zh}；{counting.summary_zh}（{_article(counting)}）"
        statuses.add(counting.status)
    else:
        text = (
            f"{rule.citation}：{rule.summary_zh}；期间开始之日不计算在内（{_article(counting)}）；"
            "审理期限届满日遇节假日不顺延"
        )
        notes = (*notes, "审理期限届满日遇节假日不顺延为本系统默认政策，未经核实")
    return Deadline(
        kind=kind,
        start=start,
        nominal_last_day=end.nominal_last_day,
        last_day=end.last_day,
        rolled_over=end.rolled_over,
        length=rule.length,
        unit=rule.unit,
        name_zh=rule.name_zh,
        rule=text,
        after_zh=rule.after_zh,
        starts_from_zh=rule.starts_from_zh,
        extension_zh=rule.extension_zh,
        citation=rule.citation,
        status=max(statuses, key=_STATUS_ORDER.index),
        policy_notes=notes,
    )


def period_end_or_nominal(
    start: dt.date, length: int, unit: PeriodUnit, roll_over: bool = True
) -> tuple[PeriodEnd, str | None]:
    """:func:`~overdue.dates.period_end`, or, when its roll-over needs the year right after the
    holiday calendar, the nominal last day (the earliest the period can end) and the note of
    :func:`beyond_calendar_note` (None otherwise). Years further out still raise
    :class:`~overdue.errors.CalendarCoverageError`."""
    try:
        return period_end(start, length, unit, roll_over=roll_over), None
    except CalendarCoverageError:
        end = period_end(start, length, unit, roll_over=False)
        if not pending_year(end.nominal_last_day):
            raise
        return end, beyond_calendar_note(end.nominal_last_day)


BEYOND_CALENDAR = "节假日安排尚未收录："  # the start of every note of beyond_calendar_note
# Fixed-date statutory holidays (《全国年节及纪念日放假办法》): known before each year's schedule.
# 劳动节 is two days from 2025 (the Measures as revised in 2024; from memory, UNVERIFIED).
_FIXED_HOLIDAYS = {(1, 1): "元旦", (5, 1): "劳动节", (5, 2): "劳动节", (10, 1): "国庆节",
                   (10, 2): "国庆节", (10, 3): "国庆节"}  # fmt: skip


def beyond_calendar_note(nominal: dt.date) -> str:
    """Why a last day whose roll-over needs an unpublished year is given as its nominal day."""
    pending = calendar_range()[1].year + 1
    unknown = f"{pending}年的放假安排尚未公布或尚未收录，具体哪一天还不能确定"
    holiday = _FIXED_HOLIDAYS.get((nominal.month, nominal.day))
    day = nominal.isoformat()
    if nominal.year < pending:  # a known rest day, rolling over into the unpublished year
        text = f"{day}是休息日，期间顺延到其后第一个工作日，已进入{pending}年；{unknown}。请在{day}之前办理"
    elif holiday:
        text = f"{day}是法定节假日（{holiday}），期间会顺延到节后第一个工作日；{unknown}。请在{day}之前办理"
    elif nominal.weekday() >= 5:  # a weekend is known; only a make-up working day (调休) isn't
        monday = nominal + dt.timedelta(days=7 - nominal.weekday())
        weekday = "六" if nominal.weekday() == 5 else "日"
        text = (
            f"{day}是星期{weekday}：除非{pending}年的放假安排把这天调为上班日，期间会顺延到其后第一个"
            f"工作日（最早{monday.isoformat()}星期一）；{unknown}。为稳妥起见，请在{day}当天或之前办理"
        )
    else:
        text = (
            f"{pending}年的法定节假日安排尚未公布或尚未收录，无法判断{day}是否为节假日。期间最早在"
            f"这一天届满；如果这天是节假日，会顺延到节后第一个工作日。为稳妥起见，请在{day}当天或之前办理"
        )
    return BEYOND_CALENDAR + text


def _article(rule: PeriodRule) -> str:
    """``民事诉讼法第八十五条`` -> ``第八十五条`` (cited after another 民诉法 article)."""
    return rule.citation[rule.citation.index("第") :] if "第" in rule.citation else rule.citation


def delay_interest(unpaid: Decimal, start: dt.date, end: dt.date) -> DelayInterest:
    """加倍部分债务利息 for late performance of a judgment (迟延履行).

    法释〔2014〕8号 Art. 1 (民事诉讼法 2023 Art. 264): unpaid money debt (excluding ordinary
    debt interest) x 0.000175 per day x days of delay. ``start`` is the last day of the
    performance period the judgment set (履行期间届满之日); as for any period the start day
    is not counted, so the days run from the day after ``start`` through ``end`` inclusive
    (``end`` = the day of payment): ``days = end - start``. Rounded half-up to the fen.

    Worked example: 100,000.00 unpaid, performance period ending 2025-03-10, paid on
    2025-03-20: days 03-11..03-20 = 10, interest = 100,000 x 0.000175 x 10 = 175.00.

    The rate is read from ``periods.csv`` (rule ``delay-interest``) in force on the first day
    of delay; before 2014-08-01 a different rule applied and a
    :class:`~overdue.errors.RuleLookupError` is raised. The citation is the one in force on
    ``end``.
    """
    unpaid = money.yuan(unpaid)
    if unpaid < 0:
        raise InputError("unpaid", f"未履行金额不能为负数：{unpaid}")
    if end < start:
        raise InputError(
            "end", f"计算截止日 {end.isoformat()} 早于履行期间届满日 {start.isoformat()}"
        )
    first_day = start + dt.timedelta(days=1)
    rate_rule = period_rule(_DELAY_INTEREST, min(first_day, end))
    cited = period_rule(_DELAY_INTEREST, end)
    if rate_rule.daily_rate is None or cited.daily_rate is None:  # pragma: no cover - data
        raise RuleLookupError("delay-interest rule without a daily_rate")
    if rate_rule.daily_rate != cited.daily_rate:  # pragma: no cover - the rate has never changed
        raise RuleLookupError("迟延履行利息日利率在计算期间内发生变化，需分段计算")
    days = (end - start).days
    with money.exact():
        exact = unpaid * rate_rule.daily_rate * days
    interest = money.round_fen(exact, money.Rounding.HALF_UP)
    text = (
        f"{cited.citation}：{cited.summary_zh}；自{first_day.isoformat()}起算至"
        f"{end.isoformat()}（含）共{days}日；四舍五入到分"
    )
    return DelayInterest(
        unpaid=unpaid,
        start=start,
        end=end,
        days=days,
        daily_rate=rate_rule.daily_rate,
        interest=interest,
        rule=text,
        citation=cited.citation,
        status=cited.status,
    )
