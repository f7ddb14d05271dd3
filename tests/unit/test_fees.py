"""Court fees (《诉讼费用交纳办法》) against the legal reference's worked examples."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from overdue import money
from overdue.errors import InputError, RuleLookupError
from overdue.money import MoneyError
from overdue.rules._data import Status
from overdue.rules.fees import (
    FeeBase,
    FeeKind,
    FeeRounding,
    HalvingOrder,
    Procedure,
    court_fee,
    fee_base,
    halve_once,
)

pytestmark = pytest.mark.unit

D = Decimal
FIXTURE = Path(__file__).parent.parent / "fixtures" / "court_fee_examples.csv"
HALVING_PROCEDURES = (
    Procedure.SIMPLIFIED,
    Procedure.SMALL_CLAIMS,
    Procedure.MEDIATED,
    Procedure.WITHDRAWN,
)


def _examples() -> list[dict[str, str]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines))


EXAMPLES = _examples()
EXAMPLE_IDS = [row["claim_or_amount_yuan"] for row in EXAMPLES]


def _column(row: dict[str, str], prefix: str) -> Decimal:
    (key,) = [k for k in row if k.startswith(prefix)]
    return D(row[key])


# --- the legal reference's table, every row, every column ----------------------------------


@pytest.mark.parametrize("row", EXAMPLES, ids=EXAMPLE_IDS)
def test_acceptance_fee_matches_the_reference_table(row: dict[str, str]) -> None:
    result = court_fee(D(row["claim_or_amount_yuan"]))
    assert result.fee_full == result.fee == _column(row, "acceptance_fee_full")
    assert not result.halved


@pytest.mark.parametrize("procedure", HALVING_PROCEDURES)
@pytest.mark.parametrize("row", EXAMPLES, ids=EXAMPLE_IDS)
def test_halved_acceptance_fee_matches_the_reference_table_for_every_ground(
    row: dict[str, str], procedure: Procedure
) -> None:
    result = court_fee(D(row["claim_or_amount_yuan"]), procedure=procedure)
    assert result.fee_full == _column(row, "acceptance_fee_full")
    assert result.fee == _column(row, "acceptance_fee_halved")
    assert result.halved


@pytest.mark.parametrize("row", EXAMPLES, ids=EXAMPLE_IDS)
def test_payment_order_fee_is_one_third_as_in_the_reference_table(row: dict[str, str]) -> None:
    result = court_fee(D(row["claim_or_amount_yuan"]), FeeKind.PAYMENT_ORDER)
    assert result.fee == _column(row, "payment_order_fee")


@pytest.mark.parametrize("row", EXAMPLES, ids=EXAMPLE_IDS)
def test_enforcement_fee_matches_the_reference_table(row: dict[str, str]) -> None:
    result = court_fee(D(row["claim_or_amount_yuan"]), FeeKind.ENFORCEMENT)
    assert result.fee == _column(row, "enforcement_fee")


@pytest.mark.parametrize("row", EXAMPLES, ids=EXAMPLE_IDS)
def test_preservation_fee_matches_the_reference_table(row: dict[str, str]) -> None:
    result = court_fee(D(row["claim_or_amount_yuan"]), FeeKind.PRESERVATION)
    assert result.fee == _column(row, "preservation_fee")


# --- the computation a lawyer can follow ---------------------------------------------------


def test_breakdown_shows_each_band_of_the_cumulative_computation() -> None:
    # legal.md 1.3: 2,769.14 = 50 + 90,000 x 2.5% + 23,456.78 x 2% (= 2,769.1356)
    result = court_fee(D("123456.78"))
    lines = [
        (line.lower, line.upper, line.portion, line.rate, line.amount) for line in result.breakdown
    ]
    assert lines == [
        (D("0"), D("10000"), D("10000"), None, D("50")),
        (D("10000"), D("100000"), D("90000"), D("0.025"), D("2250")),
        (D("100000"), D("200000"), D("23456.78"), D("0.02"), D("469.1356")),
    ]
    assert result.fee_full == D("2769.14")
    assert result.rule == "《诉讼费用交纳办法》第十三条第（一）项"
    assert result.status is Status.VERIFIED


def test_payment_order_breakdown_is_the_art_13_computation() -> None:
    result = court_fee(D("50000"), FeeKind.PAYMENT_ORDER)
    assert sum(line.amount for line in result.breakdown) == D("1050")
    assert result.fee == D("350.00")
    assert "第十四条第（三）项" in result.rule
    assert "三分之一" in result.rule


@pytest.mark.parametrize(
    ("amount", "bands_used", "fee"),
    [
        # amount, number of band lines, fee at the fen: worked by hand from Art. 13(一)
        ("0", 1, "50.00"),  # a property case with nothing claimed still pays 50 per case
        ("10000", 1, "50.00"),  # "不超过1万元的" -> flat 50
        ("10000.01", 2, "50.00"),  # 50 + 0.01 x 2.5% = 50.00025
        ("10040", 2, "51.00"),  # 50 + 40 x 2.5%
        ("100000", 2, "2300.00"),  # 50 + 90,000 x 2.5%
        ("100000.01", 3, "2300.00"),  # + 0.01 x 2% = 2,300.0002
        ("100100", 3, "2302.00"),  # + 100 x 2% (2.5% would give 2,302.50)
        ("5000000", 7, "46800.00"),  # quick formula 5,000,000 x 0.8% + 6,800
        ("5000000.01", 8, "46800.00"),  # + 0.01 x 0.7%
        ("5001000", 8, "46807.00"),  # + 1,000 x 0.7% (0.8% would give 46,808)
    ],
)
def test_acceptance_fee_band_boundaries_are_exclusive_below_and_inclusive_above(
    amount: str, bands_used: int, fee: str
) -> None:
    result = court_fee(D(amount))
    assert len(result.breakdown) == bands_used
    assert result.fee == D(fee)


@pytest.mark.parametrize(
    ("kind", "amount", "fee", "capped"),
    [
        (FeeKind.ENFORCEMENT, "10000", "50.00", False),
        (FeeKind.ENFORCEMENT, "10100", "51.50", False),  # 50 + 100 x 1.5%
        (FeeKind.ENFORCEMENT, "500000", "7400.00", False),  # 50 + 490,000 x 1.5%
        (FeeKind.ENFORCEMENT, "500100", "7401.00", False),  # + 100 x 1%
        (FeeKind.PRESERVATION, "1000", "30.00", False),
        (FeeKind.PRESERVATION, "1100", "31.00", False),  # 30 + 100 x 1%
        (FeeKind.PRESERVATION, "100000", "1020.00", False),  # 30 + 99,000 x 1%
        (FeeKind.PRESERVATION, "896000", "5000.00", False),  # 1,020 + 796,000 x 0.5% = cap
        (FeeKind.PRESERVATION, "896000.01", "5000.00", True),
        (FeeKind.PRESERVATION, "30000000", "5000.00", True),
    ],
)
def test_application_fee_bands_and_the_preservation_cap(
    kind: FeeKind, amount: str, fee: str, capped: bool
) -> None:
    result = court_fee(D(amount), kind)
    assert result.fee == D(fee)
    assert result.capped is capped


# --- halving: Arts. 15, 16 and 民诉解释 Art. 206 --------------------------------------------


def test_simplified_and_mediated_together_halve_the_fee_only_once() -> None:
    # 民诉解释 Art. 206: halved once, so 2,300 -> 1,150, never 575.
    result = court_fee(D("100000"), procedure={Procedure.SIMPLIFIED, Procedure.MEDIATED})
    assert result.fee_full == D("2300.00")
    assert result.fee == D("1150.00")
    assert result.procedures == (Procedure.SIMPLIFIED, Procedure.MEDIATED)
    assert result.procedure is Procedure.SIMPLIFIED
    assert result.rule == (
        "《诉讼费用交纳办法》第十三条第（一）项、第十五条、第十六条；民诉解释第二百零六条（只减半一次）"
    )


def test_every_ground_at_once_still_halves_only_once() -> None:
    result = court_fee(D("100000"), procedure=[*Procedure])
    assert result.fee == D("1150.00")
    assert Procedure.ORDINARY not in result.procedures


def test_halve_once_ignores_how_many_grounds_there_are() -> None:
    assert halve_once(D("2300"), [Procedure.SIMPLIFIED]) == D("1150")
    assert halve_once(D("2300"), [Procedure.SIMPLIFIED, Procedure.WITHDRAWN]) == D("1150")
    assert halve_once(D("2300"), [Procedure.ORDINARY]) == D("2300")
    assert halve_once(D("2300"), []) == D("2300")


def test_simplified_procedure_cites_article_16_and_the_once_only_rule() -> None:
    result = court_fee(D("100000"), procedure=Procedure.SIMPLIFIED)
    assert result.rule == (
        "《诉讼费用交纳办法》第十三条第（一）项、第十六条；民诉解释第二百零六条（只减半一次）"
    )
    assert result.status is Status.VERIFIED


def test_small_claims_half_fee_is_marked_as_practice_not_statute() -> None:
    result = court_fee(D("100000"), procedure=Procedure.SMALL_CLAIMS)
    assert result.fee == D("1150.00")
    assert result.status is Status.SECONDARY
    assert "实务做法" in result.rule


@pytest.mark.parametrize("kind", [FeeKind.PRESERVATION, FeeKind.ENFORCEMENT, FeeKind.PAYMENT_ORDER])
def test_only_the_acceptance_fee_is_halved(kind: FeeKind) -> None:
    full = court_fee(D("123456.78"), kind)
    mediated = court_fee(D("123456.78"), kind, procedure=Procedure.MEDIATED)
    assert mediated.fee == mediated.fee_full == full.fee
    assert not mediated.halved
    assert "本项费用不减半" in mediated.rule


# --- rounding policy (UNVERIFIED) ----------------------------------------------------------


def test_yuan_rounding_rounds_half_up_to_whole_yuan() -> None:
    result = court_fee(D("123456.78"), procedure=Procedure.SIMPLIFIED, rounding=FeeRounding.YUAN)
    assert result.fee_full == D("2769.00")  # 2,769.1356
    assert result.fee == D("1385.00")  # 1,384.5678
    assert court_fee(D("5000"), FeeKind.PAYMENT_ORDER, rounding=FeeRounding.YUAN).fee == D("17.00")


def test_the_full_fee_is_rounded_before_it_is_halved_as_judgments_write_it() -> None:
    # 18,125.15, simplified: 50 + 8,125.15 x 2.5 % = 253.12875. A judgment writes
    # "案件受理费253.13元，减半收取计126.57元" (126.565 half-up); halving the exact fee first
    # gives 126.564375 -> 126.56, a fen less.
    amount = D("18125.15")
    default = court_fee(amount, procedure=Procedure.SIMPLIFIED)
    assert default.halving_order is HalvingOrder.ROUND_THEN_HALVE
    assert (default.fee_full, default.fee) == (D("253.13"), D("126.57"))
    other = court_fee(
        amount, procedure=Procedure.SIMPLIFIED, halving_order=HalvingOrder.HALVE_THEN_ROUND
    )
    assert (other.fee_full, other.fee) == (D("253.13"), D("126.56"))
    # To the yuan, 123,530 mediated: exact 2,300 + 23,530 x 2 % = 2,770.60 -> 2,771, half
    # 1,385.50 -> 1,386; halved first, 1,385.30 -> 1,385.
    amount = D("123530")
    by_yuan = court_fee(amount, procedure=Procedure.MEDIATED, rounding=FeeRounding.YUAN)
    assert (by_yuan.fee_full, by_yuan.fee) == (D("2771.00"), D("1386.00"))
    halved_first = court_fee(
        amount,
        procedure=Procedure.MEDIATED,
        rounding=FeeRounding.YUAN,
        halving_order=HalvingOrder.HALVE_THEN_ROUND,
    )
    assert halved_first.fee == D("1385.00")
    assert court_fee(amount, procedure=Procedure.MEDIATED).fee == D("1385.30")
    assert any("先取整后减半" in n for n in default.policy_notes)


def test_every_result_names_its_rounding_policy() -> None:
    assert any("四舍五入到分" in note for note in court_fee(D("1")).policy_notes)
    yuan_notes = court_fee(D("1"), rounding=FeeRounding.YUAN).policy_notes
    assert any("四舍五入到元" in note for note in yuan_notes)


# --- input and versions --------------------------------------------------------------------


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(InputError, match="amount"):
        court_fee(D("-0.01"))


def test_a_float_amount_is_refused() -> None:
    with pytest.raises(MoneyError):
        court_fee(0.1)  # type: ignore[arg-type]


def test_the_schedule_starts_on_2007_04_01() -> None:
    assert court_fee(D("100000"), on=dt.date(2007, 4, 1)).effective_from == dt.date(2007, 4, 1)
    with pytest.raises(RuleLookupError):
        court_fee(D("100000"), on=dt.date(2007, 3, 31))


def test_string_values_from_the_command_line_are_accepted() -> None:
    result = court_fee(
        D("50000"), FeeKind("payment-order"), Procedure("ordinary"), FeeRounding("cent")
    )
    assert result.fee == D("350.00")


def test_json_form_uses_decimal_strings() -> None:
    data = court_fee(D("123456.78"), procedure=Procedure.SIMPLIFIED).as_json()
    assert data["fee"] == "1384.57"
    assert data["fee_full"] == "2769.14"
    assert data["procedures"] == ["simplified"]


def test_fee_base_sums_all_property_claims_by_default() -> None:
    # 民诉解释 Art. 201: principal + interest + penalty interest + liquidated damages
    parts = [D("8000.50"), D("1200.00"), D("300")]
    assert fee_base(D("100000"), parts) == D("109500.50")
    assert fee_base(D("100000"), parts, FeeBase.PRINCIPAL) == D("100000")
    assert fee_base(D("100000")) == D("100000")


def test_fee_base_refuses_negative_parts() -> None:
    with pytest.raises(InputError, match="other_claims"):
        fee_base(D("100"), [D("-1")])
    with pytest.raises(InputError, match="principal"):
        fee_base(D("-100"))


# --- cross-check against the quick formula (court_fee_schedule.csv) ------------------------

# (lower exclusive, upper inclusive or None, rate, k): fee = amount x rate + k inside the band;
# rate None = flat k. Constants from the legal reference's court_fee_schedule.csv, typed in
# here by hand so that the test does not read our own data file.
QUICK = {
    FeeKind.ACCEPTANCE: [
        (0, 10_000, None, "50"),
        (10_000, 100_000, "0.025", "-200"),
        (100_000, 200_000, "0.02", "300"),
        (200_000, 500_000, "0.015", "1300"),
        (500_000, 1_000_000, "0.01", "3800"),
        (1_000_000, 2_000_000, "0.009", "4800"),
        (2_000_000, 5_000_000, "0.008", "6800"),
        (5_000_000, 10_000_000, "0.007", "11800"),
        (10_000_000, 20_000_000, "0.006", "21800"),
        (20_000_000, None, "0.005", "41800"),
    ],
    FeeKind.ENFORCEMENT: [
        (0, 10_000, None, "50"),
        (10_000, 500_000, "0.015", "-100"),
        (500_000, 5_000_000, "0.01", "2400"),
        (5_000_000, 10_000_000, "0.005", "27400"),
        (10_000_000, None, "0.001", "67400"),
    ],
    FeeKind.PRESERVATION: [
        (0, 1_000, None, "30"),
        (1_000, 100_000, "0.01", "20"),
        (100_000, None, "0.005", "520"),
    ],
}
QUICK_CAP = {FeeKind.PRESERVATION: D("5000")}

amounts = st.decimals(
    min_value=0, max_value=100_000_000, places=2, allow_nan=False, allow_infinity=False
)


def _quick(kind: FeeKind, amount: Decimal) -> Decimal:
    for lower, upper, rate, k in QUICK[kind]:
        if (amount > lower or lower == 0) and (upper is None or amount <= upper):
            return D(k) if rate is None else amount * D(rate) + D(k)
    raise AssertionError(f"no band for {amount}")


@given(amount=amounts, kind=st.sampled_from(sorted(QUICK)))
def test_cumulative_computation_equals_the_quick_formula(amount: Decimal, kind: FeeKind) -> None:
    result = court_fee(amount, kind)
    quick = _quick(kind, amount)
    assert sum(line.amount for line in result.breakdown) == quick
    cap = QUICK_CAP.get(kind)
    expected = quick if cap is None else min(quick, cap)
    assert result.fee_full == money.round_fen(expected, money.Rounding.HALF_UP)


@given(amount=amounts)
def test_payment_order_is_a_third_of_the_quick_acceptance_fee(amount: Decimal) -> None:
    third = _quick(FeeKind.ACCEPTANCE, amount) / 3
    assert court_fee(amount, FeeKind.PAYMENT_ORDER).fee == money.round_fen(
        third, money.Rounding.HALF_UP
    )


# --- negative cases: wrong formulas seen in public code (legal.md 1.4) ---------------------


@given(amount=st.decimals(min_value="1000100", max_value=100_000_000, places=2))
def test_the_wrong_plus_8800_formula_above_one_million_never_matches(amount: Decimal) -> None:
    # Wrong: amount x 0.5% + 8,800 for everything above 1,000,000. It agrees at 1,000,000
    # exactly and drifts apart by 0.4% of the excess (then by 33,000 above 20,000,000).
    wrong = money.round_fen(amount * D("0.005") + 8800, money.Rounding.HALF_UP)
    assert court_fee(amount).fee_full != wrong


@given(amount=st.decimals(min_value="20000000.01", max_value=100_000_000, places=2))
def test_the_wrong_plus_4100_formula_above_twenty_million_never_matches(amount: Decimal) -> None:
    wrong = money.round_fen(amount * D("0.005") + 4100, money.Rounding.HALF_UP)
    assert court_fee(amount).fee_full != wrong


def test_thirty_million_is_191800_not_the_wrong_figures() -> None:
    # 30,000,000 x 0.5% + 41,800 = 191,800; the wrong formulas give 158,800 and 154,100.
    fee = court_fee(D("30000000")).fee_full
    assert fee == D("191800.00")
    assert fee not in {D("158800.00"), D("154100.00")}
