"""A collector's claim set against the reference ledger's lawful amount, item by item."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from tests.litigation_support import interest_only

from overdue.borrower.claim import check_claim
from overdue.errors import InputError

pytestmark = pytest.mark.unit

EXAMPLE = json.loads((Path(__file__).parents[3] / "examples" / "loan.json").read_text("utf-8"))
AS_OF = dt.date(2025, 6, 30)


def test_an_itemised_claim_is_cut_back_item_by_item_with_the_rule() -> None:
    # examples/loan.json as of 2025-06-30 (README): due under the terms 18,346.37, cost charged
    # 43.56 % a year; the 24 % line gives up 3,198.75 — first all 678.30 of late fees, then
    # 3,198.75 - 678.30 = 2,520.45 of penalty (3,674.23 -> 1,153.78).
    # The collector adds 1,653.63 of "collection fees": 20,000.00 in all.
    r = check_claim(
        EXAMPLE,
        claimed_items={
            "本金": Decimal("12362.53"),
            "利息": Decimal("1631.31"),
            "罚息": Decimal("3674.23"),
            "违约金": Decimal("678.30"),
            "催收费": Decimal("1653.63"),
        },
        as_of=AS_OF,
    )
    by = {line.item: line for line in r.lines_by_item}
    assert r.claimed_total == Decimal("20000.00")
    assert r.contract_total == Decimal("18346.37")
    assert r.lawful_total == Decimal("15147.62")
    assert r.difference == Decimal("4852.38")  # 20,000.00 - 15,147.62
    assert by["penalty"].lawful == Decimal("1153.78")
    assert by["penalty"].difference == Decimal("2520.45")
    assert by["late_fee"].lawful == Decimal("0.00")
    assert by["other"].difference == Decimal("1653.63")
    assert by["principal"].difference == Decimal("0.00")
    assert "24%" in by["penalty"].rule
    assert "催收" in by["other"].rule
    assert r.limitation_expires_on == dt.date(2028, 5, 20)


def test_a_total_only_claim_is_compared_as_a_total() -> None:
    r = check_claim(EXAMPLE, claimed_total=Decimal("15000"), as_of=AS_OF)
    assert r.difference == Decimal("-147.62")
    assert all(line.claimed is None for line in r.lines_by_item)
    assert "不超过" in r.summary
    data = r.to_json()
    assert data["lawful_total"] == "15147.62"
    assert data["cap_rate"] == "0.24"


def test_items_that_do_not_add_up_to_the_total_are_refused() -> None:
    with pytest.raises(InputError, match="claimed_items"):
        check_claim(
            EXAMPLE,
            claimed_total=Decimal("100"),
            claimed_items={"本金": Decimal("90")},
            as_of=AS_OF,
        )


def test_an_unknown_item_names_itself() -> None:
    with pytest.raises(InputError, match=r"claimed_items\.手续费X"):
        check_claim(EXAMPLE, claimed_items={"手续费X": Decimal("1")}, as_of=AS_OF)


def test_payments_after_the_as_of_date_are_named_as_not_counted() -> None:
    # The same loan with one more payment after the day asked about: the lawful amount is
    # that of the day, and the borrower is told the later payment was left out, and why.
    later = {
        **EXAMPLE,
        "payments": [*EXAMPLE["payments"], {"on": "2025-07-15", "amount": "500.00"}],
    }
    before = check_claim(EXAMPLE, claimed_total=Decimal("15000"), as_of=AS_OF)
    r = check_claim(later, claimed_total=Decimal("15000"), as_of=AS_OF)
    assert r.lawful_total == before.lawful_total
    note = [line for line in r.lines if "晚于查询日期" in line]
    assert note == [
        "您提供的还款中有1笔（共500.00元）晚于查询日期2025年6月30日，以上计算没有计入；"
        "要算上它们，请把查询日期改为2025年7月15日或之后。"
    ]
    assert not [line for line in before.lines if "晚于查询日期" in line]


def test_a_loan_repaid_early_is_said_to_be_repaid_with_what_is_owed_back() -> None:
    # 12,000 over three months at 12 % a year (ACT/360); installment 1 paid on 2025-02-15;
    # 8,053.33 on 03-05 repays the 8,000.00 left with 18 days of interest (48.00): 5.33 is
    # owed back. A collector still asking for the schedule's 120.00 of interest asks 120.00 too
    # much, and the borrower is told the loan was repaid and what comes back.
    loan = {
        "loan_id": "E-1",
        "contract": {
            "principal": "12000.00", "disbursed_on": "2025-01-15", "term_months": 3,
            "method": "equal-principal", "rate": "0.12", "rate_unit": "annual",
            "day_count": "ACT/360", "lender_type": "licensed",
        },
        "payments": [{"on": "2025-02-15", "amount": "4120.00"}, {"on": "2025-03-05", "amount": "8053.33"}],
    }  # fmt: skip
    r = check_claim(loan, claimed_total=Decimal("120.00"), as_of=dt.date(2025, 6, 30))
    assert (r.lawful_total, r.difference) == (Decimal("0.00"), Decimal("120.00"))
    assert (
        "这笔贷款已于2025年3月5日提前还清：利息只按实际借款的天数计算（民法典第六百七十七条），"
        "之后各期的利息和服务费不应再收。"
    ) in r.lines
    assert "您的还款付清已到期的款项后还多出5.33元：贷款已经还清，这笔钱应退还给您。" in r.lines


def test_no_claim_at_all_is_refused() -> None:
    with pytest.raises(InputError, match="claimed_total"):
        check_claim(EXAMPLE, as_of=AS_OF)


def test_a_fee_withheld_when_the_loan_was_paid_out_is_not_owed_as_principal() -> None:
    # 10,000 on paper, 500 withheld: 9,500 reached the borrower (民法典 Art. 670). Bullet, 3
    # months at 12 % from 2025-01-15, due 2025-04-15; as of 04-16 one day overdue.
    # As written: 10,000 + 10,000 x 1 % x 3 = 300 + penalty 10,000 x 18 % / 360 = 5.00.
    # Lawful: 9,500 + 285.00 + 9,500 x 18 % / 360 = 4.75, under the 24 % cap: 9,789.75.
    loan = {
        "loan_id": "W-1",
        "contract": {
            "principal": "10000",
            "disbursed_on": "2025-01-15",
            "term_months": 3,
            "method": "bullet",
            "rate": "0.12",
            "upfront_fee": "500",
            "upfront_fee_deducted": True,
        },
    }
    r = check_claim(loan, claimed_total=Decimal("10305.00"), as_of=dt.date(2025, 4, 16))
    by = {line.item: line for line in r.lines_by_item}
    assert r.contract_total == Decimal("10305.00")
    assert (by["principal"].contract_due, by["principal"].lawful) == (
        Decimal("10000.00"),
        Decimal("9500.00"),
    )
    assert (by["interest"].contract_due, by["interest"].lawful) == (
        Decimal("300.00"),
        Decimal("285.00"),
    )
    assert r.lawful_total == Decimal("9789.75")
    assert r.difference == Decimal("515.25")
    [line] = [x for x in r.lines if "直接扣除" in x]
    assert "9,500.00" in line
    assert "第六百七十条" in line


def test_interest_paid_above_the_cap_with_nothing_overdue_to_absorb_it_reduces_the_principal() -> (
    None
):
    # tests/unit/litigation/test_rules.py works this loan out: 10,000 interest only at 36 %,
    # eight monthly interest payments made, the ninth (300.00) unpaid on 2025-10-05. Of the
    # 878.63 charged above 24 %, the unpaid 300.00 is not owed and 578.63 was paid: the
    # principal not yet due, 10,000, is lawfully 9,421.37.
    r = check_claim(
        interest_only(12, 8), claimed_total=Decimal("300.00"), as_of=dt.date(2025, 10, 5)
    )
    assert r.lawful_total == Decimal("0.00")
    assert r.not_yet_due_principal == Decimal("10000.00")
    assert (
        "您已多付的利息和费用中，有578.63元超过上限且无已到期欠款可抵，应冲抵未到期本金："
        "未到期本金依法只需再还9,421.37元。" in r.lines
    )


def test_an_expired_limitation_period_is_said_to_have_expired_with_what_waives_the_defence() -> (
    None
):
    """The example loan's limitation period runs from its last installment; checked three and
    more years later it has expired: the line says so, names the defence (民法典 Arts. 192,
    193) and warns that agreeing to pay afterwards gives it up; before then it is running."""
    running = check_claim(EXAMPLE, claimed_total=Decimal("15000"), as_of=AS_OF)
    expires = running.limitation_expires_on
    assert expires > AS_OF
    line = next(x for x in running.lines if x.startswith("诉讼时效"))
    assert f"到{expires.isoformat()}届满" in line
    assert "重新计算" in line
    later = expires + dt.timedelta(days=1)
    expired = check_claim(EXAMPLE, claimed_total=Decimal("15000"), as_of=later)
    assert expired.limitation_expires_on == expires  # nothing happened in between
    line = next(x for x in expired.lines if x.startswith("诉讼时效"))
    assert f"已于{expires.isoformat()}届满" in line
    assert "时效抗辩" in line
    assert "第一百九十二条第二款" in line
    assert "到" + expires.isoformat() + "届满" not in line


@pytest.mark.parametrize("name", ["担保费", "会员费", "手续费", "咨询费"])
def test_fees_that_are_interest_by_another_name_count_as_service_fees(name: str) -> None:
    """九民纪要 Art. 51: such fees are counted with interest under the cap, not refused."""
    r = check_claim(
        EXAMPLE, claimed_items={"本金": Decimal("14000"), name: Decimal("300")}, as_of=AS_OF
    )
    fee = next(line for line in r.lines_by_item if line.item == "service_fee")
    assert fee.claimed == Decimal("300")
