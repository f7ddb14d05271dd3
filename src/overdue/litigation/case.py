"""One account's case: the contexts its documents and evidence are rendered from.

Everything is assembled from the loan (terms, payments, events), the borrower row, the selection
decision (court, procedure), the plaintiff's particulars and the claims computed by the
reference ledger (:mod:`overdue.litigation.claims`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from overdue.documents.context import (
    Agent,
    ComplaintContext,
    CourtFee,
    Entity,
    EvidenceContext,
    EvidenceItem,
    LedgerRow,
    LoanFacts,
    Person,
)
from overdue.documents.filters import date_cn
from overdue.ledger.contract import AllocationBy, Component, Contract, LenderType, Loan, RateUnit
from overdue.ledger.engine import CAP_REDUCTION_ORDER
from overdue.litigation.claims import COMPONENT_LABELS, ComputedClaims, compute_claims
from overdue.litigation.jurisdiction import PROCEDURE_NAMES
from overdue.litigation.parties import id_birth_date, id_gender, mask_id
from overdue.litigation.policy import Plaintiff, Product
from overdue.money import ZERO, fmt, percent, total
from overdue.rules.courts import lookup_court
from overdue.rules.fees import FeeKind, Procedure, court_fee

__all__ = ["EVIDENCE", "Case", "EvidenceSpec", "build_case", "with_evidence_hashes"]


@dataclass(frozen=True, slots=True)
class EvidenceSpec:
    section: str  # the evidence template's section
    file_stem: str
    name: str
    source: str
    purpose: str


EVIDENCE: tuple[EvidenceSpec, ...] = (
    EvidenceSpec(
        "loan_contract",
        "01-借款合同要素表",
        "借款合同要素表",
        "原告根据借款合同制作（合同原件或电子合同另行提交）",
        "原、被告之间存在借款合同关系，合同约定了借款金额、期限、利率、还款方式、逾期罚息及提前到期条款",
    ),
    EvidenceSpec(
        "disbursement",
        "02-放款记录",
        "放款记录",
        "原告提供（放款系统记录；支付机构凭证另行提交）",
        "原告已依约向被告发放借款，借款合同已生效并实际履行",
    ),
    EvidenceSpec(
        "repayment_ledger",
        "03-还款计划与还款记录",
        "还款计划与还款记录",
        "原告提供（贷款核算系统）",
        "被告的还款情况、尚欠款项及自何时起逾期",
    ),
    EvidenceSpec(
        "claim_sheet",
        "04-债权计算表",
        "债权计算表",
        "原告制作",
        "原告主张的本金、利息、罚息及费用的计算依据和过程，主张的利息、罚息及费用未超过司法保护的利率上限",
    ),
    EvidenceSpec(
        "collection_record",
        "05-催收记录",
        "催收记录",
        "原告提供（催收系统）",
        "原告曾向被告催收，被告经催告仍未还款；诉讼时效因催收而中断",
    ),
)

# Where a stored e-contract (PLAINTIFF.yaml econtract_dir) is filed in the account's folder, as
# part of evidence item 1 (the contract summary is made from it).
ECONTRACT_FILE = "evidence/01-电子借款合同.pdf"
# Where the record of the jurisdiction clause's notice (PLAINTIFF.yaml notice_dir) is filed, with
# its own suffix (.pdf, .png, .jpg): also part of evidence item 1.
NOTICE_STEM = "evidence/01-管辖条款提示记录"
# Where the defendant's identity card as the lender holds it (PLAINTIFF.yaml id_copy_dir) is filed,
# with its own suffix: a filing material beside the plaintiff's (07- to 09-).
ID_COPY_STEM = "10-被告身份证复印件"


@dataclass(frozen=True, slots=True)
class Case:
    loan_id: str
    folder: str  # the account's folder name within its court's folder
    complaint: ComplaintContext
    evidence: tuple[EvidenceContext, ...]  # one per evidence section, in EVIDENCE order
    claims: ComputedClaims
    procedure: Procedure


def _allocation_clause(c: Contract) -> str:
    """How each payment is applied, in the contract's order (as the ledger applies it), naming
    only what the contract charges."""
    charged = {
        Component.LATE_FEE: c.late_fee_rate > 0 or c.late_fee_min > 0,
        Component.SERVICE_FEE: c.service_fee > 0,
        Component.PENALTY: c.annual_penalty_rate > 0,
        Component.COMPOUND: c.compound and c.annual_penalty_rate > 0,
        Component.INTEREST: c.rate > 0,
        Component.PRINCIPAL: True,
    }
    labels = [COMPONENT_LABELS[x.value] for x in c.allocation.order if charged[x]]
    if c.allocation.by is AllocationBy.INSTALLMENT:
        how = "按期次先后抵充已到期款项，前一期抵充完毕再抵充下一期"
        if len(labels) > 1:
            how += "；同一期内依次抵充" + "、".join(labels)
    elif len(labels) == 1:
        how = f"抵充已到期各期的{labels[0]}（期次在前的先抵充）"
    else:
        middle = labels[1:-1]
        then = (
            "再抵充"
            if not middle
            else f"再{'依次' * (len(middle) > 1)}抵充{'、'.join(middle)}，最后抵充"
        )
        how = f"先抵充已到期各期的{labels[0]}，{then}{labels[-1]}（同一项目中期次在前的先抵充）"
    return how


def _jurisdiction_clause(product: Product) -> str:
    if not product.agreed_court:
        return ""
    court = lookup_court(product.agreed_court)
    clause = product.agreed_court_clause or f"由{court.name if court else product.agreed_court}管辖"
    if product.agreed_court_notice:
        clause += f"（该条款{product.agreed_court_notice}）"
    return clause


def _rate_text(loan: Loan) -> str:
    c = loan.contract
    unit = {RateUnit.ANNUAL: "年利率", RateUnit.MONTHLY: "月利率", RateUnit.DAILY: "日利率"}
    text = f"{unit[c.rate_unit]}{percent(c.rate)}"
    if c.rate_unit is RateUnit.DAILY:
        # The schedule charges interest monthly at the annual rate / 12 (README, "The rules"),
        # not day by day: say so, or a judge applying the daily rate gets other figures.
        text += f"（按月计收利息，月利率为日利率×{c.day_count.basis}÷12）"
    return text


def _penalty_text(loan: Loan) -> str:
    c = loan.contract
    if c.penalty_rate is not None:
        text = f"逾期后按年利率{percent(c.penalty_rate)}计收罚息"
    else:
        text = f"逾期后按借款利率上浮{percent(c.penalty_markup)}计收罚息（年利率{percent(c.annual_penalty_rate)}）"
    if c.compound:
        text += "，对逾期未付的利息按罚息利率计收复利"
    return text


def _fees_text(loan: Loan) -> str:
    c = loan.contract
    parts = []
    if c.upfront_fee > 0 and c.upfront_fee_deducted:
        parts.append(f"放款时从借款中预先扣除一次性费用{fmt(c.upfront_fee)}元")
    elif c.upfront_fee > 0:
        parts.append(f"放款时收取一次性费用{fmt(c.upfront_fee)}元")
    if c.service_fee > 0:
        parts.append(f"每期收取服务费{fmt(c.service_fee)}元")
    if c.late_fee_rate > 0 or c.late_fee_min > 0:
        minimum = f"（最低{fmt(c.late_fee_min)}元）" if c.late_fee_min > 0 else ""
        parts.append(f"每期逾期收取逾期应还金额{percent(c.late_fee_rate)}的违约金{minimum}")
    return "；".join(parts)


_GENDERS = {"male": "男", "m": "男", "男": "男", "female": "女", "f": "女", "女": "女"}


def _gender(value: object, id_number: str) -> str:
    """The gender as written in Chinese; from the identity number when not given."""
    return _GENDERS.get(str(value or "").strip().lower(), "") or id_gender(id_number)


def build_case(
    *,
    loan: Loan,
    borrower: Mapping[str, Any],
    decision: Mapping[str, Any],
    plaintiff: Plaintiff,
    product: Product,
    cut_off: dt.date,
    dated: dt.date,
    accelerate: bool,
    demands: Sequence[tuple[dt.date, str]],
    econtract_sha256: str = "",
    notice_file: str = "",
    notice_sha256: str = "",
    id_copy_file: str = "",
) -> Case:
    """The contexts of one account (evidence hashes empty until the evidence is rendered).
    ``notice_file``: where the record of the jurisdiction clause's notice is filed in the
    account's folder (NOTICE_STEM and its suffix), if it is, and ``notice_sha256`` its hash;
    ``id_copy_file`` likewise for the defendant's identity card (ID_COPY_STEM)."""
    # principal not yet due is claimed only under the contract's own acceleration clause
    accelerate = accelerate and bool(product.acceleration_clause)
    computed = compute_claims(loan, cut_off, accelerate=accelerate)
    r, claims = computed.replay, computed.claims
    s, contract = r.state, loan.contract
    schedule = r.schedule.installments
    procedure = Procedure(decision["procedure"])
    fee = court_fee(claims.total, FeeKind.ACCEPTANCE, procedure, on=dated)

    id_number = str(borrower["id_number"]).strip().upper()
    defendant = Person(
        name=str(borrower["name"]),
        gender=_gender(borrower.get("gender"), id_number),
        birth_date=id_birth_date(id_number),
        ethnicity="",
        id_number=id_number,
        masked_id=mask_id(id_number),
        address=str(borrower["address"]),
        phone=str(borrower.get("phone") or ""),
        service_address=str(borrower["address"]),
    )
    p, a = plaintiff.plaintiff, plaintiff.agent
    entity = Entity(
        p.name,
        p.uscc,
        p.address,
        p.legal_rep,
        p.legal_rep_title,
        p.phone,
        p.service_address or p.address,
        p.email,
    )
    agent = Agent(
        a.name,
        a.firm,
        a.license_no,
        a.phone,
        a.address,
        "特别授权：" + "、".join(a.authority_items),
        a.authority_items,
    )
    paid_installments = sum(
        1 for i in s.installments if i.due_on < cut_off and i.unpaid_scheduled == 0
    )
    accelerated = computed.accelerated_principal
    acceleration = ""
    if accelerated > 0:
        acceleration = (
            f"借款合同约定：{product.acceleration_clause}。被告逾期后，原告依约宣布贷款全部提前到期，"
            f"并以本起诉状副本作为提前到期通知，尚未到期的借款本金{fmt(accelerated)}元一并主张"
        )
        if computed.accelerated_set_off > 0:
            acceleration += (
                f"（已扣除以被告多付的利息、费用冲抵的{fmt(computed.accelerated_set_off)}元）"
            )
    facts = LoanFacts(
        contract_no=f"{product.contract_no_prefix}{loan.loan_id}",
        contract_name=product.contract_name,
        signed_on=contract.contract_on,
        signed_online=product.signed_online,
        econtract_sha256=econtract_sha256,
        principal=contract.principal,
        disbursed=contract.lent,
        withheld_fee=contract.withheld,
        upfront_fee_paid=ZERO if contract.upfront_fee_deducted else contract.upfront_fee,
        disbursed_on=contract.disbursed_on,
        disbursed_to="被告名下银行账户",
        term_months=contract.term_months,
        first_due_on=schedule[0].due_on,
        final_due_on=schedule[-1].due_on,
        annual_rate=contract.annual_rate,
        rate_text=_rate_text(loan),
        method_name=contract.method.label,
        penalty_text=_penalty_text(loan),
        fees_text=_fees_text(loan),
        installments_total=len(schedule),
        installments_paid=paid_installments,
        paid_total=s.paid_total,
        last_payment_on=s.last_payment_on,
        allocation_clause=_allocation_clause(contract),
        prepaid=any(al.payment_id == "credit" for al in r.explanation.allocations),
        default_since=computed.default_since or cut_off,
        dpd=s.dpd,
        acceleration_text=acceleration,
        acceleration_clause=product.acceleration_clause,
        demands=tuple(demands),
        jurisdiction_text=str(decision["venue_basis"]),
        jurisdiction_clause=_jurisdiction_clause(product),
        guarantee_text="无担保",
    )
    notice_relied = clause_relied(decision, product)
    notice_file = notice_file if notice_relied else ""
    attached: tuple[tuple[str, str], ...] = (
        ((ECONTRACT_FILE, econtract_sha256),) if econtract_sha256 else ()
    )
    attached += ((notice_file, notice_sha256),) if notice_file else ()
    evidence = tuple(
        EvidenceItem(
            i,
            e.name if e.section != "loan_contract" else f"{e.name}（{product.contract_name}）",
            _source(e, notice_relied, bool(econtract_sha256), bool(notice_file)),
            e.purpose + ("；合同约定的管辖条款及其提请借款人注意的方式" * notice_relied)
            if e.section == "loan_contract"
            else e.purpose,
            f"evidence/{e.file_stem}.pdf",
            "",
            attached if e.section == "loan_contract" else (),
        )
        for i, e in enumerate(_evidence_specs(demands), start=1)
    )
    complaint = ComplaintContext(
        court_name=str(decision["court_name"]),
        # 民事案件案由规定: loans by financial institutions vs. between others (民间借贷).
        case_cause="金融借款合同纠纷"
        if contract.lender_type is LenderType.LICENSED
        else "民间借贷纠纷",
        procedure_name=PROCEDURE_NAMES[procedure],
        internet_court=bool(decision.get("court_code", "") in ("浙0192", "京0491", "粤0192")),
        plaintiff=entity,
        agent=agent,
        defendant=defendant,
        loan=facts,
        claims=claims,
        fee=CourtFee(fee.fee, fee.fee_full, PROCEDURE_NAMES[procedure], fee.rule),
        evidence=evidence,
        preservation_requested=plaintiff.preservation_requested,
        mediation_willing=plaintiff.mediation_willing,
        dated=dated,
        defendant_id_copy=id_copy_file,
    )
    schedule_rows = tuple(
        LedgerRow(
            i.due_on,
            f"第{i.no}期",
            i.payment,
            f"本金 {fmt(i.principal)}，利息 {fmt(i.interest)}"
            + (f"，服务费 {fmt(i.service_fee)}" if i.service_fee > 0 else ""),
        )
        for i in schedule
    )
    by_payment: dict[tuple[dt.date, str], list[str]] = {}
    for al in r.explanation.allocations:
        where = "预存" if al.installment is None else f"第{al.installment}期"
        label = COMPONENT_LABELS.get(al.component, "余额")
        by_payment.setdefault((al.on, al.payment_id), []).append(f"{where}{label} {fmt(al.amount)}")
    # A payment ahead of its due date waits as a credit and pays the installment on that date
    # (the ledger's step 3, before the day's payments): that row shows where it went.
    credit_used: dict[dt.date, Decimal] = {}
    for al in r.explanation.allocations:
        if al.payment_id == "credit" and al.installment is not None:
            credit_used[al.on] = credit_used.get(al.on, ZERO) + al.amount
    rows = [
        (on, 0, LedgerRow(on, "预存余额冲抵", used, "；".join(by_payment[(on, "credit")])))
        for on, used in credit_used.items()
    ]
    if facts.upfront_fee_paid > 0:
        rows.append(
            (
                contract.disbursed_on, -1,
                LedgerRow(
                    contract.disbursed_on, "收取一次性费用", facts.upfront_fee_paid,
                    "放款时由借款人另行支付，计入利率上限的计算，不计入累计还款",
                ),
            )
        )  # fmt: skip
    for pm in sorted(loan.payments, key=lambda x: (x.on, x.payment_id)):
        if pm.on <= cut_off:
            detail = "；".join(by_payment.get((pm.on, pm.payment_id), []))
            rows.append((pm.on, 1, LedgerRow(pm.on, "还款", pm.amount, detail)))
    rows.sort(key=lambda t: (t[0], t[1]))  # stable: a day's payments keep their order
    payment_rows = tuple(row for _, _, row in rows)
    due_on = {i.no: i.due_on for i in schedule}
    computation = (
        tuple(
            LedgerRow(
                ln.end or ln.start,
                (f"第{ln.installment}期" if ln.installment else "")
                + COMPONENT_LABELS.get(ln.component, ln.component),
                ln.amount,
                (
                    f"{fmt(ln.base)} × {percent(ln.rate)} × {ln.days} 天 ÷ {ln.basis}"
                    f"（{date_cn(ln.start)}至{date_cn(ln.end)}）"
                    if ln.days and ln.base is not None and ln.rate is not None and ln.basis
                    else ln.rule
                ),
            )
            for ln in r.explanation.charges
            # a withheld upfront fee is a line of 0.00 that says why (民法典 Art. 670)
            if (ln.amount != ZERO or ln.component == "upfront_fee")
            and not _scheduled_after(ln, due_on, cut_off)
        )
        + _paid_on_cut_off(r, due_on, cut_off)
        + _cap_rows(computed)
        + _principal_rows(computed, cut_off)
    )
    evidence_ctx = tuple(
        EvidenceContext(e.section, complaint, schedule_rows, payment_rows, computation, dated)
        for e in _evidence_specs(demands)
    )
    folder = f"{loan.loan_id}-{defendant.name}"
    return Case(loan.loan_id, folder, complaint, evidence_ctx, computed, procedure)


def _cap_rows(computed: ComputedClaims) -> tuple[LedgerRow, ...]:
    """The cap check as rows of the computation sheet: each span's allowance, then the totals."""
    cap = computed.replay.state.cap
    if cap.allowed is None:
        return ()
    rows = [
        LedgerRow(
            sp.end,
            "利息、罚息、复利、违约金及其他费用上限",
            sp.allowance,
            f"未还本金 {fmt(sp.principal)} × {percent(sp.rate)} × {sp.days} 天 ÷ {cap.basis}"
            f"（{date_cn(sp.start)}至{date_cn(sp.end)}）；{sp.rule}",
        )
        for sp in cap.spans
    ]
    rows.append(
        LedgerRow(
            None,
            "按合同计收的利息、罚息、复利、违约金及其他费用合计",
            cap.charged,
            "含已收取部分" if computed.costs_paid > 0 else "均未收取",
        )
    )
    shown = total(sp.allowance for sp in cap.spans)
    note = "上列各段未经四舍五入的精确值之和，四舍五入至分"
    if shown != cap.allowed:  # a judge adding the column finds the rounding difference stated
        note += (
            f"（各段四舍五入后相加为{fmt(shown)}元，差额{fmt(abs(shown - cap.allowed))}元为尾差）"
        )
    rows.append(LedgerRow(None, "上限合计", cap.allowed, note))
    if cap.excess > 0:
        rows.append(
            LedgerRow(
                None,
                "超出上限部分",
                cap.excess,
                "依次从尚欠的"
                + "、".join(COMPONENT_LABELS[c.value] for c in CAP_REDUCTION_ORDER if c.is_cost)
                + "中扣减（原告自愿放弃）；仍有剩余的，为被告已多付的利息、费用，冲抵本金",
            )
        )
    return tuple(rows)


def _paid_on_cut_off(
    r: Any, due_on: Mapping[int, dt.date], cut_off: dt.date
) -> tuple[LedgerRow, ...]:
    """What was paid of the interest and service fee of an installment falling due on the
    cut-off day: the cap counts it (the rest of them is given up), so the sheet lists it."""
    paid = {i.no: i.paid for i in r.state.installments}
    return tuple(
        LedgerRow(
            cut_off,
            f"第{ln.installment}期{COMPONENT_LABELS[ln.component]}（当日到期，已付部分）",
            paid[ln.installment][ln.component],
            f"{ln.rule}；本期应付{fmt(ln.amount)}元，截至{date_cn(cut_off)}已付部分计入上限计算",
        )
        for ln in r.explanation.charges
        if ln.component in ("interest", "service_fee")
        and not ln.days
        and ln.installment
        and due_on[ln.installment] == cut_off
        and paid[ln.installment].get(ln.component, ZERO) > 0
    )


def _scheduled_after(ln: Any, due_on: Mapping[int, dt.date], cut_off: dt.date) -> bool:
    """A scheduled amount (interest, principal, service fee) of an installment not yet overdue
    on the cut-off: not part of the claim, so not on the sheet (its principal is in the
    principal rows)."""
    scheduled = ln.component in ("interest", "principal", "service_fee") and not ln.days
    return bool(scheduled and ln.installment and due_on[ln.installment] >= cut_off)


def _principal_rows(computed: ComputedClaims, cut_off: dt.date) -> tuple[LedgerRow, ...]:
    """How the principal claimed is made up: overdue, offset, not yet overdue (accelerated)."""
    s = computed.replay.state
    claimed = computed.claimed["principal"]
    rows = [LedgerRow(cut_off, "逾期未还本金", s.overdue_principal, "已到期未偿还的各期本金")]
    offset = computed.owed["principal"] - s.claimable["principal"]
    if offset > 0:
        rows.append(LedgerRow(None, "减：以多付利息、费用冲抵", offset, "见上列“超出上限部分”"))

    for label, what, amount, set_off in (
        ("当日到期本金", "计算截止日当日到期的本金",
         computed.due_on_cut_off_principal, computed.today_set_off),
        ("未到期本金（宣布提前到期）", "计算截止日以后到期的各期本金",
         computed.accelerated_principal, computed.accelerated_set_off),
    ):  # fmt: skip
        if amount > 0 or set_off > 0:
            if set_off > 0:  # net of costs paid above the cap
                what += f"{fmt(amount + set_off)}元，减以多付利息、费用冲抵的{fmt(set_off)}元"
            rows.append(LedgerRow(cut_off, label, amount, what))
    rows.append(LedgerRow(None, "主张本金合计", claimed, "见诉讼请求"))
    return tuple(rows)


def clause_relied(decision: Mapping[str, Any], product: Product) -> bool:
    """Whether the account's court follows from its contract's jurisdiction clause (so the
    clause's notice is evidence), as the selection decided; for a selection written before it
    recorded that, from the product's clause and notice."""
    relied = decision.get("clause_relied")
    return product.relies_on_notice() if relied is None else bool(relied)


def _source(e: EvidenceSpec, notice_relied: bool, econtract: bool, notice_filed: bool) -> str:
    """An evidence item's source. The contract summary's says where the contract is: the
    stored e-contract filed with it, or filed separately; where the plaintiff relies on the
    notice of a jurisdiction clause, where its record (the signing page, the tick) is. Files
    filed with it are named in the evidence list's file column (EvidenceItem.attached)."""
    if e.section != "loan_contract":
        return e.source
    notice = ""
    if notice_relied:
        notice = "管辖条款提示记录随附" if notice_filed else "管辖条款提示记录另行提交"
    if econtract:
        if notice_filed:
            return "原告根据借款合同制作；电子合同原件及管辖条款提示记录随附"
        return "原告根据借款合同制作；电子合同原件随附" + (f"，{notice}" if notice else "")
    if notice_filed:
        return f"{e.source}；{notice}"
    return e.source.replace("电子合同另行提交", "电子合同及" + notice) if notice else e.source


def _evidence_specs(demands: Sequence[tuple[dt.date, str]]) -> tuple[EvidenceSpec, ...]:
    """The collection record is evidence only when there was collection."""
    return tuple(e for e in EVIDENCE if e.section != "collection_record" or demands)


def with_evidence_hashes(case: Case, hashes: Mapping[str, str]) -> Case:
    """The case with each evidence item's SHA-256 (by file name) filled in."""
    items = tuple(
        replace(i, sha256=hashes.get(i.file_name, i.sha256)) for i in case.complaint.evidence
    )
    complaint = replace(case.complaint, evidence=items)
    return replace(
        case,
        complaint=complaint,
        evidence=tuple(replace(e, complaint=complaint) for e in case.evidence),
    )
