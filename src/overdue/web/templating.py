"""Jinja2 templates from the package (``overdue/web/templates``), autoescaped.

``base.html`` is the one layout: a page of another audience (the lenders' workbench) extends
it, passes its own ``nav`` (``(href, title)`` pairs) in the context and overrides the
``brand`` and ``footer`` blocks. Templates stay flat in one folder (package data is
``web/templates/*``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from overdue.money import fmt, percent

__all__ = ["NAV", "render", "render_string"]

# The borrower's sections, in the order of the issue; the workbench adds its own later.
NAV: tuple[tuple[str, str], ...] = (
    ("/owe", "我到底欠多少"),
    ("/caseno", "案号真假"),
    ("/message", "催收短信合法吗"),
    ("/deadline", "我的期限"),
    ("/plan", "还款计划与协商信"),
)

_env = Environment(
    loader=PackageLoader("overdue.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals["nav"] = NAV


def _yuan(value: Decimal | None) -> str:
    """``1234.5`` -> ``1,234.50``; nothing -> a dash."""
    return "—" if value is None else fmt(value)


def _pct(value: Decimal | None) -> str:
    """A rate as a percentage with two decimals: ``0.356123`` -> ``35.61%``."""
    return "—" if value is None else percent(value, 2)


_env.filters["yuan"] = _yuan
_env.filters["pct"] = _pct


def render_string(name: str, context: Mapping[str, Any]) -> str:
    return _env.get_template(name).render(**context)


def render(
    request: Request, name: str, context: Mapping[str, Any], status: int = 200
) -> HTMLResponse:
    """A page; ``path`` marks the current section in the navigation."""
    html = render_string(name, {"path": request.url.path, **context})
    return HTMLResponse(html, status_code=status)
