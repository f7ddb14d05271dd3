"""Statutory periods (民事诉讼法 2023) and 迟延履行 interest, with dates worked by hand.

Every expected date below was counted on a calendar, not produced by the code: the start day
is not counted (Art. 85), so day N of an N-day period is start + N days; a month or year period
ends on the corresponding day, or on the month's last day. Weekdays and holidays are from the
State Council's holiday notices (2025: National Day + Mid-Autumn 10-01..10-08 off, make-up
working days Sunday 09-28 and Saturday 10-11; 2026: Spring Festival 02-15..02-23 off, make-up
working days Saturday 02-14 and Saturday 02-28).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from overdue.dates import PeriodUnit
from overdue.errors import CalendarCoverageError, InputError, RuleLookupError
from overdue.rules._data import Status
from overdue.rules.periods import (
    DeadlineKind,
    deadline,
    delay_interest,
    period_rule,
    rule_ids,
)

pytestmark = pytest.mark.unit

D = Decimal
K = DeadlineKind


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# kind, start, nominal last day, last day, why (counted by hand)
WORKED = [
    (K.ANSWER, "2025-03-03", "2025-03-18", "2025-03-18", "Mon + 15 = Tue, a working day"),
    (K.ANSWER, "2025-02-28", "2025-03-15", "2025-03-17", "day 15 is a Saturday -> Monday"),
    (K.APPEAL_JUDGMENT, "2025-09-20", "2025-10-05", "2025-10-09", "National Day -> Thu 10-09"),
    (K.APPEAL_JUDGMENT, "2025-09-26", "2025-10-11", "2025-10-11", "Sat 10-11 is a make-up workday"),
    (K.ANSWER, "2025-09-13", "2025-09-28", "2025-09-28", "Sun 09-28 is a make-up workday"),
    (K.APPEAL_RULING, "2025-06-03", "2025-06-13", "2025-06-13", "Tue + 10 = Fri"),
    (K.PUBLIC_NOTICE, "2025-05-06", "2025-06-05", "2025-06-05", "May has 31 days: 05-06 + 30 = Thu 06-05"),
    (K.PUBLIC_NOTICE, "2021-12-01", "2022-01-30", "2022-01-30", "60 days before 2022; Sun 01-30 was a make-up workday"),
    (K.SIMPLIFIED_TRIAL, "2025-11-30", "2026-02-28", "2026-02-28", "no 02-30 -> month end"),
    (K.SMALL_CLAIMS_TRIAL, "2025-10-31", "2025-12-31", "2025-12-31", "two months, month end"),
    (K.ORDINARY_TRIAL, "2025-04-05", "2025-10-05", "2025-10-05", "trial limits do not roll over"),
    (K.ENFORCEMENT_APPLICATION, "2024-02-29", "2026-02-28", "2026-02-28", "no 02-29 in 2026; Sat 02-28 is a make-up workday"),
    (K.ENFORCEMENT_APPLICATION, "2023-10-01", "2025-10-01", "2025-10-09", "two years into National Day"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "start", "nominal", "last", "why"), WORKED, ids=[f"{w[0]}-{w[1]}" for w in WORKED]
)
def test_deadline_matches_the_date_counted_by_hand(
    kind: DeadlineKind, start: str, nominal: str, last: str, why: str
) -> None:
    result = deadline(kind, day(start))
    assert (result.start, result.nominal_last_day, result.last_day) == (
        day(start),
        day(nominal),
        day(last),
    ), why
    assert result.rolled_over is (nominal != last)


def test_a_fifteen_day_answer_period_with_no_holiday_ends_on_day_fifteen() -> None:
    result = deadline(K.ANSWER, day("2025-03-03"))
    assert result.last_day == day("2025-03-18")
    assert not result.rolled_over
    assert result.length == 15
    assert result.unit is PeriodUnit.DAY
    assert result.after_zh.startswith("期满不提出答辩状的，不影响人民法院审理")


def test_an_appeal_deadline_inside_national_day_moves_to_the_first_working_day() -> None:
    result = deadline(K.APPEAL_JUDGMENT, day("2025-09-20"))
    assert result.nominal_last_day == day("2025-10-05")
    assert result.last_day == day("2025-10-09")
    assert result.rolled_over
    assert result.rule == (
        "民事诉讼法第一百七十一条第一款：不服判决的上诉期为十五日；期间开始之日不计算在内，"
        "期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期（第八十五条）"
    )
    assert result.after_zh == "期满未上诉的，一审判决发生法律效力"
    assert result.status is Status.VERIFIED


def test_a_last_day_on_a_make_up_working_day_is_not_moved() -> None:
    # Saturday 2025-10-11 was a working day (调休), so the period ends that Saturday.
    result = deadline(K.APPEAL_JUDGMENT, day("2025-09-26"))
    assert result.last_day == day("2025-10-11")
    assert result.last_day.weekday() == 5
    assert not result.rolled_over


def test_a_trial_limit_ending_in_a_holiday_is_not_moved_and_says_so() -> None:
    result = deadline(K.ORDINARY_TRIAL, day("2025-04-05"))
    assert result.last_day == day("2025-10-05")
    assert not result.rolled_over
    assert "不顺延" in result.rule
    assert result.policy_notes


def test_public_notice_is_thirty_days_from_2022_and_sixty_before() -> None:
    assert period_rule("public-notice", day("2022-01-01")).length == 30
    old = period_rule("public-notice", day("2021-12-31"))
    assert old.length == 60
    assert old.status is Status.UNVERIFIED
    assert deadline(K.PUBLIC_NOTICE, day("2021-12-01")).status is Status.UNVERIFIED
    assert deadline(K.PUBLIC_NOTICE, day("2025-05-06")).citation == "民事诉讼法第九十五条"


def test_enforcement_application_cites_article_250_from_2024_and_246_before() -> None:
    assert deadline(K.ENFORCEMENT_APPLICATION, day("2024-02-29")).citation == (
        "民事诉讼法（2023年修正）第二百五十条"
    )
    assert deadline(K.ENFORCEMENT_APPLICATION, day("2023-12-31")).citation == (
        "民事诉讼法（2021年修正）第二百四十六条"
    )


def test_a_date_beyond_the_holiday_calendar_is_refused_with_a_clear_message() -> None:
    # 2026-12-20 + 15 days = 2027-01-04, a year chinese-calendar 1.11 does not cover.
    with pytest.raises(CalendarCoverageError, match=r"2027-01-04.*outside the holiday calendar"):
        deadline(K.ANSWER, day("2026-12-20"))


def test_a_deadline_before_the_modelled_texts_is_refused() -> None:
    with pytest.raises(RuleLookupError):
        deadline(K.ANSWER, day("2021-12-31"))


def test_an_unknown_rule_id_lists_the_known_ones() -> None:
    with pytest.raises(RuleLookupError, match="appeal-judgment"):
        period_rule("appeal", day("2025-01-01"))


def test_every_deadline_kind_has_a_rule_and_the_file_has_the_other_periods() -> None:
    ids = set(rule_ids())
    assert {kind.value for kind in DeadlineKind} <= ids
    assert {"limitation", "filing-review", "fee-payment", "delay-interest"} <= ids


def test_period_rule_returns_the_statutory_facts() -> None:
    rule = period_rule("limitation", day("2025-01-01"))
    assert (rule.length, rule.unit, rule.roll_over) == (3, PeriodUnit.YEAR, True)
    assert rule.citation == "民法典第一百八十八条"
    trial = period_rule("simplified-trial", day("2025-01-01"))
    assert (trial.length, trial.unit, trial.roll_over) == (3, PeriodUnit.MONTH, False)


def test_json_form_puts_the_start_under_from() -> None:
    data = deadline(K.APPEAL_RULING, day("2025-06-03")).as_json()
    assert data["from"] == "2025-06-03"
    assert data["last_day"] == "2025-06-13"
    assert data["kind"] == "appeal-ruling"


# --- 迟延履行 interest: 法释〔2014〕8号 Art. 1 -------------------------------------------------

# unpaid, last day of the performance period, paid on, days, interest (by hand)
DELAY = [
    ("100000.00", "2025-03-10", "2025-03-20", 10, "175.00"),  # 100,000 x 0.000175 x 10
    ("12345.67", "2025-01-31", "2025-03-03", 31, "66.98"),  # 2.16049225 x 31 = 66.975...
    ("100.00", "2025-01-01", "2025-01-07", 6, "0.11"),  # 0.105 exactly: half-up, not half-even
    ("50000.00", "2025-03-10", "2025-03-10", 0, "0.00"),  # paid on the last day: no delay
    ("20000.00", "2023-12-20", "2024-01-10", 21, "73.50"),  # spans 2024-01-01; 3.5 x 21
]


@pytest.mark.parametrize(("unpaid", "start", "end", "days", "interest"), DELAY)
def test_delay_interest_counts_from_the_day_after_the_performance_period(
    unpaid: str, start: str, end: str, days: int, interest: str
) -> None:
    result = delay_interest(D(unpaid), day(start), day(end))
    assert result.days == days
    assert result.interest == D(interest)
    assert result.daily_rate == D("0.000175")


def test_delay_interest_cites_the_2023_article_and_states_the_days() -> None:
    result = delay_interest(D("100000"), day("2025-03-10"), day("2025-03-20"))
    assert result.citation == "民事诉讼法（2023年修正）第二百六十四条；法释〔2014〕8号第一条"
    assert "自2025-03-11起算至2025-03-20（含）共10日" in result.rule
    assert result.as_json()["from"] == "2025-03-10"


def test_delay_interest_refuses_an_end_before_the_start_and_negative_debt() -> None:
    with pytest.raises(InputError, match="end"):
        delay_interest(D("100"), day("2025-03-10"), day("2025-03-09"))
    with pytest.raises(InputError, match="unpaid"):
        delay_interest(D("-1"), day("2025-03-10"), day("2025-03-20"))


def test_delay_interest_before_the_2014_interpretation_is_refused() -> None:
    with pytest.raises(RuleLookupError):
        delay_interest(D("100"), day("2014-07-01"), day("2014-09-01"))
