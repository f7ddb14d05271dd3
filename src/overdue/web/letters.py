"""The negotiation letter as a file: the documents package renders, this module only asks.

Rendering happens in memory and the bytes go straight to the response; nothing is written to
disk or kept.
"""

from __future__ import annotations

from typing import Literal

from overdue.documents.context import NegotiationLetterContext
from overdue.errors import OverdueError

__all__ = ["LetterUnavailable", "render_letter"]


class LetterUnavailable(OverdueError):
    """The document renderer is not installed in this build."""


def render_letter(context: NegotiationLetterContext, fmt: Literal["docx", "pdf"]) -> bytes:
    raise LetterUnavailable("协商信下载暂不可用：文书生成模块尚未安装")
