"""Blocks to PDF with Typst: one compiler per process, the layout in ``templates/_layout.typ``.

The blocks travel to Typst as JSON in ``sys.inputs``; the layout turns strings into text, so
user text is never parsed as Typst markup and needs no Typst escaping at all (a name such as
``#set page(width: 1pt)`` or ``$x$ @ref <lbl>`` prints as written). Reusing one compiler lets
Typst's memoisation keep fonts and unchanged paragraphs (the fixed wording) across documents.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import typst

from overdue.documents.blocks import Block, Heading, PageBreak, Paragraph, Run, Table

__all__ = ["DEFAULT_FONT_PATHS", "FontsMissingError", "RenderError", "TypstPdf", "blocks_json"]

DEFAULT_FONT_PATHS: tuple[str, ...] = ("/usr/share/fonts/opentype/noto",)
_FONT_FILE_GLOB = "NotoSerifCJK*"


class RenderError(RuntimeError):
    """Typst refused the document (a bug in a layout or template, not in user data)."""


class FontsMissingError(RenderError):
    """Noto Serif CJK is not in the font paths: Chinese would print as empty boxes."""


def _runs(runs: tuple[Run, ...]) -> str | list[list[object]]:
    if len(runs) == 1 and not runs[0].bold:
        return runs[0].text
    return [[r.text, 1 if r.bold else 0] for r in runs]


def _block(block: Block) -> list[Any]:
    if isinstance(block, Paragraph):
        return ["p", block.align, 1 if block.indent else 0, _runs(block.runs)]
    if isinstance(block, Heading):
        return ["h", block.level, block.align, _runs(block.runs)]
    if isinstance(block, Table):
        return [
            "t",
            list(block.widths),
            list(block.aligns),
            1 if "small" in block.classes else 0,
            [_runs(c) for c in block.header],
            [[_runs(c) for c in row] for row in block.rows],
        ]
    if isinstance(block, PageBreak):
        return ["b"]
    raise TypeError(block)


def blocks_json(blocks: Iterable[Block], title: str) -> str:
    """What the layout reads from ``sys.inputs.data``."""
    return json.dumps(
        {"title": title, "blocks": [_block(b) for b in blocks]},
        ensure_ascii=False,
        separators=(",", ":"),
    )


class TypstPdf:
    """A Typst compiler bound to one layout file; create one per process and reuse it."""

    def __init__(
        self, layout: Path, font_paths: Sequence[str] = DEFAULT_FONT_PATHS, tagged: bool = False
    ) -> None:
        if not any(any(Path(p).glob(_FONT_FILE_GLOB)) for p in font_paths if Path(p).is_dir()):
            raise FontsMissingError(
                f"no {_FONT_FILE_GLOB} font in {list(font_paths)}: install fonts-noto-cjk"
            )
        self._compiler = typst.Compiler(
            str(layout), font_paths=list(font_paths), ignore_system_fonts=True
        )
        self._tagged = tagged

    def write(self, blocks: Iterable[Block], title: str, created: dt.date) -> bytes:
        """One PDF; the same blocks and date always give the same bytes."""
        stamp = dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC)
        try:
            result = self._compiler.compile(
                sys_inputs={"data": blocks_json(blocks, title)},
                pdf_tags=self._tagged,
                timestamp=stamp,
            )
        except typst.TypstError as exc:
            raise RenderError(str(exc)) from exc
        if not isinstance(result, bytes):
            raise RenderError(f"typst returned {type(result).__name__}, expected bytes")
        return result
