"""One account's documents, as built from its loan: what the repayment record shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from tests.litigation_support import TWO_PAID, equal_principal, interest_only
from tests.planted import _id

from overdue.ledger.contract import (
    Allocation,
    AllocationBy,
    Component,
    Contract,
    DayCount,
    Loan,
    Payment,
    RateUnit,
    RepaymentMethod,
)
from overdue.litigation.case import Case, build_case
from overdue.litigation.policy import example_file, load_plaintiff

pytestmark = pytest.mark.unit


def _case(
    loan: Loan,
    cut_off: dt.date,
    accelerate: bool = False,
    product_id: str | None = None,
    **product_terms: object,
) -> Case:
    """The account's case under the example plaintiff; ``product_terms`` change its product."""
    plaintiff = load_plaintiff(example_file("PLAINTIFF.yaml"))
    return build_case(
        loan=loan,
        borrower={"name": "测试甲", "id_number": _id("330106", "19900101", "001"),
                  "address": "某省某市某区示例路1号"},
        decision={"procedure": "small-claims", "court_name": "杭州市西湖区人民法院",
                  "court_code": "浙0106", "venue_basis": "被告住所地"},
        plaintiff=plaintiff,
        product=plaintiff.product(product_id).model_copy(update=product_terms),
        cut_off=cut_off,
        dated=cut_off,
        accelerate=accelerate,
        demands=(),
    )  # fmt: skip


def test_a_payment_made_before_its_due_date_is_shown_paying_that_installment() -> None:
    # 3,000 in 3 equal principal parts at 1 % a month from 2025-01-15. Installment 1 (1,000 +
    # 30.00 interest, due 02-15) is paid early, on 02-10: it waits as a credit and pays the
    # installment on 02-15. Nothing else is paid.
    loan = Loan(
        "E-1",
        equal_principal("3000.00", 3),
        (Payment(dt.date(2025, 2, 10), Decimal("1030.00"), "p1"),),
    )
    case = _case(loan, dt.date(2025, 5, 1))
    record = case.evidence[0].payments
    assert [(r.on, r.what, r.amount) for r in record] == [
        (dt.date(2025, 2, 10), "还款", Decimal("1030.00")),
        (dt.date(2025, 2, 15), "预存余额冲抵", Decimal("1030.00")),
    ]
    assert "第1期借款本金 1,000.00" in record[1].detail
    assert "第1期利息 30.00" in record[1].detail
    assert case.complaint.loan.installments_paid == 1


def test_a_daily_rate_says_interest_is_charged_monthly() -> None:
    """The schedule charges a daily-rate loan monthly at daily x 360 / 12 (README, "The
    rules"); the complaint says so beside the daily rate the contract states."""
    contract = Contract(
        principal=Decimal("6000.00"),
        disbursed_on=dt.date(2025, 1, 15),
        term_months=12,
        method=RepaymentMethod.EQUAL_INSTALLMENT,
        rate=Decimal("0.0005"),
        rate_unit=RateUnit.DAILY,
        day_count=DayCount.ACT_360,
    )
    facts = _case(Loan("E-2", contract), dt.date(2025, 9, 1)).complaint.loan
    assert facts.rate_text == "日利率0.05%（按月计收利息，月利率为日利率×360÷12）"


def test_a_last_installment_due_on_the_cut_off_day_is_claimed_as_due_not_as_accelerated() -> None:
    # 3,000 in three parts, nothing paid; on 2025-04-15 installments 1 and 2 are overdue and
    # the last falls due: its 1,000 is due by the contract, nothing is left to accelerate.
    case = _case(Loan("E-3", equal_principal("3000.00", 3)), dt.date(2025, 4, 15), True)
    claims = case.complaint.claims
    assert next(i.amount for i in claims.items if i.label == "借款本金") == Decimal("3000.00")
    assert (case.claims.accelerated_principal, case.claims.due_on_cut_off_principal) == (
        Decimal("0.00"),
        Decimal("1000.00"),
    )
    assert case.complaint.loan.acceleration_text == ""
    [after] = claims.continuing
    assert (after.label, after.of, after.base, after.start) == (
        "罚息", "", Decimal("3000.00"), dt.date(2025, 4, 16),
    )  # fmt: skip
    assert (
        claims.due_on_cut_off_text
        == "第3期借款本金1,000.00元于2025年4月15日到期，一并主张；该期利息10.00元原告自愿放弃"
    )
    # The waiver is also a claim item of its own; within the cap, nothing else is given up.
    from overdue.documents.render import Renderer

    assert claims.cut_off_waived == (("第3期利息", Decimal("10.00")),)
    complaint = Renderer().markdown("complaint", case.complaint)
    assert (
        "**原告自愿放弃的部分**：第3期利息10.00元（大写：壹拾元整）于2025年4月15日到期，原告自愿放弃。"
        in complaint
    )
    # Element 13 points to it.
    assert "该期利息10.00元原告自愿放弃（见诉讼请求第" in complaint
    assert "超过法律保护上限" not in complaint


def test_a_fee_claim_names_its_installments_in_the_complaint_and_the_sheet() -> None:
    from overdue.documents.render import Renderer

    loan = Loan("E-4", equal_principal("3000.00", 3, service_fee=Decimal("1.00")))
    case = _case(loan, dt.date(2025, 5, 1))
    renderer = Renderer()
    complaint = renderer.markdown("complaint", case.complaint)
    assert (
        "支付服务费3.00元（大写：叁元整）（第1期至第3期）；依据：借款合同约定的服务费。"
        in complaint
    )
    [sheet] = [e for e in case.evidence if e.section == "claim_sheet"]
    assert "| 服务费 | 第1期至第3期 | 3.00 |" in renderer.markdown("evidence", sheet)


def test_the_contract_summary_shows_the_acceleration_clause_the_evidence_list_cites() -> None:
    from overdue.documents.render import Renderer

    case = _case(Loan("E-5", equal_principal("3000.00", 3)), dt.date(2025, 4, 15))
    [summary] = [e for e in case.evidence if e.section == "loan_contract"]
    clause = load_plaintiff(example_file("PLAINTIFF.yaml")).product(None).acceleration_clause
    assert f"| 提前到期 | {clause} |" in Renderer().markdown("evidence", summary)


def test_an_excess_set_off_is_stated_in_the_complaint_and_traced_in_the_sheet() -> None:
    from overdue.documents.render import Renderer

    renderer = Renderer()
    # The loans of tests/unit/litigation/test_rules.py, worked out there. All of the excess
    # paid, nothing given up: no waiver item, so element 13 states the cap's totals.
    paid_off = interest_only(3, 3, (dt.date(2025, 4, 10), "5000.00"))
    complaint = renderer.markdown(
        "complaint", _case(paid_off, dt.date(2025, 4, 10), True).complaint
    )
    assert "原告自愿放弃的部分" not in complaint
    assert (
        "；依据法发〔2017〕22号第二条：利息、复利、罚息、违约金和其他费用总计不超过年利率24%，"
        "按合同约定计收的利息、罚息、复利、违约金及其他费用合计1,035.00元（含被告已支付部分），按上限计算为650.96元，"
        "超出的384.04元系被告已多付的款项，已冲抵本金；" in complaint
    )
    # Element 8 says how the payments were applied: the default order, naming what the contract
    # charges (no late fee, service fee or compound interest here).
    assert (
        "；按合同约定，被告的每笔还款先抵充已到期各期的罚息，再抵充利息，最后抵充借款本金"
        "（同一项目中期次在前的先抵充）；抵充明细见《还款计划与还款记录》。" in complaint
    )
    # Excess paid beyond the overdue amounts: set off against the accelerated principal, which
    # the complaint, the continuing claims and the sheet all state net of it.
    case = _case(interest_only(12, 8), dt.date(2025, 10, 5), True)
    complaint = renderer.markdown("complaint", case.complaint)
    assert (
        "尚未到期的借款本金9,421.37元一并主张（已扣除以被告多付的利息、费用冲抵的578.63元）"
        in complaint
    )
    assert "以9,421.37元为基数" in complaint
    [sheet] = [e for e in case.evidence if e.section == "claim_sheet"]
    rows = {r.what: (r.amount, r.detail) for r in sheet.computation}
    assert rows["未到期本金（宣布提前到期）"] == (
        Decimal("9421.37"),
        "计算截止日以后到期的各期本金10,000.00元，减以多付利息、费用冲抵的578.63元",
    )
    assert rows["主张本金合计"][0] == Decimal("9421.37")


def test_an_upfront_fee_paid_at_disbursement_is_shown_received() -> None:
    from overdue.documents.render import Renderer

    # A 300.00 fee paid separately when the 3,000 was lent (not withheld): the cap counts it,
    # so the evidence shows it received, apart from the repayments.
    loan = Loan("E-6", equal_principal("3000.00", 3, upfront_fee=Decimal("300.00")))
    case = _case(loan, dt.date(2025, 5, 1))
    assert case.complaint.loan.upfront_fee_paid == Decimal("300.00")
    [record] = [e for e in case.evidence if e.section == "repayment_ledger"]
    assert [(r.on, r.what, r.amount) for r in record.payments] == [
        (dt.date(2025, 1, 15), "收取一次性费用", Decimal("300.00"))
    ]
    complaint = Renderer().markdown("complaint", case.complaint)
    assert "被告未偿还任何款项（放款时另行支付的一次性费用300.00元不属于还款）。" in complaint
    [paid_out] = [e for e in case.evidence if e.section == "disbursement"]
    assert (
        "| 放款时另行收取 | 300.00元（大写：叁佰元整）（一次性费用，由借款人另行支付，未从放款金额中扣除） |"
        in Renderer().markdown("evidence", paid_out)
    )
    withheld = Loan(
        "E-7",
        equal_principal("3000.00", 3, upfront_fee=Decimal("300.00"), upfront_fee_deducted=True),
    )
    case = _case(withheld, dt.date(2025, 5, 1))
    assert case.complaint.loan.upfront_fee_paid == Decimal("0")
    assert next(e for e in case.evidence if e.section == "repayment_ledger").payments == ()


def test_the_allocation_clause_follows_the_contracts_order_and_mode() -> None:
    from overdue.documents.render import Renderer

    fees = {"service_fee": Decimal("5.00"), "late_fee_rate": Decimal("0.05"), "compound": True}
    by_component = _case(Loan("E-8", equal_principal("3000.00", 3, **fees)), dt.date(2025, 5, 1))
    assert by_component.complaint.loan.allocation_clause == (
        "先抵充已到期各期的逾期违约金，再依次抵充服务费、罚息、复利、利息，最后抵充借款本金"
        "（同一项目中期次在前的先抵充）"
    )
    # The contract summary states the clause the complaint relies on.
    [summary] = [e for e in by_component.evidence if e.section == "loan_contract"]
    assert (
        "| 还款抵充顺序 | 借款人的每笔还款先抵充已到期各期的逾期违约金，再依次抵充服务费、罚息、复利、利息，"
        "最后抵充借款本金（同一项目中期次在前的先抵充） |"
        in Renderer().markdown("evidence", summary)
    )
    order = (Component.PRINCIPAL, Component.INTEREST, Component.PENALTY, Component.COMPOUND,
             Component.SERVICE_FEE, Component.LATE_FEE)  # fmt: skip
    by_installment = equal_principal(
        "3000.00", 3, allocation=Allocation(order, AllocationBy.INSTALLMENT), **fees
    )
    assert _case(
        Loan("E-9", by_installment), dt.date(2025, 5, 1)
    ).complaint.loan.allocation_clause == (
        "按期次先后抵充已到期款项，前一期抵充完毕再抵充下一期；"
        "同一期内依次抵充借款本金、利息、罚息、复利、服务费、逾期违约金"
    )


def test_the_complaint_mentions_credits_only_where_a_payment_waited_for_its_due_date() -> None:
    from overdue.documents.render import Renderer

    early = Loan(
        "E-10",
        equal_principal("3000.00", 3),
        (Payment(dt.date(2025, 2, 10), Decimal("1030.00"), "p1"),),
    )
    on_time = Loan(
        "E-11",
        equal_principal("3000.00", 3),
        (Payment(dt.date(2025, 2, 15), Decimal("1030.00"), "p1"),),
    )
    credit = "；被告在还款日前支付的款项计入预存余额，至相应一期的还款日抵充该期款项；"
    renderer = Renderer()
    assert credit in renderer.markdown("complaint", _case(early, dt.date(2025, 5, 1)).complaint)
    assert credit not in renderer.markdown(
        "complaint", _case(on_time, dt.date(2025, 5, 1)).complaint
    )


def test_the_claim_sheet_lists_every_cost_the_cap_counts() -> None:
    # The loan of test_rules.test_costs_paid_on_the_cut_off_day_count_in_the_cap: interest
    # paid on its three due dates, the third on the cut-off. The sheet's cost lines add up to
    # the cap's charged total (900.00), the cut-off day's paid interest included.
    case = _case(interest_only(12, 3), dt.date(2025, 4, 1), True)
    [sheet] = [e for e in case.evidence if e.section == "claim_sheet"]
    rows = sheet.computation
    first_cap = next(n for n, r in enumerate(rows) if r.what.endswith("上限"))
    costs = [r for r in rows[:first_cap] if not r.what.endswith("本金")]
    assert [(r.what, r.amount) for r in costs] == [
        ("第1期利息", Decimal("300.00")),
        ("第2期利息", Decimal("300.00")),
        ("第3期利息（当日到期，已付部分）", Decimal("300.00")),
    ]
    total_row = next(r for r in rows if r.what.startswith("按合同计收的"))
    assert total_row.amount == sum(r.amount for r in costs) == Decimal("900.00")


def test_the_contract_summary_states_the_jurisdiction_clause_without_conclusions() -> None:
    from overdue.documents.render import Renderer

    plaintiff = load_plaintiff(example_file("PLAINTIFF.yaml"))
    loan = Loan("E-12", equal_principal("3000.00", 3))
    none = _case(loan, dt.date(2025, 5, 1))
    [summary] = [e for e in none.evidence if e.section == "loan_contract"]
    assert "| 争议解决 | 未约定管辖法院 |" in Renderer().markdown("evidence", summary)
    p01 = plaintiff.product("P01")
    agreed = _case(loan, dt.date(2025, 5, 1), product_id="P01")
    [summary] = [e for e in agreed.evidence if e.section == "loan_contract"]
    assert (
        f"| 争议解决 | {p01.agreed_court_clause}（该条款{p01.agreed_court_notice}） |"
        in Renderer().markdown("evidence", summary)
    )
    assert agreed.complaint.evidence[0].purpose.endswith(
        "；合同约定的管辖条款及其提请借款人注意的方式"
    )
    assert "管辖" not in none.complaint.evidence[0].purpose
    assert agreed.complaint.evidence[0].source == (
        "原告根据借款合同制作（合同原件或电子合同及管辖条款提示记录另行提交）"
    )
    assert none.complaint.evidence[0].source == "原告根据借款合同制作（合同原件或电子合同另行提交）"


def test_the_claim_sheet_says_whether_any_cost_was_received() -> None:
    def total_row(case: Case) -> str:
        [sheet] = [e for e in case.evidence if e.section == "claim_sheet"]
        return next(r.detail for r in sheet.computation if r.what.startswith("按合同计收的"))

    nothing_paid = _case(Loan("E-13", equal_principal("3000.00", 3)), dt.date(2025, 5, 1))
    assert total_row(nothing_paid) == "均未收取"
    assert total_row(_case(interest_only(12, 3), dt.date(2025, 4, 1), True)) == "含已收取部分"


def test_element_13_points_once_to_a_waiver_item_holding_the_cap_and_the_cut_off_day() -> None:
    # 10,000 at 36 % a year interest only, two months paid; on 2025-05-01 installment 3 (due
    # 04-01) is overdue and installment 4's interest of 300.00 falls due. The 24 % cap gives up
    # part of what is overdue, and the cut-off day's interest is given up too: one waiver item
    # holds both, and element 13 points to it once.
    from overdue.documents.render import Renderer

    case = _case(interest_only(12, 2), dt.date(2025, 5, 1), True)
    claims = case.complaint.claims
    assert claims.waivers
    assert claims.cut_off_waived == (("第4期利息", Decimal("300.00")),)
    complaint = Renderer().markdown("complaint", case.complaint)
    element_13 = next(line for line in complaint.splitlines() if "其他需要说明的内容" in line)
    assert element_13.count("见诉讼请求第") == 1
    assert "原告自愿放弃（与超过上限的部分均见诉讼请求第" in element_13
    # Each claim the cap cuts points to the waiver item by its number, as the heading has it.
    import re

    (waiver_no,) = re.findall(r"^(\d+)\. \*\*原告自愿放弃的部分\*\*", complaint, re.M)
    assert f"见诉讼请求第{waiver_no}项" in element_13
    pointing = [line for line in complaint.splitlines() if "上限的部分原告已自愿放弃（见第" in line]
    assert [w.label for w in claims.waivers] == ["利息"]
    assert len(pointing) == 1
    assert pointing[0].startswith("2. **利息**：")
    assert f"，超过法律保护上限的部分原告已自愿放弃（见第{waiver_no}项）；依据：" in pointing[0]


def test_the_complaint_stops_if_its_pointer_and_the_waiver_item_disagree(tmp_path: Path) -> None:
    """The claims point to the waiver item by a number computed up front; a template whose
    count is off (here by one) fails to render, naming the contract, rather than point wrong."""
    import shutil

    import jinja2

    from overdue.documents.render import TEMPLATES_DIR, Renderer

    shutil.copytree(TEMPLATES_DIR, tmp_path / "t")
    complaint = tmp_path / "t" / "complaint.md.j2"
    text = complaint.read_text(encoding="utf-8")
    assert text.count("claims.continuing | length + 6 %}") == 1
    complaint.write_text(
        text.replace("claims.continuing | length + 6 %}", "claims.continuing | length + 7 %}"),
        "utf-8",
    )
    case = _case(interest_only(12, 2), dt.date(2025, 5, 1), True)
    with pytest.raises(
        jinja2.TemplateRuntimeError, match=r"complaint of XD-IO: the waiver item is item 10, not 11"
    ):
        Renderer(templates=tmp_path / "t").markdown("complaint", case.complaint)


def test_the_cap_total_states_the_rounding_difference_of_its_span_rows() -> None:
    # 12,000 in 12 equal principal parts, two paid; the 24 % cap's spans up to 2025-05-03:
    # 12,000 x 24 % x 31 / 365 = 244.6027..., 11,000 x 24 % x 28 / 365 = 202.5205...,
    # 10,000 x 24 % x 49 / 365 = 322.1917...; exact sum 769.3150... -> 769.32, while the rows
    # as printed (244.60, 202.52, 322.19) add up to 769.31.
    case = _case(Loan("E-5", equal_principal("12000.00", 12), TWO_PAID), dt.date(2025, 5, 3))
    [sheet] = [e for e in case.evidence if e.section == "claim_sheet"]
    spans = [r.amount for r in sheet.computation if r.what.endswith("其他费用上限")]
    assert spans == [Decimal("244.60"), Decimal("202.52"), Decimal("322.19")]
    [cap_total] = [r for r in sheet.computation if r.what == "上限合计"]
    assert cap_total.amount == Decimal("769.32")
    assert cap_total.detail.endswith("（各段四舍五入后相加为769.31元，差额0.01元为尾差）")


def test_principal_not_yet_due_is_claimed_only_under_a_stated_acceleration_clause() -> None:
    # 12 monthly installments, none paid, sued after the third fell due: with the contract's
    # clause the rest is called in; a product whose clause the plaintiff does not state gets
    # only the overdue principal, even when the policy accelerates.
    loan = Loan("E-6", equal_principal("12000.00", 12))
    cut_off = dt.date(2025, 4, 20)
    called = _case(loan, cut_off, accelerate=True)
    assert called.claims.accelerated_principal == Decimal("9000.00")
    assert called.complaint.loan.acceleration_text != ""
    silent = _case(loan, cut_off, accelerate=True, acceleration_clause="")
    assert silent.claims.accelerated_principal == Decimal("0.00")
    assert silent.complaint.loan.acceleration_text == ""
    assert silent.claims.claims.total < called.claims.claims.total
