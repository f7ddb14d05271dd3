"""What the document templates are given: one frozen, typed context per document type.

The litigation pipeline (``overdue.litigation``) and the borrower side (``overdue.borrower``)
build these; the templates in ``templates/`` only format them. Amounts are ``Decimal`` yuan with
two places; templates format them with the ``yuan`` and ``capital`` filters so figures and
capitals come from one value. Dates are ``datetime.date``; rates are decimal fractions
(``Decimal("0.24")`` is 24 % a year) formatted with the ``pct`` filter.

Every text field is already final Simplified Chinese (names, addresses, rule citations); the
templates add only the fixed wording of the document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Entity:
    """The plaintiff (a lender: company) as a party."""

    name: str
    uscc: str  # 统一社会信用代码
    address: str  # 住所地
    legal_rep: str  # 法定代表人
    legal_rep_title: str  # 职务, e.g. 董事长
    phone: str
    service_address: str  # 送达地址
    email: str  # 电子送达地址 (empty: none)


@dataclass(frozen=True, slots=True)
class Agent:
    """The plaintiff's authorised agent (委托诉讼代理人), usually a lawyer of the firm."""

    name: str
    firm: str  # 律师事务所
    license_no: str  # 执业证号
    phone: str
    address: str
    authority: str  # 代理权限, e.g. 特别授权：代为起诉、…
    authority_items: tuple[str, ...]  # the same, one power per item


@dataclass(frozen=True, slots=True)
class Person:
    """The defendant (a natural person). ``id_number`` is unmasked: only documents the court
    needs receive this context; lists and logs use ``masked_id``."""

    name: str
    gender: str  # 男 / 女 / "" when unknown
    birth_date: dt.date | None
    ethnicity: str  # 民族, "" when unknown
    id_number: str
    masked_id: str
    address: str  # 住所地（户籍地）
    phone: str
    service_address: str  # 送达地址 (defaults to address)


@dataclass(frozen=True, slots=True)
class ClaimItem:
    """One property claim, already capped. ``basis`` is the rule or contract clause."""

    label: str  # 借款本金 / 利息 / 罚息 / 复利 / 服务费 / 逾期违约金 …
    amount: Decimal
    period: str  # e.g. 自2025年3月15日起至2026年11月30日止 ("" for principal and fees)
    basis: str
    installments: str = ""  # a fee's installments, e.g. 第1期至第3期


@dataclass(frozen=True, slots=True)
class Waiver:
    """An amount the plaintiff gives up (charged under the contract, above the cap)."""

    label: str
    charged: Decimal  # what the contract terms produce
    claimed: Decimal  # what is claimed
    given_up: Decimal  # charged - claimed
    rule: str  # the cap and its source


@dataclass(frozen=True, slots=True)
class ContinuingInterest:
    """Interest after the cut-off, worded as courts write it:
    以 {base} 元为基数，按年利率 {rate} 计算自 {start} 起至 {until} 止."""

    base: Decimal
    rate: Decimal  # annual, already within the cap
    start: dt.date
    label: str  # 利息 / 罚息 / 逾期利息
    basis: str
    # An event instead of ``start``, e.g. 起诉状副本送达之次日 (principal accelerated by the
    # complaint falls due when it is served); "" for the date.
    start_text: str = ""
    until: str = "实际清偿之日"
    of: str = ""  # what part of the principal, when several claims share a label: 已到期本金


@dataclass(frozen=True, slots=True)
class LoanFacts:
    """The facts by element (要素) of a financial-loan dispute."""

    contract_no: str
    contract_name: str  # e.g. 《个人消费贷款合同》
    signed_on: dt.date
    signed_online: bool  # 签订、履行均在互联网上完成
    econtract_sha256: str  # "" when the contract is rendered from its terms
    principal: Decimal  # as the contract states it
    disbursed: Decimal  # actually paid out: the principal less a fee withheld from it
    withheld_fee: Decimal  # withheld from the amount paid out (砍头息; 民法典 Art. 670), or 0
    # an upfront fee the borrower paid separately at disbursement (not withheld), or 0: a cost
    # under the cap, shown received in the disbursement record and the repayment record
    upfront_fee_paid: Decimal
    disbursed_on: dt.date
    disbursed_to: str  # e.g. 被告尾号1234的银行账户 (masked)
    term_months: int
    first_due_on: dt.date
    final_due_on: dt.date
    annual_rate: Decimal
    rate_text: str  # the rate as the contract states it, e.g. 日利率0.05%
    method_name: str  # 等额本息 / 等额本金 / 先息后本 / 到期一次还本付息
    penalty_text: str  # 逾期罚息 terms as agreed, e.g. 按借款利率上浮50%计收罚息
    fees_text: str  # fees as agreed ("" when none)
    installments_total: int
    installments_paid: int
    paid_total: Decimal
    last_payment_on: dt.date | None
    # How each payment is applied, as the contract agrees (its 抵充顺序), naming only what the
    # contract charges: e.g. 先抵充已到期各期的罚息，再抵充利息，最后抵充借款本金（同一项目中期次在前的先抵充）.
    # Says why later payments completed no installment (complaint element 8, contract summary).
    allocation_clause: str
    prepaid: bool  # some payment was made before its due date and waited as a credit (预存)
    default_since: dt.date  # first unpaid due date
    dpd: int
    acceleration_text: str  # 宣布提前到期 wording ("" when not accelerated)
    acceleration_clause: str  # the contract's 提前到期 clause, as agreed ("" when none)
    demands: tuple[tuple[dt.date, str], ...]  # 催收记录: (date, what was done)
    jurisdiction_text: str  # why this court (合同约定 / 被告住所地 …)
    # The contract's jurisdiction clause as written, with how it was brought to the borrower's
    # attention when the plaintiff states it ("" when the contract has none): the contract
    # summary's 争议解决 row, without the complaint's conclusions.
    jurisdiction_clause: str
    guarantee_text: str  # 无担保 unless stated

    @property
    def demands_in_default(self) -> tuple[tuple[dt.date, str], ...]:
        """The demands made since the default the suit is about (``default_since``); earlier
        ones (reminders, or arrears since paid) are named as earlier (the collection record
        lists them all)."""
        return tuple(d for d in self.demands if d[0] >= self.default_since)

    @property
    def demands_before_default(self) -> tuple[tuple[dt.date, str], ...]:
        return tuple(d for d in self.demands if d[0] < self.default_since)


@dataclass(frozen=True, slots=True)
class Claims:
    items: tuple[ClaimItem, ...]  # property claims, in order: principal, interest, penalty, …
    total: Decimal  # sum of items: the amount of the suit (标的额)
    cut_off: dt.date  # interest computed up to and including this day
    continuing: tuple[ContinuingInterest, ...]
    waivers: tuple[Waiver, ...]
    costs_text: str  # e.g. 本案诉讼费用由被告承担
    legal_basis: str  # 《中华人民共和国民法典》第六百六十七条、第六百七十四条、第六百七十五条、第六百七十六条
    # What falls due on the cut-off day itself (due, not yet overdue) and what of it is claimed:
    # e.g. 第9期借款本金393.12元于2026年11月20日到期，一并主张；该期利息32.40元、服务费22.50元原告自愿
    # 放弃. "" when nothing falls due that day.
    due_on_cut_off_text: str = ""
    # Of it, the unpaid interest and service fee given up, for the waiver item: (label, amount),
    # e.g. ("第9期利息", 32.40). Empty when none.
    cut_off_waived: tuple[tuple[str, Decimal], ...] = ()
    # The cap check in one sentence: 按合同约定计收的…合计X元，按上限计算为Y元，超出Z元，[其中被告已多付的
    # W元冲抵本金，其余V元]原告自愿放弃 (the waiver item's opening, after its rule), or, when all of the
    # excess was paid, 依据<rule>，…超出的Z元系被告已多付的款项，已冲抵本金 (element 13). "" within the cap.
    cap_text: str = ""


@dataclass(frozen=True, slots=True)
class CourtFee:
    amount: Decimal  # what is paid on filing (after any halving)
    full: Decimal
    procedure_name: str  # 普通程序 / 简易程序 / 小额诉讼程序
    rule: str


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    no: int
    name: str  # 《个人消费贷款合同》
    source: str  # 原告提供 / 电子合同存证平台 …
    purpose: str  # 证明目的
    file_name: str  # the file in the package, e.g. evidence/01-借款合同.pdf
    sha256: str  # "" until the file exists
    # Originals filed with the item as they are (the stored e-contract, the record of the
    # jurisdiction clause's notice): (file in the package, SHA-256).
    attached: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ComplaintContext:
    """民事起诉状 (element style for financial-loan disputes), 证据目录, 授权委托书 and
    送达地址确认书 of one account all take this one context."""

    court_name: str
    case_cause: str  # 金融借款合同纠纷 / 小额借款合同纠纷
    procedure_name: str  # 普通程序 / 简易程序 / 小额诉讼程序 (requested)
    internet_court: bool
    plaintiff: Entity
    agent: Agent
    defendant: Person
    loan: LoanFacts
    claims: Claims
    fee: CourtFee
    evidence: tuple[EvidenceItem, ...]
    preservation_requested: bool
    mediation_willing: bool  # 是否愿意诉前调解
    dated: dt.date  # 具状日期
    defendant_id_copy: str = ""  # the file of the defendant's ID copy filed with it, if any


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One line of the repayment ledger or the claim computation sheet."""

    on: dt.date | None
    what: str
    amount: Decimal
    detail: str  # period, base x rate x days / basis, or allocation


@dataclass(frozen=True, slots=True)
class EvidenceContext:
    """The evidence items rendered from data (PDF only): the contract's terms (when there is no
    stored e-contract), proof of disbursement, the repayment ledger, the claim computation sheet
    and the collection record. One context per account; ``section`` selects what is rendered."""

    section: (
        str  # loan_contract / disbursement / repayment_ledger / claim_sheet / collection_record
    )
    complaint: ComplaintContext
    schedule: tuple[LedgerRow, ...]  # 还款计划
    payments: tuple[LedgerRow, ...]  # 还款记录, with allocation detail
    computation: tuple[LedgerRow, ...]  # 债权计算: every charge line with base, rate, days
    generated_on: dt.date


@dataclass(frozen=True, slots=True)
class PlanOption:
    months: int
    monthly: Decimal  # each installment but the last
    last_monthly: Decimal  # the last one (takes the rounding remainder)
    total: Decimal
    first_due_on: dt.date
    note: str


@dataclass(frozen=True, slots=True)
class NegotiationLetterContext:
    """协商还款申请书 from a borrower to a lender (issue 5)."""

    lender_name: str
    borrower_name: str
    borrower_id_masked: str
    borrower_phone: str
    contract_no: str  # "" when unknown
    debt_total: Decimal  # what the lender claims
    lawful_total: Decimal | None  # what the borrower's recomputation found (None: not computed)
    hardship: str  # the borrower's own words on why
    monthly_income: Decimal
    monthly_expenses: Decimal
    proposed: PlanOption
    alternatives: tuple[PlanOption, ...]
    requests: tuple[str, ...]  # e.g. 停止计收罚息, 减免部分利息
    dated: dt.date
