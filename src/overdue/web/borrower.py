"""The borrower's pages: plain HTML forms that work without JavaScript, answers in Chinese.

Each section is a GET (the empty form) and a POST (the answer above the filled-in form, so a
borrower on a phone sees the verdict first and can correct and resubmit). A form is turned
into the same request model the JSON API validates (:mod:`overdue.web.borrower_models`), so
both faces accept and refuse the same input with the same messages. Input is kept only for
the time of the request.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from overdue.borrower.deadlines import DocumentKind
from overdue.dates import WRITTEN_DAY
from overdue.errors import InputError, OverdueError
from overdue.web.borrower_api import letter_response
from overdue.web.borrower_models import (
    CLAIM_ITEM_LABELS,
    AprQuestion,
    CaseNumberQuestion,
    ClaimQuestion,
    ContractAprQuestion,
    DeadlineQuestion,
    LetterQuestion,
    MessageQuestion,
    PlanQuestion,
    today,
)
from overdue.web.fields import (
    OUT_OF_RANGE,
    FieldProblem,
    domain_message,
    input_problem,
    validation_problems,
)
from overdue.web.letters import LetterUnavailable
from overdue.web.present import (
    Answer,
    present_apr,
    present_case,
    present_claim,
    present_deadline,
    present_message,
    present_plan,
)
from overdue.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_log = logging.getLogger(__name__)

Q = TypeVar("Q", bound=BaseModel)
R = TypeVar("R")

_LINE_SPLIT = re.compile(r"[\s,，、;；]+")
# "日期 金额" however the day is written (2025-04-15, 2025/4/15, 2025年4月15日) and whatever
# separates them; the amount may carry thousands separators and 元 ("1,000.00元").
_DATED_LINE = re.compile(
    rf"\s*(?P<on>{WRITTEN_DAY.pattern})"
    r"(?:\s*[,，、;；:：]\s*|\s+|(?<=日))"
    r"(?P<amount>[¥￥]?\s*(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?\s*元?)\s*"
)
_MAX_LINES = 600

DOCUMENT_KINDS: tuple[tuple[str, str], ...] = (
    (DocumentKind.COMPLAINT.value, "起诉状副本（被起诉了）"),
    (DocumentKind.JUDGMENT.value, "判决书"),
    (DocumentKind.RULING.value, "裁定书"),
    (DocumentKind.PAYMENT_ORDER.value, "支付令"),
)


@dataclass(slots=True)
class Outcome:
    """One submitted form: the raw values to refill it, and an answer or the problems."""

    form: dict[str, str]
    answer: Answer | None = None
    problems: list[FieldProblem] = field(default_factory=list)
    prefix: str = ""  # of the inputs' ids, when a page has two forms with the same fields

    @property
    def status(self) -> int:
        return 422 if self.problems else 200

    def errors_for(self, name: str) -> list[str]:
        prefix = name + "."
        return [p.message for p in self.problems if p.field == name or p.field.startswith(prefix)]


def _empty(prefix: str = "") -> Outcome:
    return Outcome(form={}, prefix=prefix)


async def _raw_form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=200)
    raw: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            raw[key] = value
    return raw


def _nest(raw: Mapping[str, str], skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Form fields to model data: empty boxes dropped, ``a.b`` names nested as ``{a: {b}}``."""
    data: dict[str, Any] = {}
    for key, value in raw.items():
        text = value.strip()
        if key in skip or not text:
            continue
        target = data
        *parents, last = key.split(".")
        for part in parents:
            child = target.setdefault(part, {})
            if not isinstance(child, dict):
                child = target[part] = {}
            target = child
        target[last] = text
    return data


def _payment_lines(
    text: str, field_name: str
) -> tuple[list[dict[str, str]], list[int], list[FieldProblem]]:
    """``2025-02-15 1000`` per line -> ``[{"on", "amount"}]``, each row's line number, and a
    problem for each line that is not a date and an amount."""
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    problems: list[FieldProblem] = []
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > _MAX_LINES:
        problems.append(FieldProblem(field_name, "还款记录", f"最多 {_MAX_LINES} 行"))
        return rows, numbers, problems
    for number, line in lines:
        dated = _DATED_LINE.fullmatch(unicodedata.normalize("NFKC", line))
        parts = (
            [dated["on"], dated["amount"]] if dated else [p for p in _LINE_SPLIT.split(line) if p]
        )
        if len(parts) != 2:
            problems.append(
                FieldProblem(
                    f"{field_name}.{number - 1}",
                    f"还款记录第{number}行",
                    f"应写成“日期 金额”，例如 2025-02-15 1000；实际为“{line[:40]}”",
                )
            )
            continue
        rows.append({"on": parts[0], "amount": parts[1]})
        numbers.append(number)
    return rows, numbers, problems


_ROW_FIELD = re.compile(r"payments\.(\d+)\.(on|amount)")
_ROW_PART = {"on": "日期", "amount": "金额"}


def _by_line(problems: list[FieldProblem], numbers: list[int]) -> list[FieldProblem]:
    """Problems in the n-th parsed payment renamed after the textarea line it came from."""
    out = []
    for problem in problems:
        match = _ROW_FIELD.fullmatch(problem.field)
        if match and int(match[1]) < len(numbers):
            line = numbers[int(match[1])]
            problem = FieldProblem(
                f"payments.{line - 1}.{match[2]}",
                f"还款记录第{line}行{_ROW_PART[match[2]]}",
                problem.message,
            )
        out.append(problem)
    return out


def _ask(
    model: type[Q],
    data: Mapping[str, Any],
    answer: Callable[[Q], R],
    problems: list[FieldProblem] | None = None,
) -> tuple[Q | None, R | None, list[FieldProblem]]:
    """Validate, then answer; every failure becomes problems naming the field.

    Called through the thread pool: the answers are plain (blocking) computations."""
    found = list(problems or [])
    try:
        question = model.model_validate(dict(data))
    except ValidationError as exc:
        return None, None, found + validation_problems(exc.errors(include_url=False), model)
    if found:
        return question, None, found
    try:
        return question, answer(question), []
    except InputError as exc:
        return question, None, [input_problem(exc, model)]
    except OverdueError as exc:
        return question, None, [FieldProblem("", "", domain_message(exc))]
    except ArithmeticError as exc:  # absurd but well-formed figures (see app.on_overflow)
        _log.warning("arithmetic error in %s: %s", model.__name__, type(exc).__name__)
        return question, None, [FieldProblem("", "", OUT_OF_RANGE)]


def _today_iso() -> str:
    return today().isoformat()


def _page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    return render(request, name, {"today": _today_iso(), **context}, status)


# -- routes ---------------------------------------------------------------------------------


@router.get("/")
def home(request: Request) -> Response:
    return _page(request, "home.html")


@router.get("/caseno")
def caseno_form(request: Request) -> Response:
    return _page(request, "caseno.html", outcome=_empty())


@router.post("/caseno")
async def caseno_answer(request: Request) -> Response:
    raw = await _raw_form(request)
    _, result, problems = await run_in_threadpool(
        _ask, CaseNumberQuestion, _nest(raw), CaseNumberQuestion.answer
    )
    outcome = Outcome(raw, present_case(result) if result else None, problems)
    return _page(request, "caseno.html", outcome.status, outcome=outcome)


@router.get("/message")
def message_form(request: Request) -> Response:
    return _page(request, "message.html", outcome=_empty())


@router.post("/message")
async def message_answer(request: Request) -> Response:
    raw = await _raw_form(request)
    _, result, problems = await run_in_threadpool(
        _ask, MessageQuestion, _nest(raw), MessageQuestion.answer
    )
    outcome = Outcome(raw, present_message(result) if result else None, problems)
    return _page(request, "message.html", outcome.status, outcome=outcome)


@router.get("/deadline")
def deadline_form(request: Request) -> Response:
    return _page(request, "deadline.html", outcome=_empty(), kinds=DOCUMENT_KINDS)


@router.post("/deadline")
async def deadline_answer(request: Request) -> Response:
    raw = await _raw_form(request)
    _, result, problems = await run_in_threadpool(
        _ask, DeadlineQuestion, _nest(raw), DeadlineQuestion.answer
    )
    outcome = Outcome(raw, present_deadline(result) if result else None, problems)
    return _page(request, "deadline.html", outcome.status, outcome=outcome, kinds=DOCUMENT_KINDS)


def _owe(request: Request, status: int = 200, **answered: Outcome) -> Response:
    """The three forms of 我到底欠多少; the one just submitted carries its answer."""
    forms = {
        name: answered.get(name) or _empty(f"{name}-") for name in ("apr", "contract", "claim")
    }
    return _page(request, "owe.html", status, items=CLAIM_ITEM_LABELS, **forms)


@router.get("/owe")
def owe_form(request: Request) -> Response:
    return _owe(request)


@router.get("/owe/apr")
@router.get("/owe/contract")
@router.get("/owe/claim")
def owe_again(request: Request) -> Response:
    """A result page opened again by address (a bookmark, a reload): back to the forms."""
    section = request.url.path.rsplit("/", 1)[-1]
    return RedirectResponse(f"/owe#{section}", status_code=303)


@router.get("/plan/letter")
def letter_again() -> Response:
    return RedirectResponse("/plan", status_code=303)


@router.post("/owe/apr")
async def owe_apr(request: Request) -> Response:
    raw = await _raw_form(request)
    mode = raw.get("mode", "schedule")
    schedule_empty = not any(v.strip() for k, v in raw.items() if k.startswith("schedule."))
    if schedule_empty and raw.get("payments_text", "").strip():
        mode = "payments"  # lines typed but the radio left on "every month the same"
    data = _nest(raw, frozenset({"mode", "payments_text"}))
    problems: list[FieldProblem] = []
    numbers: list[int] = []
    if mode == "payments":
        data.pop("schedule", None)
        data["payments"], numbers, problems = _payment_lines(
            raw.get("payments_text", ""), "payments"
        )
    _, result, problems = await run_in_threadpool(
        _ask, AprQuestion, data, AprQuestion.answer, problems
    )
    problems = _by_line(problems, numbers)
    apr = Outcome(raw, present_apr(result) if result else None, problems, "apr-")
    return _owe(request, apr.status, apr=apr)


@router.post("/owe/contract")
async def owe_contract(request: Request) -> Response:
    raw = await _raw_form(request)
    _, result, problems = await run_in_threadpool(
        _ask, ContractAprQuestion, _nest(raw), ContractAprQuestion.answer
    )
    contract = Outcome(raw, present_apr(result) if result else None, problems, "contract-")
    return _owe(request, contract.status, contract=contract)


@router.post("/owe/claim")
async def owe_claim(request: Request) -> Response:
    raw = await _raw_form(request)
    data = _nest(raw, frozenset({"payments_text"}))
    data["payments"], numbers, problems = _payment_lines(raw.get("payments_text", ""), "payments")
    _, result, problems = await run_in_threadpool(
        _ask, ClaimQuestion, data, ClaimQuestion.answer, problems
    )
    problems = _by_line(problems, numbers)
    claim = Outcome(raw, present_claim(result) if result else None, problems, "claim-")
    return _owe(request, claim.status, claim=claim)


@router.get("/plan")
def plan_form(request: Request) -> Response:
    return _page(request, "plan.html", outcome=_empty(), letter=_empty())


@router.post("/plan")
async def plan_answer(request: Request) -> Response:
    raw = await _raw_form(request)
    _, result, problems = await run_in_threadpool(
        _ask, PlanQuestion, _nest(raw), PlanQuestion.answer
    )
    outcome = Outcome(raw, present_plan(result) if result else None, problems)
    return _page(request, "plan.html", outcome.status, outcome=outcome, letter=Outcome(raw))


@router.post("/plan/letter")
async def plan_letter(request: Request) -> Response:
    raw = await _raw_form(request)
    data = _nest(raw, frozenset({"requests_text"}))
    requests = [line.strip() for line in raw.get("requests_text", "").splitlines() if line.strip()]
    if requests:
        data["requests"] = requests
    question, _, problems = await run_in_threadpool(_ask, LetterQuestion, data, lambda q: q)
    if question is not None and not problems:
        try:
            return await run_in_threadpool(letter_response, question)
        except InputError as exc:
            problems = [input_problem(exc, LetterQuestion)]
        except LetterUnavailable as exc:
            problems = [FieldProblem("format", "文件格式", str(exc))]
    # Show the plan again with the letter form and what is wrong with it.
    _, result, _ = await run_in_threadpool(
        _ask, PlanQuestion, _plan_part(data), PlanQuestion.answer
    )
    outcome = Outcome(raw, present_plan(result) if result else None)
    letter = Outcome(raw, None, problems)
    return _page(request, "plan.html", 422, outcome=outcome, letter=letter)


def _plan_part(data: Mapping[str, Any]) -> dict[str, Any]:
    keys = PlanQuestion.model_fields.keys()
    return {k: v for k, v in data.items() if k in keys}
