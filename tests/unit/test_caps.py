"""Interest caps and the one-year LPR they depend on (legal reference §2).

Expected LPR figures come from the project's independent reference table
``tests/fixtures/lpr_reference.csv`` (a copy of the legal reference's ``lpr.csv``) and from the change points
listed in the legal reference §2.6, written out by hand below. Caps: 法发〔2017〕22号 Art. 2
(24 % for licensed lenders); 法释〔2020〕17号 Arts. 25, 28, 29 (4 × one-year LPR at the contract
date) and Art. 31 (contracts before 2020-08-20: 24 % to 2020-08-19, then 4 × LPR at filing).
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path

import pytest

from overdue.errors import RuleLookupError
from overdue.rules._data import Status
from overdue.rules.caps import (
    TRANSITION_DAY,
    CapProfile,
    CapSegment,
    CapSettings,
    cap_segments,
    lpr_1y,
    lpr_history,
    lpr_note,
)

pytestmark = pytest.mark.unit

D = Decimal
REFERENCE_LPR = Path(__file__).parents[1] / "fixtures" / "lpr_reference.csv"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@cache
def reference_rows() -> tuple[dict[str, str], ...]:
    """The shared reference table; its absence is a failure, never a skip."""
    assert REFERENCE_LPR.is_file(), f"the independent LPR reference is missing: {REFERENCE_LPR}"
    with REFERENCE_LPR.open(encoding="utf-8", newline="") as f:
        rows = tuple(csv.DictReader(line for line in f if not line.startswith("#")))
    assert len(rows) == 79, "legal reference §2.6 describes 79 monthly rows (2019-08 to 2026-02)"
    return rows


def reference_in_force(on: dt.date) -> dict[str, str]:
    """The reference row in force on ``on``: the latest publication on or before it."""
    published = [r for r in reference_rows() if day(r["publication_date"]) <= on]
    assert published, f"no reference publication on or before {on}"
    return max(published, key=lambda r: r["publication_date"])


def pct(text: str) -> Decimal:
    return Decimal(text) / 100


# Change points of legal reference §2.6: publication date, 1Y %, 5Y+ %.
CHANGE_POINTS = [
    ("2019-08-20", "4.25", "4.85"),
    ("2019-09-20", "4.20", "4.85"),
    ("2019-11-20", "4.15", "4.80"),
    ("2020-02-20", "4.05", "4.75"),
    ("2020-04-20", "3.85", "4.65"),
    ("2021-12-20", "3.80", "4.65"),
    ("2022-01-20", "3.70", "4.60"),
    ("2022-05-20", "3.70", "4.45"),
    ("2022-08-22", "3.65", "4.30"),
    ("2023-06-20", "3.55", "4.20"),
    ("2023-08-21", "3.45", "4.20"),
    ("2024-02-20", "3.45", "3.95"),
    ("2024-07-22", "3.35", "3.85"),
    ("2024-10-21", "3.10", "3.60"),
    ("2025-05-20", "3.00", "3.50"),
]


# --- lpr_1y() ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("published", "rate_1y", "rate_5y"), CHANGE_POINTS)
def test_lpr_1y_on_a_change_date_is_the_new_publication(published, rate_1y, rate_5y):
    found = lpr_1y(day(published))
    assert found.effective_from == day(published)
    assert found.rate_1y == pct(rate_1y)
    assert found.rate_5y == pct(rate_5y)
    reference = reference_in_force(day(published))
    assert reference["publication_date"] == published
    assert found.rate_1y == pct(reference["lpr_1y_pct"])
    assert found.rate_5y == pct(reference["lpr_5y_plus_pct"])


@pytest.mark.parametrize(
    ("published", "previous_1y", "previous_5y"),
    [(now[0], before[1], before[2]) for before, now in pairwise(CHANGE_POINTS)],
)
def test_lpr_1y_the_day_before_a_change_is_still_the_previous_rate(
    published, previous_1y, previous_5y
):
    eve = day(published) - dt.timedelta(days=1)
    found = lpr_1y(eve)
    assert found.effective_from < day(published)
    assert found.rate_1y == pct(previous_1y)
    assert found.rate_5y == pct(previous_5y)
    reference = reference_in_force(eve)
    assert found.effective_from == day(reference["publication_date"])
    assert found.rate_1y == pct(reference["lpr_1y_pct"])


@pytest.mark.parametrize(
    ("on", "published", "rate_1y"),
    [
        ("2019-08-20", "2019-08-20", "4.25"),
        ("2019-08-21", "2019-08-20", "4.25"),
        ("2020-04-20", "2020-04-20", "3.85"),
        ("2020-08-19", "2020-07-20", "3.85"),
        ("2021-03-01", "2021-02-20", "3.85"),  # the worked example in caps.py
        ("2024-10-20", "2024-09-20", "3.35"),  # a Sunday: the October figure is not out yet
        ("2024-10-21", "2024-10-21", "3.10"),
        ("2025-05-19", "2025-04-21", "3.10"),
        ("2025-05-20", "2025-05-20", "3.00"),
        ("2026-02-24", "2026-02-24", "3.00"),
    ],
)
def test_lpr_1y_is_the_latest_publication_on_or_before_the_day(on, published, rate_1y):
    found = lpr_1y(day(on))
    assert found.effective_from == day(published)
    assert found.rate_1y == pct(rate_1y)
    assert found.rate_1y == pct(reference_in_force(day(on))["lpr_1y_pct"])


def test_lpr_1y_agrees_with_the_reference_on_every_publication_day_and_the_day_before():
    rows = reference_rows()
    for before, row in pairwise(rows):
        published = day(row["publication_date"])
        assert lpr_1y(published).rate_1y == pct(row["lpr_1y_pct"]), published
        assert lpr_1y(published).effective_from == published
        eve = published - dt.timedelta(days=1)
        assert lpr_1y(eve).rate_1y == pct(before["lpr_1y_pct"]), eve
        assert lpr_1y(eve).effective_from == day(before["publication_date"]), eve


def test_lpr_1y_before_the_first_publication_is_refused():
    with pytest.raises(RuleLookupError, match="2019-08-20"):
        lpr_1y(day("2019-08-19"))
    with pytest.raises(RuleLookupError):
        lpr_1y(day("2015-01-01"))


def test_lpr_1y_after_the_last_row_uses_the_last_publication():
    last = reference_rows()[-1]
    found = lpr_1y(day("2026-06-30"))
    assert found.effective_from == day(last["publication_date"])
    assert found.rate_1y == pct(last["lpr_1y_pct"])


# --- the packaged table against the reference -------------------------------------------------


def test_the_packaged_lpr_table_has_the_same_dates_and_rates_as_the_reference():
    packaged = [(p.month, p.effective_from, p.rate_1y, p.rate_5y) for p in lpr_history()]
    reference = [
        (
            r["month"],
            day(r["publication_date"]),
            pct(r["lpr_1y_pct"]),
            pct(r["lpr_5y_plus_pct"]),
        )
        for r in reference_rows()
    ]
    assert packaged == reference


def test_the_reference_four_times_column_is_four_times_the_one_year_rate():
    # A check on the reference itself, so that the 4 x figures used below can be trusted.
    for r in reference_rows():
        assert Decimal(r["lpr_1y_x4_pct"]) == 4 * Decimal(r["lpr_1y_pct"]), r["month"]


def test_packaged_lpr_rows_are_unverified_exactly_where_the_reference_says_so():
    reference = {r["month"]: r["source_or_status"] for r in reference_rows()}
    for p in lpr_history():
        note = reference[p.month]
        doubtful = "UNVERIFIED" in note or "inferred" in note
        expected = Status.UNVERIFIED if doubtful else Status.SECONDARY
        assert p.status is expected, p.month


def test_the_packaged_lpr_file_is_stored_oldest_first_without_duplicates():
    text = resources.files("overdue.rules").joinpath("data", "lpr.csv").read_text("utf-8")
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    dates = [r["effective_from"] for r in rows]
    assert dates == sorted(dates)
    assert len(set(dates)) == len(dates) == 79


# --- lpr_note() -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "on", ["2021-03-01", "2026-02-23", "2026-02-24", "2026-03-01", "2026-03-19"]
)
def test_lpr_note_is_empty_while_the_table_cannot_be_missing_a_publication(on):
    # The last row is 2026-02-24; the next LPR is published on the 20th of the following month
    # (next business day if that is a holiday), so before 2026-03-20 nothing can be missing.
    assert lpr_note(day(on)) == ""


@pytest.mark.parametrize("on", ["2026-03-25", "2026-03-28", "2026-04-01", "2026-12-31"])
def test_lpr_note_warns_more_than_a_month_after_the_last_publication(on):
    # 2026-02-24 + one month = 2026-03-24; from 2026-03-25 on, a month has passed (and the
    # March publication of 2026-03-20 may be missing from the table).
    note = lpr_note(day(on))
    assert note != ""
    assert "2026-02" in note
    d = day(on)
    assert f"{d.year}年{d.month}月{d.day}日" in note


def test_a_caveat_on_the_lpr_is_kept_apart_from_the_rule_a_court_document_cites():
    # A private loan made after the table's last publication: the cap rests on the latest
    # figure the table has, which the operator must check; the complaint cites the rule only.
    (segment,) = cap_segments(
        CapProfile.PRIVATE_4LPR, day("2026-06-05"), filed_on=day("2026-11-20")
    )
    assert segment.rule == (
        "法释〔2020〕17号第二十五、二十九条：合同成立时一年期LPR 3%（2026年2月24日发布）的4倍"
    )
    assert "未录入" in segment.note
    assert segment.explained == segment.rule + segment.note
    (early,) = cap_segments(CapProfile.PRIVATE_4LPR, day("2025-06-05"), filed_on=day("2026-11-20"))
    assert early.note == ""


# --- CapSettings ------------------------------------------------------------------------------


def test_cap_settings_defaults_are_the_statutory_figures():
    settings = CapSettings.defaults()
    assert settings.licensed_rate == D("0.24")  # 法发〔2017〕22号 Art. 2
    assert settings.lpr_multiple == D("4")  # 法释〔2020〕17号 Art. 25
    assert settings.transition_old_rate == D("0.24")  # Art. 31: the 2015 rules' 24 %
    assert settings.day_basis == 365  # policy default


def test_cap_settings_defaults_reflect_cap_profiles_csv():
    text = resources.files("overdue.rules").joinpath("data", "cap_profiles.csv").read_text("utf-8")
    rows = {
        r["profile"]: r
        for r in csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    }
    settings = CapSettings.defaults()
    assert settings.licensed_rate == Decimal(rows["licensed-24"]["rate"])
    assert settings.lpr_multiple == Decimal(rows["private-4lpr"]["rate"])
    assert settings.transition_old_rate == Decimal(rows["private-4lpr-transition"]["rate"])
    assert settings.day_basis == int(rows["licensed-24"]["day_basis"])


# --- cap_segments() ---------------------------------------------------------------------------


def test_licensed_lenders_have_one_open_ended_24_percent_segment():
    segments = cap_segments(CapProfile.LICENSED_24, day("2021-03-01"), filed_on=day("2025-06-01"))
    assert len(segments) == 1
    (segment,) = segments
    assert (segment.starts_on, segment.ends_before, segment.annual_rate) == (None, None, D("0.24"))
    assert "法发〔2017〕22号" in segment.rule


def test_licensed_cap_does_not_depend_on_the_contract_date():
    # Even before the LPR existed: the 24 % line does not look the LPR up.
    segments = cap_segments(CapProfile.LICENSED_24, day("2018-01-01"), filed_on=day("2025-06-01"))
    assert [s.annual_rate for s in segments] == [D("0.24")]


def test_no_cap_profile_has_no_segments():
    assert cap_segments(CapProfile.NONE, day("2021-03-01"), filed_on=day("2025-06-01")) == ()


@pytest.mark.parametrize(
    ("contract_on", "published"),
    [
        ("2020-08-20", "2020-08-20"),  # the day the revised rules took effect
        ("2021-03-01", "2021-02-20"),  # worked example: 4 x 3.85 % = 15.40 %
        ("2022-08-21", "2022-07-20"),
        ("2022-08-22", "2022-08-22"),
        ("2024-10-20", "2024-09-20"),
        ("2024-10-21", "2024-10-21"),
        ("2025-05-20", "2025-05-20"),
    ],
)
def test_private_loan_cap_is_four_times_the_lpr_in_force_on_the_contract_date(
    contract_on, published
):
    reference = reference_in_force(day(contract_on))
    assert reference["publication_date"] == published
    segments = cap_segments(CapProfile.PRIVATE_4LPR, day(contract_on), filed_on=day("2026-01-15"))
    assert len(segments) == 1
    (segment,) = segments
    assert (segment.starts_on, segment.ends_before) == (None, None)
    assert segment.annual_rate == pct(reference["lpr_1y_x4_pct"])
    d = day(published)
    assert f"（{d.year}年{d.month}月{d.day}日发布）" in segment.rule


def test_a_private_loan_of_2021_03_01_is_capped_at_15_40_percent_whatever_the_filing_date():
    for filed_on in ("2021-09-01", "2024-10-21", "2026-01-15"):
        (segment,) = cap_segments(
            CapProfile.PRIVATE_4LPR, day("2021-03-01"), filed_on=day(filed_on)
        )
        assert segment.annual_rate == D("0.1540")
        assert "3.85%" in segment.rule


@pytest.mark.parametrize(
    ("filed_on", "later_rate"),
    [
        ("2020-08-20", "0.1540"),  # 4 x 3.85 %
        ("2024-10-20", "0.1340"),  # 4 x 3.35 %: October figure not yet published
        ("2024-10-21", "0.1240"),  # 4 x 3.10 %
        ("2025-06-01", "0.1200"),  # 4 x 3.00 %
    ],
)
def test_a_private_loan_before_2020_08_20_has_24_percent_then_four_times_the_lpr_at_filing(
    filed_on, later_rate
):
    segments = cap_segments(CapProfile.PRIVATE_4LPR, day("2019-03-01"), filed_on=day(filed_on))
    assert [(s.starts_on, s.ends_before, s.annual_rate) for s in segments] == [
        (None, day("2020-08-20"), D("0.24")),
        (day("2020-08-20"), None, D(later_rate)),
    ]
    assert D(later_rate) == pct(reference_in_force(day(filed_on))["lpr_1y_x4_pct"])
    assert "第三十一条" in segments[0].rule
    assert "起诉时" in segments[1].rule


def test_the_transition_segments_split_exactly_at_2020_08_20():
    old, new = cap_segments(CapProfile.PRIVATE_4LPR, day("2020-08-19"), filed_on=day("2025-06-01"))
    assert day("2020-08-20") == TRANSITION_DAY
    assert old.covers(day("2020-08-19"))
    assert not old.covers(day("2020-08-20"))
    assert new.covers(day("2020-08-20"))
    assert not new.covers(day("2020-08-19"))
    assert old.covers(day("2010-01-01"))
    assert new.covers(day("2030-01-01"))


def test_a_private_loan_before_the_lpr_existed_still_gets_its_transitional_cap():
    # The contract date is never looked up in the LPR table under Art. 31.
    segments = cap_segments(CapProfile.PRIVATE_4LPR, day("2017-05-01"), filed_on=day("2025-06-01"))
    assert [s.annual_rate for s in segments] == [D("0.24"), D("0.12")]


def test_a_private_loan_after_the_last_lpr_row_carries_the_note_beside_its_rule():
    (segment,) = cap_segments(
        CapProfile.PRIVATE_4LPR, day("2026-06-01"), filed_on=day("2026-07-01")
    )
    assert segment.annual_rate == D("0.12")
    assert "2026-02" in segment.note
    assert "2026年6月1日" in segment.note
    assert "2026-02" not in segment.rule


def test_cap_segments_use_the_settings_they_are_given():
    custom = CapSettings(
        licensed_rate=D("0.36"), lpr_multiple=D("3"), transition_old_rate=D("0.36"), day_basis=360
    )
    (licensed,) = cap_segments(
        CapProfile.LICENSED_24, day("2021-03-01"), filed_on=day("2025-06-01"), settings=custom
    )
    assert licensed.annual_rate == D("0.36")
    (private,) = cap_segments(
        CapProfile.PRIVATE_4LPR, day("2021-03-01"), filed_on=day("2025-06-01"), settings=custom
    )
    assert private.annual_rate == D("0.1155")  # 3 x 3.85 %
    old, new = cap_segments(
        CapProfile.PRIVATE_4LPR, day("2019-03-01"), filed_on=day("2025-06-01"), settings=custom
    )
    assert (old.annual_rate, new.annual_rate) == (D("0.36"), D("0.09"))  # 3 x 3.00 %


def test_a_cap_segment_without_bounds_covers_every_day():
    segment = CapSegment(None, None, D("0.24"), "test")
    assert segment.covers(day("1990-01-01"))
    assert segment.covers(day("2099-12-31"))


def test_a_case_filed_before_the_2020_rules_took_effect_stays_at_24_percent() -> None:
    # 法释〔2020〕17号 Art. 31 applies the new cap only to cases accepted from 2020-08-20.
    (only,) = cap_segments(CapProfile.PRIVATE_4LPR, day("2019-05-01"), filed_on=day("2020-06-01"))
    assert (only.starts_on, only.ends_before, only.annual_rate) == (None, None, Decimal("0.24"))
