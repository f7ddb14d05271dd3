"""The borrower's JSON API (``/api/borrower/...``): the same questions as the pages.

Every endpoint takes a JSON object (see the request models in
:mod:`overdue.web.borrower_models`) and answers with the domain result's ``to_json()``: money as
``"1234.56"`` strings, rates as decimal strings, dates ISO, and always ``summary`` (the verdict
in one sentence) and ``lines`` (plain Chinese). Bad input is 422 with ``errors``: a list of
``{"field", "label", "message"}``; a body over 64 KB is 413.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from overdue.web.borrower_models import (
    AprQuestion,
    CaseNumberQuestion,
    ClaimQuestion,
    ContractAprQuestion,
    DeadlineQuestion,
    LetterQuestion,
    MessageQuestion,
    PlanQuestion,
)
from overdue.web.letters import render_letter

__all__ = ["router"]

router = APIRouter(prefix="/api/borrower", tags=["borrower"])


class ErrorOut(BaseModel):
    field: str = Field(title="字段路径", examples=["payments.0.amount"])
    label: str = Field(title="字段名称", examples=["还款记录第1项金额"])
    message: str = Field(title="问题")


class ErrorsOut(BaseModel):
    detail: str
    errors: list[ErrorOut]


_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorsOut, "description": "输入有误：errors 逐项指出字段和问题"},
    413: {"model": ErrorsOut, "description": "请求内容超过 64 KB"},
}


class _Answer(BaseModel):
    """Every answer: the verdict in one sentence, then plain lines; the rest as computed."""

    model_config = ConfigDict(extra="allow")

    summary: str = Field(title="一句话结论")
    lines: list[str] = Field(title="通俗解释")
    as_of: str = Field(title="查询日期")


class CaseNumberAnswer(_Answer):
    valid: bool
    case_number: str | None = Field(title="识别出的案号")
    court: str | None
    stage: str | None
    meaning: str | None
    is_filed_lawsuit: bool = Field(title="是否已立案的诉讼")
    findings: list[str]
    verify: list[str] = Field(title="如何核实")


class FlagOut(BaseModel):
    code: str
    text: str
    basis: str


class MessageAnswer(_Answer):
    verdict: str = Field(title="结论", description="lawful 合法；abusive 违规催收；fraud 疑似诈骗")
    flags: list[FlagOut]
    advice: list[str]


class DeadlineAnswer(_Answer):
    kind: str
    received_on: str
    action: str
    last_day: str | None
    days_left: int | None
    rolled_over: bool
    final_on_service: bool
    rule: str
    after: str


class AprAnswer(_Answer):
    received: str
    paid_total: str
    cost_total: str
    nominal_annual: str = Field(title="名义年化利率（月IRR×12）")
    effective_annual: str
    cap_rate: str
    above_cap: bool


class ClaimAnswer(_Answer):
    claimed_total: str
    contract_total: str
    lawful_total: str
    difference: str
    lines_by_item: list[dict[str, Any]]


class PlanAnswer(_Answer):
    debt: str
    lawful_total: str | None
    budget: str
    options: list[dict[str, Any]]
    recommended: dict[str, Any] | None


@router.post("/apr", response_model=AprAnswer, responses=_ERRORS, summary="真实年化成本")
def apr(question: AprQuestion) -> dict[str, Any]:
    """我到底欠多少：按到手金额和还款计算真实年化利率（IRR），与法定上限比较。"""
    return question.answer().to_json()


@router.post(
    "/apr-contract", response_model=AprAnswer, responses=_ERRORS, summary="合同条款的真实年化成本"
)
def apr_contract(question: ContractAprQuestion) -> dict[str, Any]:
    """我到底欠多少：只知道合同写的利率、期数、还款方式和服务费时，按合同还款计划算真实年化利率。"""
    return question.answer().to_json()


@router.post("/claim", response_model=ClaimAnswer, responses=_ERRORS, summary="催收金额核对")
def claim(question: ClaimQuestion) -> dict[str, Any]:
    """我到底欠多少：按合同和还款记录重算依法可主张的金额，与对方要求的金额比较。"""
    return question.answer().to_json()


@router.post("/case-number", response_model=CaseNumberAnswer, responses=_ERRORS, summary="案号真假")
def case_number(question: CaseNumberQuestion) -> dict[str, Any]:
    """案号真假：识别案号（或短信里的案号），说明它是什么案件、如何到官方渠道核实。"""
    return question.answer().to_json()


@router.post("/message", response_model=MessageAnswer, responses=_ERRORS, summary="催收短信")
def message(question: MessageQuestion) -> dict[str, Any]:
    """这条催收短信合法吗：合法、违规催收还是疑似诈骗，逐条说明依据和应对办法。"""
    return question.answer().to_json()


@router.post("/deadline", response_model=DeadlineAnswer, responses=_ERRORS, summary="我的期限")
def deadline(question: DeadlineQuestion) -> dict[str, Any]:
    """我的期限：收到起诉状、判决书、裁定书或支付令后，最晚哪天答辩、上诉或提出异议。"""
    return question.answer().to_json()


@router.post("/plan", response_model=PlanAnswer, responses=_ERRORS, summary="还款计划")
def plan(question: PlanQuestion) -> dict[str, Any]:
    """还款计划：按收入和必要开支给出 3 到 60 期的分期方案。"""
    return question.answer().to_json()


_LETTER_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@router.post(
    "/letter",
    response_class=Response,
    responses={
        **_ERRORS,
        200: {
            "description": "协商还款申请书（DOCX 或 PDF）",
            "content": {media: {} for media in _LETTER_TYPES.values()},
        },
    },
    summary="协商还款申请书",
)
def letter(question: LetterQuestion) -> Response:
    """还款计划与协商信：生成协商还款申请书，下载 DOCX 或 PDF；服务器不保存。"""
    return letter_response(question)


def letter_response(question: LetterQuestion) -> Response:
    """The letter as a download (the page's button posts to the same code)."""
    data = render_letter(question.letter(), question.format)
    ascii_name = f"negotiation-letter.{question.format}"
    chinese_name = quote(f"协商还款申请书.{question.format}")
    return Response(
        data,
        media_type=_LETTER_TYPES[question.format],
        headers={
            "content-disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{chinese_name}"
            )
        },
    )
