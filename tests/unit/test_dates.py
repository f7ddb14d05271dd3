"""Calendar arithmetic: working days, month and year steps, statutory period ends.

Expected dates are counted on a calendar by hand. Holidays and make-up working days (调休) are
from the State Council's notices:

- 2025: National Day + Mid-Autumn 10-01..10-08 off; make-up working days Sun 09-28, Sat 10-11.
  Spring Festival 01-28..02-04 off; make-up Sun 01-26, Sat 02-08. Labour Day make-up Sun 04-27.
- 2026: New Year 01-01..01-03 off, make-up Sun 01-04; Spring Festival 02-15..02-23 off,
  make-up Sat 02-14 and Sat 02-28.

chinese-calendar 1.11.0 (pinned) covers 2004 to 2026.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from overdue.dates import (
    PeriodEnd,
    PeriodUnit,
    add_months,
    add_years,
    calendar_range,
    is_working_day,
    next_working_day,
    parse_date,
    period_end,
)
from overdue.errors import CalendarCoverageError, InputError, OverdueError

pytestmark = pytest.mark.unit


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- is_working_day() -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "working", "why"),
    [
        ("2025-03-18", True, "a plain Tuesday"),
        ("2025-03-14", True, "a plain Friday"),
        ("2025-03-15", False, "a plain Saturday"),
        ("2025-03-16", False, "a plain Sunday"),
        ("2025-10-01", False, "National Day, a Wednesday"),
        ("2025-10-03", False, "National Day holiday, a Friday"),
        ("2025-10-08", False, "last day of the 2025 National Day holiday, a Wednesday"),
        ("2025-10-09", True, "first working day after National Day"),
        ("2025-10-04", False, "a Saturday inside the holiday"),
        ("2025-09-28", True, "make-up working day on a Sunday"),
        ("2025-10-11", True, "make-up working day on a Saturday"),
        ("2025-01-26", True, "make-up working day on a Sunday before Spring Festival"),
        ("2025-02-08", True, "make-up working day on a Saturday after Spring Festival"),
        ("2025-04-27", True, "make-up working day on a Sunday before Labour Day"),
        ("2025-02-03", False, "Spring Festival holiday, a Monday"),
        ("2026-01-04", True, "make-up working day on a Sunday after New Year"),
        ("2026-02-14", True, "make-up working day on a Saturday before Spring Festival"),
        ("2026-02-28", True, "make-up working day on a Saturday after Spring Festival"),
        ("2026-02-16", False, "Spring Festival holiday, a Monday"),
        ("2026-02-23", False, "last day of the 2026 Spring Festival holiday, a Monday"),
        ("2026-02-24", True, "first working day after Spring Festival"),
    ],
)
def test_is_working_day_follows_the_state_council_notice(on, working, why):
    assert is_working_day(day(on)) is working, why


# --- next_working_day() -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected", "why"),
    [
        ("2025-03-18", "2025-03-18", "a working day is its own next working day"),
        ("2025-03-15", "2025-03-17", "Saturday -> Monday"),
        ("2025-03-16", "2025-03-17", "Sunday -> Monday"),
        ("2025-10-01", "2025-10-09", "across the whole National Day holiday"),
        ("2025-09-27", "2025-09-28", "Saturday -> the make-up working Sunday"),
        ("2025-09-28", "2025-09-28", "a make-up working Sunday is itself"),
        ("2026-02-15", "2026-02-24", "across the whole Spring Festival holiday"),
    ],
)
def test_next_working_day_skips_weekends_and_holidays_but_not_make_up_days(on, expected, why):
    assert next_working_day(day(on)) == day(expected), why


# --- add_months(), add_years() ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2025-01-31", 2, "2025-03-31"),
        ("2025-03-31", 1, "2025-04-30"),
        ("2025-08-31", 1, "2025-09-30"),
        ("2025-01-15", 1, "2025-02-15"),
        ("2025-11-30", 3, "2026-02-28"),
        ("2025-12-31", 2, "2026-02-28"),
        ("2025-03-31", -1, "2025-02-28"),
        ("2025-01-31", 12, "2026-01-31"),
        ("2025-05-06", 0, "2025-05-06"),
    ],
)
def test_add_months_keeps_the_day_or_clamps_to_the_month_end(start, months, expected):
    assert add_months(day(start), months) == day(expected)


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        ("2024-02-29", 1, "2025-02-28"),
        ("2024-02-29", 2, "2026-02-28"),
        ("2024-02-29", 4, "2028-02-29"),
        ("2024-02-29", -1, "2023-02-28"),
        ("2023-10-01", 2, "2025-10-01"),
        ("2025-02-28", 3, "2028-02-28"),
    ],
)
def test_add_years_keeps_the_day_or_falls_back_from_leap_day(start, years, expected):
    assert add_years(day(start), years) == day(expected)


@given(
    start=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    months=st.integers(min_value=-240, max_value=240),
)
def test_add_months_lands_on_the_same_day_or_the_last_day_of_the_target_month(start, months):
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    assert add_months(start, months) == dt.date(year, month, min(start.day, last))


@given(
    start=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    years=st.integers(min_value=-50, max_value=50),
)
def test_add_years_lands_on_the_same_day_or_february_28(start, years):
    year = start.year + years
    last = calendar.monthrange(year, start.month)[1]
    assert add_years(start, years) == dt.date(year, start.month, min(start.day, last))


# --- period_end() -----------------------------------------------------------------------------

# start, length, unit, nominal last day, last day, why — counted by hand.
PERIODS = [
    ("2025-03-03", 15, "day", "2025-03-18", "2025-03-18", "start day not counted: Mon + 15 = Tue"),
    ("2025-03-03", 1, "day", "2025-03-04", "2025-03-04", "a one-day period ends the next day"),
    ("2025-03-03", 0, "day", "2025-03-03", "2025-03-03", "zero days"),
    ("2025-02-28", 15, "day", "2025-03-15", "2025-03-17", "ends on Saturday -> Monday"),
    ("2025-09-20", 15, "day", "2025-10-05", "2025-10-09", "ends in National Day -> 10-09"),
    ("2025-09-13", 15, "day", "2025-09-28", "2025-09-28", "make-up working Sunday ends it"),
    ("2025-09-26", 15, "day", "2025-10-11", "2025-10-11", "make-up working Saturday ends it"),
    ("2025-09-30", 10, "day", "2025-10-10", "2025-10-10", "eight holidays inside are not deducted"),
    ("2026-02-10", 5, "day", "2026-02-15", "2026-02-24", "ends on Spring Festival -> 02-24"),
    ("2025-01-31", 1, "month", "2025-02-28", "2025-02-28", "no 02-31 -> month end, a Friday"),
    ("2024-01-31", 1, "month", "2024-02-29", "2024-02-29", "leap year month end, a Thursday"),
    ("2025-09-01", 1, "month", "2025-10-01", "2025-10-09", "month ends in National Day"),
    ("2025-08-28", 1, "month", "2025-09-28", "2025-09-28", "make-up working Sunday ends it"),
    ("2024-02-29", 1, "year", "2025-02-28", "2025-02-28", "no 02-29 in 2025 -> 02-28, a Friday"),
    ("2023-10-01", 2, "year", "2025-10-01", "2025-10-09", "two years into National Day"),
    ("2024-02-29", 2, "year", "2026-02-28", "2026-02-28", "Sat 02-28 is a make-up working day"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("start", "length", "unit", "nominal", "last", "why"),
    PERIODS,
    ids=[f"{p[0]}+{p[1]}{p[2]}" for p in PERIODS],
)
def test_period_end_matches_the_date_counted_by_hand(start, length, unit, nominal, last, why):
    result = period_end(day(start), length, PeriodUnit(unit))
    assert result == PeriodEnd(start=day(start), nominal_last_day=day(nominal), last_day=day(last))
    assert result.rolled_over is (nominal != last), why


def test_period_end_without_roll_over_stops_on_a_rest_day():
    result = period_end(day("2025-09-20"), 15, PeriodUnit.DAY, roll_over=False)
    assert result.nominal_last_day == day("2025-10-05")
    assert result.last_day == day("2025-10-05")
    assert result.rolled_over is False


def test_period_end_without_roll_over_may_end_beyond_the_holiday_calendar():
    # A three-year limitation period (民法典 Art. 188) from 2024-03-01: the nominal day is fine
    # without the calendar; with roll-over the calendar is needed and 2027 is not covered.
    result = period_end(day("2024-03-01"), 3, PeriodUnit.YEAR, roll_over=False)
    assert result.last_day == day("2027-03-01")
    with pytest.raises(CalendarCoverageError):
        period_end(day("2024-03-01"), 3, PeriodUnit.YEAR)


def test_period_end_refuses_a_negative_length():
    with pytest.raises(ValueError, match="negative"):
        period_end(day("2025-03-03"), -1, PeriodUnit.DAY)


# --- calendar coverage ------------------------------------------------------------------------


def test_calendar_range_is_the_years_the_pinned_chinese_calendar_covers():
    assert calendar_range() == (day("2004-01-01"), day("2026-12-31"))


@pytest.mark.parametrize(
    "on", ["2027-01-01", "2027-01-04", "2027-06-15", "2003-12-31", "2003-06-02"]
)
def test_a_date_outside_the_holiday_calendar_is_refused_naming_the_covered_years(on):
    with pytest.raises(CalendarCoverageError) as caught:
        is_working_day(day(on))
    message = str(caught.value)
    assert on in message
    assert "2004" in message
    assert "2026" in message


def test_next_working_day_is_refused_outside_the_calendar():
    with pytest.raises(CalendarCoverageError):
        next_working_day(day("2027-02-01"))


def test_the_first_and_last_covered_days_are_answered():
    assert is_working_day(day("2004-01-01")) is False  # New Year's Day, a Thursday
    assert is_working_day(day("2004-01-02")) is True  # a Friday
    assert is_working_day(day("2026-12-31")) is True  # a Thursday


def test_calendar_coverage_error_is_a_lookup_error_the_faces_report():
    assert issubclass(CalendarCoverageError, LookupError)
    assert issubclass(CalendarCoverageError, OverdueError)


# --- parse_date() -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-09-30", "2025-09-30"), (" 2025-09-30\n", "2025-09-30"), ("2024-02-29", "2024-02-29")],
)
def test_parse_date_reads_iso_dates(text, expected):
    assert parse_date(text) == day(expected)


@pytest.mark.parametrize("bad", ["2025-02-29", "2025-13-01", "30/09/2025", "", "tomorrow", None])
def test_parse_date_errors_name_the_field(bad):
    with pytest.raises(InputError) as caught:
        parse_date(bad, "contract_on")
    assert caught.value.field == "contract_on"
    assert str(caught.value).startswith("contract_on: ")
    assert "YYYY-MM-DD" in str(caught.value)


def test_parse_date_error_names_date_when_no_field_is_given():
    with pytest.raises(InputError) as caught:
        parse_date("2025-02-30")
    assert caught.value.field == "date"
    assert "'2025-02-30'" in str(caught.value)
