"""Court codes (法院代字): the derived table, the fixed rows and the code checks.

Expected pairs come from outside the code: court_codes_examples.csv in the project's legal
reference (闽0102 = 福州市鼓楼区人民法院, the internet courts), the naming of the court-code list
(district courts carry the city, county courts do not) and the division codes of GB/T 2260.
"""

from __future__ import annotations

import re

import pytest

from overdue.rules._data import Status
from overdue.rules.courts import (
    CourtLevel,
    check_court_code,
    court_for_adcode,
    courts,
    division_name,
    is_internet_court,
    lookup_court,
    provinces,
)

pytestmark = pytest.mark.unit


# code, name, level
KNOWN = [
    ("最高法", "最高人民法院", CourtLevel.SUPREME),
    ("京", "北京市高级人民法院", CourtLevel.HIGH),
    ("内", "内蒙古自治区高级人民法院", CourtLevel.HIGH),
    ("黔", "贵州省高级人民法院", CourtLevel.HIGH),
    ("云", "云南省高级人民法院", CourtLevel.HIGH),
    ("兵", "新疆维吾尔自治区高级人民法院生产建设兵团分院", CourtLevel.HIGH),
    ("军", "中国人民解放军军事法院", CourtLevel.HIGH),
    ("京01", "北京市第一中级人民法院", CourtLevel.INTERMEDIATE),
    ("京04", "北京市第四中级人民法院", CourtLevel.INTERMEDIATE),
    ("沪03", "上海市第三中级人民法院", CourtLevel.INTERMEDIATE),
    ("津03", "天津市第三中级人民法院", CourtLevel.INTERMEDIATE),
    ("渝05", "重庆市第五中级人民法院", CourtLevel.INTERMEDIATE),
    ("浙01", "浙江省杭州市中级人民法院", CourtLevel.INTERMEDIATE),
    ("吉24", "吉林省延边朝鲜族自治州中级人民法院", CourtLevel.INTERMEDIATE),
    ("闽0102", "福州市鼓楼区人民法院", CourtLevel.BASIC),
    ("京0105", "北京市朝阳区人民法院", CourtLevel.BASIC),
    ("浙0106", "杭州市西湖区人民法院", CourtLevel.BASIC),
    ("浙0127", "淳安县人民法院", CourtLevel.BASIC),
    ("浙0782", "义乌市人民法院", CourtLevel.BASIC),
    ("沪0115", "上海市浦东新区人民法院", CourtLevel.BASIC),
    ("渝0233", "忠县人民法院", CourtLevel.BASIC),
    ("琼9023", "澄迈县人民法院", CourtLevel.BASIC),
    ("鄂9004", "仙桃市人民法院", CourtLevel.BASIC),
    ("兵9001", "石河子市人民法院", CourtLevel.BASIC),
    ("浙0192", "杭州互联网法院", CourtLevel.BASIC),
    ("京0491", "北京互联网法院", CourtLevel.BASIC),
    ("粤0192", "广州互联网法院", CourtLevel.BASIC),
    ("京73", "北京知识产权法院", CourtLevel.SPECIAL),
    ("沪73", "上海知识产权法院", CourtLevel.SPECIAL),
    ("粤73", "广州知识产权法院", CourtLevel.SPECIAL),
    ("沪74", "上海金融法院", CourtLevel.SPECIAL),
    ("苏8601", "徐州铁路运输法院", CourtLevel.SPECIAL),
    ("琼96", "海南省第一中级人民法院", CourtLevel.INTERMEDIATE),
]


@pytest.mark.parametrize(("code", "name", "level"), KNOWN)
def test_known_court_codes_name_the_right_court(code: str, name: str, level: CourtLevel) -> None:
    court = lookup_court(code)
    assert court is not None
    assert (court.name, court.level) == (name, level)


# 江门 courts as announced when the codes took effect (SECONDARY: news.ifeng.com 2016-01-08,
# "江门中院的代字为粤07，蓬江法院为粤0703 ..."), an oracle independent of the division data.
JIANGMEN = [
    ("粤07", "广东省江门市中级人民法院"),
    ("粤0703", "江门市蓬江区人民法院"),
    ("粤0704", "江门市江海区人民法院"),
    ("粤0705", "江门市新会区人民法院"),
    ("粤0781", "台山市人民法院"),
    ("粤0783", "开平市人民法院"),
    ("粤0784", "鹤山市人民法院"),
    ("粤0785", "恩平市人民法院"),
]


@pytest.mark.parametrize(("code", "name"), JIANGMEN)
def test_derived_codes_match_the_jiangmen_announcement(code: str, name: str) -> None:
    court = lookup_court(code)
    assert court is not None
    assert court.name == name


def test_a_fixed_row_wins_over_a_derived_code_and_drops_a_wrong_division() -> None:
    # 黑2701 is 加格达奇区 in the court list; division 232701 is now 漠河市.
    court = lookup_court("黑2701")
    assert court is not None
    assert court.name == "大兴安岭地区加格达奇区人民法院"
    assert court.adcode is None


def test_fuzhou_gulou_is_min_0102_derived_from_its_division_code() -> None:
    court = lookup_court("闽0102")
    assert court is not None
    assert court.adcode == "350102"
    assert court.province == "福建省"
    assert court.tier is CourtLevel.BASIC


@pytest.mark.parametrize(
    ("code", "name"),
    [("浙0192", "杭州互联网法院"), ("京0491", "北京互联网法院"), ("粤0192", "广州互联网法院")],
)
def test_the_three_internet_courts_are_known_and_flagged(code: str, name: str) -> None:
    court = lookup_court(code)
    assert court is not None
    assert court.name == name
    assert is_internet_court(code)


def test_ordinary_courts_are_not_internet_courts() -> None:
    assert not is_internet_court("浙0106")
    assert not is_internet_court("浙0199")


def test_beijing_and_guangzhou_internet_courts_are_marked_partial() -> None:
    # legal.md §5: seen in public files, no official list (PARTIAL).
    assert lookup_court("京0491").status is Status.PARTIAL  # type: ignore[union-attr]
    assert lookup_court("粤0192").status is Status.PARTIAL  # type: ignore[union-attr]


def test_both_abolished_and_new_counties_have_a_court() -> None:
    # 法〔2015〕137号 Art. 13: codes follow the old division until courts are adjusted.
    xiacheng = lookup_court("浙0103")  # 下城区, merged into 拱墅区 in 2021
    linping = lookup_court("浙0113")  # 临平区, created in 2021
    assert xiacheng is not None
    assert xiacheng.name == "杭州市下城区人民法院"
    assert xiacheng.historical
    assert linping is not None
    assert linping.name == "杭州市临平区人民法院"
    assert not linping.historical


def test_a_renamed_district_keeps_its_former_court_name() -> None:
    court = lookup_court("冀0502")  # 130502: 桥东区 renamed 襄都区
    assert court is not None
    assert court.name == "邢台市襄都区人民法院"
    assert court.former_names == ("邢台市桥东区人民法院",)


def test_pseudo_divisions_give_no_court() -> None:
    names = {c.name for c in courts().values()}
    assert not any("市辖区" in n or "省直辖县级行政区划" in n for n in names)


def test_municipalities_have_only_their_numbered_intermediate_courts() -> None:
    beijing = sorted(
        c.code for c in courts().values() if c.code.startswith("京") and len(c.code) == 3
    )
    assert beijing == ["京01", "京02", "京03", "京04", "京73", "京74"]


def test_every_code_has_the_shape_of_art_5_and_never_a_00_part() -> None:
    for code, court in courts().items():
        assert code == court.code
        assert re.fullmatch(r"最高法|\D(\d\d(\d\d)?)?", code), code
        digits = code[1:] if code != "最高法" else ""
        assert digits[:2] != "00", code
        assert digits[2:] != "00", code


def test_every_row_has_a_citation_and_a_status() -> None:
    for court in courts().values():
        assert court.source
        assert isinstance(court.status, Status)


def test_thousands_of_courts_are_derived_not_typed() -> None:
    derived = [c for c in courts().values() if c.source.startswith("derived")]
    assert len(derived) > 3000
    assert all(c.status is Status.PARTIAL for c in derived)


def test_provinces_cover_the_31_divisions_plus_jun_and_bing() -> None:
    table = provinces()
    assert len(table) == 33
    assert table["浙"].adcode_prefix == "33"
    assert table["内"].name == "内蒙古自治区"
    assert table["军"].adcode_prefix is None
    assert "贵" not in table
    assert "滇" not in table


@pytest.mark.parametrize(
    ("adcode", "code"),
    [
        ("110105", "京0105"),
        ("330106", "浙0106"),
        ("330106000000", "浙0106"),
        ("469023", "琼9023"),
        ("659001", "兵9001"),
        ("320576", "苏0591"),  # 苏州工业园区: its court's code is not the division code
    ],
)
def test_court_for_adcode_maps_a_county_to_its_basic_court(adcode: str, code: str) -> None:
    court = court_for_adcode(adcode)
    assert court is not None
    assert court.code == code


@pytest.mark.parametrize("adcode", ["330100", "330199", "abc", "33010", "710101"])
def test_court_for_adcode_gives_none_for_non_counties_and_unknown_codes(adcode: str) -> None:
    assert court_for_adcode(adcode) is None


def test_division_name_reads_the_bundled_division_data() -> None:
    assert division_name("510100") == "成都市"
    assert division_name("330113") == "临平区"
    assert division_name("330101") is None  # 市辖区 is not a division


def test_a_county_that_does_not_exist_under_a_real_city_is_plausible() -> None:
    result = check_court_code("浙0199")
    assert result.ok
    assert not result.known
    assert "330199" in result.notices[0]


def test_a_special_band_code_is_plausible_with_a_generic_name() -> None:
    result = check_court_code("苏71")
    assert result.ok
    assert not result.known
    assert result.generic_name is not None
    assert "铁路运输中级法院" in result.generic_name


def test_a_prefecture_from_another_province_is_an_error_naming_that_province() -> None:
    result = check_court_code("浙5101")
    assert not result.ok
    assert "浙江省" in result.errors[0]
    assert "四川省成都市" in result.errors[0]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("滇01", "云"),
        ("贵01", "黔"),
        ("蒙01", "内"),
        ("X01", "简称"),
        ("浙019", "2位"),
        ("最高院", "最高法"),
    ],
)
def test_bad_court_codes_are_errors_with_a_reason(code: str, words: str) -> None:
    result = check_court_code(code)
    assert not result.ok
    assert words in result.errors[0]


def test_building_the_table_is_cached() -> None:
    assert courts() is courts()
