"""Litigation rules: defendants, venue, procedure, the policy file and capped claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from tests.litigation_support import TWO_PAID, equal_principal, interest_only

from overdue.errors import InputError
from overdue.ledger.contract import (
    Contract,
    LenderType,
    Loan,
    Payment,
    RepaymentMethod,
)
from overdue.litigation.claims import compute_claims
from overdue.litigation.jurisdiction import choose_procedure, venue
from overdue.litigation.parties import id_problem, mask_id, mask_phone
from overdue.litigation.policy import Policy, load_plaintiff, load_policy
from overdue.rules.courts import lookup_court
from overdue.rules.fees import Procedure

pytestmark = pytest.mark.unit

ROOT = Path(__file__).parents[3]
ON = dt.date(2026, 11, 20)


# --- defendants ---------------------------------------------------------------------------------


def test_identity_number_check_digit() -> None:
    # GB 11643-1999's worked example: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over
    # 11010519491231002 give 167; 167 mod 11 = 2, which maps to the check character X.
    assert id_problem("11010519491231002X", ON) is None
    assert id_problem("11010519491231002x", ON) is None  # lower-case x is the same
    assert "校验位" in (id_problem("110105194912310021", ON) or "")
    assert "18位" in (id_problem("1101051949123100", ON) or "")
    assert id_problem("", ON) == "缺少身份证号码"
    # Born 2027-01-01, after the as-of date, with a right check digit: the weighted sum of
    # 11010520270101001 is 94; 94 mod 11 = 6, which maps to '6' (10X98765432).
    assert "出生日期" in (id_problem("110105202701010016", ON) or "")


def test_masking_keeps_county_and_last_four_only() -> None:
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone(None) == ""


# --- venue and procedure ------------------------------------------------------------------------


def test_agreed_court_comes_before_the_defendants_domicile() -> None:
    offline = venue(
        defendant_county="110105",
        plaintiff_county="330106",
        agreed_court="浙0106",
        agreed_clause="由贷款人住所地人民法院管辖",
        agreed_notice="以加粗字体提示并经借款人勾选确认",
        signed_online=False,
    )
    assert offline is not None
    assert offline.court.code == "浙0106"
    assert offline.basis == (
        "有。借款合同约定“由贷款人住所地人民法院管辖”（该格式条款已以加粗字体提示并经借款人勾选确认，"
        "民诉解释第三十一条），据此由杭州市西湖区人民法院管辖"
    )
    assert "第三十五条" in offline.rule
    assert offline.internet_court is None
    assert offline.clause_relied


def test_a_standard_form_clause_not_shown_to_the_borrower_is_not_relied_on() -> None:
    # 民诉解释 Art. 31: without a stated way the clause was brought to the consumer's attention,
    # the defendant's domicile decides, and the complaint says why the clause is not used.
    v = venue(
        defendant_county="110105",
        plaintiff_county="330106",
        agreed_court="浙0106",
        agreed_clause="由贷款人住所地人民法院管辖",
        agreed_notice="",
        signed_online=False,
    )
    assert v is not None
    assert v.court.name == "北京市朝阳区人民法院"
    assert v.basis == (
        "有。借款合同约定“由贷款人住所地人民法院管辖”，该条款为格式条款，原告不援引该约定"
        "（民诉解释第三十一条）；被告住所地在北京市朝阳区人民法院辖区，由该院管辖"
    )
    assert "第二十二条" in v.rule
    assert not v.clause_relied


def test_online_loans_of_an_internet_courts_city_go_to_the_internet_court() -> None:
    # 法释〔2018〕16号 Art. 2(三): concentrated jurisdiction over online financial loans that a
    # basic court of Hangzhou (Beijing, Guangzhou) would otherwise hear.
    agreed = venue(
        defendant_county="110105",
        plaintiff_county="330106",
        agreed_court="浙0106",
        agreed_clause="由贷款人住所地人民法院管辖",
        agreed_notice="以加粗字体提示并经借款人勾选确认",
        signed_online=True,
    )
    assert agreed is not None
    assert agreed.court.code == "浙0192"
    assert "集中管辖" in agreed.basis
    assert agreed.clause_relied  # the internet court hears the agreed court's cases
    assert "法释〔2018〕16号第二条" in agreed.rule
    domicile = venue(
        defendant_county="110105",
        plaintiff_county=None,
        agreed_court=None,
        agreed_clause="",
        agreed_notice="",
        signed_online=True,
    )
    assert domicile is not None
    assert domicile.court.name == "北京互联网法院"
    assert domicile.basis.startswith("无。被告住所地在北京市朝阳区人民法院辖区")


def test_a_private_loan_is_never_sent_to_an_internet_court() -> None:
    # 法释〔2018〕16号 Art. 2(三) names financial and small-loan contracts, not 民间借贷
    private = venue(
        defendant_county="110105",
        plaintiff_county="330106",
        agreed_court=None,
        agreed_clause="",
        agreed_notice="",
        signed_online=True,
        financial_loan=False,
    )
    assert private is not None
    assert private.court.name == "北京市朝阳区人民法院"
    assert private.internet_court is None
    assert "民间借贷" in private.internet_reason
    assert "集中管辖（" not in private.basis
    # a clause naming an internet court for a private loan is not relied on
    agreed_internet = venue(
        defendant_county="110105",
        plaintiff_county="330106",
        agreed_court="浙0192",
        agreed_clause="由杭州互联网法院管辖",
        agreed_notice="以加粗字体提示并经借款人勾选确认",
        signed_online=True,
        financial_loan=False,
    )
    assert agreed_internet is not None
    assert agreed_internet.court.name == "北京市朝阳区人民法院"
    assert not agreed_internet.clause_relied
    assert "杭州互联网法院不受理民间借贷纠纷" in agreed_internet.basis


def test_defendants_domicile_and_internet_court_flag() -> None:
    offline = venue(
        defendant_county="330106",
        plaintiff_county=None,
        agreed_court=None,
        agreed_clause="",
        agreed_notice="",
        signed_online=False,
    )
    assert offline is not None
    assert offline.court.code == "浙0106"
    assert offline.internet_court is None
    # A Chengdu defendant of a Hangzhou lender: the Chengdu court hears it; the Hangzhou
    # internet court (place of performance of a money claim) is reported, not chosen.
    flagged = venue(
        defendant_county="510104",
        plaintiff_county="330106",
        agreed_court=None,
        agreed_clause="",
        agreed_notice="",
        signed_online=True,
    )
    assert flagged is not None
    assert flagged.court.code.startswith("川")
    assert flagged.internet_court is not None
    assert flagged.internet_court.name == "杭州互联网法院"
    elsewhere = venue(
        defendant_county="510104",
        plaintiff_county="510104",
        agreed_court=None,
        agreed_clause="",
        agreed_notice="",
        signed_online=True,
    )
    assert elsewhere is not None
    assert elsewhere.internet_court is None
    assert (
        venue(
            defendant_county="999999",
            plaintiff_county=None,
            agreed_court=None,
            agreed_clause="",
            agreed_notice="",
            signed_online=True,
        )
        is None
    )


def test_small_claims_up_to_the_provinces_threshold_inclusive() -> None:
    court = lookup_court("浙0106")
    assert court is not None
    # Zhejiang: 54,323 yuan (legal.md §4, 浙江高院 2022 notice).
    at = choose_procedure(
        Decimal("54323.00"), court, ON, small_claims=True, above=Procedure.SIMPLIFIED
    )
    over = choose_procedure(
        Decimal("54323.01"), court, ON, small_claims=True, above=Procedure.SIMPLIFIED
    )
    assert at.procedure is Procedure.SMALL_CLAIMS
    assert over.procedure is Procedure.SIMPLIFIED
    assert "超过" in over.reason
    off = choose_procedure(Decimal("100"), court, ON, small_claims=False, above=Procedure.ORDINARY)
    assert off.procedure is Procedure.ORDINARY
    custom = choose_procedure(
        Decimal("60000"),
        court,
        ON,
        small_claims=True,
        above=Procedure.SIMPLIFIED,
        overrides={"浙": Decimal("65000")},
    )
    assert custom.procedure is Procedure.SMALL_CLAIMS
    assert custom.threshold.threshold == 65000


# --- policy files -------------------------------------------------------------------------------


def test_example_files_load_and_numbers_stay_exact() -> None:
    policy = load_policy(ROOT / "examples" / "POLICY.yaml")
    assert policy.recovery.rate_by_bucket["M4"] == Decimal("0.30")
    assert policy.small_claims_thresholds["浙"] == Decimal("54323")
    assert policy.lender_types == (LenderType.LICENSED,)
    plaintiff = load_plaintiff(ROOT / "examples" / "PLAINTIFF.yaml")
    assert plaintiff.product("P01").agreed_court == "浙0106"
    assert plaintiff.product("P99").agreed_court is None  # the default product
    assert load_policy(None) == Policy()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("min_dpd: 90\nmin_dpt: 30\n", "min_dpt"),
        ("recovery:\n  rate_by_bucket: {M1: 0.4}\n", "recovery.rate_by_bucket"),
        ("recovery:\n  cost_per_case: -5\n", "recovery.cost_per_case"),
        ("min_claim: 1000.001\n", "min_claim"),
        ("priority: biggest\n", "priority"),
        ("min_dpd: [\n", "yaml"),
    ],
)
def test_bad_policy_names_the_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "POLICY.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_policy(path)
    assert err.value.field == field
    assert err.value.source == str(path)


# --- claims -------------------------------------------------------------------------------------


def _bullet(payments: tuple[Payment, ...] = ()) -> Loan:
    contract = Contract(
        principal=Decimal("10000.00"),
        disbursed_on=dt.date(2025, 1, 1),
        term_months=3,
        method=RepaymentMethod.BULLET,
        rate=Decimal("0.36"),
        penalty_markup=Decimal("0.5"),
    )
    return Loan("L1", contract, payments)


def test_claims_are_capped_and_the_amount_given_up_is_stated() -> None:
    # Bullet loan of 10,000 at 36 % a year for 3 months, ACT/360: interest 10,000 x 3 % x 3 =
    # 900.00 due 2025-04-01. Penalty at 54 % on the principal from 2025-04-02 to 2025-07-10,
    # 100 days: 10,000 x 0.54 x 100 / 360 = 1,500.00. Charged 2,400.00.
    # Cap (licensed, 24 %, day basis 365): 10,000 x 190 days (2025-01-02 .. 07-10) x 0.24 / 365
    # = 1,249.315... -> 1,249.32 allowed; excess 1,150.68, given up from the penalty first.
    c = compute_claims(_bullet(), dt.date(2025, 7, 10), accelerate=True)
    items = {i.label: i.amount for i in c.claims.items}
    assert items == {
        "借款本金": Decimal("10000.00"),
        "利息": Decimal("900.00"),
        "罚息": Decimal("349.32"),
    }
    assert c.claims.total == Decimal("11249.32")
    (w,) = c.claims.waivers
    assert (w.label, w.charged, w.claimed, w.given_up) == (
        "罚息",
        Decimal("1500.00"),
        Decimal("349.32"),
        Decimal("1150.68"),
    )
    assert "24%" in w.rule
    assert c.claims.cap_text == (
        "按合同约定计收的利息、罚息、复利、违约金及其他费用合计2,400.00元，按上限计算为1,249.32元，"
        "超出1,150.68元，原告自愿放弃"  # nothing was paid: no "（含被告已支付部分）"
    )
    (cont,) = c.claims.continuing
    # After the cut-off the penalty continues on the principal, at 24 % rather than 54 %.
    assert (cont.base, cont.rate, cont.start) == (
        Decimal("10000.00"),
        Decimal("0.24"),
        dt.date(2025, 7, 11),
    )
    assert "54%" in cont.basis
    assert "24%" in cont.basis


def test_interest_paid_above_the_cap_is_set_off_against_the_accelerated_principal() -> None:
    # Eight interest installments paid (2,400.00), the ninth (300.00, due 2025-10-01) not. On
    # 2025-10-05 nothing of the principal is overdue. Charged 9 x 300 = 2,700.00; cap 24 % on
    # 10,000 for 277 days (2025-01-02 .. 10-05) / 365 = 1,821.369... -> 1,821.37; excess 878.63.
    # The unpaid 300.00 is given up; the other 578.63 was paid, and there is no overdue
    # principal to absorb it: it is set off against the principal claimed by acceleration.
    on = compute_claims(interest_only(12, 8), dt.date(2025, 10, 5), accelerate=True)
    assert [(i.label, i.amount) for i in on.claims.items] == [("借款本金", Decimal("9421.37"))]
    assert "超过年利率24%上限的578.63元已冲抵本金" in on.claims.items[0].basis
    assert (on.accelerated_principal, on.accelerated_set_off) == (
        Decimal("9421.37"),
        Decimal("578.63"),
    )
    assert [c.base for c in on.claims.continuing] == [Decimal("9421.37")] * 2
    assert on.claims.cap_text == (
        "按合同约定计收的利息、罚息、复利、违约金及其他费用合计2,700.00元（含被告已支付部分），按上限计算为1,821.37元，"
        "超出878.63元，其中被告已多付的578.63元冲抵本金，其余300.00元原告自愿放弃"
    )
    # Without acceleration nothing is claimed, and the 578.63 is said to reduce the principal
    # not yet due.
    off = compute_claims(interest_only(12, 8), dt.date(2025, 10, 5), accelerate=False)
    assert off.claims.items == ()
    assert off.unclaimed_set_off == Decimal("578.63")
    assert "被告已多付的578.63元冲抵尚未到期的借款本金（本案未主张该部分本金），其余300.00元" in (
        off.claims.cap_text
    )


def test_an_excess_wholly_paid_is_set_off_and_stated_without_a_waiver() -> None:
    # 3 months interest only (300.00 a month, principal 10,000 due 2025-04-01); the interest
    # paid on each due date, then 5,000.00 on 2025-04-10. Penalty at 54 % on the principal from
    # 04-02 to 04-10, 9 days: 10,000 x 0.54 x 9 / 360 = 135.00, paid first; 4,865.00 principal.
    # Charged 900 + 135 = 1,035.00; cap 24 % x 10,000 x 99 days (01-02 .. 04-10) / 365 =
    # 650.958... -> 650.96; excess 384.04, all of it paid: nothing to give up, the principal
    # claimed is 10,000 - 4,865 - 384.04 = 4,750.96.
    loan = interest_only(3, 3, (dt.date(2025, 4, 10), "5000.00"))
    c = compute_claims(loan, dt.date(2025, 4, 10), accelerate=True)
    assert [(i.label, i.amount) for i in c.claims.items] == [("借款本金", Decimal("4750.96"))]
    assert c.claims.waivers == ()
    assert c.claims.cap_text == (
        "依据法发〔2017〕22号第二条：利息、复利、罚息、违约金和其他费用总计不超过年利率24%，"
        "按合同约定计收的利息、罚息、复利、违约金及其他费用合计1,035.00元（含被告已支付部分），按上限计算为650.96元，"
        "超出的384.04元系被告已多付的款项，已冲抵本金"
    )


def test_acceleration_claims_principal_not_yet_due() -> None:
    # Paid the first two installments (1,000 principal + interest 120.00 and 110.00), then stopped.
    loan = Loan("L2", equal_principal("12000.00", 12), TWO_PAID)
    cut = dt.date(2025, 6, 20)  # installments 3, 4, 5 (Apr 15, May 15, Jun 15) are overdue
    on = compute_claims(loan, cut, accelerate=True)
    off = compute_claims(loan, cut, accelerate=False)
    principal_on = next(i.amount for i in on.claims.items if i.label == "借款本金")
    principal_off = next(i.amount for i in off.claims.items if i.label == "借款本金")
    assert principal_off == Decimal("3000.00")  # three overdue installments of 1,000
    assert principal_on == Decimal("10000.00")  # everything not yet repaid
    assert on.accelerated_principal == Decimal("7000.00")
    assert on.claims.total - off.claims.total == Decimal("7000.00")
    # After the cut-off: the 3,000 overdue bears penalty interest (18 %) from the next day;
    # the 7,000 accelerated by the complaint falls due when it is served: contract interest
    # (12 %) until then, penalty interest from the day after.
    assert [
        (c.label, c.base, c.rate, c.start, c.start_text, c.until) for c in on.claims.continuing
    ] == [
        (
            "罚息",
            Decimal("3000.00"),
            Decimal("0.18"),
            cut + dt.timedelta(days=1),
            "",
            "实际清偿之日",
        ),
        (
            "利息",
            Decimal("7000.00"),
            Decimal("0.12"),
            cut + dt.timedelta(days=1),
            "",
            "起诉状副本送达之日",
        ),
        (
            "罚息",
            Decimal("7000.00"),
            Decimal("0.18"),
            cut + dt.timedelta(days=1),
            "起诉状副本送达之次日",
            "实际清偿之日",
        ),
    ]
    assert [(c.label, c.base) for c in off.claims.continuing] == [("罚息", Decimal("3000.00"))]


def test_an_installment_due_on_the_cut_off_day_is_not_overdue_and_the_claims_say_so() -> None:
    # 12,000 in 12 equal principal parts at 1 % a month from 2025-01-15; two paid. On the
    # cut-off 2025-06-15 installment 5 (1,000 + 8,000 x 1 % = 80.00 interest) falls due:
    # installments 3 and 4 are overdue, 5 is not.
    contract, paid = equal_principal("12000.00", 12), TWO_PAID
    cut = dt.date(2025, 6, 15)
    on = compute_claims(Loan("L3", contract, paid), cut, accelerate=True)
    principal = next(i.amount for i in on.claims.items if i.label == "借款本金")
    # Installment 5's principal is due that day by the contract (overdue from the next), 6 to
    # 12 by acceleration: 2,000 + 1,000 + 7,000 claimed. Penalty interest runs on the 3,000
    # due by the contract from 06-16; the 7,000 falls due when the complaint is served.
    assert (on.due_on_cut_off_principal, on.accelerated_principal) == (
        Decimal("1000.00"),
        Decimal("7000.00"),
    )
    assert principal == Decimal("10000.00")
    assert [(c.label, c.of, c.base) for c in on.claims.continuing] == [
        ("罚息", "已到期本金", Decimal("3000.00")),
        ("利息", "提前到期本金", Decimal("7000.00")),
        ("罚息", "提前到期本金", Decimal("7000.00")),
    ]
    assert on.claims.due_on_cut_off_text == (
        "第5期借款本金1,000.00元于2025年6月15日到期，一并主张；该期利息80.00元原告自愿放弃"
    )
    off = compute_claims(Loan("L3", contract, paid), cut, accelerate=False)
    assert next(i.amount for i in off.claims.items if i.label == "借款本金") == Decimal("2000.00")
    assert off.claims.due_on_cut_off_text == (
        "第5期借款本金1,000.00元于2025年6月15日到期，本案不予主张；该期利息80.00元原告自愿放弃"
    )
    # A day later installment 5 is overdue, claimed, and nothing is left to explain.
    later = compute_claims(Loan("L3", contract, paid), cut + dt.timedelta(days=1), accelerate=True)
    assert later.claims.due_on_cut_off_text == ""
    assert later.accelerated_principal == Decimal("7000.00")


def test_a_fee_claim_names_its_installments() -> None:
    # 3,000 in 3 equal principal parts at 1 % a month with a 1.00 service fee per installment,
    # nothing paid; on 2025-05-01 all three are overdue and well within the 24 % cap.
    contract = equal_principal("3000.00", 3, service_fee=Decimal("1.00"))
    c = compute_claims(Loan("L4", contract), dt.date(2025, 5, 1), accelerate=False)
    fee = next(i for i in c.claims.items if i.label == "服务费")
    assert (fee.amount, fee.period, fee.installments) == (Decimal("3.00"), "", "第1期至第3期")
    assert fee.basis == "借款合同约定的服务费"


def test_costs_paid_on_the_cut_off_day_count_in_the_cap() -> None:
    # Interest paid on its three due dates, the third on the cut-off 2025-04-01. The cap's
    # allowance runs through that day: 10,000 x 24 % x 90 days (01-02 .. 04-01) / 365 =
    # 591.780... -> 591.78, so the 300.00 paid that day counts too: charged 900.00, excess
    # 308.22, all paid: set off against the principal claimed by acceleration.
    c = compute_claims(interest_only(12, 3), dt.date(2025, 4, 1), accelerate=True)
    s = c.replay.state
    assert (s.cap.charged, s.cap.allowed, s.cap.excess) == (
        Decimal("900.00"),
        Decimal("591.78"),
        Decimal("308.22"),
    )
    assert [(i.label, i.amount) for i in c.claims.items] == [("借款本金", Decimal("9691.78"))]
    assert c.accelerated_set_off == Decimal("308.22")


def _bullet_12() -> Contract:
    """10,000 for 3 months at 12 % a year, bullet, disbursed 2025-01-01."""
    return Contract(
        principal=Decimal("10000.00"),
        disbursed_on=dt.date(2025, 1, 1),
        term_months=3,
        method=RepaymentMethod.BULLET,
        rate=Decimal("0.12"),
    )


@pytest.mark.parametrize(
    ("paid", "claimed", "period"),
    [
        # 450.00 on 05-01 pays the 150.00 penalty and the 300.00 interest: the claim is the
        # 300.00 accrued from 05-02 (not from 04-02, whose penalty was paid).
        ("450.00", "300.00", "自2025年5月2日起至2025年6月30日止"),
        # 100.00 on 05-01 pays 100.00 of the 150.00 penalty (the contract's order puts penalty
        # before interest): that span is partly unpaid, so the period starts on 04-02; accrued
        # in it 150.00 + 300.00 = 450.00, claimed 350.00, and the 100.00 paid is stated.
        (
            "100.00",
            "350.00",
            "自2025年4月2日起至2025年6月30日止（已扣除被告就该期间支付的罚息100.00元）",
        ),
    ],
)
def test_the_penalty_claims_period_starts_where_the_unpaid_penalty_accrued(
    paid: str, claimed: str, period: str
) -> None:
    # 10,000 for 3 months at 12 % a year, bullet: interest 10,000 x 1 % x 3 = 300.00 due
    # 2025-04-01. Penalty at 18 % from 04-02: 30 days to 05-01 = 10,000 x 0.18 x 30 / 360 =
    # 150.00; then 60 days to 06-30 = 300.00.
    loan = Loan("P1", _bullet_12(), (Payment(dt.date(2025, 5, 1), Decimal(paid), "p"),))
    c = compute_claims(loan, dt.date(2025, 6, 30), accelerate=True)
    penalty = next(i for i in c.claims.items if i.label == "罚息")
    assert (penalty.amount, penalty.period) == (Decimal(claimed), period)


def test_an_interest_period_states_the_part_paid_of_its_first_installment() -> None:
    # equal_principal 12,000 in 12 at 1 % a month, two installments paid; 60.00 paid on
    # 04-15 towards installment 3 (1,000 + 100.00 interest): the contract's order pays its
    # interest first. On 2025-06-20 installments 3 to 5 are overdue: interest 100.00 + 90.00 +
    # 80.00 = 270.00 scheduled, 60.00 of it paid, 210.00 claimed.
    loan = Loan(
        "I-1",
        equal_principal("12000.00", 12),
        (*TWO_PAID, Payment(dt.date(2025, 4, 15), Decimal("60.00"), "p3")),
    )
    c = compute_claims(loan, dt.date(2025, 6, 20), accelerate=False)
    interest = next(i for i in c.claims.items if i.label == "利息")
    assert (interest.amount, interest.period) == (
        Decimal("210.00"),
        "自2025年3月15日起至2025年6月15日止（第3期至第5期，其中第3期已付60.00元、尚欠40.00元）",
    )


def test_the_complaints_legal_basis_names_what_its_claims_rest_on() -> None:
    from overdue.litigation.claims import LEGAL_BASIS, _legal_basis

    assert _legal_basis(withheld=False, late_fee=False, cap_rules=()) == LEGAL_BASIS
    with_fee = _legal_basis(withheld=True, late_fee=True, cap_rules=())
    assert (
        "第五百七十七条、第五百八十五条、第六百六十七条、第六百七十条、第六百七十四条" in with_fee
    )
    capped = _legal_basis(
        withheld=False,
        late_fee=False,
        cap_rules=(
            "法发〔2017〕22号第二条：利息、复利、罚息、违约金和其他费用总计不超过年利率24%",
        ),
    )
    assert capped == LEGAL_BASIS + "；法发〔2017〕22号第二条"
