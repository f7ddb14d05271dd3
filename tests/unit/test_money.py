"""Money: parsing, rounding to the fen, integer fen, formatting and the Chinese capital form.

Every expected value below is worked by hand or by a separate, simpler computation in the test
(integer arithmetic on fen, ``decimal`` quantize, a small capital-numeral reader), never by the
function under test. Capital forms follow 《支付结算办法》 附件一《正确填写票据和结算凭证的基本规定》:
``整`` after 元 when the amount stops at 元 (may be omitted after 角, never written after 分);
``零`` for zeros inside the number, and 元 followed by ``零`` when 角 is 0 but 分 is not; where
万位/元位 is 0 and the next digit is not, one ``零`` may be written or none.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue.money import (
    MoneyError,
    Rounding,
    capital,
    fmt,
    fmt_plain,
    from_fen,
    parse_rate,
    round_fen,
    round_ratio,
    round_yuan,
    to_fen,
    total,
    yuan,
)

pytestmark = pytest.mark.unit

D = Decimal
R = Rounding
HALF_UP, HALF_EVEN, DOWN, UP = R.HALF_UP, R.HALF_EVEN, R.DOWN, R.UP

# The modes as the decimal module spells them, written out here rather than taken from
# Rounding.decimal_mode, so that a wrong mapping in the code shows up.
DECIMAL_MODE = {
    HALF_UP: decimal.ROUND_HALF_UP,
    HALF_EVEN: decimal.ROUND_HALF_EVEN,
    DOWN: decimal.ROUND_DOWN,
    UP: decimal.ROUND_UP,
}


# --- yuan() -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        ("1,234.50", D("1234.50")),
        ("1234.5", D("1234.5")),
        ("  12.30 ", D("12.30")),
        ("1,000,000", D("1000000")),
        ("-0.01", D("-0.01")),
        (1234, D("1234")),
        (0, D("0")),
        (-7, D("-7")),
        (D("0.005"), D("0.005")),
        (D("6359.32"), D("6359.32")),
    ],
)
def test_yuan_accepts_decimal_strings_ints_and_decimals(given_value, expected):
    assert yuan(given_value) == expected


def test_yuan_keeps_the_digits_it_was_given_without_rounding():
    assert str(yuan("1,234.50")) == "1234.50"
    assert str(yuan("0.005")) == "0.005"
    assert str(yuan(D("1.23456789"))) == "1.23456789"


@pytest.mark.parametrize(
    "bad",
    [0.1, 1.0, 0.0, float("nan"), float("inf"), True, False, None, [1], (1,), Fraction(1, 2)],
    ids=repr,
)
def test_yuan_refuses_anything_that_is_not_a_string_int_or_decimal(bad):
    with pytest.raises(MoneyError):
        yuan(bad)


@pytest.mark.parametrize(
    "bad",
    [
        "NaN",
        "nan",
        "sNaN",
        "inf",
        "Infinity",
        "-Infinity",
        D("NaN"),
        D("sNaN"),
        D("Infinity"),
        D("-Infinity"),
    ],
    ids=repr,
)
def test_yuan_refuses_nan_and_infinities(bad):
    with pytest.raises(MoneyError):
        yuan(bad)


@pytest.mark.parametrize("bad", ["", "   ", "abc", "12元", "1.2.3", "¥100", "--1", "1e"])
def test_yuan_refuses_garbage_text(bad):
    with pytest.raises(MoneyError):
        yuan(bad)


def test_money_error_is_a_value_error_so_callers_can_catch_bad_input_generically():
    with pytest.raises(ValueError, match="float"):
        yuan(0.1)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_yuan_refuses_every_float(value):
    with pytest.raises(MoneyError):
        yuan(value)


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_yuan_reads_a_thousands_separated_string_as_the_same_amount(fen):
    amount = Decimal(fen).scaleb(-2)
    text = f"{amount:,.2f}"  # Python's own formatting, e.g. "1,234,567.89"
    assert yuan(text) == amount


# --- parse_rate() -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24%", D("0.24")),
        (" 24 % ", D("0.24")),
        ("15.4%", D("0.154")),
        ("3.85%", D("0.0385")),
        ("0%", D("0")),
        ("0.24", D("0.24")),
        ("4", D("4")),
        (4, D("4")),
        (D("0.0385"), D("0.0385")),
    ],
)
def test_parse_rate_reads_fractions_and_percentages(text, expected):
    assert parse_rate(text) == expected


@pytest.mark.parametrize("bad", ["abc%", "%", "NaN%", "inf%", 0.24, True])
def test_parse_rate_refuses_what_yuan_refuses(bad):
    with pytest.raises(MoneyError):
        parse_rate(bad)


# --- round_fen() ------------------------------------------------------------------------------

# value (yuan, exact), then the result for HALF_UP, HALF_EVEN, DOWN, UP — worked by hand.
ROUNDING_TABLE = [
    # exact ties at half a fen
    ("0.005", "0.01", "0.00", "0.00", "0.01"),
    ("0.015", "0.02", "0.02", "0.01", "0.02"),
    ("0.025", "0.03", "0.02", "0.02", "0.03"),
    ("2.345", "2.35", "2.34", "2.34", "2.35"),
    ("-0.005", "-0.01", "0.00", "0.00", "-0.01"),
    ("-0.015", "-0.02", "-0.02", "-0.01", "-0.02"),
    ("-0.025", "-0.03", "-0.02", "-0.02", "-0.03"),
    # not ties
    ("1.234", "1.23", "1.23", "1.23", "1.24"),
    ("1.236", "1.24", "1.24", "1.23", "1.24"),
    ("-1.234", "-1.23", "-1.23", "-1.23", "-1.24"),
    ("-1.236", "-1.24", "-1.24", "-1.23", "-1.24"),
    ("0.0050001", "0.01", "0.01", "0.00", "0.01"),
    ("0.0049999", "0.00", "0.00", "0.00", "0.01"),
    # already whole fen: every mode leaves it alone
    ("7.10", "7.10", "7.10", "7.10", "7.10"),
    ("-7", "-7.00", "-7.00", "-7.00", "-7.00"),
    ("0", "0.00", "0.00", "0.00", "0.00"),
]  # fmt: skip

ROUNDING_CASES = [
    pytest.param(value, mode, expected, id=f"{value}-{mode}")
    for value, *results in ROUNDING_TABLE
    for mode, expected in zip((HALF_UP, HALF_EVEN, DOWN, UP), results, strict=True)
]


@pytest.mark.parametrize(("value", "mode", "expected"), ROUNDING_CASES)
def test_round_fen_of_a_decimal_follows_the_stated_mode(value, mode, expected):
    result = round_fen(D(value), mode)
    assert result == D(expected)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(("value", "mode", "expected"), ROUNDING_CASES)
def test_round_fen_of_a_fraction_follows_the_stated_mode(value, mode, expected):
    result = round_fen(Fraction(value), mode)
    assert result == D(expected)
    assert result.as_tuple().exponent == -2


def test_half_a_fen_as_a_fraction_rounds_up_by_default():
    assert round_fen(Fraction(1, 200)) == D("0.01")


def test_half_a_fen_as_a_decimal_rounds_up_by_default():
    assert round_fen(D("0.005")) == D("0.01")


def test_a_tie_reached_through_an_accrual_is_still_a_tie():
    # 10 yuan x 18.25 % a year x 1 day / 365 = 0.005 yuan exactly: half a fen.
    accrual = Fraction(10) * Fraction(1825, 10000) * 1 / 365
    assert accrual == Fraction(1, 200)
    assert round_fen(accrual, HALF_UP) == D("0.01")
    assert round_fen(accrual, HALF_EVEN) == D("0.00")
    assert round_fen(accrual, DOWN) == D("0.00")
    assert round_fen(accrual, UP) == D("0.01")


# value, then HALF_UP, HALF_EVEN, DOWN, UP — non-terminating rationals worked by hand.
THIRDS = [
    (Fraction(1, 3), "0.33", "0.33", "0.33", "0.34"),
    (Fraction(2, 3), "0.67", "0.67", "0.66", "0.67"),
    (Fraction(-1, 3), "-0.33", "-0.33", "-0.33", "-0.34"),
    (Fraction(-2, 3), "-0.67", "-0.67", "-0.66", "-0.67"),
    (Fraction(100, 3), "33.33", "33.33", "33.33", "33.34"),
    (Fraction(1000 * 24, 100 * 365), "0.66", "0.66", "0.65", "0.66"),  # 0.657534...
]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        pytest.param(value, mode, expected, id=f"{value}-{mode}")
        for value, *results in THIRDS
        for mode, expected in zip((HALF_UP, HALF_EVEN, DOWN, UP), results, strict=True)
    ],
)
def test_round_fen_of_a_non_terminating_fraction_follows_the_stated_mode(value, mode, expected):
    assert round_fen(value, mode) == D(expected)


@given(
    numerator=st.integers(min_value=-(10**15), max_value=10**15),
    places=st.integers(min_value=0, max_value=8),
    mode=st.sampled_from(list(Rounding)),
)
def test_round_fen_of_a_fraction_agrees_with_decimal_quantize_for_a_terminating_value(
    numerator, places, mode
):
    as_fraction = Fraction(numerator, 10**places)
    as_decimal = Decimal(numerator).scaleb(-places)
    with decimal.localcontext() as ctx:
        ctx.prec = 50
        expected = as_decimal.quantize(Decimal("0.01"), rounding=DECIMAL_MODE[mode])
    assert round_fen(as_fraction, mode) == expected
    assert round_fen(as_decimal, mode) == expected


@given(
    numerator=st.integers(min_value=-(10**12), max_value=10**12),
    denominator=st.integers(min_value=1, max_value=10**6),
)
def test_round_fen_of_any_fraction_matches_integer_arithmetic_on_fen(numerator, denominator):
    value = Fraction(numerator, denominator)
    # Independent computation on the absolute value in fen, then the sign back.
    scaled = abs(value) * 100
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    rest_fraction = Fraction(rest, scaled.denominator)
    sign = -1 if value < 0 else 1
    down = whole
    up = whole + (1 if rest else 0)
    half_up = whole + (1 if rest_fraction >= Fraction(1, 2) else 0)
    if rest_fraction == Fraction(1, 2):
        half_even = whole if whole % 2 == 0 else whole + 1
    else:
        half_even = half_up
    for mode, fen in ((DOWN, down), (UP, up), (HALF_UP, half_up), (HALF_EVEN, half_even)):
        assert round_fen(value, mode) == Decimal(sign * fen) / 100, mode


# --- to_fen() / from_fen() --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "fen"),
    [
        (D("1234.56"), 123456),
        (D("0.01"), 1),
        (D("-0.05"), -5),
        (D("12.3"), 1230),
        (D("12.300"), 1230),
        (D("1E+3"), 100000),
        (D("0"), 0),
    ],
)
def test_to_fen_converts_whole_fen_exactly(amount, fen):
    result = to_fen(amount)
    assert result == fen
    assert type(result) is int


@pytest.mark.parametrize("amount", [D("0.005"), D("12.341"), D("-0.001"), D("1E-10")])
def test_to_fen_refuses_fractions_of_a_fen(amount):
    with pytest.raises(MoneyError, match="round it first"):
        to_fen(amount)


def test_to_fen_refuses_a_fraction_of_a_fen_far_beyond_the_second_decimal():
    # 31 significant digits: more than the default decimal context's 28. The value is
    # 100 fen plus 10^-28 fen, not a whole number of fen, so it must be refused.
    with pytest.raises(MoneyError):
        to_fen(D("1.000000000000000000000000000001"))


@pytest.mark.parametrize(
    ("fen", "text"),
    [(123456, "1234.56"), (1, "0.01"), (-5, "-0.05"), (0, "0.00"), (100, "1.00")],
)
def test_from_fen_gives_yuan_with_two_places(fen, text):
    assert str(from_fen(fen)) == text


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_fen_survive_a_round_trip_through_yuan(fen):
    assert to_fen(from_fen(fen)) == fen


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_two_place_yuan_survive_a_round_trip_through_fen(fen):
    amount = Decimal(fen).scaleb(-2)
    assert from_fen(to_fen(amount)) == amount


# --- round_yuan(), round_ratio(), total() -----------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "mode", "text"),
    [
        ("2769.14", HALF_UP, "2769.00"),
        ("2769.50", HALF_UP, "2770.00"),
        ("2768.50", HALF_EVEN, "2768.00"),
        ("2769.50", HALF_EVEN, "2770.00"),
        ("2769.99", DOWN, "2769.00"),
        ("2769.01", UP, "2770.00"),
        ("-2769.50", HALF_UP, "-2770.00"),
        ("-2769.99", DOWN, "-2769.00"),
        ("-2769.01", UP, "-2770.00"),
        ("50", HALF_UP, "50.00"),
    ],
)
def test_round_yuan_rounds_to_whole_yuan_and_keeps_two_places(amount, mode, text):
    assert str(round_yuan(D(amount), mode)) == text


def test_round_yuan_rounds_half_up_by_default():
    assert str(round_yuan(D("0.50"))) == "1.00"
    assert str(round_yuan(D("0.49"))) == "0.00"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Fraction(1, 3), 6, "0.333333"),
        (Fraction(2, 3), 6, "0.666667"),
        (Fraction(2, 3), 4, "0.6667"),
        (Fraction(1, 8), 2, "0.13"),  # 0.125: half-up
        (Fraction(-1, 8), 2, "-0.13"),  # half-up is away from zero
        (Fraction(24, 100), 6, "0.240000"),
        (D("0.3456785"), 6, "0.345679"),
        (D("0.3456784999"), 6, "0.345678"),
        (D("-0.0000005"), 6, "-0.000001"),
        (D("0.154"), 6, "0.154000"),
    ],
)
def test_round_ratio_rounds_half_up_to_the_given_places(value, places, text):
    assert str(round_ratio(value, places)) == text


def test_round_ratio_defaults_to_six_places():
    assert str(round_ratio(Fraction(1, 7))) == "0.142857"


def test_total_of_nothing_is_zero_with_two_places():
    assert str(total([])) == "0.00"


def test_total_adds_amounts_exactly():
    assert total([D("1.10"), D("2.205"), D("-0.005")]) == D("3.30")


# --- fmt(), fmt_plain() -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("1234.56", "1,234.56"),
        ("1234.555", "1,234.56"),  # half-up to the fen first
        ("1234.554", "1,234.55"),
        ("1234567.8", "1,234,567.80"),
        ("999.999", "1,000.00"),
        ("0", "0.00"),
        ("12", "12.00"),
        ("-1234.5", "-1,234.50"),
        ("1E+3", "1,000.00"),
    ],
)
def test_fmt_writes_document_amounts_with_thousands_separators(amount, text):
    assert fmt(D(amount)) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("1234.56", "1234.56"),
        ("1234.5", "1234.50"),
        ("1234.565", "1234.57"),
        ("1E+3", "1000.00"),
        ("12345678901.235", "12345678901.24"),
        ("0.001", "0.00"),
        ("-5", "-5.00"),
    ],
)
def test_fmt_plain_writes_two_decimals_without_separators_or_exponent(amount, text):
    assert fmt_plain(D(amount)) == text


# --- capital() --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        # the two examples in the docstring
        ("14000", "壹万肆仟元整"),
        ("6359.32", "陆仟叁佰伍拾玖元叁角贰分"),
        # 《支付结算办法》 附件一 examples with one prescribed form
        ("1409.50", "壹仟肆佰零玖元伍角"),  # 零 for a zero inside; no 整 after 角 (ours)
        ("6007.14", "陆仟零柒元壹角肆分"),  # consecutive zeros: one 零
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),  # 角 is 0, 分 is not: 元 then 零
        ("325.04", "叁佰贰拾伍元零肆分"),
        # hand-written by the same rules
        ("1005", "壹仟零伍元整"),
        ("100000000", "壹亿元整"),
        ("1000000000000", "壹万亿元整"),
        ("10", "壹拾元整"),  # 壹拾, as in the rule's own 壹拾万
        ("11", "壹拾壹元整"),
        ("110", "壹佰壹拾元整"),
        ("101", "壹佰零壹元整"),
        ("100010", "壹拾万零壹拾元整"),
        ("1000001", "壹佰万零壹元整"),
        ("0.05", "伍分"),
        ("0.01", "壹分"),
        ("0.5", "伍角"),
        ("0.50", "伍角"),
        ("1.05", "壹元零伍分"),
        ("20000000.01", "贰仟万元零壹分"),
        ("0", "零元整"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_capital_writes_the_form_the_payment_rules_prescribe(amount, text):
    assert capital(D(amount)) == text


@pytest.mark.parametrize(
    ("amount", "allowed"),
    [
        # Rule (三): 元位 is 0 and 角 is not -> "元零叁角" or "元叁角".
        ("1680.32", {"壹仟陆佰捌拾元零叁角贰分", "壹仟陆佰捌拾元叁角贰分"}),
        # Rule (三): 万位 and 元位 are 0 -> one 零 or none.
        (
            "107000.53",
            {"壹拾万柒仟元零伍角叁分", "壹拾万零柒仟元伍角叁分", "壹拾万柒仟元伍角叁分"},
        ),
        # 元位 is 0 and 角 is not; stops at 角, so no 整 in our convention (see the property).
        ("10000.50", {"壹万元伍角", "壹万元零伍角"}),
        ("100.10", {"壹佰元壹角", "壹佰元零壹角"}),
    ],
)
def test_capital_writes_one_of_the_forms_the_payment_rules_allow(amount, allowed):
    assert capital(D(amount)) in allowed


def test_capital_rounds_half_up_to_the_fen_first():
    assert capital(D("0.005")) == "壹分"
    assert capital(D("6359.324")) == "陆仟叁佰伍拾玖元叁角贰分"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("-14000", "负壹万肆仟元整"),
        ("-6359.32", "负陆仟叁佰伍拾玖元叁角贰分"),
        ("-0.05", "负伍分"),
    ],
)
def test_capital_of_a_negative_amount_is_prefixed_with_fu(amount, text):
    assert capital(D(amount)) == text


def test_capital_of_an_amount_that_rounds_to_zero_has_no_sign():
    assert capital(D("-0.004")) == "零元整"


ALLOWED_CAPITAL_CHARS = set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
DIGITS = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=True))
SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def read_capital(text: str) -> Decimal:
    """A deliberately simple reader of capital amounts, to check capital() independently."""
    sign = -1 if text.startswith("负") else 1
    text = text.removeprefix("负").removesuffix("整")
    whole_text, _, part_text = text.rpartition("元") if "元" in text else ("", "", text)
    total_value = 0  # amounts of 亿
    wan_value = 0  # amounts of 万 below 亿
    section = 0
    number = 0
    for ch in whole_text:
        if ch in DIGITS:
            number = DIGITS[ch]
        elif ch in SMALL_UNITS:
            assert number, f"unit {ch} without a digit in {text}"
            section += number * SMALL_UNITS[ch]
            number = 0
        elif ch == "万":
            wan_value += (section + number) * 10**4
            section = number = 0
        elif ch == "亿":
            total_value += (wan_value + section + number) * 10**8
            wan_value = section = number = 0
        else:
            raise AssertionError(f"unexpected {ch} in {text}")
    whole = total_value + wan_value + section + number
    jiao = fen = 0
    digit = None
    for ch in part_text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch == "角":
            jiao, digit = digit, None
        elif ch == "分":
            fen, digit = digit, None
        else:
            raise AssertionError(f"unexpected {ch} after 元 in {text}")
    return sign * (Decimal(whole) + Decimal(jiao) / 10 + Decimal(fen) / 100)


def test_the_capital_reader_in_this_test_reads_the_rule_examples():
    assert read_capital("壹拾万柒仟元零伍角叁分") == D("107000.53")
    assert read_capital("壹万陆仟肆佰零玖元零贰分") == D("16409.02")
    assert read_capital("壹万亿元整") == D("1000000000000")
    assert read_capital("伍分") == D("0.05")


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=10**14))
def test_capital_uses_only_capital_characters_and_ends_with_zheng_exactly_without_jiao_fen(fen):
    amount = Decimal(fen).scaleb(-2)
    text = capital(amount)
    assert set(text) <= ALLOWED_CAPITAL_CHARS, text
    has_jiao_or_fen = fen % 100 != 0
    assert text.endswith("整") is not has_jiao_or_fen, text
    assert ("角" in text) is (fen // 10 % 10 != 0), text
    assert ("分" in text) is (fen % 10 != 0), text
    assert text.count("整") <= 1
    assert not text.startswith("零") or fen == 0, text


@settings(deadline=None)
@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_capital_reads_back_as_the_same_amount(fen):
    amount = Decimal(fen).scaleb(-2)
    assert read_capital(capital(amount)) == amount
