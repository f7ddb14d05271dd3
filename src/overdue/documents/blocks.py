"""The restricted Markdown that templates produce, and the blocks both writers consume.

A template renders (Jinja2) to Markdown with only these constructs, one block per group of
lines separated by a blank line:

- ``# 标题`` / ``## 小标题`` / ``### …``: headings (level 1 centred, others left);
- a paragraph: any other lines, joined *without* a space (Chinese text has none between lines),
  indented by two characters and justified unless told otherwise;
- ``| a | b |`` rows under a delimiter row ``|:-:|---|--:|``: a table with a header row;
  every row starts with ``|``; ``:-:`` centres and ``--:`` right-aligns a column;
- ``---`` alone on a line: a page break;
- ``**粗体**`` inside any text; ``\\X`` is a literal ``X`` for any ASCII punctuation;
- a line ``{.right}`` directly above a block sets its classes and attributes (the syntax of
  mdit-py-plugins' ``attrs_block``): ``.center``, ``.right``, ``.left``, ``.noindent`` on
  paragraphs and headings; ``.keep`` on a paragraph keeps it on one page with the next block
  (a chain of them moves as one: a closing and its signatures); ``.small`` (a ledger: smaller type, ruled rows without vertical
  lines) and ``widths="1 4 2"`` (relative column widths) on tables.

Values inserted by templates are escaped with :func:`md_escape` (the Jinja environment does it
for every ``{{ … }}``), so a name such as ``张*三 | #1`` is text, never markup.

:func:`parse` is a hand-written parser for exactly this subset: markdown-it-py measured about
1.4 ms per kilobyte here, too slow for 50,000 documents a run. :func:`parse_reference` parses the
same text with markdown-it-py and the attrs plugin; the tests assert both give the same blocks
for every template, which keeps the subset honest Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = [
    "Block",
    "Cell",
    "Heading",
    "MarkupError",
    "PageBreak",
    "Paragraph",
    "Run",
    "Table",
    "clean_text",
    "md_escape",
    "parse",
    "parse_reference",
]


class MarkupError(ValueError):
    """A template produced Markdown outside the supported subset."""


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text with one formatting."""

    text: str
    bold: bool = False


Cell: TypeAlias = tuple[Run, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    runs: tuple[Run, ...]
    classes: frozenset[str] = frozenset()

    @property
    def align(self) -> str:
        return _align(self.classes, "center" if self.level == 1 else "left")


@dataclass(frozen=True, slots=True)
class Paragraph:
    runs: tuple[Run, ...]
    classes: frozenset[str] = frozenset()

    @property
    def align(self) -> str:
        return _align(self.classes, "justify")

    @property
    def indent(self) -> bool:
        """First-line indent of two characters (body text); not for centred or right text."""
        return self.align == "justify" and "noindent" not in self.classes

    @property
    def keep(self) -> bool:
        """Kept on one page with the next block (``.keep``; Word's keep-with-next)."""
        return "keep" in self.classes


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    aligns: tuple[str, ...]  # left / center / right per column
    widths: tuple[int, ...]  # relative widths, one per column
    classes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PageBreak:
    classes: frozenset[str] = field(default=frozenset())


Block: TypeAlias = Heading | Paragraph | Table | PageBreak


def _align(classes: frozenset[str], default: str) -> str:
    for name in ("center", "right", "left"):
        if name in classes:
            return name
    return default


# --- escaping ---------------------------------------------------------------------------------

# Characters the subset (or Markdown in general) could read as markup. Backslash escapes work
# for every ASCII punctuation character in CommonMark, so over-escaping is harmless.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+\-!|&~=^$@:])")
# XML 1.0 forbids most C0 controls; Word refuses a file that contains one.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACES = re.compile(r"\s*[\r\n\t]+\s*")


# Anything md_escape or clean_text would change; most values (names, dates, amounts) have none.
_ANY_WORK = re.compile(r"[\\`*_{}\[\]<>#+\-!|&~=^$@:\x00-\x1f\x7f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """User text as one line: control characters dropped, line breaks and tabs as one space."""
    return _SPACES.sub(" ", _CONTROL.sub("", text)).strip()


def md_escape(text: str) -> str:
    """Make user text literal in the subset: ``md_escape("张*三|#1")`` -> ``张\\*三\\|\\#1``."""
    if _ANY_WORK.search(text) is None:
        return text.strip()
    return _MD_SPECIAL.sub(r"\\\1", clean_text(text))


# --- the fast parser --------------------------------------------------------------------------

_ATTR_LINE = re.compile(r"^\{([^{}]*)\}\s*$")
_ATTR_CLASS = re.compile(r"\.([\w-]+)")
_ATTR_KV = re.compile(r'([\w-]+)="([^"]*)"')
_HEADING = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_HR = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_DELIM = re.compile(r"^\|?(?:[ \t]*:?-+:?[ \t]*\|)*[ \t]*:?-+:?[ \t]*\|?[ \t]*$")
_INLINE = re.compile(r"\\([!-/:-@\[-`{-~])|\*\*")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _attrs(text: str) -> tuple[frozenset[str], dict[str, str]]:
    return frozenset(_ATTR_CLASS.findall(_ATTR_KV.sub("", text))), dict(_ATTR_KV.findall(text))


def _inline(text: str) -> tuple[Run, ...]:
    """``a **b** c\\*`` -> (Run("a "), Run("b", bold), Run(" c*"))."""
    if "\\" not in text and "*" not in text:
        return (Run(text),) if text else ()
    runs: list[Run] = []
    parts: list[str] = []
    bold = False
    pos = 0
    for m in _INLINE.finditer(text):
        parts.append(text[pos : m.start()])
        pos = m.end()
        if m.group(1) is not None:
            parts.append(m.group(1))
            continue
        if parts and (chunk := "".join(parts)):
            runs.append(Run(chunk, bold))
        parts = []
        bold = not bold
    parts.append(text[pos:])
    if bold:
        raise MarkupError(f"unbalanced ** in {text!r}")
    if chunk := "".join(parts):
        runs.append(Run(chunk, bold))
    return tuple(runs)


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [c.strip() for c in _CELL_SPLIT.split(body)]


def _table(lines: list[str], classes: frozenset[str], kv: dict[str, str]) -> Table:
    header = _cells(lines[0])
    n = len(header)
    aligns: list[str] = []
    for spec in _cells(lines[1]):
        left, right = spec.startswith(":"), spec.endswith(":")
        aligns.append("center" if left and right else "right" if right else "left")
    if len(aligns) != n:
        raise MarkupError(f"table delimiter row has {len(aligns)} columns, header {n}")
    rows: list[tuple[Cell, ...]] = []
    for line in lines[2:]:
        cells = _cells(line)
        cells = (cells + [""] * n)[:n]  # as markdown-it: pad short rows, cut long ones
        rows.append(tuple(_inline(c) for c in cells))
    widths = tuple(int(w) for w in kv["widths"].split()) if "widths" in kv else (1,) * n
    if len(widths) != n:
        raise MarkupError(f"widths={kv['widths']!r} for a table of {n} columns")
    return Table(
        header=tuple(_inline(c) for c in header),
        rows=tuple(rows),
        aligns=tuple(aligns),
        widths=widths,
        classes=classes,
    )


def parse(text: str) -> tuple[Block, ...]:
    """Parse the subset into blocks (see the module docstring)."""
    blocks: list[Block] = []
    lines = text.split("\n")
    classes: frozenset[str] = frozenset()
    kv: dict[str, str] = {}
    para: list[str] = []

    def flush() -> None:
        nonlocal classes, kv
        if para:
            blocks.append(Paragraph(_inline("".join(s.strip() for s in para)), classes))
            para.clear()
            classes, kv = frozenset(), {}

    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            flush()
            i += 1
            continue
        if not para and (m := _ATTR_LINE.match(stripped)):
            classes, kv = _attrs(m.group(1))
            i += 1
            continue
        if stripped.startswith("#") and (m := _HEADING.match(stripped)):
            flush()
            blocks.append(Heading(len(m.group(1)), _inline(m.group(2) or ""), classes))
            classes, kv = frozenset(), {}
            i += 1
            continue
        if _HR.match(line):
            flush()
            blocks.append(PageBreak(classes))
            classes, kv = frozenset(), {}
            i += 1
            continue
        if stripped.startswith("|") and not para and i + 1 < n and _DELIM.match(lines[i + 1]):
            end = i + 2
            while end < n and lines[end].strip().startswith("|"):
                end += 1
            blocks.append(_table([s.strip() for s in lines[i:end]], classes, kv))
            classes, kv = frozenset(), {}
            i = end
            continue
        para.append(line)
        i += 1
    flush()
    return tuple(blocks)


# --- the reference parser (markdown-it-py) ----------------------------------------------------


def _reference_md() -> object:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.attrs import attrs_block_plugin

    return (
        MarkdownIt("zero")
        .enable(["heading", "table", "hr", "emphasis", "escape", "newline"])
        .use(attrs_block_plugin)
    )


def _ref_runs(token: Token) -> tuple[Run, ...]:
    runs: list[Run] = []
    bold = False
    for child in token.children or ():
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "text":
            if child.content:
                if runs and runs[-1].bold == bold:
                    runs[-1] = Run(runs[-1].text + child.content, bold)
                else:
                    runs.append(Run(child.content, bold))
        elif child.type == "softbreak":
            continue
        else:
            raise MarkupError(f"unsupported inline markup: {child.type}")
    return tuple(runs)


def _ref_classes(token: Token) -> frozenset[str]:
    value = token.attrs.get("class", "")
    return frozenset(str(value).split())


def parse_reference(text: str) -> tuple[Block, ...]:
    """The same subset parsed by markdown-it-py (slow; for tests and as the definition)."""
    from markdown_it import MarkdownIt

    md = _reference_md()
    assert isinstance(md, MarkdownIt)
    tokens = md.parse(text)
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            blocks.append(Heading(int(tok.tag[1]), _ref_runs(tokens[i + 1]), _ref_classes(tok)))
            i += 3
        elif tok.type == "paragraph_open":
            blocks.append(Paragraph(_ref_runs(tokens[i + 1]), _ref_classes(tok)))
            i += 3
        elif tok.type == "hr":
            blocks.append(PageBreak(_ref_classes(tok)))
            i += 1
        elif tok.type == "table_open":
            widths_attr = str(tok.attrs.get("widths", ""))
            header: list[Cell] = []
            aligns: list[str] = []
            rows: list[tuple[Cell, ...]] = []
            row: list[Cell] = []
            j = i + 1
            while tokens[j].type != "table_close":
                t = tokens[j]
                if t.type == "th_open":
                    style = str(t.attrs.get("style", ""))
                    aligns.append(style.removeprefix("text-align:") or "left")
                    header.append(_ref_runs(tokens[j + 1]))
                elif t.type == "td_open":
                    row.append(_ref_runs(tokens[j + 1]))
                elif t.type == "tr_close" and row:
                    rows.append(tuple(row))
                    row = []
                j += 1
            widths = tuple(int(w) for w in widths_attr.split()) or (1,) * len(header)
            blocks.append(
                Table(tuple(header), tuple(rows), tuple(aligns), widths, _ref_classes(tok))
            )
            i = j + 1
        else:
            raise MarkupError(f"unsupported block: {tok.type}")
    return tuple(blocks)
