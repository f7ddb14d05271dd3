"""The web service: one FastAPI application, one router per audience.

:func:`create_app` is the composition root. The borrower's pages (``/``, ``/owe``, ``/caseno``
...) and their JSON API (``/api/borrower/...``) are mounted now; the lenders' workbench joins
as another pair of routers beside them, sharing the base layout, the static files, the error
pages and the limits below.

What the service promises a borrower (issue 5): no login, no cookies, nothing stored — no
database, and no log of what was submitted (forms and API calls are POSTs, so a request line
never carries input; ``overdue serve`` turns the access log off anyway). No external resource:
every page, style sheet and the OpenAPI document are served from the package, and the
Content-Security-Policy header forbids the browser to fetch anything from elsewhere. Swagger UI
and ReDoc would load their scripts from a CDN, so they are off: ``/docs`` is a server-rendered
page made from the OpenAPI document (:mod:`overdue.web.docs`), ``/openapi.json`` the contract.

Limits: a request body over :data:`MAX_BODY_BYTES` is refused with 413 and a Chinese message
before any handler parses it; bad input is 422 naming each field; nothing a client sends
should produce a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, get_type_hints

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from overdue.errors import InputError, OverdueError
from overdue.web import borrower, borrower_api, docs
from overdue.web.fields import (
    OUT_OF_RANGE,
    FieldProblem,
    domain_message,
    input_problem,
    validation_problems,
)
from overdue.web.letters import LetterUnavailable
from overdue.web.templating import render_string

__all__ = ["MAX_BODY_BYTES", "create_app"]

MAX_BODY_BYTES = 64 * 1024
API_PREFIX = "/api/"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_log = logging.getLogger(__name__)

# Nothing from another origin, no inline script; forms post back here only.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
_HEADERS = (
    (b"content-security-policy", _CSP.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
)

_STATUS_TEXT = {
    400: "请求格式不正确。",
    404: "没有这个页面。",
    405: "不支持这种请求方式。",
    415: "请求内容的类型不对：API 请用 JSON（Content-Type: application/json）。",
    500: "服务器出了问题，您的输入没有被保存。请稍后再试。",
}


def _too_large(limit: int) -> str:
    size = f"{limit // 1024} KB" if limit >= 1024 else f"{limit} 字节"
    return f"提交的内容太大了：最多 {size}。请删去一些内容后再试。"


_UNREADABLE = "无法读取：不是有效的 JSON（请用 UTF-8 编码的 JSON 对象）"


def _wants_json(path: str) -> bool:
    return path.startswith(API_PREFIX) or path in ("/healthz", "/openapi.json")


def error_response(
    path: str, status: int, detail: str, problems: list[FieldProblem] | None = None
) -> Response:
    """The one shape of every error: JSON under /api/, a Chinese page elsewhere."""
    problems = problems or []
    if _wants_json(path):
        return JSONResponse(
            {"detail": detail, "errors": [p.to_json() for p in problems]}, status_code=status
        )
    return HTMLResponse(
        _error_page(status, detail, problems), status_code=status, media_type="text/html"
    )


def _error_page(status: int, detail: str, problems: list[FieldProblem]) -> str:
    # Rendered without a request: the body limit answers before routing.
    return render_string("error.html", {"status": status, "detail": detail, "problems": problems})


class SecurityHeaders:
    """Adds the CSP and no-store headers to every response, and turns a crash into a Chinese
    500 without a traceback in the log (a traceback can quote what was submitted)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers.extend((k, v) for k, v in _HEADERS if k not in names)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:  # the last line of defence: no input, no traceback in the log
            path = str(scope.get("path", ""))
            _log.error("internal error on %s: %s", path, type(exc).__name__)
            if not started:
                response = error_response(path, 500, _STATUS_TEXT[500])
                await response(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a request body over ``limit`` bytes with 413, declared or streamed.

    The body is read here (at most ``limit`` bytes are ever held) and replayed to the app, so
    a chunked upload without Content-Length is limited as well.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                await error_response(path, 400, _STATUS_TEXT[400])(scope, receive, send)
                return
            if too_big:
                await self._refuse(path, scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > self.limit:
                await self._refuse(path, scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, path: str, scope: Scope, receive: Receive, send: Send) -> None:
        text = _too_large(self.limit)
        response = error_response(path, 413, text, [FieldProblem("body", "请求内容", text)])
        response.headers["connection"] = "close"
        await response(scope, receive, send)


def _body_model(request: Request) -> type[BaseModel] | None:
    """The request model of the route that failed validation, for the fields' Chinese labels."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return None
    try:
        hints = get_type_hints(route.endpoint)
    except (NameError, TypeError):  # pragma: no cover - our endpoints are fully annotated
        return None
    for name, hint in hints.items():
        if name != "return" and isinstance(hint, type) and issubclass(hint, BaseModel):
            return hint
    return None


def _install_error_handlers(app: FastAPI) -> None:
    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = validation_problems(exc.errors(), _body_model(request))
        return error_response(request.url.path, 422, "输入有误，请检查标出的项目。", problems)

    async def on_input(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, InputError)
        problem = input_problem(exc, _body_model(request))
        return error_response(request.url.path, 422, "输入有误，请检查标出的项目。", [problem])

    async def on_domain(request: Request, exc: Exception) -> Response:
        # A date outside the holiday calendar, a rule not in force yet: the input's fault.
        assert isinstance(exc, OverdueError)
        if isinstance(exc, LetterUnavailable):
            return error_response(request.url.path, 503, str(exc))
        return error_response(request.url.path, 422, domain_message(exc))

    async def on_overflow(request: Request, exc: Exception) -> Response:
        # Decimal overflow on absurd but well-formed input (0.01 received, 300 repaid a month
        # later: a rate of 10^54 a year). The input's fault, not a server error; logged by
        # kind (never the input) in case it is a bug after all.
        _log.warning("arithmetic error on %s: %s", request.url.path, type(exc).__name__)
        return error_response(request.url.path, 422, OUT_OF_RANGE)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = _STATUS_TEXT.get(exc.status_code, str(exc.detail))
        # 400 is FastAPI's answer to a body it cannot decode at all (not UTF-8 JSON).
        problems = [FieldProblem("body", "请求内容", _UNREADABLE)] if exc.status_code == 400 else []
        response = error_response(request.url.path, exc.status_code, detail, problems)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(InputError, on_input)
    app.add_exception_handler(OverdueError, on_domain)
    app.add_exception_handler(ArithmeticError, on_overflow)
    app.add_exception_handler(StarletteHTTPException, on_http)


def create_app(*, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The application: borrower pages and API, static files, /healthz, /openapi.json."""
    app = FastAPI(
        title="overdue",
        summary="消费贷逾期：借款人自助核对（年化成本、催收金额、案号、催收短信、期限、还款计划）",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        openapi_url="/openapi.json",
    )
    app.mount("/static", StaticFiles(packages=[("overdue.web", "static")]), name="static")

    @app.get("/healthz", tags=["service"], summary="存活检查")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(borrower.router)
    app.include_router(borrower_api.router)
    app.include_router(docs.router)
    _install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app
