"""Is the collector's figure lawful? Recompute it with the reference ledger, item by item.

From the contract terms and the payment history (a :class:`~overdue.ledger.contract.Loan` or a
LOAN.json document) the reference ledger (:func:`overdue.ledger.engine.replay`) gives, as of a
date, what the contract terms produce on the installments already due and what may lawfully be
claimed after the interest cap for the lender type (24 % a year for licensed lenders,
4 × LPR for private lending; interest, penalty and compound interest, late fees and service
fees counted together). Each item the collector names is set against both, with the rule.

Worked example (``examples/loan.json`` as of 2025-06-30): the terms give 18,346.37 yuan, of
which 15,147.62 may be claimed; a collector asking 20,000.00 with 1,653.63 of "其他费用"
asks 4,852.38 more than the law allows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from overdue.borrower._json import to_plain
from overdue.borrower.apr import LICENSED_CAP_NOTE
from overdue.dates import date_cn
from overdue.errors import InputError
from overdue.ledger.contract import Component, LenderType, Loan
from overdue.ledger.engine import replay
from overdue.ledger.loanfile import loan_from_dict
from overdue.money import ZERO, MoneyError, fmt, total, yuan

__all__ = ["ITEM_ALIASES", "ClaimCheck", "ClaimLine", "check_claim"]

OTHER = "other"
_LABELS = {
    Component.PRINCIPAL.value: "本金",
    Component.INTEREST.value: "利息",
    Component.PENALTY.value: "罚息",
    Component.COMPOUND.value: "复利",
    Component.LATE_FEE.value: "违约金/滞纳金",
    Component.SERVICE_FEE.value: "服务费、担保费等",
    OTHER: "其他费用（催收费、律师费等）",
}
ITEM_ALIASES: Mapping[str, str] = {
    **{k: k for k in _LABELS},
    "本金": "principal",
    "利息": "interest",
    "罚息": "penalty",
    "逾期利息": "penalty",
    "复利": "compound",
    "违约金": "late_fee",
    "滞纳金": "late_fee",
    "服务费": "service_fee",
    "管理费": "service_fee",
    # fees that are usually interest by another name (九民纪要 Art. 51): counted under the cap
    "担保费": "service_fee",
    "会员费": "service_fee",
    "手续费": "service_fee",
    "分期手续费": "service_fee",
    "咨询费": "service_fee",
    "平台费": "service_fee",
    "信息服务费": "service_fee",
    "风险管理费": "service_fee",
    "账户管理费": "service_fee",
    "逾期管理费": "late_fee",
    "催收服务费": OTHER,
    "其他": OTHER,
    "其他费用": OTHER,
    "催收费": OTHER,
    "律师费": OTHER,
}
_ORDER = ("principal", "interest", "penalty", "compound", "late_fee", "service_fee", OTHER)


@dataclass(frozen=True, slots=True)
class ClaimLine:
    item: str  # principal / interest / penalty / compound / late_fee / service_fee / other
    label: str  # 本金 / 利息 / …
    claimed: Decimal | None  # None: the collector gave only a total
    contract_due: Decimal  # what the contract terms produce on installments already due
    lawful: Decimal  # after the legal cap
    difference: Decimal | None  # claimed - lawful
    rule: str


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    loan_id: str
    claimed_total: Decimal
    contract_total: Decimal
    lawful_total: Decimal
    difference: Decimal  # claimed_total - lawful_total
    not_yet_due_principal: Decimal  # claimable only after acceleration (提前到期)
    lines_by_item: tuple[ClaimLine, ...]
    cap_rule: str
    cost_rate: Decimal  # the loan's cost as an annual rate (ledger CapCheck)
    cap_rate: Decimal | None
    limitation_expires_on: dt.date
    summary: str
    lines: tuple[str, ...]
    as_of: dt.date

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = to_plain(self, frozenset({"cost_rate", "cap_rate"}))
        return data


def _rule(item: str, cap_rule: str) -> str:
    if item == "principal":
        return (
            "本金按实际出借（到手）的金额计算（民法典第六百七十条）；现在可主张的是已到期未还的本金，"
            "未到期本金须合同约定并宣布提前到期后才能一并主张"
        )
    if item == OTHER:
        return (
            "催收费、上门费等不得以催收名义另行收取（银行业协会《金融机构个人消费类贷款催收工作指引（试行）》，SECONDARY）；"
            "律师费等实现债权的费用须合同明确约定、实际发生并由法院认定（UNVERIFIED）；计入综合成本上限"
        )
    basis = {
        "interest": "合同约定的利息（民法典第六百七十四条）",
        "penalty": "逾期利息（罚息）按约定或国家有关规定（民法典第六百七十六条）",
        "compound": "复利（对逾期利息计收）",
        "late_fee": "逾期违约金/滞纳金",
        "service_fee": "服务费（九民纪要第五十一条：变相利息可按实际服务调减，SECONDARY）",
    }[item]
    return (
        f"{basis}；与利息、罚息、复利、违约金和其他费用合并计算不超过上限：{cap_rule}；"
        "超出部分依次从违约金和费用、复利、罚息、利息中核减"
    )


def _claimed_items(items: Mapping[str, Decimal]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for name, amount in items.items():
        key = ITEM_ALIASES.get(name.strip().lower(), ITEM_ALIASES.get(name.strip()))
        if key is None:
            known = "、".join(ITEM_ALIASES)
            raise InputError(f"claimed_items.{name}", f"未知的项目（可用：{known}）")
        try:
            value = yuan(amount)
        except MoneyError as exc:
            raise InputError(f"claimed_items.{name}", str(exc)) from exc
        if value < 0:
            raise InputError(f"claimed_items.{name}", "金额不能为负数")
        out[key] = out.get(key, ZERO) + value
    return out


def check_claim(
    loan: Loan | Mapping[str, Any],
    *,
    claimed_total: Decimal | None = None,
    claimed_items: Mapping[str, Decimal] | None = None,
    as_of: dt.date,
    filed_on: dt.date | None = None,
) -> ClaimCheck:
    """Set the collector's claim (a total, or items) against the ledger's lawful amount."""
    the_loan = loan if isinstance(loan, Loan) else loan_from_dict(loan)
    if claimed_total is None and not claimed_items:
        raise InputError("claimed_total", "请给出催收方主张的总额或分项金额")
    items = _claimed_items(claimed_items or {})
    if claimed_total is not None:
        claimed_total = yuan(claimed_total)
        if claimed_total < 0:
            raise InputError("claimed_total", "金额不能为负数")
        if items and total(items.values()) != claimed_total:
            raise InputError(
                "claimed_items",
                f"分项合计 {fmt(total(items.values()))} 元与总额 {fmt(claimed_total)} 元不一致",
            )
    if as_of < the_loan.contract.disbursed_on:
        raise InputError("as_of", f"查询日期早于放款日 {the_loan.contract.disbursed_on}")
    if filed_on is not None and filed_on < the_loan.contract.contract_on:
        raise InputError("filed_on", f"起诉日期早于合同成立日 {the_loan.contract.contract_on}")
    result = replay(the_loan, as_of, filed_on=filed_on)
    state = result.state
    c = the_loan.contract
    # "按合同": the contract as written. A fee withheld at disbursement makes the lawful
    # principal the amount actually lent (民法典 Art. 670), which the replay above applies.
    written = state
    if c.withheld:
        as_written = replace(the_loan, contract=replace(c, upfront_fee_deducted=False))
        written = replay(as_written, as_of, filed_on=filed_on).state
    due = [i for i in written.installments if i.due_on < as_of]
    cap_rule = "；".join(state.cap.rules) + "".join(state.cap.notes) or "（未适用上限）"
    if state.cap.rules and c.lender_type is LenderType.LICENSED:
        cap_rule += LICENSED_CAP_NOTE
    lines_by_item = []
    for item in _ORDER:
        if item == OTHER:
            contract_due = lawful = ZERO
        else:
            contract_due = total(i.unpaid[item] for i in due)
            lawful = state.claimable[item]
        claimed = items.get(item) if items else None
        if claimed is None and items:
            claimed = ZERO
        if claimed is None and contract_due == 0 and item in (OTHER, "compound"):
            continue
        difference = None if claimed is None else claimed - lawful
        lines_by_item.append(
            ClaimLine(
                item,
                _LABELS[item],
                claimed,
                contract_due,
                lawful,
                difference,
                _rule(item, cap_rule),
            )
        )
    claimed_sum = claimed_total if claimed_total is not None else total(items.values())
    contract_total = written.total_due
    lawful_total = state.claimable_total
    difference = claimed_sum - lawful_total
    not_yet_due = state.outstanding_principal - state.overdue_principal

    if difference > 0:
        summary = (
            f"催收方主张{fmt(claimed_sum)}元；按合同计算已到期应还{fmt(contract_total)}元，"
            f"依法（封顶后）最多可主张{fmt(lawful_total)}元，多主张了{fmt(difference)}元。"
        )
    else:
        summary = (
            f"催收方主张{fmt(claimed_sum)}元，不超过依法可主张的{fmt(lawful_total)}元"
            f"（按合同计算已到期应还{fmt(contract_total)}元）。"
        )
    lines = [summary]
    for line in lines_by_item:
        claimed_text = "未分项" if line.claimed is None else f"{fmt(line.claimed)}元"
        diff_text = "" if line.difference is None else f"，差额{fmt(line.difference)}元"
        lines.append(
            f"{line.label}：主张{claimed_text}；合同计算{fmt(line.contract_due)}元；"
            f"依法可主张{fmt(line.lawful)}元{diff_text}。依据：{line.rule}"
        )
    if c.withheld:
        lines.append(
            f"放款时从借款中直接扣除的{fmt(c.withheld)}元不算借出的钱：本金按实际到手的"
            f"{fmt(c.lent)}元计算，利息也按这个数计算（民法典第六百七十条），"
            f"合同写的{fmt(c.principal)}元不能全额主张。"
        )
    if state.cap.excess > 0:
        lines.append(
            f"这笔贷款到{as_of.isoformat()}为止已计收的利息和费用折合年化{state.cap.annual_rate * 100:.2f}%，"
            f"超过上限{fmt(state.cap.excess)}元，这部分不应支持。"
        )
    credit = state.excess_beyond_overdue
    if not_yet_due > 0:
        lines.append(
            f"另有未到期本金{fmt(not_yet_due)}元：按期归还即可；只有合同约定并宣布提前到期时，才能现在一并主张。"
        )
    if credit > 0:
        lines.append(
            f"您已多付的利息和费用中，有{fmt(credit)}元超过上限且无已到期欠款可抵，"
            + (
                f"应冲抵未到期本金：未到期本金依法只需再还{fmt(not_yet_due - credit)}元。"
                if credit <= not_yet_due
                else f"冲抵全部未到期本金后还多{fmt(credit - not_yet_due)}元，可要求出借方退还。"
            )
        )
    repaid_on = result.explanation.repaid_early_on
    if repaid_on is not None:
        lines.append(
            f"这笔贷款已于{date_cn(repaid_on)}提前还清：利息只按实际借款的天数计算（民法典第六百七十七条），"
            "之后各期的利息和服务费不应再收。"
        )
    if state.credit > 0:
        lines.append(
            f"您的还款付清已到期的款项后还多出{fmt(state.credit)}元："
            + (
                "贷款已经还清，这笔钱应退还给您。"
                if state.repaid
                else "按合同在之后的还款日抵扣应还款项。"
            )
        )
    later = [p for p in the_loan.payments if p.on > as_of]
    if later:
        lines.append(
            f"您提供的还款中有{len(later)}笔（共{fmt(total(p.amount for p in later))}元）"
            f"晚于查询日期{date_cn(as_of)}，以上计算没有计入；要算上它们，请把查询日期改为"
            f"{date_cn(max(p.on for p in later))}或之后。"
        )
    lines.append(_limitation_line(state.limitation.expires_on, as_of))
    lines.append("以上按出借方的合同条款和您提供的还款记录计算；条款或记录不同，结果也会不同。")
    return ClaimCheck(
        loan_id=the_loan.loan_id, claimed_total=claimed_sum, contract_total=contract_total,
        lawful_total=lawful_total, difference=difference, not_yet_due_principal=not_yet_due,
        lines_by_item=tuple(lines_by_item), cap_rule=cap_rule, cost_rate=state.cap.annual_rate,
        cap_rate=state.cap.cap_rate, limitation_expires_on=state.limitation.expires_on,
        summary=summary, lines=tuple(lines), as_of=as_of,
    )  # fmt: skip


def _limitation_line(expires_on: dt.date, as_of: dt.date) -> str:
    """What the limitation period means for the borrower on ``as_of``: running or expired, and
    what restarts it or gives the defence up (民法典 Arts. 188, 192, 193, 195)."""
    if expires_on < as_of:
        return (
            f"诉讼时效：按您提供的记录，已于{expires_on.isoformat()}届满（民法典第一百八十八条）。"
            "届满后出借方仍可起诉，但您可以提出诉讼时效抗辩，法院不会主动适用（第一百九十二、一百九十三条）；"
            "出借方如能证明此前有催收（短信、电话、律师函等），时效从最后一次催收起重新计算（第一百九十五条）。"
            "注意：时效届满后您同意履行（书面认可欠款、签订还款协议），就不能再以时效届满为由抗辩；"
            "已经自愿还了的钱也不能要回（第一百九十二条第二款）。只还了一部分是否等于同意偿还全部，"
            "各地法院看法不一。协商之前请先确认这一点。"
        )
    return (
        f"诉讼时效：按您提供的记录，到{expires_on.isoformat()}届满（民法典第一百八十八条）。"
        "出借方每次催收、您每次还款、认可欠款或同意还款计划，时效都会中断并重新计算三年"
        "（第一百九十五条）。"
    )
