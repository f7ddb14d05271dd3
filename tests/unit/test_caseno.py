"""Case numbers (案号): parsing, validation and the reasons given.

The examples in ``tests/fixtures/case_number_examples.csv`` were compiled independently from
published numbers (see the file's provenance line); the year, court, type and sequence in each
row are the oracle. Other expectations are read off 法〔2015〕137号 (format Art. 3, court codes
Arts. 4-5, type codes Art. 7, numbering Art. 10) and 法〔2018〕335号 (专门审判代字).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from overdue.rules.caseno import (
    CaseNumberCheck,
    CheckStatus,
    case_types,
    check_case_number,
)
from overdue.rules.courts import CourtLevel, courts

pytestmark = pytest.mark.unit

AS_OF = dt.date(2026, 11, 23)
FIXTURE = Path(__file__).parent.parent / "fixtures" / "case_number_examples.csv"


def examples() -> list[dict[str, str]]:
    text = FIXTURE.read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def check(text: str, as_of: dt.date = AS_OF) -> CaseNumberCheck:
    return check_case_number(text, as_of)


@pytest.mark.parametrize("row", examples(), ids=lambda r: r["case_number"])
def test_every_published_example_parses_with_the_stated_fields(row: dict[str, str]) -> None:
    result = check(row["case_number"])
    assert result.valid, result.problems
    assert result.year == int(row["year"])
    assert result.court_code == row["court_code"]
    assert result.type_code == row["type_code"]
    assert result.sequence == int(row["seq"])


def test_every_published_example_names_a_known_court() -> None:
    unknown = [r["case_number"] for r in examples() if not check(r["case_number"]).court_known]
    assert unknown == []


def test_a_hangzhou_internet_court_number_is_valid_and_explained() -> None:
    result = check("(2024)浙0192民初1779号")
    assert result.status is CheckStatus.VALID
    assert result.court_name == "杭州互联网法院"
    assert result.type_name == "民事一审案件"
    assert result.type_plain is not None
    assert "一审" in result.type_plain
    assert result.problems == ()
    assert result.normalized == "（2024）浙0192民初1779号"


@pytest.mark.parametrize(
    ("text", "court_name"),
    [
        ("（2023）京0491民初12142号", "北京互联网法院"),
        ("（2021）粤0192民初25167号", "广州互联网法院"),
        ("（2024）浙0192执123号", "杭州互联网法院"),
    ],
)
def test_the_three_internet_courts_are_recognised(text: str, court_name: str) -> None:
    result = check(text)
    assert result.valid
    assert result.court_known
    assert result.court_name == court_name


def test_fuzhou_gulou_court_is_min_0102() -> None:
    result = check("(2017)闽0102民初1424号")
    assert result.court_name == "福州市鼓楼区人民法院"


@pytest.mark.parametrize(
    "text",
    [
        "(2024)浙0192民初1779号",
        "（2024）浙0192民初1779号",
        "(2024）浙0192民初1779号",
        "  （2024） 浙0192 民初1779号 \n",
        "（２０２４）浙０１９２民初１７７９号",
        "案号：(2024)浙0192民初1779号",
    ],
)
def test_half_and_full_width_brackets_and_spaces_normalise_to_the_printed_form(text: str) -> None:
    result = check(text)
    assert result.status is CheckStatus.VALID
    assert result.normalized == "（2024）浙0192民初1779号"


def test_the_zhi_yi_suffix_is_kept() -> None:
    result = check("(2022)沪0115民初13290号之一")
    assert result.valid
    assert result.suffix == "之一"
    assert result.sequence == 13290
    assert result.normalized == "（2022）沪0115民初13290号之一"


def test_the_ip_special_trial_code_is_split_from_the_type_code() -> None:
    result = check("(2020)最高法知民终1234号")
    assert result.valid
    assert (result.court_code, result.special_code, result.type_code) == ("最高法", "知", "民终")
    assert result.sequence == 1234


def test_a_well_formed_number_at_an_unlisted_county_is_plausible_court_unknown() -> None:
    # 330199 is no county of 杭州市 (3301xx), but 浙01 exists.
    result = check("(2024)浙0199民初12号")
    assert result.valid
    assert result.status is CheckStatus.PLAUSIBLE_COURT_UNKNOWN
    assert not result.court_known
    assert result.court_name is None
    assert len(result.problems) == 1
    assert result.problems[0].startswith("提示")


def test_a_special_band_court_not_listed_is_plausible_with_a_generic_name() -> None:
    result = check("(2024)苏8699行初3号")
    assert result.status is CheckStatus.PLAUSIBLE_COURT_UNKNOWN
    assert result.court_name is not None
    assert "铁路运输法院" in result.court_name


def test_year_after_as_of_is_invalid() -> None:
    result = check("(2027)浙0192民初1779号", dt.date(2026, 11, 23))
    assert result.status is CheckStatus.INVALID
    assert result.problems == ("年份2027晚于查询日期2026-11-23",)


def test_year_of_as_of_itself_is_fine() -> None:
    assert check("(2026)浙0192民初1号", dt.date(2026, 1, 1)).valid


def test_year_before_1949_is_invalid() -> None:
    result = check("(1948)浙0192民初1号")
    assert not result.valid
    assert "1949" in result.problems[0]


def test_year_before_2016_is_plausible_with_a_notice() -> None:
    result = check("(2015)浙01民初1号")
    assert result.valid
    assert any("2016-01-01" in p and p.startswith("提示") for p in result.problems)


# text, a word the reason must contain (each a separate rule)
INVALID = [
    ("", "为空"),
    ("hello", "无法识别"),
    ("(2024)浙0192民乙1号", "类型代字“民乙”不存在"),
    ("(2024)浙5101民初1号", "四川省"),
    ("(2024)浙0192民初12A3号", "阿拉伯数字"),
    ("(2024)浙0192民初1779", "缺少结尾的“号”"),
    ("(2024)滇01民初1号", "云"),
    ("(2024)Q01民初1号", "不是已知的法院代字"),
    ("(2024)浙0192民初0号", "不能为0"),
    ("(2024)浙0192民初号", "缺少案件编号"),
    ("(2024)民初1号", "缺少法院代字"),
    ("(2024)浙0192123号", "缺少类型代字"),
    ("(24)浙0192民初1号", "4位数字"),
    ("2024浙0192民初1号", "圆括号"),
    ("(2024)浙0192民初1号之1", "之一"),
    ("(2024)浙0192民初1号abc", "多余内容"),
    ("(2024)浙0192民终1号", "基层法院不审理二审案件"),
    ("(2015)杭西商初字第1234号", "旧式案号"),
    ("（2014）浙杭商初字第5号", "旧式案号"),
]


@pytest.mark.parametrize(("text", "reason"), INVALID, ids=[t or "<empty>" for t, _ in INVALID])
def test_invalid_numbers_say_why(text: str, reason: str) -> None:
    result = check(text)
    assert not result.valid
    assert result.status is CheckStatus.INVALID
    assert any(reason in p for p in result.problems), result.problems


def test_zhejiang_with_a_sichuan_prefecture_names_both_provinces() -> None:
    result = check("(2024)浙5101民初1号")
    assert not result.valid
    assert "浙江省" in result.problems[0]
    assert "四川省成都市" in result.problems[0]


def test_all_problems_are_reported_not_only_the_first() -> None:
    result = check("(2030)浙5101民乙12A3")
    reasons = ("晚于查询日期", "四川省", "类型代字“民乙”不存在", "阿拉伯数字", "缺少结尾的“号”")
    for reason in reasons:
        assert any(reason in p for p in result.problems), (reason, result.problems)


def test_the_old_style_number_keeps_its_year() -> None:
    result = check("(2015)杭西商初字第1234号")
    assert result.year == 2015
    assert result.court_code is None


def test_an_unverified_type_code_says_so() -> None:
    result = check("(2024)浙01民诉前调15号")
    assert result.valid
    assert result.type_code == "民诉前调"
    assert any("未经官方文本核实" in p for p in result.problems)


# The codes of the project's legal reference (case_type_codes.csv) and the list.
REFERENCE_TYPES = [
    "民初",
    "民终",
    "民申",
    "民再",
    "民特",
    "民督",
    "民催",
    "民辖",
    "民辖终",
    "财保",
    "执",
    "执恢",
    "执保",
    "执异",
    "执复",
    "执监",
    "执协",
    "执他",
    "民诉前调",
    "司救民",
    "行初",
    "行终",
    "行审",
    "行申",
    "行再",
    "行审复",
    "刑初",
    "刑终",
    "刑申",
    "刑再",
    "刑核",
    "民撤",
    "民监",
    "民抗",
    "破",
    "破申",
    "强清",
    "诉前调",
]


@pytest.mark.parametrize("code", REFERENCE_TYPES)
def test_every_reference_type_code_is_known_with_a_plain_explanation(code: str) -> None:
    case_type = case_types()[code]
    assert case_type.plain
    assert case_type.stage
    assert case_type.citation
    assert case_type.domain in {
        "civil", "administrative", "criminal", "enforcement", "state-compensation", "other"
    }  # fmt: skip


def test_checking_never_raises_on_arbitrary_text() -> None:
    for text in [
        "（",
        "）",
        "(2024)",
        "(2024)浙",
        "号",
        "之一",
        "(2024)最高法",
        "(abcd)浙01民初1号",
    ]:
        result = check(text)
        assert not result.valid
        assert result.problems


# --- property: numbers built from the tables round-trip ----------------------------------------


def _eligible_courts() -> list[str]:
    return sorted(courts())


_TYPES = sorted(case_types())
_SUFFIXES = ["", "之一", "之二", "之十"]


@given(
    court_code=st.sampled_from(_eligible_courts()),
    type_code=st.sampled_from(_TYPES),
    as_of=st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2040, 12, 31)),
    years_back=st.integers(min_value=0, max_value=24),
    sequence=st.integers(min_value=1, max_value=99_999_999),
    suffix=st.sampled_from(_SUFFIXES),
    full_width=st.booleans(),
)
def test_any_number_built_from_a_known_court_and_type_validates_and_round_trips(
    court_code: str,
    type_code: str,
    as_of: dt.date,
    years_back: int,
    sequence: int,
    suffix: str,
    full_width: bool,
) -> None:
    year = as_of.year - years_back
    assume(year >= 2016)
    court = courts()[court_code]
    assume(not (court.tier is CourtLevel.BASIC and case_types()[type_code].stage == "二审"))
    left, right = ("（", "）") if full_width else ("(", ")")
    text = f"{left}{year}{right}{court_code}{type_code}{sequence}号{suffix}"

    result = check_case_number(text, as_of)

    assert result.valid, result.problems
    assert result.status is CheckStatus.VALID
    assert (result.year, result.court_code, result.type_code) == (year, court_code, type_code)
    assert (result.court_name, result.court_known) == (court.name, True)
    assert result.sequence == sequence
    assert result.special_code is None
    assert result.suffix == (suffix or None)
    assert result.normalized == f"（{year}）{court_code}{type_code}{sequence}号{suffix}"


@given(st.text(max_size=40))
def test_any_text_gives_a_result_and_an_invalid_one_always_has_a_reason(text: str) -> None:
    result = check_case_number(text, AS_OF)
    assert result.valid or result.problems
    assert result.valid == (result.status is not CheckStatus.INVALID)
