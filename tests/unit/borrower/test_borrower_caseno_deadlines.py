"""Case numbers explained for a borrower, and the borrower's deadlines after a court document."""

from __future__ import annotations

import datetime as dt

import pytest

from overdue.borrower.caseno import explain_case_number
from overdue.borrower.deadlines import DocumentKind, borrower_deadline
from overdue.dates import calendar_range, pending_year
from overdue.errors import InputError
from overdue.rules.periods import BEYOND_CALENDAR, beyond_calendar_note

pytestmark = pytest.mark.unit

DAY = dt.date(2026, 11, 23)


def test_a_first_instance_number_names_the_internet_court_and_the_answer_period() -> None:
    r = explain_case_number("(2024)浙0192民初1779号", DAY)
    assert r.valid
    assert r.is_filed_lawsuit
    assert r.court == "杭州互联网法院"
    assert r.stage == "一审"
    assert any("15日内可以答辩" in f for f in r.findings)
    assert any("中国裁判文书网" in v for v in r.verify)
    assert any("12368" in v for v in r.verify)


def test_a_number_inside_a_message_is_found() -> None:
    r = explain_case_number("您好，（2024）沪0114执2986号案件已进入执行，请联系。", DAY)
    assert r.case_number == "（2024）沪0114执2986号"
    assert r.stage == "执行"
    assert r.is_filed_lawsuit
    assert any("强制执行" in f for f in r.findings)


def test_every_number_in_a_message_is_explained_and_an_invalid_one_leads() -> None:
    text = "一审（2024）京0105民初12号，二审（2025）京01民终9999号，现已进入执行（2025）京0105执5号"
    result = explain_case_number(text, DAY)
    assert result.valid
    assert result.case_number == "（2024）京0105民初12号"
    assert [o.check.type_code for o in result.others if o.check] == ["民终", "执"]
    assert any("（2025）京0105执5号" in line and "执行" in line for line in result.lines)
    assert any(line.startswith("这是执行案件") for line in result.findings)
    assert [o["case_number"] for o in result.to_json()["others"]] == [
        "（2025）京01民终9999号",
        "（2025）京0105执5号",
    ]
    mixed = explain_case_number("（2025）京0105民初5号已立案，执行案号（2027）京0105执12号", DAY)
    assert not mixed.valid
    assert mixed.case_number == "（2027）京0105执12号"
    assert [o.case_number for o in mixed.others] == ["（2025）京0105民初5号"]


def test_pre_suit_mediation_is_not_a_filed_lawsuit() -> None:
    r = explain_case_number("（2026）浙0106民诉前调1234号", DAY)
    assert r.valid
    assert not r.is_filed_lawsuit
    assert any("还没有正式立案" in f for f in r.findings)


def test_spaces_inside_a_number_and_a_missing_hao_are_read_as_a_case_number() -> None:
    spaced = explain_case_number("(2024) 京0105 民初 12345 号", DAY)
    assert spaced.valid
    assert spaced.case_number == "（2024）京0105民初12345号"
    no_hao = explain_case_number("(2024)京0105民初12345", DAY)
    assert not no_hao.valid
    assert any("号" in f for f in no_hao.findings)
    assert not no_hao.summary.startswith("没有案号")


def test_no_case_number_at_all_is_itself_a_finding() -> None:
    for text in (None, "", "你的案件已立案，请速处理"):
        r = explain_case_number(text, DAY)
        assert r.case_number is None
        assert not r.valid
        assert not r.is_filed_lawsuit
        assert "没有案号" in r.summary


def test_a_number_from_the_future_is_invalid_and_not_explained_as_a_lawsuit() -> None:
    r = explain_case_number("(2027)浙0192民初1779号", DAY)
    assert not r.valid
    assert not r.is_filed_lawsuit
    assert any("2027" in f for f in r.findings)
    assert not any("正式立案" in f for f in r.findings)


def test_explanation_json_has_iso_dates() -> None:
    data = explain_case_number("(2024)浙0192民初1779号", DAY).to_json()
    assert data["as_of"] == "2026-11-23"
    assert data["check"]["type_code"] == "民初"


# -- deadlines (民事诉讼法 Arts. 85, 128, 171, 165) ---------------------------------


def test_answer_period_counts_15_days_from_the_day_after_receipt() -> None:
    # 2025-03-03 + 15 days = 2025-03-18, a Tuesday: no roll-over.
    r = borrower_deadline("complaint", dt.date(2025, 3, 3), as_of=dt.date(2025, 3, 10))
    assert r.last_day == dt.date(2025, 3, 18)
    assert not r.rolled_over
    assert r.days_left == 8
    assert "答辩" in r.action


def test_appeal_against_a_judgment_rolls_over_the_national_day_holiday() -> None:
    # Day 15 is 2025-10-05 inside 10-01..10-08: the last day is 2025-10-09.
    r = borrower_deadline(DocumentKind.JUDGMENT, dt.date(2025, 9, 20), as_of=dt.date(2025, 9, 20))
    assert (r.nominal_last_day, r.last_day, r.rolled_over) == (
        dt.date(2025, 10, 5),
        dt.date(2025, 10, 9),
        True,
    )
    assert "强制执行" in r.after


def test_a_make_up_working_saturday_ends_the_period() -> None:
    # 2025-09-26 + 15 = Saturday 2025-10-11, a make-up working day (调休).
    r = borrower_deadline("judgment", dt.date(2025, 9, 26), as_of=dt.date(2025, 9, 26))
    assert r.last_day == dt.date(2025, 10, 11)


def test_appeal_against_a_ruling_is_ten_days() -> None:
    # 2025-09-20 + 10 = 2025-09-30, a Tuesday.
    r = borrower_deadline("ruling", dt.date(2025, 9, 20), as_of=dt.date(2025, 9, 22))
    assert r.last_day == dt.date(2025, 9, 30)


def test_payment_order_objection_is_15_days_and_marked_unverified_for_the_article() -> None:
    r = borrower_deadline("payment-order", dt.date(2025, 9, 20), as_of=dt.date(2025, 9, 22))
    assert r.last_day == dt.date(2025, 10, 9)
    assert r.status == "UNVERIFIED"
    assert "书面异议" in r.action


def test_a_small_claims_judgment_is_final_on_service() -> None:
    r = borrower_deadline(
        "judgment", dt.date(2026, 11, 2), as_of=dt.date(2026, 11, 3), small_claims=True
    )
    assert r.final_on_service
    assert r.last_day is None
    assert "一审终审" in r.summary


def test_a_small_claims_ruling_is_final_on_service_too() -> None:
    r = borrower_deadline(
        "ruling", dt.date(2026, 11, 30), as_of=dt.date(2026, 12, 3), small_claims=True
    )
    assert r.final_on_service
    assert r.last_day is None
    assert "裁定一审终审" in r.summary


@pytest.mark.parametrize("kind", ["complaint", "judgment", "ruling", "payment-order"])
def test_a_last_day_past_the_holiday_calendar_is_its_nominal_day_with_a_warning(
    kind: str,
) -> None:
    """Received five days before the calendar's last covered day: the count ends in a year
    whose holidays are not published. The answer is the nominal day (the earliest possible),
    said to possibly move, instead of an error."""
    received = calendar_range()[1] - dt.timedelta(days=5)
    r = borrower_deadline(kind, received, as_of=received)
    days = 10 if kind == "ruling" else 15
    assert r.last_day == r.nominal_last_day == received + dt.timedelta(days=days)
    assert not r.rolled_over
    note = next(line for line in r.lines if "节假日安排尚未收录" in line)
    assert r.last_day.isoformat() in note
    assert "顺延" in note


def test_a_last_day_on_new_years_day_of_the_unpublished_year_certainly_moves() -> None:
    """元旦 is a statutory holiday every year: the note says the day moves, and to act before
    it; a rest day at the end of the calendar's last year rolls into the unpublished year."""
    pending = calendar_range()[1].year + 1
    new_year = dt.date(pending, 1, 1)
    r = borrower_deadline("judgment", new_year - dt.timedelta(days=15), as_of=new_year)
    assert r.last_day == new_year
    assert r.summary.startswith(f"{new_year - dt.timedelta(days=15)}收到判决书：最后一天最早是")
    note = next(line for line in r.lines if line.startswith(BEYOND_CALENDAR))
    assert "元旦" in note
    assert f"请在{new_year.isoformat()}之前办理" in note
    later = borrower_deadline(
        "judgment", new_year - dt.timedelta(days=15), as_of=new_year + dt.timedelta(days=1)
    )
    assert "已于" not in later.summary  # the real last day is after the holiday: not expired
    assert "可能尚未届满" in later.summary
    assert pending_year(dt.date(pending - 1, 12, 31))
    assert not pending_year(dt.date(pending - 2, 12, 31))
    assert "是休息日" in beyond_calendar_note(dt.date(pending - 1, 12, 31))


def test_a_passed_deadline_says_so() -> None:
    r = borrower_deadline("complaint", dt.date(2025, 3, 3), as_of=dt.date(2025, 4, 1))
    assert r.days_left is not None
    assert r.days_left < 0
    assert "已于2025-03-18届满" in r.summary


def test_bad_input_names_the_field() -> None:
    with pytest.raises(InputError, match="kind"):
        borrower_deadline("letter", dt.date(2025, 3, 3), as_of=dt.date(2025, 3, 3))
    with pytest.raises(InputError, match="received_on"):
        borrower_deadline("complaint", dt.date(2025, 3, 4), as_of=dt.date(2025, 3, 3))


def test_small_claims_warns_of_a_shorter_answer_period_and_is_refused_for_a_payment_order() -> None:
    plain = borrower_deadline("complaint", dt.date(2026, 11, 2), as_of=DAY)
    small = borrower_deadline("complaint", dt.date(2026, 11, 2), as_of=DAY, small_claims=True)
    assert small.last_day == plain.last_day  # the latest it can be
    assert any("最长不超过15日" in line for line in small.lines)
    assert not any("最长不超过15日" in line for line in plain.lines)
    with pytest.raises(InputError) as err:
        borrower_deadline("payment-order", dt.date(2026, 11, 2), as_of=DAY, small_claims=True)
    assert err.value.field == "small_claims"


def test_a_serial_number_of_more_than_seven_digits_is_flagged_for_checking() -> None:
    r = explain_case_number("（2025）京0105民初1234567890123号", DAY)
    assert any("超过7位数" in f for f in r.findings)
    assert not any(
        "超过7位数" in f for f in explain_case_number("（2025）京0105民初123456号", DAY).findings
    )


def test_a_last_day_on_a_weekend_of_the_unpublished_year_says_it_moves_unless_made_a_workday() -> (
    None
):
    # The first Saturday after 5 January of the year the holiday calendar does not cover yet
    # (2027 with chinese-calendar 1.11.0): a judgment received 15 days before it.
    pending = calendar_range()[1].year + 1
    saturday = dt.date(pending, 1, 5)
    saturday += dt.timedelta(days=(5 - saturday.weekday()) % 7)
    received = saturday - dt.timedelta(days=15)
    r = borrower_deadline("judgment", received, as_of=received)
    assert r.last_day == saturday
    note = next(line for line in r.lines if "节假日安排尚未收录" in line)
    assert f"{saturday.isoformat()}是星期六" in note
    assert "调为上班日" in note
    assert f"最早{(saturday + dt.timedelta(days=2)).isoformat()}星期一" in note


def test_one_number_written_in_full_width_and_half_width_is_explained_once() -> None:
    r = explain_case_number("（2025）京0105民初5号，即(2025)京0105民初5号", DAY)
    assert r.others == ()
