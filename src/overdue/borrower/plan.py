"""A plan I can afford: installment options up to 60 months and the negotiation letter.

The budget is monthly income less essential expenses. Each option spreads the amount to repay
(the lawful amount when the borrower has recomputed it, else the lender's claim) evenly
over ``n`` months (rounded down to the fen, the last installment taking the remainder, so it
is never smaller than the others); with a lender's installment fee (e.g. 0.6 % a month, the way
credit-card installments are usually priced) the fee is charged on the amount spread every
month, and its true cost is shown as an annual rate (IRR × 12). The recommended option is the
shortest one whose largest monthly payment fits the budget (least fee, soonest done).

Up to 60 months follows the credit-card 个性化分期 rule (《商业银行信用卡业务监督管理办法》
Art. 70, SECONDARY in legal.md §7): the bank *may* agree when the arrears exceed the
cardholder's ability to pay and the cardholder is willing to pay; it is not a right, and
other lenders are not bound by it.

Worked example: 24,000 of debt, income 6,000, expenses 4,500 -> budget 1,500 a month.
12 months = 2,000 (too much); 18 months = 1,333.33 (last 1,333.39): the recommendation.
With a 0.5 % monthly fee: +120 a month, 1,453.39 still fits; 2,160 of fees in all,
a true cost of about 11.1 % a year (IRR x 12).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from overdue.borrower._json import to_plain
from overdue.dates import add_months
from overdue.documents.context import NegotiationLetterContext, PlanOption
from overdue.documents.filters import masked
from overdue.errors import InputError
from overdue.money import ZERO, MoneyError, Rounding, exact, fmt, round_fen, round_ratio, yuan

__all__ = [
    "DEFAULT_TERMS",
    "MAX_MONTHS",
    "PlanLine",
    "PlanProposal",
    "letter_context",
    "propose_plans",
]

DEFAULT_TERMS = (3, 6, 12, 18, 24, 36, 48, 60)
MAX_MONTHS = 60  # 《商业银行信用卡业务监督管理办法》第七十条: at most 5 years (SECONDARY)
_DEFAULT_REQUESTS = (
    "自协议签订之日起停止计收罚息、复利和违约金",
    "减免部分利息和费用",
    "按本申请书提出的方案分期归还欠款，分期期间停止催收",
)


@dataclass(frozen=True, slots=True)
class PlanLine:
    months: int
    monthly: Decimal  # installment without the lender's fee
    last_monthly: Decimal  # the last installment (absorbs the rounding)
    total: Decimal  # = the proposal's base
    monthly_fee: Decimal  # lender's installment fee per month (0 when none given)
    fee_total: Decimal
    monthly_with_fee: Decimal  # the largest monthly payment including the fee
    total_with_fee: Decimal
    fee_nominal_annual: Decimal | None  # the fee as an annual rate (IRR x 12)
    affordable: bool  # monthly_with_fee <= budget
    first_due_on: dt.date
    last_due_on: dt.date


@dataclass(frozen=True, slots=True)
class PlanProposal:
    debt: Decimal  # what the lender claims
    lawful_total: Decimal | None  # what the borrower recomputed as lawfully owed (None: not done)
    monthly_income: Decimal
    monthly_expenses: Decimal
    budget: Decimal  # income - essential expenses
    monthly_fee_rate: Decimal | None
    options: tuple[PlanLine, ...]
    recommended: PlanLine | None  # the shortest affordable term
    summary: str
    lines: tuple[str, ...]
    as_of: dt.date

    @property
    def base(self) -> Decimal:
        """The amount the options spread: the lawful amount when known, never more than claimed."""
        return self.debt if self.lawful_total is None else self.lawful_total

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = to_plain(self, frozenset({"monthly_fee_rate", "fee_nominal_annual"}))
        return data


def _amount(value: Decimal, field: str) -> Decimal:
    try:
        amount = yuan(value)
    except MoneyError as exc:
        raise InputError(field, str(exc)) from exc
    if amount < 0:
        raise InputError(field, "金额不能为负数")
    return amount


def _line(
    debt: Decimal, months: int, fee_rate: Decimal, first: dt.date, budget: Decimal
) -> PlanLine:
    monthly = round_fen(Fraction(debt) / months, Rounding.DOWN)
    last = debt - monthly * (months - 1)
    with exact():
        fee = round_fen(debt * fee_rate)
    fee_total = fee * months
    largest = max(monthly, last) + fee
    fee_rate_annual: Decimal | None = None
    if fee > 0:
        from overdue.borrower.apr import solve_rate  # the one float boundary, shared

        flows = [debt] + [-(monthly + fee)] * (months - 1) + [-(last + fee)]
        with exact():
            fee_rate_annual = round_ratio(solve_rate(flows) * 12)
    return PlanLine(
        months=months, monthly=monthly, last_monthly=last, total=debt, monthly_fee=fee,
        fee_total=fee_total, monthly_with_fee=largest, total_with_fee=debt + fee_total,
        fee_nominal_annual=fee_rate_annual, affordable=largest <= budget, first_due_on=first,
        last_due_on=add_months(first, months - 1),
    )  # fmt: skip


def propose_plans(
    *,
    debt: Decimal,
    monthly_income: Decimal,
    monthly_expenses: Decimal,
    as_of: dt.date,
    lawful_total: Decimal | None = None,
    monthly_fee_rate: Decimal | None = None,
    first_due_on: dt.date | None = None,
    terms: tuple[int, ...] = DEFAULT_TERMS,
) -> PlanProposal:
    """Installment options within the monthly budget (income - expenses) for ``debt``, the
    lender's claim, or for ``lawful_total`` when the borrower has recomputed what is lawfully
    owed (it may not exceed the claim: a plan never offers more than the lender asks)."""
    debt = _amount(debt, "debt")
    if debt <= 0:
        raise InputError("debt", "欠款金额必须大于0")
    lawful = None if lawful_total is None else _amount(lawful_total, "lawful_total")
    if lawful is not None and not 0 < lawful <= debt:
        raise InputError(
            "lawful_total",
            f"核算的依法应还金额（{fmt(lawful)}元）应大于0且不超过对方主张的{fmt(debt)}元："
            "请核对；方案和申请书不会承诺多于对方主张的金额",
        )
    base = debt if lawful is None else lawful
    income = _amount(monthly_income, "monthly_income")
    expenses = _amount(monthly_expenses, "monthly_expenses")
    fee_rate = ZERO if monthly_fee_rate is None else yuan(monthly_fee_rate)
    if not ZERO <= fee_rate < Decimal("0.05"):
        raise InputError("monthly_fee_rate", "月手续费率应在0到5%之间（例如0.006表示每月0.6%）")
    if not terms or any(not 1 <= n <= MAX_MONTHS for n in terms):
        raise InputError("terms", f"分期期数应在1到{MAX_MONTHS}之间")
    first = first_due_on or add_months(as_of, 1)
    if first <= as_of:
        raise InputError("first_due_on", "首期还款日应晚于今天")
    budget = income - expenses
    # no plan whose installments would be under one fen (0.05 yuan in 12 parts)
    counts = [n for n in sorted(set(terms)) if n <= base * 100] or [1]  # 0.01: paid at once
    options = tuple(_line(base, n, fee_rate, first, budget) for n in counts)
    recommended = next((o for o in options if o.affordable), None)
    has_fee = fee_rate > 0
    lines = [
        f"每月收入{fmt(income)}元，必要支出{fmt(expenses)}元，每月最多可用于还款{fmt(budget)}元。"
        if budget > 0
        else f"每月收入{fmt(income)}元，必要支出{fmt(expenses)}元，"
        f"{f'收支缺口{fmt(-budget)}元，' if budget < 0 else ''}目前没有可用于还款的余额。"
    ]
    for o in options:
        fee_text = (
            f"；含手续费每期最多{fmt(o.monthly_with_fee)}元，手续费共{fmt(o.fee_total)}元"
            f"（折合年化约{o.fee_nominal_annual * 100:.2f}%），共还{fmt(o.total_with_fee)}元"
            if has_fee and o.fee_nominal_annual is not None
            else ""
        )
        last_text = f"（最后一期{fmt(o.last_monthly)}元）" if o.last_monthly != o.monthly else ""
        mark = "可以负担" if o.affordable else "超出预算"
        lines.append(
            f"{o.months}期：每期{fmt(o.monthly)}元{last_text}，不计手续费共还{fmt(o.total)}元"
            f"{fee_text}——{mark}。"
        )
    if recommended is not None:
        with_fee = f"（含对方手续费{fmt(recommended.monthly_fee)}元）" if has_fee else ""
        summary = (
            f"建议申请{recommended.months}期：每期最多{fmt(recommended.monthly_with_fee)}元"
            f"{with_fee}，在每月{fmt(budget)}元的预算之内。"
        )
        if base <= budget:  # one month's budget covers it: paying at once ends the matter
            at_once = (
                f"欠款{fmt(base)}元不超过每月可用于还款的{fmt(budget)}元：可以考虑一次性结清"
                f"（结清时可请求减免罚息和费用，并要求出具结清证明），不必分期"
            )
            summary = at_once + ("。" if recommended.months == 1 else f"；如需分期，{summary}")
    elif budget <= 0:
        summary = "目前收入不足以覆盖必要支出，任何分期都难以负担：建议先向出借方说明困难，申请暂缓或减免。"
    else:
        longest = options[-1]
        summary = (
            f"即使分{longest.months}期，每期{fmt(longest.monthly_with_fee)}元也超出每月{fmt(budget)}元的预算："
            "建议同时申请减免利息、罚息和费用，或请求降低总额后再分期。"
        )
    if lawful is not None and lawful < debt:
        lines.insert(
            0,
            f"以下方案按您核算的依法应还金额{fmt(lawful)}元计算（对方主张{fmt(debt)}元，"
            f"相差{fmt(debt - lawful)}元）。",
        )
    lines.insert(0, summary)
    lines.append(
        "说明：信用卡个性化分期最长5年（60期），由银行在持卡人确有困难且有还款意愿时“可以”同意，不是借款人的权利；"
        "协议签订后银行及其催收机构应停止催收（《商业银行信用卡业务监督管理办法》第七十条，SECONDARY）。"
        "其他贷款机构可参照协商。"
    )
    lines.append("不知道如何开口？可以用“协商还款申请书”把方案写下来，寄给出借方并保留寄送凭证。")
    return PlanProposal(
        debt, lawful, income, expenses, budget, monthly_fee_rate if has_fee else None, options,
        recommended, summary, tuple(lines), as_of,
    )  # fmt: skip


def _option(line: PlanLine, note: str) -> PlanOption:
    """The option as the letter offers it: the amount itself, without the lender's installment
    fee (a fee is the lender's to ask for, not the borrower's to offer)."""
    return PlanOption(
        months=line.months,
        monthly=line.monthly,
        last_monthly=line.last_monthly,
        total=line.total,
        first_due_on=line.first_due_on,
        note=note,
    )


_WHOLE_ID = re.compile(r"\d{6,17}[\dXx]")


def _masked_id(text: str) -> str:
    """The ID number as the letter prints it: a number given whole (or any long run of its
    digits) keeps only its last four characters; one already masked (``****1234``) stays."""
    joined = re.sub(r"(?<=\d)[\s-]+(?=[\dXx])", "", text.strip())  # "110101 1990…" as typed
    return _WHOLE_ID.sub(lambda m: masked(m.group(0), head=0, tail=4), joined)


def letter_context(
    proposal: PlanProposal,
    *,
    lender_name: str,
    borrower_name: str,
    borrower_id_masked: str = "",
    borrower_phone: str = "",
    contract_no: str = "",
    hardship: str = "",
    requests: tuple[str, ...] = (),
    dated: dt.date,
) -> NegotiationLetterContext:
    """The context of 协商还款申请书 for ``overdue.documents`` to render.

    The options spread :attr:`PlanProposal.base` (the lawful amount when the proposal has one)
    and leave the lender's installment fee out, so they are judged against the budget without
    it: the proposed plan is the shortest whose installments fit, or the longest when none
    does (the letter then asks for a reduction as well); up to three other fitting options
    follow.
    """
    if not lender_name.strip():
        raise InputError("lender_name", "请填写出借机构名称")
    if not borrower_name.strip():
        raise InputError("borrower_name", "请填写借款人姓名")
    if not proposal.options:
        raise InputError("proposal", "没有分期方案")

    # The letter offers the installments without the lender's fee, so it judges them so.
    def fits(o: PlanLine) -> bool:
        return max(o.monthly, o.last_monthly) <= proposal.budget

    chosen = next((o for o in proposal.options if fits(o)), proposal.options[-1])
    note = "在本人每月还款能力之内" if fits(chosen) else "已是最长期限，仍需同时减免部分欠款"
    others = tuple(
        _option(o, "可负担的其他方案") for o in proposal.options if fits(o) and o is not chosen
    )[:3]
    asked = requests or _DEFAULT_REQUESTS
    if proposal.monthly_fee_rate and not chosen.affordable and fits(chosen):
        # it fits only if the lender waives its installment fee: say so
        asked = (*asked, "分期期间免收分期手续费")
    if not fits(chosen) and "减免部分利息和费用" not in asked:
        asked = (*asked, "减免部分利息和费用")
    return NegotiationLetterContext(
        lender_name=lender_name.strip(), borrower_name=borrower_name.strip(),
        borrower_id_masked=_masked_id(borrower_id_masked), borrower_phone=borrower_phone,
        contract_no=contract_no, debt_total=proposal.debt, lawful_total=proposal.lawful_total,
        hardship=hardship, monthly_income=proposal.monthly_income,
        monthly_expenses=proposal.monthly_expenses, proposed=_option(chosen, note),
        alternatives=others, requests=tuple(asked), dated=dated,
    )  # fmt: skip
