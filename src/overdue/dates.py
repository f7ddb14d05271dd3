"""Calendar arithmetic for mainland China: business days, month/year steps, statutory periods.

Business days come from the ``chinese-calendar`` package, which records the State Council's
statutory holidays and the make-up working days (调休) year by year. A make-up working day
that falls on a weekend is a working day; a weekday inside a holiday is a rest day.

The package covers a fixed range of years; a date outside it raises
:class:`~overdue.errors.CalendarCoverageError` instead of guessing from weekends alone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import chinese_calendar
from dateutil.relativedelta import relativedelta

from overdue.errors import CalendarCoverageError, InputError

__all__ = [
    "WRITTEN_DAY",
    "PeriodEnd",
    "PeriodUnit",
    "add_months",
    "add_years",
    "calendar_range",
    "date_cn",
    "is_working_day",
    "next_working_day",
    "parse_date",
    "period_end",
]


def parse_date(value: str, field: str = "date") -> dt.date:
    """Parse an ISO date (``2025-09-30``); the error names the field."""
    try:
        text = value.strip()
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except (ValueError, AttributeError, IndexError) as exc:
        raise InputError(field, f"not a date in the form YYYY-MM-DD: {value!r}") from exc


# A day as people write it: 2025-04-15, 2025/4/15, 2025.4.15, 2025年4月15日 (groups: year,
# month, day). Full-width digits are the caller's to make ASCII (NFKC) first.
WRITTEN_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日)?")


def date_cn(value: dt.date | None) -> str:
    """A day as Chinese legal text writes it: ``date(2025, 1, 5)`` -> ``2025年1月5日``;
    ``None`` -> ``""``."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@cache
def calendar_range() -> tuple[dt.date, dt.date]:
    """First and last day for which the holiday data is complete (whole years)."""
    known = list(chinese_calendar.constants.holidays) + list(chinese_calendar.constants.workdays)
    first = min(known).year
    last = max(known).year
    return dt.date(first, 1, 1), dt.date(last, 12, 31)


def calendar_coverage_zh() -> str:
    """The refusal for a day beyond the holiday calendar, in Chinese for borrowers."""
    first, last = calendar_range()
    return (
        f"无法计算：节假日日历只覆盖 {first.year}–{last.year} 年，这个日期超出范围，"
        "我们不猜测节假日安排"
    )


def pending_year(day: dt.date) -> bool:
    """True for a day whose roll-over may need the year right after the holiday calendar (the
    year whose holidays the State Council has not yet published, or this package not yet
    received): a day in that year, or in the calendar's last year (31 December on a weekend)."""
    last = calendar_range()[1].year
    return day.year in (last, last + 1)


def _check_covered(day: dt.date) -> None:
    first, last = calendar_range()
    if not first <= day <= last:
        raise CalendarCoverageError(
            f"{day.isoformat()} is outside the holiday calendar ({first.year}–{last.year}, "
            f"chinese-calendar {chinese_calendar.__version__}); the State Council publishes each "
            "year's holidays in the preceding autumn — update the package rather than guess"
        )


def is_working_day(day: dt.date) -> bool:
    """True on a working day, including a make-up working day on a weekend."""
    _check_covered(day)
    return bool(chinese_calendar.is_workday(day))


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day-of-month ``months`` later; the month's last day when there is none (1-31 -> 2-28)."""
    result: dt.date = day + relativedelta(months=months)
    return result


def add_years(day: dt.date, years: int) -> dt.date:
    """Same day ``years`` later; 2-29 -> 2-28 in a common year."""
    result: dt.date = day + relativedelta(years=years)
    return result


class PeriodUnit(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class PeriodEnd:
    """The last day of a period and how it was reached."""

    start: dt.date
    nominal_last_day: dt.date
    last_day: dt.date

    @property
    def rolled_over(self) -> bool:
        return self.last_day != self.nominal_last_day


def period_end(
    start: dt.date, length: int, unit: PeriodUnit, *, roll_over: bool = True
) -> PeriodEnd:
    """Last day of a statutory period (民事诉讼法 Art. 85; 民法典 Arts. 200-203).

    The day the period starts from is not counted, so a 15-day period from 2025-03-03 ends
    on 2025-03-18. A period in months or years ends on the corresponding day, or on the
    last day of the month when there is none. Holidays inside the period are not deducted.
    If the last day is a rest day (weekend or statutory holiday) it moves to the next
    working day; a make-up working day (调休) is a working day and ends the period.

    Worked example: a judgment served on 2025-09-20 (15-day appeal period) nominally ends
    on 2025-10-05, inside the National Day holiday (10-01..10-08), so the last day is
    2025-10-09.
    """
    if length < 0:
        raise ValueError("period length must not be negative")
    if unit is PeriodUnit.DAY:
        nominal = start + dt.timedelta(days=length)
    elif unit is PeriodUnit.MONTH:
        nominal = add_months(start, length)
    else:
        nominal = add_years(start, length)
    last = next_working_day(nominal) if roll_over else nominal
    return PeriodEnd(start=start, nominal_last_day=nominal, last_day=last)
