"""The borrower's questions as request models, shared by the JSON API and the HTML forms.

Each model validates its input (field titles are the Chinese labels shown next to errors) and
``answer()`` calls the one :mod:`overdue.borrower` function that answers it. No rule lives
here: defaults at the edge only (the as-of date is today in Beijing when not given).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from overdue.borrower.apr import AprCheck, RegularSchedule, check_apr, check_contract_apr
from overdue.borrower.caseno import CaseExplanation, explain_case_number
from overdue.borrower.claim import ClaimCheck, check_claim
from overdue.borrower.deadlines import DeadlineAnswer, DocumentKind, borrower_deadline
from overdue.borrower.messages import MessageVerdict, lint_message
from overdue.borrower.plan import PlanProposal, letter_context, propose_plans
from overdue.documents.context import NegotiationLetterContext
from overdue.errors import InputError
from overdue.ledger.contract import LenderType, RateUnit, RepaymentMethod
from overdue.ledger.loanfile import loan_from_dict
from overdue.money import MoneyError, parse_rate
from overdue.web.fields import Day, Moment, Money, PositiveMoney

__all__ = [
    "AprQuestion",
    "CaseNumberQuestion",
    "ClaimQuestion",
    "ContractAprQuestion",
    "DeadlineQuestion",
    "LetterQuestion",
    "MessageQuestion",
    "PaymentIn",
    "PlanQuestion",
    "ScheduleIn",
    "today",
]

BEIJING = ZoneInfo("Asia/Shanghai")
MAX_PAYMENTS = 600
MAX_RATE = Decimal(100)  # 10,000 % a year: beyond any loan, keeps hostile input bounded


def today() -> dt.date:
    """Today in mainland China: the default as-of date of the web faces (never of the domain)."""
    return dt.datetime.now(BEIJING).date()


def _rate(value: Any) -> Decimal:
    if isinstance(value, (bool, float)):
        raise PydanticCustomError("rate_type", '利率请写成字符串，例如 "0.24" 或 "24%"')
    if not isinstance(value, (str, int, Decimal)):
        raise PydanticCustomError("rate_type", '应为利率，例如 "0.24" 或 "24%"')
    text = value.strip() if isinstance(value, str) else value
    if text == "":
        raise PydanticCustomError("rate_empty", "请填写利率")
    try:
        rate = parse_rate(text)
    except MoneyError as exc:
        raise PydanticCustomError(
            "rate_parsing",
            "“{text}”不是利率：请写成 0.24 或 24% 这样的形式",
            {"text": str(value)[:40]},
        ) from exc
    if rate < 0:
        raise PydanticCustomError("rate_negative", "利率不能是负数")
    if rate > MAX_RATE:
        raise PydanticCustomError("rate_too_large", "利率过大，请检查（24% 请写成 24% 或 0.24）")
    return rate


Rate = Annotated[
    Decimal,
    BeforeValidator(_rate),
    WithJsonSchema({"type": "string", "examples": ["0.24", "24%"]}),
]
"""A rate as a decimal fraction (``"0.24"``) or a percentage (``"24%"``)."""

AsOf = Annotated[
    Day | None,
    Field(title="查询日期", description="按哪一天计算；不填为今天（北京时间）"),
]


class _Question(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    as_of: AsOf = None

    def day(self) -> dt.date:
        return self.as_of or today()


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: Day = Field(title="日期")
    amount: PositiveMoney = Field(title="金额")


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(title="期数", ge=1, le=MAX_PAYMENTS)
    amount: PositiveMoney = Field(title="每期还款额")
    first_on: Day = Field(title="第一期还款日")


class AprQuestion(_Question):
    """What does this loan really cost a year? (我到底欠多少 · 年化成本)"""

    received: PositiveMoney = Field(title="到手金额", description="实际打到您账户的钱")
    disbursed_on: Day = Field(title="到账日期")
    schedule: ScheduleIn | None = Field(
        None, title="每月固定还款", description="每月还一样多时填这里"
    )
    payments: list[PaymentIn] | None = Field(
        None, title="还款记录", max_length=MAX_PAYMENTS, description="每笔还款的日期和金额"
    )
    upfront_fee: Money = Field(
        Decimal(0), title="放款时另收的费用", description="到账后又马上收走的服务费、会员费等"
    )
    lender_type: LenderType = Field(
        LenderType.LICENSED, title="出借人类型", description="licensed：持牌机构；private：个人"
    )
    contract_on: Day | None = Field(None, title="签合同日期")

    def answer(self) -> AprCheck:
        schedule = (
            RegularSchedule(self.schedule.count, self.schedule.amount, self.schedule.first_on)
            if self.schedule is not None
            else None
        )
        payments = [(p.on, p.amount) for p in self.payments] if self.payments else None
        return check_apr(
            received=self.received,
            disbursed_on=self.disbursed_on,
            payments=payments,
            schedule=schedule,
            upfront_fee=self.upfront_fee,
            lender_type=self.lender_type,
            contract_on=self.contract_on,
            as_of=self.day(),
        )


ClaimItem = Literal[
    "principal", "interest", "penalty", "compound", "late_fee", "service_fee", "other"
]
CLAIM_ITEM_LABELS: dict[str, str] = {
    "principal": "本金",
    "interest": "利息",
    "penalty": "罚息",
    "compound": "复利",
    "late_fee": "违约金",
    "service_fee": "服务费、担保费等",
    "other": "其他费用",
}


class _LoanTerms(_Question):
    """A loan's stated terms, as the contract writes them."""

    principal: PositiveMoney = Field(title="借款本金", description="合同写的借款金额")
    disbursed_on: Day = Field(title="放款日期")
    term_months: int = Field(title="期数（月）", ge=1, le=360)
    method: RepaymentMethod = Field(
        RepaymentMethod.EQUAL_INSTALLMENT,
        title="还款方式",
        description="equal-installment 等额本息；equal-principal 等额本金；"
        "interest-only 先息后本；bullet 到期一次还本付息",
    )
    rate: Rate = Field(title="合同利率", description="如 0.18 或 18%")
    rate_unit: RateUnit = Field(
        RateUnit.ANNUAL, title="利率单位", description="annual 年；monthly 月；daily 日"
    )
    upfront_fee: Money = Field(Decimal(0), title="放款时收的费用")
    service_fee: Money = Field(Decimal(0), title="每期服务费")
    lender_type: LenderType = Field(LenderType.LICENSED, title="出借人类型")

    def contract_dict(self) -> dict[str, Any]:
        """The contract as LOAN.json data (amounts as strings, :mod:`overdue.ledger.loanfile`)."""
        return {
            "principal": str(self.principal),
            "disbursed_on": self.disbursed_on.isoformat(),
            "term_months": self.term_months,
            "method": self.method.value,
            "rate": str(self.rate),
            "rate_unit": self.rate_unit.value,
            "upfront_fee": str(self.upfront_fee),
            "service_fee": str(self.service_fee),
            "lender_type": self.lender_type.value,
        }


def _top_level(exc: InputError) -> InputError:
    """The loan file names contract fields "contract.rate"; these models' are top-level."""
    if exc.field.startswith("contract."):
        return InputError(exc.field.removeprefix("contract."), exc.message)
    return exc


class ContractAprQuestion(_LoanTerms):
    """The true annual cost from the contract's stated terms (利率、期数、服务费)."""

    def answer(self) -> AprCheck:
        try:
            loan = loan_from_dict({"loan_id": "web", "contract": self.contract_dict()})
        except InputError as exc:
            raise _top_level(exc) from exc
        return check_contract_apr(loan.contract, as_of=self.day())


class ClaimQuestion(_LoanTerms):
    """Is the amount the collector asks for lawful? (我到底欠多少 · 催收金额)"""

    penalty_rate: Rate | None = Field(
        None, title="罚息年利率", description="合同写明的罚息利率；不填按合同利率上浮50%"
    )
    compound: bool = Field(False, title="对逾期利息计收复利")
    upfront_fee_deducted: bool = Field(
        False,
        title="放款时的费用是从借款里直接扣的",
        description="到账金额比合同写的借款金额少（砍头息）：本金按实际到账金额算（民法典第六百七十条）",
    )
    late_fee_rate: Rate | None = Field(
        None, title="逾期违约金比例", description="按逾期那一期应还金额的比例，如 5%"
    )
    late_fee_min: Money | None = Field(None, title="每期违约金最低金额")

    def contract_dict(self) -> dict[str, Any]:
        """The terms, with what the contract says about overdue charges."""
        terms = super().contract_dict()
        terms["compound"] = self.compound
        terms["upfront_fee_deducted"] = self.upfront_fee_deducted
        for name, value in (
            ("penalty_rate", self.penalty_rate),
            ("late_fee_rate", self.late_fee_rate),
            ("late_fee_min", self.late_fee_min),
        ):
            if value is not None:
                terms[name] = str(value)
        return terms

    payments: list[PaymentIn] = Field(
        default_factory=list, title="已还款记录", max_length=MAX_PAYMENTS
    )
    claimed_total: Money | None = Field(None, title="对方要求的总额")
    claimed_items: dict[ClaimItem, Money] | None = Field(
        None,
        title="对方列出的各项金额",
        description="principal 本金、interest 利息、penalty 罚息 …",
    )

    def loan_dict(self) -> dict[str, Any]:
        """The loan as LOAN.json data: the contract and the payments."""
        return {
            "loan_id": "web",
            "contract": self.contract_dict(),
            "payments": [
                {"on": p.on.isoformat(), "amount": str(p.amount), "id": f"P{n}"}
                for n, p in enumerate(self.payments, start=1)
            ],
        }

    def answer(self) -> ClaimCheck:
        try:
            return self._check()
        except InputError as exc:
            raise _top_level(exc) from exc

    def _check(self) -> ClaimCheck:
        return check_claim(
            self.loan_dict(),
            claimed_total=self.claimed_total,
            claimed_items={str(k): v for k, v in self.claimed_items.items()}
            if self.claimed_items
            else None,
            as_of=self.day(),
        )


class CaseNumberQuestion(_Question):
    """Is this case number real? (案号真假)"""

    text: str | None = Field(
        None,
        title="案号或短信原文",
        max_length=5000,
        description="可以只填案号，也可以粘贴整条短信",
        examples=["（2024）浙0192民初1779号"],
    )

    def answer(self) -> CaseExplanation:
        return explain_case_number(self.text or None, self.day())


class MessageQuestion(_Question):
    """Is this collection message lawful? (这条催收短信合法吗)"""

    text: str = Field(title="短信原文", min_length=1, max_length=5000)
    received_at: Moment | None = Field(
        None, title="收到时间", description="北京时间，如 2025-01-15T23:30；不知道可不填"
    )

    def answer(self) -> MessageVerdict:
        return lint_message(self.text, self.received_at, self.day())


class DeadlineQuestion(_Question):
    """What are my deadlines? (我的期限)"""

    kind: DocumentKind = Field(
        title="收到的文书",
        description="complaint 起诉状副本；judgment 判决书；ruling 裁定书；payment-order 支付令",
    )
    received_on: Day = Field(title="收到日期")
    small_claims: bool = Field(False, title="小额诉讼程序")

    def answer(self) -> DeadlineAnswer:
        return borrower_deadline(
            self.kind, self.received_on, as_of=self.day(), small_claims=self.small_claims
        )


class PlanQuestion(_Question):
    """A plan I can afford (还款计划)."""

    debt: PositiveMoney = Field(title="欠款总额")
    monthly_income: Money = Field(title="每月收入")
    monthly_expenses: Money = Field(title="每月必要开支", description="房租、吃饭、交通、抚养等")
    monthly_fee_rate: Rate | None = Field(
        None, title="分期手续费月费率", description="对方分期要收的月手续费率，如 0.5%"
    )
    first_due_on: Day | None = Field(None, title="第一期还款日")
    lawful_total: Money | None = Field(
        None,
        title="您核算的依法应还金额",
        description="填写后按这个金额分期（不能超过对方主张的欠款总额）",
    )

    def answer(self) -> PlanProposal:
        return propose_plans(
            debt=self.debt,
            monthly_income=self.monthly_income,
            monthly_expenses=self.monthly_expenses,
            as_of=self.day(),
            lawful_total=self.lawful_total,
            monthly_fee_rate=self.monthly_fee_rate,
            first_due_on=self.first_due_on,
        )


class LetterQuestion(PlanQuestion):
    """The negotiation letter (协商还款申请书) for the plan, as DOCX or PDF."""

    format: Literal["docx", "pdf"] = Field("docx", title="文件格式")
    lender_name: str = Field(title="出借机构名称", min_length=1, max_length=100)
    borrower_name: str = Field(title="您的姓名", min_length=1, max_length=50)
    borrower_id_masked: str = Field(
        "", title="身份证号", max_length=30, description="建议只写后四位，如 ****1234"
    )
    borrower_phone: str = Field("", title="联系电话", max_length=30)
    contract_no: str = Field("", title="合同编号", max_length=60)
    hardship: str = Field("", title="困难情况", max_length=2000)
    requests: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, title="请求事项", max_length=10
    )

    def letter(self) -> NegotiationLetterContext:
        return letter_context(
            self.answer(),
            lender_name=self.lender_name,
            borrower_name=self.borrower_name,
            borrower_id_masked=self.borrower_id_masked,
            borrower_phone=self.borrower_phone,
            contract_no=self.contract_no,
            hardship=self.hardship,
            requests=tuple(r for r in self.requests if r),
            dated=self.day(),
        )
