"""Blocks to PDF with Typst: one compiler per process, the layout in ``templates/_layout.typ``.

The blocks travel to Typst as JSON in ``sys.inputs``; the layout turns strings into text, so
user text is never parsed as Typst markup and needs no Typst escaping at all (a name such as
``#set page(width: 1pt)`` or ``$x$ @ref <lbl>`` prints as written). Reusing one compiler lets
Typst's memoisation keep fonts and unchanged paragraphs (the fixed wording) across documents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no stubs
import typst

from overdue.documents.blocks import Block, Heading, PageBreak, Paragraph, Run, Table
from overdue.errors import OverdueError

__all__ = [
    "DEFAULT_FONT_PATHS",
    "FONT_PATHS_VARIABLE",
    "FontsMissingError",
    "Part",
    "RenderError",
    "TypstPdf",
    "blocks_json",
    "font_paths",
    "page_text",
    "pdf_text",
    "require_fonts",
    "split_pdf",
]

# Where Debian's fonts-noto-cjk puts Noto Serif CJK (scripts/system-deps.sh installs it).
DEFAULT_FONT_PATHS: tuple[str, ...] = ("/usr/share/fonts/opentype/noto",)
# An operator elsewhere (another distribution, a container) names the font directories here,
# separated like PATH.
FONT_PATHS_VARIABLE = "OVERDUE_FONT_PATHS"
_FONT_FILE_GLOB = "NotoSerifCJK*"


class RenderError(RuntimeError):
    """Typst refused the document (a bug in a layout or template, not in user data)."""


class FontsMissingError(RenderError, OverdueError):
    """Noto Serif CJK is not in the font paths: Chinese would print as empty boxes. A
    problem of the machine, reported in one line by the command line."""


def font_paths() -> tuple[str, ...]:
    """The font directories: ``$OVERDUE_FONT_PATHS`` when set, else Debian's Noto directory."""
    named = os.environ.get(FONT_PATHS_VARIABLE, "")
    return tuple(p for p in named.split(os.pathsep) if p) or DEFAULT_FONT_PATHS


def require_fonts(paths: Sequence[str] | None = None) -> tuple[str, ...]:
    """``paths`` (default :func:`font_paths`) if Noto Serif CJK is in one of them; else
    :class:`FontsMissingError` saying what to install. Checked before any work starts, so a
    batch fails at once and in one line rather than in its worker processes."""
    found = tuple(paths) if paths is not None else font_paths()
    if not any(any(Path(p).glob(_FONT_FILE_GLOB)) for p in found if Path(p).is_dir()):
        raise FontsMissingError(
            f"no Chinese font ({_FONT_FILE_GLOB}) in {list(found)}: install Debian's "
            f"fonts-noto-cjk (bash scripts/system-deps.sh does) or name the directory that "
            f"holds Noto Serif CJK in ${FONT_PATHS_VARIABLE}"
        )
    return found


def _runs(runs: tuple[Run, ...]) -> str | list[list[object]]:
    if len(runs) == 1 and not runs[0].bold:
        return runs[0].text
    return [[r.text, 1 if r.bold else 0] for r in runs]


def _block(block: Block) -> list[Any]:
    if isinstance(block, Paragraph):
        keep = 1 if block.keep else 0
        return ["p", block.align, 1 if block.indent else 0, _runs(block.runs), keep]
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


def blocks_json(documents: Sequence[Iterable[Block]], title: str, split: bool = False) -> str:
    """What the layout reads from ``sys.inputs.data``: one or more documents' blocks."""
    return json.dumps(
        {
            "title": title,
            "split": split,
            "docs": [[_block(b) for b in blocks] for blocks in documents],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


_CREATION_DATE = re.compile(rb"/CreationDate\(D:\d{14}[+\-Z][^)]*\)")
_FILE_ID = re.compile(rb"/ID\[<([0-9A-Fa-f]+)><([0-9A-Fa-f]+)>\]")


def _pinned(pdf: bytes, created: dt.date) -> bytes:
    """PDFium stamps the time of saving and an identifier drawn from it; put the document's
    date and an identifier derived from the content instead (same lengths, so the cross-
    reference offsets stay right), so that the same input gives the same bytes."""
    stamp = f"/CreationDate(D:{created:%Y%m%d}000000+00'00')".encode()
    found = _CREATION_DATE.search(pdf)
    if found is not None and len(found.group(0)) == len(stamp):
        pdf = pdf[: found.start()] + stamp + pdf[found.end() :]
    ids = _FILE_ID.search(pdf)
    if ids is not None:
        width = len(ids.group(1))
        masked = pdf[: ids.start()] + pdf[ids.end() :]
        digest = hashlib.sha256(masked).hexdigest().upper()[:width].encode()
        if len(digest) == width == len(ids.group(2)):
            pdf = pdf[: ids.start()] + b"/ID[<" + digest + b"><" + digest + b">]" + pdf[ids.end() :]
    return pdf


def page_text(doc: pdfium.PdfDocument, pages: range) -> str:
    """The text of ``pages`` of an open PDF, page after page, as PDFium extracts it (what a
    viewer copies)."""
    texts: list[str] = []
    for index in pages:
        page = doc[index]
        textpage = page.get_textpage()
        texts.append(textpage.get_text_bounded())
        textpage.close()
        page.close()
    return "\n".join(texts)


def pdf_text(pdf: bytes) -> str:
    """All text of a PDF, page after page (PDFium's extraction, as a viewer copies it)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return page_text(doc, range(len(doc)))
    finally:
        doc.close()


@dataclass(frozen=True, slots=True)
class Part:
    """One document cut from a batch, and the text of its pages when it was asked for."""

    pdf: bytes
    text: str | None = None


def split_pdf(pdf: bytes, count: int, created: dt.date, with_text: bool = False) -> list[Part]:
    """Cut a batch compiled with ``split: true`` into its documents, at the hidden bookmarks
    the layout puts on each document's first page (PDFium copies pages and their fonts).
    The parts are dated ``created`` and carry content-derived identifiers (reproducible).

    ``with_text`` also extracts each document's text from the batch itself: a part holds
    copies of exactly those pages, and PDFium reads the shared font once per batch instead of
    once per part (about half the time of extracting each part).
    """
    source = pdfium.PdfDocument(pdf)
    try:
        starts = [mark.get_dest().get_index() for mark in source.get_toc()]
        if len(starts) != count or starts != sorted(starts):
            raise RenderError(f"expected {count} document starts in the batch, found {starts}")
        ends = [*starts[1:], len(source)]
        out = []
        for start, end in zip(starts, ends, strict=True):
            target = pdfium.PdfDocument.new()
            try:
                target.import_pages(source, list(range(start, end)))
                if len(target) != end - start:
                    raise RenderError(f"pages {start}-{end - 1} of the batch were not all copied")
                buffer = io.BytesIO()
                target.save(buffer)
            finally:
                target.close()
            text = page_text(source, range(start, end)) if with_text else None
            out.append(Part(_pinned(buffer.getvalue(), created), text))
        return out
    finally:
        source.close()


class TypstPdf:
    """A Typst compiler bound to one layout file; create one per process and reuse it."""

    def __init__(
        self, layout: Path, fonts: Sequence[str] | None = None, tagged: bool = False
    ) -> None:
        self._compiler = typst.Compiler(
            str(layout), font_paths=list(require_fonts(fonts)), ignore_system_fonts=True
        )
        self._tagged = tagged

    def _compile(self, data: str, created: dt.date) -> bytes:
        stamp = dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC)
        try:
            result = self._compiler.compile(
                sys_inputs={"data": data}, pdf_tags=self._tagged, timestamp=stamp
            )
        except typst.TypstError as exc:
            raise RenderError(str(exc)) from exc
        if not isinstance(result, bytes):
            raise RenderError(f"typst returned {type(result).__name__}, expected bytes")
        return result

    def write(self, blocks: Iterable[Block], title: str, created: dt.date) -> bytes:
        """One PDF; the same blocks and date always give the same bytes."""
        return self._compile(blocks_json([list(blocks)], title), created)

    def write_many(
        self, documents: Sequence[Iterable[Block]], title: str, created: dt.date
    ) -> list[bytes]:
        """Several documents in one compile, returned as one PDF each.

        Documents of one kind share most of their wording, which Typst lays out once per
        compile, and the compile's fixed cost is paid once: measured 3-4 times faster per
        power of attorney, 2 times per complaint, than one compile each. The parts carry no
        document title in their metadata (PDFium copies pages, not the document information).
        """
        return [part.pdf for part in self.parts(documents, title, created)]

    def parts(
        self,
        documents: Sequence[Iterable[Block]],
        title: str,
        created: dt.date,
        with_text: bool = False,
    ) -> list[Part]:
        """:meth:`write_many`, optionally with each document's extracted text
        (:func:`split_pdf`)."""
        if not documents:
            return []
        if len(documents) == 1:
            pdf = self.write(documents[0], title, created)
            return [Part(pdf, pdf_text(pdf) if with_text else None)]
        return split_pdf(
            self._compile(blocks_json(documents, title, split=True), created),
            len(documents),
            created,
            with_text,
        )
