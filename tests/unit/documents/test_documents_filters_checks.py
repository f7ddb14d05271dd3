"""How amounts, rates and dates are written, and the checks that read them back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.documents_support import read_capital

from overdue.documents import check_capitals, check_document
from overdue.documents.filters import amount, date_cn, masked, pct, yuan

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("rate", "written"),
    [
        (Decimal("0.24"), "24%"),
        (Decimal("0.154"), "15.4%"),
        (Decimal("0.2400"), "24%"),
        (Decimal("0.1"), "10%"),
        (Decimal("0.0005"), "0.05%"),
        (Decimal("0.365"), "36.5%"),
        (Decimal("1"), "100%"),
        (Decimal("0"), "0%"),
    ],
)
def test_pct_writes_a_rate_without_trailing_zeros(rate: Decimal, written: str) -> None:
    assert pct(rate) == written


def test_date_cn_has_no_leading_zeros() -> None:
    assert date_cn(dt.date(2025, 1, 5)) == "2025年1月5日"
    assert date_cn(None) == ""


def test_yuan_groups_thousands_with_two_places() -> None:
    assert yuan(Decimal("12345.67")) == "12,345.67"
    assert yuan(Decimal("0")) == "0.00"
    assert yuan(Decimal("1000000")) == "1,000,000.00"


@pytest.mark.parametrize(
    "value", ["12345.67", "1000.00", "0.05", "100000.10", "20001.00", "1004.60", "90000000.09"]
)
def test_amount_writes_figures_and_a_capital_of_the_same_value(value: str) -> None:
    text = amount(Decimal(value))
    figures, capital = text.removesuffix("）").split("元（大写：")
    assert Decimal(figures.replace(",", "")) == Decimal(value)
    assert read_capital(capital) == Decimal(value)


def test_amount_example_from_the_brief() -> None:
    assert amount(Decimal("12345.67")) == "12,345.67元（大写：壹万贰仟叁佰肆拾伍元陆角柒分）"


def test_masked_keeps_head_and_tail() -> None:
    assert masked("13812345678") == "138****5678"
    assert masked("110105198501010004", 6, 4) == "110105********0004"
    assert masked("123") == "***"


def test_check_capitals_accepts_agreeing_pairs() -> None:
    text = "本金42,165.01元（大写：肆万贰仟壹佰陆拾伍元零壹分），合计1,000.00元（大写：壹仟元整）"
    assert check_capitals(text) == []


def test_check_capitals_catches_a_wrong_capital() -> None:
    text = "本金42,165.01元（大写：肆万贰仟壹佰陆拾伍元零贰分），罚息10.00元（大写：壹拾元整）"
    problems = check_capitals(text)
    assert len(problems) == 1
    assert "42,165.01" in problems[0]


def test_check_capitals_sees_pairs_broken_across_lines() -> None:
    assert check_capitals("本金1,000.00元（大写：壹\n仟元整）") == []
    assert len(check_capitals("本金1,000.00元（大写：壹\n佰元整）")) == 1


def test_check_document_lists_missing_strings_and_bad_capitals() -> None:
    text = "原告：某某消费金融有限公司\n合计5.00元（大写：伍角）"
    problems = check_document(text, ["某某消费金融有限公司", "张某某"])
    assert problems[0] == "缺少：张某某"
    assert len(problems) == 2
