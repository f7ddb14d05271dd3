"""Synthetic, fully populated contexts for tests, benchmarks and trying out templates.

Everything here is fictitious: 某某消费金融有限公司, 张某某 with an identity number of a valid
form that belongs to nobody known. ``seed`` varies names, amounts and dates so that a benchmark
does not render the same text ten thousand times (Typst would serve it from its cache).

The sample claim is internally consistent: the schedule is an equal-installment schedule, the
computation sheet's lines are ``base × rate × days / 365`` rounded half-up to the fen, the claim
items are the sheet's totals, the waiver is what exceeds the 24 % line, and the total is the sum
of the items.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from overdue.dates import date_cn
from overdue.documents.context import (
    Agent,
    ClaimItem,
    Claims,
    ComplaintContext,
    ContinuingInterest,
    CourtFee,
    Entity,
    EvidenceContext,
    EvidenceItem,
    LedgerRow,
    LoanFacts,
    NegotiationLetterContext,
    Person,
    PlanOption,
    Waiver,
)
from overdue.litigation.parties import id_check_character
from overdue.money import ZERO, Rounding, exact, round_fen, total

__all__ = [
    "sample_complaint",
    "sample_evidence",
    "sample_letter",
]

_SURNAMES = "张王李赵刘陈杨黄周吴"
_GIVEN = ("某某", "某", "小某", "某华", "某明", "某芳")
_CAP_RATE = Decimal("0.24")
_BASIS = 365


def _monthly_payment(principal: Decimal, monthly_rate: Decimal, months: int) -> Decimal:
    with exact():
        factor = (1 + monthly_rate) ** months
        return round_fen(principal * monthly_rate * factor / (factor - 1))


def _accrual(base: Decimal, rate: Decimal, days: int) -> Decimal:
    with exact():
        return round_fen(base * rate * days / _BASIS)


def _fmt_rate(rate: Decimal) -> str:
    return format(rate.scaleb(2).normalize(), "f") + "%"


def _fmt_amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def sample_evidence(seed: int = 0, section: str = "all") -> EvidenceContext:
    """A complaint context and the ledger rows behind it (see the module docstring)."""
    rnd = random.Random(seed)
    surname = _SURNAMES[seed % len(_SURNAMES)]
    name = surname + _GIVEN[seed % len(_GIVEN)]
    principal = Decimal(20000 + 500 * rnd.randrange(0, 60)).quantize(Decimal("0.01"))
    months = rnd.choice((12, 24, 36))
    annual = rnd.choice((Decimal("0.18"), Decimal("0.216"), Decimal("0.154")))
    penalty_rate = annual * Decimal("1.5")
    signed = dt.date(2024, 1 + seed % 12, 1 + seed % 28)
    paid_count = 3 + seed % 4
    cut_off = dt.date(2026, 11, 30)
    dated = cut_off + dt.timedelta(days=1)

    with exact():
        monthly_rate = annual / 12
    payment = _monthly_payment(principal, monthly_rate, months)
    schedule: list[LedgerRow] = []
    due_rows: list[tuple[dt.date, Decimal, Decimal]] = []  # due date, principal, interest
    outstanding = principal
    for no in range(1, months + 1):
        due = signed + relativedelta(months=no)
        interest = round_fen(outstanding * monthly_rate)
        part = outstanding if no == months else payment - interest
        outstanding -= part
        due_rows.append((due, part, interest))
        schedule.append(
            LedgerRow(
                due,
                f"第{no}期",
                part + interest,
                f"本金{_fmt_amount(part)}元，利息{_fmt_amount(interest)}元",
            )
        )

    payments = tuple(
        LedgerRow(
            due,
            f"还款（第{no}期）",
            p + i,
            f"偿还利息{_fmt_amount(i)}元、本金{_fmt_amount(p)}元",
        )
        for no, (due, p, i) in enumerate(due_rows[:paid_count], start=1)
    )
    paid_total = total(r.amount for r in payments)
    unpaid = due_rows[paid_count:]
    default_since = unpaid[0][0]
    # Accelerated 95 days after the first missed installment: what falls due later is due then.
    accelerated_on = default_since + dt.timedelta(days=95)
    matured = [row for row in unpaid if row[0] <= accelerated_on]
    accelerated = [row for row in unpaid if row[0] > accelerated_on]
    overdue_principal = total(p for _, p, _ in unpaid)
    # Scheduled interest is owed for the installments that fell due before acceleration only.
    overdue_interest = total(i for _, _, i in matured)

    # 罚息 on each matured installment's principal from the day after its due date, and on the
    # accelerated principal from the day after acceleration, to the cut-off.
    spans = [(due + dt.timedelta(days=1), part) for due, part, _ in matured]
    if accelerated:
        spans.append((accelerated_on + dt.timedelta(days=1), total(p for _, p, _ in accelerated)))
    computation: list[LedgerRow] = []
    penalty_charged = ZERO
    allowed = ZERO  # after a due date only penalty interest runs: the 24 % line applies to it
    for start, base in spans:
        days = (cut_off - start).days + 1
        amount = _accrual(base, penalty_rate, days)
        penalty_charged += amount
        allowed += _accrual(base, _CAP_RATE, days)
        computation.append(
            LedgerRow(
                start,
                "罚息" if start <= accelerated_on else "罚息（提前到期本金）",
                amount,
                f"{_fmt_amount(base)} × {_fmt_rate(penalty_rate)} × {days} / {_BASIS}"
                f"（{date_cn(start)}至{date_cn(cut_off)}）",
            )
        )
    penalty_claimed = min(penalty_charged, allowed)
    given_up = penalty_charged - penalty_claimed
    computation.append(LedgerRow(None, "罚息合计（按合同约定）", penalty_charged, ""))
    if given_up > 0:
        computation.append(
            LedgerRow(
                None,
                "超过年利率24%部分（原告放弃）",
                given_up,
                f"{_fmt_amount(penalty_charged)} − {_fmt_amount(penalty_claimed)}",
            )
        )
    computation.append(LedgerRow(None, "主张罚息", penalty_claimed, ""))

    # Scheduled interest of the unpaid installments runs from the day after the last paid one.
    interest_from = due_rows[paid_count - 1][0] + dt.timedelta(days=1) if paid_count else signed
    items = (
        ClaimItem("借款本金", overdue_principal, "", "《个人消费贷款合同》第三条、第五条、第九条"),
        ClaimItem(
            "利息",
            overdue_interest,
            f"自{date_cn(interest_from)}起至{date_cn(matured[-1][0])}止",
            "《个人消费贷款合同》第四条",
        ),
        ClaimItem(
            "罚息",
            penalty_claimed,
            f"自{date_cn(spans[0][0])}起至{date_cn(cut_off)}止",
            "《个人消费贷款合同》第八条",
        ),
    )
    claim_total = total(i.amount for i in items)
    waivers = (
        (
            Waiver(
                "罚息",
                penalty_charged,
                penalty_claimed,
                given_up,
                "《最高人民法院关于进一步加强金融审判工作的若干意见》（法发〔2017〕22号）第二条"
                "关于利息、复利、罚息、违约金和其他费用总计不超过年利率24%的规定",
            ),
        )
        if given_up > 0
        else ()
    )
    claims = Claims(
        items=items,
        total=claim_total,
        cut_off=cut_off,
        continuing=(
            ContinuingInterest(
                base=overdue_principal,
                rate=_CAP_RATE,
                start=cut_off + dt.timedelta(days=1),
                label="逾期利息",
                basis="《个人消费贷款合同》第八条；法发〔2017〕22号第二条",
            ),
        ),
        waivers=waivers,
        costs_text="本案诉讼费用由被告承担",
        legal_basis="《中华人民共和国民法典》第六百六十七条、第六百七十四条、第六百七十五条、"
        "第六百七十六条",
    )
    with exact():
        fee_full = round_fen(50 + (claim_total - 10000) * Decimal("0.025"))
        fee = round_fen(fee_full / 2)

    first17 = f"110105{1985 + seed % 15}{1 + seed % 12:02d}{1 + seed % 28:02d}{seed % 1000:03d}"
    id_number = first17 + id_check_character(first17)
    address = (
        f"北京市朝阳区某某街道某某小区{1 + seed % 30}号楼{1 + seed % 6}单元{101 + seed % 20}室"
    )
    defendant = Person(
        name=name,
        gender="男" if seed % 2 == 0 else "女",
        birth_date=dt.date(1985 + seed % 15, 1 + seed % 12, 1 + seed % 28),
        ethnicity="汉族",
        id_number=id_number,
        masked_id=id_number[:6] + "********" + id_number[-4:],
        address=address,
        phone=f"139{seed % 100000000:08d}",
        service_address=address,
    )
    plaintiff = Entity(
        name="某某消费金融有限公司",
        uscc="91310000MA1K000000",
        address="上海市浦东新区某某路100号10层",
        legal_rep="王某某",
        legal_rep_title="董事长",
        phone="021-50000000",
        service_address="上海市浦东新区某某路100号10层法务部",
        email="legal@example.com",
    )
    agent = Agent(
        name="李某某",
        firm="上海某某律师事务所",
        license_no="13101202010000000",
        phone="13800000000",
        address="上海市黄浦区某某路200号5层",
        authority="特别授权：代为起诉，代为承认、放弃、变更诉讼请求，进行和解、调解，"
        "代为签收法律文书，代为申请执行",
        authority_items=(
            "代为起诉，代为提交证据",
            "代为承认、放弃、变更诉讼请求",
            "代为进行和解、调解",
            "代为签收法律文书",
            "代为申请执行",
        ),
    )
    last_paid_on = payments[-1].on if payments else None
    loan = LoanFacts(
        contract_no=f"XF{signed:%Y%m%d}{seed:06d}",
        contract_name="《个人消费贷款合同》",
        signed_on=signed,
        signed_online=True,
        econtract_sha256="",
        principal=principal,
        disbursed=principal,
        withheld_fee=Decimal(0),
        disbursed_on=signed,
        disbursed_to=f"被告尾号{seed % 10000:04d}的银行账户",
        term_months=months,
        first_due_on=due_rows[0][0],
        final_due_on=due_rows[-1][0],
        annual_rate=annual,
        rate_text=f"年利率{_fmt_rate(annual)}（单利）",
        method_name="等额本息",
        penalty_text=f"逾期后按借款利率上浮50%即年利率{_fmt_rate(penalty_rate)}计收罚息",
        fees_text="",
        installments_total=months,
        installments_paid=paid_count,
        paid_total=paid_total,
        last_payment_on=last_paid_on,
        allocation_clause="先抵充已到期各期的罚息，再抵充利息，最后抵充借款本金（同一项目中期次在前的先抵充）",
        prepaid=False,
        upfront_fee_paid=ZERO,
        default_since=default_since,
        dpd=(cut_off - default_since).days,
        acceleration_text=(
            f"被告逾期还款已超过九十日，原告依合同第九条于{date_cn(accelerated_on)}"
            "通知被告宣布全部借款提前到期"
            if accelerated
            else ""
        ),
        acceleration_clause="借款人任何一期逾期还款的，贷款人有权宣布贷款全部提前到期",
        demands=(
            (default_since + dt.timedelta(days=3), "短信提醒被告还款"),
            (default_since + dt.timedelta(days=30), "电话催收，被告表示暂无能力还款"),
            (
                accelerated_on,
                "向被告送达《提前到期通知书》及《催收函》"
                if accelerated
                else "向被告送达《催收函》",
            ),
        ),
        jurisdiction_text="《个人消费贷款合同》第十五条约定，因合同发生的争议由原告住所地人民法院管辖",
        jurisdiction_clause="因合同发生的争议由原告住所地人民法院管辖",
        guarantee_text="无担保",
    )
    evidence = tuple(
        EvidenceItem(no, ev_name, source, purpose, f"evidence/{no:02d}-{file_stem}.pdf", "")
        for no, (ev_name, source, purpose, file_stem) in enumerate(
            (
                (
                    "原告营业执照、被告身份信息",
                    "原告提供",
                    "证明原、被告的诉讼主体资格",
                    "主体资格",
                ),
                (
                    "《个人消费贷款合同》",
                    "原告提供（电子合同）",
                    "证明原、被告之间借款合同关系成立，合同约定的借款金额、期限、利率、"
                    "罚息及还款方式",
                    "借款合同",
                ),
                ("放款凭证", "原告提供", "证明原告已依约向被告发放借款", "放款凭证"),
                (
                    "还款计划与还款记录",
                    "原告提供",
                    "证明被告的还款情况及逾期事实",
                    "还款记录",
                ),
                ("债权计算表", "原告制作", "证明原告主张的各项金额及计算方法", "债权计算表"),
                ("催收记录", "原告提供", "证明原告多次催收、被告未还款的事实", "催收记录"),
            ),
            start=1,
        )
    )
    complaint = ComplaintContext(
        court_name="上海市浦东新区人民法院",
        case_cause="金融借款合同纠纷",
        procedure_name="简易程序",
        internet_court=False,
        plaintiff=plaintiff,
        agent=agent,
        defendant=defendant,
        loan=loan,
        claims=claims,
        fee=CourtFee(
            amount=fee,
            full=fee_full,
            procedure_name="简易程序",
            rule="《诉讼费用交纳办法》第十三条第（一）项、第十六条",
        ),
        evidence=evidence,
        preservation_requested=False,
        mediation_willing=True,
        dated=dated,
    )
    return EvidenceContext(
        section=section,
        complaint=complaint,
        schedule=tuple(schedule),
        payments=payments,
        computation=tuple(computation),
        generated_on=dated,
    )


def sample_complaint(seed: int = 0) -> ComplaintContext:
    """The complaint context of :func:`sample_evidence`."""
    return sample_evidence(seed).complaint


def sample_letter(seed: int = 0) -> NegotiationLetterContext:
    """A borrower's request to the lender of :func:`sample_complaint`."""
    ctx = sample_complaint(seed)
    lawful = ctx.claims.total
    with exact():
        monthly = round_fen(lawful / 24, Rounding.DOWN)
        monthly36 = round_fen(lawful / 36, Rounding.DOWN)
    first_due = dt.date(2027, 1, 15)
    return NegotiationLetterContext(
        lender_name=ctx.plaintiff.name,
        borrower_name=ctx.defendant.name,
        borrower_id_masked=ctx.defendant.masked_id,
        borrower_phone=ctx.defendant.phone,
        contract_no=ctx.loan.contract_no,
        debt_total=lawful + sum((w.given_up for w in ctx.claims.waivers), ZERO),
        lawful_total=lawful,
        hardship="本人原在某某公司任职，2025年因公司裁员失去工作，此后收入不稳定，"
        "同时需承担家中老人的医疗费用，因此未能按期还款。",
        monthly_income=Decimal("4500.00"),
        monthly_expenses=Decimal("3200.00"),
        proposed=PlanOption(
            24, monthly, lawful - monthly * 23, lawful, first_due, "每月15日前还款"
        ),
        alternatives=(
            PlanOption(
                36,
                monthly36,
                lawful - monthly36 * 35,
                lawful,
                first_due,
                "收入无法恢复时的备选方案",
            ),
        ),
        requests=(
            "停止计收罚息和复利",
            "减免超过法律保护上限部分的利息和费用",
            "同意按下述方案分期偿还本金及剩余利息",
            "在还款计划履行期间暂停催收",
        ),
        dated=ctx.dated,
    )
