"""The negotiation letter as a file: :mod:`overdue.documents` renders, this module only asks.

Rendering happens in memory and the bytes go straight into the response; nothing is written
to disk or kept. One renderer per process (loading the templates and the Typst compiler takes
a tenth of a second); a lock, because requests run in a thread pool and the renderer is not
documented as thread-safe.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING, Literal

from overdue.documents.context import NegotiationLetterContext
from overdue.errors import OverdueError

if TYPE_CHECKING:
    from overdue.documents.render import Renderer

__all__ = ["KIND", "LetterUnavailable", "render_letter"]

KIND = "negotiation_letter"
_lock = threading.Lock()


class LetterUnavailable(OverdueError):
    """The document renderer (or its fonts) is not available in this installation."""


@cache
def _renderer() -> Renderer:
    from overdue.documents.render import Renderer

    return Renderer()


def render_letter(context: NegotiationLetterContext, fmt: Literal["docx", "pdf"]) -> bytes:
    """协商还款申请书 as DOCX or PDF bytes."""
    try:
        with _lock:
            renderer = _renderer()
            if fmt == "docx":
                return renderer.render_docx(KIND, context)
            return renderer.render_pdf(KIND, context)
    except (ImportError, OSError, RuntimeError) as exc:
        # No renderer, no template, no fonts: say so instead of a 500.
        raise LetterUnavailable(f"协商信暂时无法生成（{type(exc).__name__}），请稍后再试") from exc
