"""Claims within the law: one account's itemised property claims from the reference ledger.

Up to the cut-off date (included) the ledger gives what is owed per component and, after the cap
of the lender's profile, what may be claimed (``LoanState.claimable``); the difference is the
amount given up, stated per component. Principal not yet due is claimed when the policy
accelerates (the contract's acceleration clause); its contractual interest for the months not
yet due is not claimed. After the cut-off, interest continues on the principal at the contract's
penalty rate, never above the cap in force: worded as courts write it. The court fee is computed
on the sum of the property claims (民诉解释 Art. 201) under the chosen procedure.

Every figure here is a figure of :func:`overdue.ledger.engine.replay` (its state or its charge
lines), so the claim computation sheet traces each amount back to base x rate x days / basis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from overdue.documents.context import ClaimItem, Claims, ContinuingInterest, Waiver
from overdue.documents.filters import date_cn
from overdue.ledger.contract import Component, Contract, Loan
from overdue.ledger.engine import CapCheck, InstallmentState, Replay, replay
from overdue.money import ZERO, fmt, percent, total

__all__ = ["COMPONENT_LABELS", "LEGAL_BASIS", "ComputedClaims", "compute_claims"]

COMPONENT_LABELS: Mapping[str, str] = {
    "principal": "借款本金",
    "interest": "利息",
    "penalty": "罚息",
    "compound": "复利",
    "service_fee": "服务费",
    "late_fee": "逾期违约金",
    "upfront_fee": "前期费用",
}

# Claim order in the complaint: principal first, then interest, penalty, compound, fees.
CLAIM_ORDER: tuple[Component, ...] = (
    Component.PRINCIPAL,
    Component.INTEREST,
    Component.PENALTY,
    Component.COMPOUND,
    Component.SERVICE_FEE,
    Component.LATE_FEE,
)

LEGAL_BASIS = (
    "《中华人民共和国民法典》第五百七十七条、第六百六十七条、第六百七十四条、第六百七十五条、"
    "第六百七十六条"
)


def _legal_basis(*, withheld: bool, late_fee: bool, cap_rules: tuple[str, ...]) -> str:
    """The complaint's 请求依据: the 民法典 articles its claims rest on (Art. 670 when a fee was
    withheld from the amount lent, Art. 585 when a late fee is claimed) and, when the claims
    were cut down to a cap, the interpretation that sets it."""
    basis = LEGAL_BASIS
    if withheld:
        basis = basis.replace("第六百七十四条", "第六百七十条、第六百七十四条")
    if late_fee:
        basis = basis.replace("第六百六十七条", "第五百八十五条、第六百六十七条")
    cited = [r.split("：", 1)[0] for r in cap_rules]
    return "；".join([basis, *dict.fromkeys(cited)])


_BASIS: Mapping[Component, str] = {
    Component.PRINCIPAL: "借款合同约定；民法典第六百七十五条",
    Component.INTEREST: "借款合同约定的借款利率；民法典第六百七十四条",
    Component.PENALTY: "借款合同约定的逾期罚息利率；民法典第六百七十六条",
    Component.COMPOUND: "借款合同约定的复利条款；民法典第六百七十六条",
    Component.SERVICE_FEE: "借款合同约定的服务费",
    Component.LATE_FEE: "借款合同约定的逾期违约金；民法典第五百八十五条",
}


@dataclass(frozen=True, slots=True)
class ComputedClaims:
    claims: Claims
    replay: Replay
    owed: Mapping[str, Decimal]  # per component, before the cap
    claimed: Mapping[str, Decimal]  # per component, in the complaint
    accelerated_principal: Decimal  # due by acceleration: installments due after the cut-off
    due_on_cut_off_principal: Decimal  # claimed with it: installments due on the cut-off day
    # Costs paid above the cap that the overdue amounts could not absorb, set off against the
    # principal claimed by acceleration (the two figures above are net of it): on the
    # principal due on the cut-off day, and on the later principal.
    today_set_off: Decimal
    accelerated_set_off: Decimal
    # Of them, what is left when nothing is accelerated: a credit against principal not claimed.
    unclaimed_set_off: Decimal
    costs_paid: Decimal  # what the borrower paid of the costs the cap counts
    default_since: dt.date | None
    penalty_rate: Decimal  # the contract's annual penalty rate
    continuing_rate: Decimal  # the rate claimed after the cut-off


def compute_claims(loan: Loan, cut_off: dt.date, *, accelerate: bool) -> ComputedClaims:
    """The claims of ``loan`` up to and including ``cut_off``."""
    r = replay(loan, cut_off)
    s = r.state
    contract = loan.contract
    overdue = [i for i in s.installments if i.due_on < cut_off]
    owed = {c.value: total(i.unpaid.get(c.value, ZERO) for i in overdue) for c in Component}
    claimed = dict(s.claimable)
    # Principal not yet overdue on the cut-off: due that day, or later (then by acceleration).
    not_overdue = s.outstanding_principal - s.overdue_principal if accelerate else ZERO
    later = total(
        inst.principal - st.paid.get("principal", ZERO)
        for inst, st in zip(r.schedule.installments, s.installments, strict=True)
        if inst.due_on > cut_off
    )
    # Costs paid above the cap are set off against principal (民法典 Art. 561 read with the
    # cap): the ledger sets them off against the overdue principal; what that could not absorb
    # is set off here against the principal claimed by acceleration, the one due on the cut-off
    # day first (it bears penalty interest from the next day, the later principal only after
    # service). Without acceleration it stays a credit against principal not claimed.
    unabsorbed = s.excess_beyond_overdue
    set_off_later = min(unabsorbed, not_overdue)
    today_set_off = min(set_off_later, max(ZERO, not_overdue - later))
    not_overdue -= set_off_later
    claimed["principal"] = claimed["principal"] + not_overdue
    # Of that, the principal falling due on the cut-off day itself is due by the contract (and
    # overdue from the next day); only later installments are due by acceleration.
    accelerated = min(not_overdue, later)
    due_on_cut_off = not_overdue - accelerated
    # Paid costs above the cap set off against principal: the overdue principal, then the later.
    offset = owed["principal"] - s.claimable["principal"] + set_off_later
    late = next((i for i in overdue if i.unpaid_scheduled > 0), None)
    default_since = late.due_on if late else None
    # The period of penalty (compound) interest claimed: from the first accrual not yet paid.
    first_charge = {c: _first_unpaid_accrual(r, overdue, c) for c in ("penalty", "compound")}

    items: list[ClaimItem] = []
    for c in CLAIM_ORDER:
        amount = claimed[c.value]
        if amount <= 0:
            continue
        basis, which = _BASIS[c], ""
        if c is Component.PRINCIPAL:
            period = ""
            if contract.withheld:
                basis += (
                    f"；按实际发放金额{fmt(contract.lent)}元认定借款本金"
                    f"（放款时预先扣除{fmt(contract.withheld)}元，民法典第六百七十条）"
                )
            basis += "；合同约定的提前到期条款" if accelerated > 0 else ""
            if offset > 0:
                basis += (
                    f"；被告已付利息、费用中超过{_cap_name(s.cap.cap_rate)}的"
                    f"{fmt(offset)}元已冲抵本金"
                )
        elif c in (Component.PENALTY, Component.COMPOUND) and (start := first_charge[c.value]):
            period = f"自{date_cn(start)}起至{date_cn(cut_off)}止" + _paid_within(
                r, overdue, c.value, start, owed[c.value]
            )
        elif c is Component.INTEREST:
            period = _installments_period(r, c, cut_off, contract.disbursed_on)
        else:  # a fee of some installments: which ones ("第1期至第3期"), not a period
            period = ""
            which = _installments_period(r, c, cut_off, contract.disbursed_on)
        items.append(ClaimItem(COMPONENT_LABELS[c.value], amount, period, basis, which))

    waivers = tuple(
        Waiver(
            COMPONENT_LABELS[c.value],
            owed[c.value],
            s.claimable[c.value],
            owed[c.value] - s.claimable[c.value],
            "；".join(s.cap.rules),
        )
        for c in CLAIM_ORDER
        if c.is_cost and owed[c.value] > s.claimable[c.value]
    )

    penalty_rate = contract.annual_penalty_rate
    cap_rate = s.cap.cap_rate
    continuing_rate = penalty_rate if cap_rate is None else min(penalty_rate, cap_rate)
    continuing = _continuing(
        claimed["principal"] - accelerated, accelerated, cut_off, contract, s.cap, continuing_rate
    )
    cap_text = ""
    # What the borrower paid of the costs the cap counts: all it counts, less what is unpaid.
    costs_paid = s.cap.charged - (s.total_due - owed["principal"])
    credit = unabsorbed - set_off_later  # paid above the cap, against principal not claimed
    if (waivers or offset > 0 or credit > 0) and s.cap.allowed is not None:
        given_up = total(w.given_up for w in waivers)
        head = (
            f"按合同约定计收的利息、罚息、复利、违约金及其他费用合计{fmt(s.cap.charged)}元"
            + ("（含被告已支付部分）" if costs_paid > 0 else "")
            + f"，按上限计算为{fmt(s.cap.allowed)}元，"
        )
        if not waivers:  # said in element 13, not after the waiver item's rule: cite it here
            head = f"依据{'；'.join(s.cap.rules)}，{head}"
        credit_text = (
            "冲抵尚未到期的借款本金（本案未主张该部分本金）"
            if not accelerate
            else "超过未还本金，原告应予退还"
        )
        paid = [f"被告已多付的{fmt(offset)}元冲抵本金"] if offset > 0 else []
        paid += [f"被告已多付的{fmt(credit)}元{credit_text}"] if credit > 0 else []
        if not waivers and len(paid) == 1:  # the whole excess was paid: nothing to give up
            what = "已冲抵本金" if offset > 0 else credit_text
            cap_text = head + f"超出的{fmt(s.cap.excess)}元系被告已多付的款项，{what}"
        elif paid:
            cap_text = head + f"超出{fmt(s.cap.excess)}元，其中" + "，".join(paid)
            cap_text += f"，其余{fmt(given_up)}元原告自愿放弃" if waivers else ""
        else:
            cap_text = head + f"超出{fmt(s.cap.excess)}元，原告自愿放弃"
    claims = Claims(
        due_on_cut_off_text=_due_on_cut_off(s.installments, cut_off, accelerate, today_set_off),
        cut_off_waived=tuple(
            (f"第{i.no}期{label}", amount)
            for i in s.installments
            if i.due_on == cut_off
            for label, amount in _unpaid_costs(i)
        ),
        cap_text=cap_text,
        items=tuple(items),
        total=total(i.amount for i in items),
        cut_off=cut_off,
        continuing=continuing,
        waivers=waivers,
        costs_text="本案诉讼费用由被告承担",
        legal_basis=_legal_basis(
            withheld=bool(contract.withheld),
            late_fee=claimed.get(Component.LATE_FEE.value, ZERO) > 0,
            cap_rules=s.cap.rules if s.cap.excess > 0 else (),
        ),
    )
    return ComputedClaims(
        claims, r, owed, claimed, accelerated, due_on_cut_off, today_set_off,
        set_off_later - today_set_off, credit, costs_paid, default_since,
        penalty_rate,
        continuing_rate,
    )  # fmt: skip


def _continuing(
    overdue: Decimal,
    accelerated: Decimal,
    cut_off: dt.date,
    contract: Contract,
    cap: CapCheck,
    rate: Decimal,
) -> tuple[ContinuingInterest, ...]:
    """Interest after the cut-off. ``overdue``, the principal due by the contract (overdue, or
    due on the cut-off day), bears penalty interest from the next day. Principal accelerated
    by the complaint (the notice of acceleration) falls due when the complaint is served
    (民法典 Art. 137): until then it bears the contract's interest, from the next day penalty
    interest; both within the cap."""
    next_day = cut_off + dt.timedelta(days=1)
    penalty_rate = contract.annual_penalty_rate
    rule = cap.rules[-1] if cap.rules else ""

    def within(agreed: Decimal, claimed: Decimal) -> str:
        return (
            f"，原告自愿按不超过年利率{percent(claimed)}主张（{rule}）" if claimed < agreed else ""
        )

    why = f"借款合同约定逾期罚息年利率{percent(penalty_rate)}{within(penalty_rate, rate)}"
    out = []
    which = ("已到期本金", "提前到期本金") if accelerated > 0 else ("", "")
    if overdue > 0 and rate > 0:
        out.append(ContinuingInterest(overdue, rate, next_day, "罚息", why, of=which[0]))
    if accelerated > 0:
        annual = contract.annual_rate
        interest_rate = annual if cap.cap_rate is None else min(annual, cap.cap_rate)
        if interest_rate > 0:
            reason = f"借款合同约定借款年利率{percent(annual)}{within(annual, interest_rate)}"
            out.append(
                ContinuingInterest(
                    accelerated, interest_rate, next_day, "利息",
                    reason + "；提前到期的本金自起诉状副本送达之日到期",
                    until="起诉状副本送达之日", of=which[1],
                )
            )  # fmt: skip
        if rate > 0:
            out.append(
                ContinuingInterest(
                    accelerated,
                    rate,
                    next_day,
                    "罚息",
                    why,
                    start_text="起诉状副本送达之次日",
                    of=which[1],
                )
            )
    return tuple(out)


def _cap_name(rate: Decimal | None) -> str:
    return "利率上限" if rate is None else f"年利率{percent(rate)}上限"


def _installments_period(r: Replay, c: Component, cut_off: dt.date, disbursed_on: dt.date) -> str:
    """Which installments an unpaid scheduled amount belongs to, with their interest period."""
    due = [
        i for i in r.state.installments if i.due_on < cut_off and i.unpaid.get(c.value, ZERO) > 0
    ]
    if not due:
        return f"截至{date_cn(cut_off)}"
    first, last = due[0], due[-1]
    nos = f"第{first.no}期" if first is last else f"第{first.no}期至第{last.no}期"
    # Installments of the range whose amount was partly (or, between two unpaid ones, wholly)
    # paid: the range's scheduled amounts less these payments are the claim.
    paid = []
    for i in r.state.installments:
        part, left = i.paid.get(c.value, ZERO), i.unpaid.get(c.value, ZERO)
        if first.no <= i.no <= last.no and part > 0:
            paid.append(
                f"第{i.no}期已付{fmt(part)}元、尚欠{fmt(left)}元"
                if left > 0
                else f"第{i.no}期已付清"
            )
    nos += f"，其中{'；'.join(paid)}" if paid else ""
    if c is not Component.INTEREST:
        return nos
    before = [i.due_on for i in r.state.installments if i.no == first.no - 1]
    start = before[0] if before else disbursed_on
    return f"自{date_cn(start)}起至{date_cn(last.due_on)}止（{nos}）"


def _first_unpaid_accrual(r: Replay, overdue: Sequence[InstallmentState], c: str) -> dt.date | None:
    """The start of the earliest accrual span of ``c`` that payments have not fully paid, over
    the overdue installments: payments pay an installment's spans oldest first, so what is
    unpaid of it accrued from the first span its payments did not cover."""
    starts = []
    for i in overdue:
        paid = i.paid.get(c, ZERO)
        if i.unpaid.get(c, ZERO) <= 0:
            continue
        covered = ZERO
        for ln in r.explanation.charges:
            if ln.component == c and ln.installment == i.no and ln.start:
                covered += ln.amount
                if covered > paid:
                    starts.append(ln.start)
                    break
    return min(starts, default=None)


def _paid_within(
    r: Replay, overdue: Sequence[InstallmentState], c: str, start: dt.date, owed: Decimal
) -> str:
    """What the borrower paid of ``c`` accrued from ``start`` on (the claim's period), as the
    period's note: the accrual lines of the overdue installments from ``start`` less what is
    owed of them. Empty when nothing in the period was paid."""
    nos = {i.no for i in overdue}
    accrued = total(
        ln.amount
        for ln in r.explanation.charges
        if ln.component == c and ln.installment in nos and ln.start and ln.start >= start
    )
    paid = accrued - owed
    return f"（已扣除被告就该期间支付的{COMPONENT_LABELS[c]}{fmt(paid)}元）" if paid > 0 else ""


def _unpaid_costs(i: InstallmentState) -> list[tuple[str, Decimal]]:
    """An installment's unpaid interest and service fee, labelled: [("利息", 32.40), …]."""
    return [
        (COMPONENT_LABELS[c], i.unpaid[c])
        for c in ("interest", "service_fee")
        if i.unpaid.get(c, ZERO) > 0
    ]


def _due_on_cut_off(
    installments: Sequence[InstallmentState],
    cut_off: dt.date,
    accelerate: bool,
    set_off: Decimal = ZERO,
) -> str:
    """What installments falling due on the cut-off day still owe (due, not yet overdue) and
    what of it is claimed: their principal when the policy accelerates, less ``set_off`` (costs
    paid above the cap; otherwise not claimed in this suit); their unpaid interest and service
    fee are given up (the cap counts costs due on the cut-off day only as far as paid, so
    claiming them would leave the cap check; giving them up, rather than not claiming them, keeps
    a second suit for them from arising)."""
    parts = []
    on = date_cn(cut_off)
    for i in installments:
        if i.due_on != cut_off:
            continue
        principal = i.unpaid.get("principal", ZERO)
        costs = "、".join(f"{label}{fmt(amount)}元" for label, amount in _unpaid_costs(i))
        text = ""
        if principal > 0:
            text = f"第{i.no}期借款本金{fmt(principal)}元于{on}到期"
            used, set_off = min(set_off, principal), set_off - min(set_off, principal)
            if not accelerate:
                text += "，本案不予主张"
            elif used == principal:
                text += "，已由被告多付的利息、费用全部冲抵"
            elif used > 0:
                text += f"，其中{fmt(used)}元已由被告多付的利息、费用冲抵，其余{fmt(principal - used)}元一并主张"
            else:
                text += "，一并主张"
        if costs:
            text += (
                f"；该期{costs}原告自愿放弃"
                if text
                else f"第{i.no}期{costs}于{on}到期，原告自愿放弃"
            )
        if text:
            parts.append(text)
    return "；".join(parts)
