"""What do I really owe? The true annual cost of a loan from what the borrower knows.

The cost is the internal rate of return (IRR) of the borrower's cash flows: what was actually
received (after any fee taken at the start) against every payment made or scheduled.

* Payments exactly one, two, … months after the disbursement day: the monthly IRR ``r``
  (``pyxirr.irr``); nominal annual rate ``12 r``; effective annual rate ``(1 + r)^12 - 1``.
* Any other dates: the effective annual rate ``e`` from ``pyxirr.xirr`` (actual/365); the
  monthly equivalent is ``(1 + e)^(1/12) - 1`` and the nominal rate 12 times that.

Which one a court compares with the cap: the caps are written as a simple 年利率 — 24 % a year
on the principal actually outstanding (法发〔2017〕22号 Art. 2) or 4 × the one-year LPR
(法释〔2020〕17号 Arts. 25, 29) — so the comparable figure is the nominal rate: the monthly
cost on the outstanding principal times 12, which for a level schedule is IRR × 12 (the
reference ledger's cap check computes the same thing as cost / Σ principal × days / basis).
The compounded effective rate is higher and is shown for information. legal.md does not state
the courts' arithmetic, so this reading is marked UNVERIFIED in every result.

Worked example: 10,000 received, 12 payments of 1,000 from one month later. The monthly IRR
is 2.9229 %, so nominal 35.07 % and effective 41.30 % a year: above the licensed-lender line
of 24 % although the "interest" looks like 2,000 on 10,000.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pyxirr

from overdue.borrower._json import to_plain
from overdue.dates import add_months
from overdue.errors import InputError
from overdue.ledger.contract import Contract, LenderType
from overdue.ledger.schedule import build_schedule
from overdue.money import ZERO, exact, fmt, percent, round_ratio, total, yuan
from overdue.rules.caps import TRANSITION_DAY, CapProfile, cap_segments, lpr_1y

__all__ = [
    "COMPARED_RULE",
    "AprCheck",
    "Frequency",
    "RegularSchedule",
    "check_apr",
    "check_contract_apr",
    "solve_rate",
]

_RATES = frozenset({"periodic_rate", "nominal_annual", "effective_annual", "cap_rate", "lpr_1y"})

COMPARED_RULE = (
    "法院与上限比较的是“年利率”（单利）：按实际占用的本金计算的月成本×12，即名义年化利率（IRR×12）；"
    "复利口径的实际年化利率（(1+月IRR)^12−1）更高，仅供参考。"
    "上限条文写的是“年利率”（法发〔2017〕22号第二条；法释〔2020〕17号第二十五、二十九条），"
    "法院具体如何折算未找到明确依据（UNVERIFIED）；本系统账本的封顶检查同样按实际占用本金单利计算。"
)


class Frequency(StrEnum):
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class RegularSchedule:
    """``count`` equal payments of ``amount``, the first on ``first_on``, then every month."""

    count: int
    amount: Decimal
    first_on: dt.date
    frequency: Frequency = Frequency.MONTHLY

    def payments(self) -> tuple[tuple[dt.date, Decimal], ...]:
        return tuple((add_months(self.first_on, k), self.amount) for k in range(self.count))


@dataclass(frozen=True, slots=True)
class AprCheck:
    received: Decimal  # what the borrower actually had the use of (after upfront fees)
    paid_total: Decimal  # everything paid or scheduled
    cost_total: Decimal  # paid_total - received
    cashflows: tuple[tuple[dt.date, Decimal], ...]  # borrower's view: +received, -payments
    periodic_rate: Decimal | None  # monthly IRR (payments on monthly anniversaries) else None
    nominal_annual: Decimal  # monthly IRR x 12: what courts compare (see compared_rule)
    effective_annual: Decimal  # (1 + monthly IRR)^12 - 1
    lender_type: LenderType
    cap_rate: Decimal
    cap_rule: str
    lpr_1y: Decimal | None  # private lending: the LPR used
    above_cap: bool
    compared_rule: str  # which rate courts compare and why (with verification status)
    summary: str
    lines: tuple[str, ...]
    as_of: dt.date

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = to_plain(self, _RATES)
        data["cashflows"] = [
            {"on": d.isoformat(), "amount": to_plain(a)} for d, a in self.cashflows
        ]
        return data


def solve_rate(amounts: Sequence[Decimal], dates: Sequence[dt.date] | None = None) -> Decimal:
    """The IRR of ``amounts``: per period when ``dates`` is None, else effective annual (XIRR).

    This is the only place in the borrower package where binary floating point appears.
    Solving for a rate is root-finding on a polynomial, which pyxirr does well in floating
    point; writing our own Decimal solver would be more code to get wrong. The rate is a
    measurement, not an amount of money: the floats go in here and the result comes straight
    back as a Decimal (from its shortest repr), rounded to 10 places. No money is computed from
    it except for display.
    """
    flows = [float(a) for a in amounts]  # the solver's input: floats by design (see above)
    try:
        rate = pyxirr.xirr(list(dates), flows) if dates is not None else pyxirr.irr(flows)
    except (pyxirr.InvalidPaymentsError, ValueError) as exc:
        raise InputError("payments", f"无法计算年化成本：{exc}") from exc
    if rate is None or not math.isfinite(rate):
        raise InputError("payments", "无法计算年化成本：现金流没有有意义的内部收益率")
    return round_ratio(Decimal(repr(rate)), 10)


# Private lending before 2020-08-20 (法释〔2015〕18号 Arts. 26, 31): 24 % protected, above 36 % void,
# in between neither enforced nor, once paid, returned.
OLD_PRIVATE_CAP = Decimal("0.24")

# How sure the licensed-lender cap is (reference/legal.md §2.3): the 24 % total is SECONDARY;
# that small-loan companies are held to it as well is UNVERIFIED (some courts use 4x the LPR).
LICENSED_CAP_NOTE = (
    "（SECONDARY；小额贷款公司是否同样适用24%因法院而异，有的法院参照4倍LPR，UNVERIFIED）"
)


def _cap(
    lender_type: LenderType, contract_on: dt.date, as_of: dt.date, flows: Sequence[dt.date]
) -> tuple[Decimal, str, Decimal | None]:
    """The cap the loan's cost is compared with, its rule and the LPR it rests on (private
    lending from 2020-08-20). A private loan made before 2020-08-20 has two segments (法释
    〔2020〕17号 Art. 31): the one covering its last cash flow is compared; one whose flows
    straddle the transition gets a note that the whole-life rate is only an approximation."""
    if lender_type is LenderType.LICENSED:
        segment = cap_segments(CapProfile.LICENSED_24, contract_on, filed_on=as_of)[0]
        return segment.annual_rate, segment.explained + LICENSED_CAP_NOTE, None
    segments = cap_segments(CapProfile.PRIVATE_4LPR, contract_on, filed_on=as_of)
    last = min(max(flows), as_of)
    segment = next((s for s in segments if s.covers(last)), segments[-1])
    lpr = lpr_1y(contract_on).rate_1y if contract_on >= TRANSITION_DAY else None
    rule = segment.explained
    spanned = [s for s in segments if any(s.covers(d) for d in (contract_on, *flows))]
    if len(spanned) > 1:
        rule += (
            "。这笔借款跨越2020年8月20日，上限分段适用（此前" + percent(spanned[0].annual_rate, 2)
            + "，此后" + percent(spanned[-1].annual_rate, 2) + "，法释〔2020〕17号第三十一条）："
            "整体年化只能近似比较，分段核算请用合同条款计算欠款。"
        )  # fmt: skip
    return segment.annual_rate, rule, lpr


def _monthly_anniversaries(start: dt.date, dates: Sequence[dt.date]) -> bool:
    return list(dates) == [add_months(start, k) for k in range(1, len(dates) + 1)]


# Above this monthly rate the answer is a typing mistake, not a loan (1000 % a month).
MAX_MONTHLY_RATE = Decimal(10)


def check_apr(
    *,
    received: Decimal,
    disbursed_on: dt.date,
    payments: Sequence[tuple[dt.date, Decimal]] | None = None,
    schedule: RegularSchedule | None = None,
    upfront_fee: Decimal = ZERO,
    lender_type: LenderType = LenderType.LICENSED,
    contract_on: dt.date | None = None,
    as_of: dt.date,
) -> AprCheck:
    """The true annual cost of receiving ``received`` (less ``upfront_fee``) on
    ``disbursed_on`` and paying ``payments`` (or the regular ``schedule``)."""
    received, upfront_fee = yuan(received), yuan(upfront_fee)
    if received <= 0:
        raise InputError("received", "到手金额必须大于0")
    if upfront_fee < 0 or upfront_fee >= received:
        raise InputError("upfront_fee", "前期费用不能为负数，也不能大于等于到手金额")
    if (payments is None) == (schedule is None):
        raise InputError(
            "payments", "请给出还款记录（日期和金额）或固定还款计划（期数×金额），二选一"
        )
    if schedule is not None:
        if not 1 <= schedule.count <= 600:
            raise InputError("schedule.count", "期数应在1到600之间")
        if yuan(schedule.amount) <= 0:
            raise InputError("schedule.amount", "每期金额必须大于0")
        flows_in = schedule.payments()
    else:
        assert payments is not None
        flows_in = tuple((d, yuan(a)) for d, a in payments)
        if not flows_in:
            raise InputError("payments", "至少需要一笔还款")
    for i, (day, amount) in enumerate(flows_in):
        if amount <= 0:
            raise InputError(f"payments[{i}].amount", "还款金额必须大于0")
        if day <= disbursed_on:
            raise InputError(f"payments[{i}].on", f"还款日期 {day} 不晚于放款日 {disbursed_on}")
    flows_in = tuple(sorted(flows_in))
    net = received - upfront_fee
    paid = total(a for _, a in flows_in)
    if paid <= net:
        raise InputError(
            "payments", f"还款合计 {fmt(paid)} 元不超过到手金额 {fmt(net)} 元：没有借款成本"
        )
    dates = [d for d, _ in flows_in]
    cashflows = ((disbursed_on, net), *((d, -a) for d, a in flows_in))
    amounts = [a for _, a in cashflows]
    with exact():
        if _monthly_anniversaries(disbursed_on, dates):
            periodic: Decimal | None = solve_rate(amounts)
            assert periodic is not None
            effective = (1 + periodic) ** 12 - 1
            monthly = periodic
        else:
            periodic = None
            effective = solve_rate(amounts, [disbursed_on, *dates])
            monthly = (1 + effective) ** (Decimal(1) / 12) - 1
        if monthly > MAX_MONTHLY_RATE:
            # (1 + r) ** 12 would not even fit the working precision; no lender charges this.
            raise InputError(
                "payments",
                f"借款成本高得不合常理（月利率超过{percent(MAX_MONTHLY_RATE, 0)}），"
                "请检查到手金额和还款金额是否填写正确",
            )
        nominal = round_ratio(monthly * 12)
        effective = round_ratio(effective)
    cap_rate, cap_rule, lpr = _cap(lender_type, contract_on or disbursed_on, as_of, dates)
    above = nominal > cap_rate
    who = (
        "持牌金融机构（银行、消费金融公司、小贷公司等）"
        if lender_type is LenderType.LICENSED
        else "民间借贷"
    )
    verdict = "超过" if above else "未超过"
    summary = (
        f"实际到手{fmt(net)}元，共还{fmt(paid)}元，借款成本{fmt(paid - net)}元；"
        f"名义年化利率{percent(nominal, 2)}（实际年化{percent(effective, 2)}），{verdict}{who}的上限{percent(cap_rate, 2)}。"
    )
    lines = [
        summary,
        "计算方法：把到手金额和每一笔还款按日期排成现金流，求内部收益率（IRR）。"
        + (
            f"每月的内部收益率（月IRR）{percent(periodic, 4)}，×12得名义年化。"
            if periodic is not None
            else "还款日期不规则，按实际天数计算。"
        ),
        COMPARED_RULE,
        f"上限依据：{cap_rule}",
    ]
    if upfront_fee > 0:
        lines.append(
            f"前期费用{fmt(upfront_fee)}元不算借到的钱：实际可用的借款按{fmt(net)}元计算"
            "（民法典第六百七十条：利息不得预先在本金中扣除；民间借贷另见法释〔2020〕17号第二十六条）。"
        )
    old_rules = lender_type is LenderType.PRIVATE and cap_rate == OLD_PRIVATE_CAP
    if above and old_rules:
        lines.append(
            "按2020年8月20日前的规定，年利率24%至36%之间的利息，出借人起诉要求支付的，法院不支持；"
            "但借款人已经自愿支付的，要求返还法院不予支持。超过36%的部分约定无效，已付的可以要求返还"
            "（原《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》（2015年）第二十六条、第三十一条）。"
        )
    elif above:
        lines.append(
            "超过上限的部分，法院通常不支持；可以要求出借方按上限重算，"
            "或在被起诉时以此抗辩（利息、罚息、复利、违约金和各种费用合并计算）。"
        )
    return AprCheck(
        received=net, paid_total=paid, cost_total=paid - net, cashflows=cashflows,
        periodic_rate=periodic, nominal_annual=nominal, effective_annual=effective,
        lender_type=lender_type, cap_rate=cap_rate, cap_rule=cap_rule, lpr_1y=lpr,
        above_cap=above, compared_rule=COMPARED_RULE, summary=summary, lines=tuple(lines),
        as_of=as_of,
    )  # fmt: skip


def check_contract_apr(contract: Contract, *, as_of: dt.date) -> AprCheck:
    """The same check from a contract's stated terms: its schedule (rate, method and
    per-installment service fee) against the principal less the upfront fee."""
    schedule = build_schedule(contract)
    try:
        return check_apr(
            received=contract.principal,
            disbursed_on=contract.disbursed_on,
            payments=[(i.due_on, i.payment) for i in schedule.installments],
            upfront_fee=contract.upfront_fee,
            lender_type=contract.lender_type,
            contract_on=contract.contract_on,
            as_of=as_of,
        )
    except InputError as exc:
        # The payments were derived from the terms: name the terms, not "payments".
        if exc.field != "payments":
            raise
        raise InputError("rate", f"按合同条款（本金、利率、费用）计算：{exc.message}") from None
