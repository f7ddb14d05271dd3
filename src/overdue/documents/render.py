"""The renderer: a kind of document and its context in, DOCX and/or PDF bytes out.

One :class:`Renderer` per process holds the compiled Jinja templates and the Typst compiler;
creating it costs about a tenth of a second. A DOCX takes about a millisecond; a PDF 5 to 40 ms
alone, 2 to 4 times less in a batch (:meth:`Renderer.render_pdfs`, :meth:`Renderer.render_many`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import jinja2
from markupsafe import Markup

from overdue.cputime import CpuTally
from overdue.documents import filters
from overdue.documents.blocks import Block, Heading, md_escape, parse
from overdue.documents.context import ComplaintContext, EvidenceContext, NegotiationLetterContext
from overdue.documents.docx import write_docx
from overdue.documents.pdf import TypstPdf

__all__ = [
    "EVIDENCE_SECTIONS",
    "KINDS",
    "TEMPLATES_DIR",
    "Context",
    "Kind",
    "Rendered",
    "Renderer",
    "UnknownKindError",
    "evidence_sections",
]

TEMPLATES_DIR = Path(__file__).parent / "templates"

Context = ComplaintContext | EvidenceContext | NegotiationLetterContext

# Evidence sections in the order of the evidence list; "all" renders every one in one PDF.
EVIDENCE_SECTIONS: tuple[str, ...] = (
    "loan_contract",
    "disbursement",
    "repayment_ledger",
    "claim_sheet",
    "collection_record",
)


@dataclass(frozen=True, slots=True)
class Kind:
    """A document type: its template, what context it takes and which formats it has."""

    name: str
    template: str
    context: type
    docx: bool
    title: str  # 文书名称, for file names and metadata


KINDS: Mapping[str, Kind] = {
    k.name: k
    for k in (
        Kind("complaint", "complaint.md.j2", ComplaintContext, True, "民事起诉状"),
        Kind("evidence_list", "evidence_list.md.j2", ComplaintContext, True, "证据目录"),
        Kind("power_of_attorney", "power_of_attorney.md.j2", ComplaintContext, True, "授权委托书"),
        Kind("service_address", "service_address.md.j2", ComplaintContext, True, "送达地址确认书"),
        Kind("law_firm_letter", "law_firm_letter.md.j2", ComplaintContext, True, "律师事务所函"),
        Kind(
            "legal_rep_certificate",
            "legal_rep_certificate.md.j2",
            ComplaintContext,
            True,
            "法定代表人身份证明书",
        ),
        Kind("evidence", "evidence.md.j2", EvidenceContext, False, "证据"),
        Kind(
            "negotiation_letter",
            "negotiation_letter.md.j2",
            NegotiationLetterContext,
            True,
            "协商还款申请书",
        ),
    )
}


class UnknownKindError(KeyError):
    """No such document kind, or the kind has no DOCX form."""


@dataclass(frozen=True, slots=True)
class Rendered:
    docx: bytes
    pdf: bytes
    text: str | None = None  # the PDF's extracted text, when asked for (render_many)


def _finalize(value: object) -> str:
    """Every ``{{ … }}`` of a template: user text made literal; amounts and dates must go
    through a filter (``yuan``, ``amount``, ``date_cn``, ``pct``) so none is printed raw."""
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, (Decimal, dt.date, float)):
        raise TypeError(f"{value!r} printed without a filter (yuan, amount, date_cn, pct)")
    return md_escape(str(value))


def _fail(message: str) -> NoReturn:
    """For a template to stop on what must not happen (a numbering it relies on, say)."""
    raise jinja2.TemplateRuntimeError(message)


def _environment(directory: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory)),
        autoescape=False,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(
        yuan=filters.yuan,
        capital=filters.capital,
        amount=filters.amount,
        date_cn=filters.date_cn,
        pct=filters.pct,
        masked=filters.masked,
    )
    env.globals["EVIDENCE_SECTIONS"] = EVIDENCE_SECTIONS
    env.globals["fail"] = _fail
    return env


# What each evidence section is called in the evidence list, to number it the same way.
_SECTION_KEYWORDS = {
    "loan_contract": "合同",
    "disbursement": "放款",
    "repayment_ledger": "还款",
    "claim_sheet": "计算",
    "collection_record": "催收",
}
_CN_NUMERALS = "零一二三四五六七八九十"


def _cn_number(n: int) -> str:
    """1..99 in Chinese numerals: 1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一."""
    tens, ones = divmod(n, 10)
    head = ("" if tens == 1 else _CN_NUMERALS[tens]) + "十" if tens else ""
    return head + (_CN_NUMERALS[ones] if ones or not tens else "")


def evidence_sections(ctx: EvidenceContext) -> tuple[tuple[str, str], ...]:
    """(section, heading) pairs: ``("claim_sheet", "证据五")``.

    A section takes the number of the evidence-list item whose name contains its keyword
    (债权计算表 -> 计算), so the bundle and the list agree; otherwise its position.
    """
    keys = EVIDENCE_SECTIONS if ctx.section == "all" else (ctx.section,)
    out = []
    for position, key in enumerate(keys, start=1):
        if key not in _SECTION_KEYWORDS:
            raise UnknownKindError(f"unknown evidence section {key!r}; known: {EVIDENCE_SECTIONS}")
        no = next(
            (e.no for e in ctx.complaint.evidence if _SECTION_KEYWORDS[key] in e.name), position
        )
        out.append((key, f"证据{_cn_number(no)}"))
    return tuple(out)


def _variables(ctx: Context) -> dict[str, Any]:
    # Fields are the template's top-level names ({{ plaintiff.name }}), plus ctx itself.
    out: dict[str, Any] = {f.name: getattr(ctx, f.name) for f in dataclasses.fields(ctx)}
    out["ctx"] = ctx
    if isinstance(ctx, EvidenceContext):
        out["sections"] = evidence_sections(ctx)
    return out


def _created(ctx: Context) -> dt.date:
    return ctx.generated_on if isinstance(ctx, EvidenceContext) else ctx.dated


def _title(blocks: Sequence[Block], default: str) -> str:
    for block in blocks:
        if isinstance(block, Heading):
            return "".join(r.text for r in block.runs)
    return default


class Renderer:
    """Templates and the Typst compiler, loaded once.

    ``templates`` defaults to the package's ``templates/`` directory; an operator may point it
    at a copy to try edited wording without touching the installed package. ``font_paths``
    defaults to ``$OVERDUE_FONT_PATHS`` or Debian's Noto directory (:func:`pdf.font_paths`).
    """

    def __init__(
        self,
        templates: Path | None = None,
        font_paths: Sequence[str] | None = None,
        tagged_pdf: bool = False,
    ) -> None:
        directory = templates or TEMPLATES_DIR
        self._env = _environment(directory)
        self._templates = {name: self._env.get_template(k.template) for name, k in KINDS.items()}
        self._pdf = TypstPdf(directory / "_layout.typ", font_paths, tagged=tagged_pdf)
        # CPU seconds of the batch methods (render_pdfs, render_many) by "kind step", the steps
        # being markdown (template and parse, shared by both formats), docx and pdf (Typst's
        # compile, the split and any text extraction): for benchmarks (bench/litigation.py).
        self.cpu = CpuTally()

    def _kind(self, kind: str, ctx: Context) -> Kind:
        spec = KINDS.get(kind)
        if spec is None:
            raise UnknownKindError(f"unknown document kind {kind!r}; known: {sorted(KINDS)}")
        if not isinstance(ctx, spec.context):
            raise TypeError(f"{kind} takes {spec.context.__name__}, not {type(ctx).__name__}")
        return spec

    def markdown(self, kind: str, ctx: Context) -> str:
        """The template's output: the restricted Markdown both writers start from."""
        self._kind(kind, ctx)
        return self._templates[kind].render(_variables(ctx))

    def blocks(self, kind: str, ctx: Context) -> tuple[Block, ...]:
        return parse(self.markdown(kind, ctx))

    def render_docx(self, kind: str, ctx: Context) -> bytes:
        spec = self._kind(kind, ctx)
        if not spec.docx:
            raise UnknownKindError(f"{kind} is rendered as PDF only")
        blocks = self.blocks(kind, ctx)
        return write_docx(blocks, _title(blocks, spec.title), _created(ctx))

    def render_pdf(self, kind: str, ctx: Context) -> bytes:
        spec = self._kind(kind, ctx)
        blocks = self.blocks(kind, ctx)
        return self._pdf.write(blocks, _title(blocks, spec.title), _created(ctx))

    def render(self, kind: str, ctx: Context) -> Rendered:
        """DOCX and PDF from one parse of the template's output."""
        spec = self._kind(kind, ctx)
        if not spec.docx:
            raise UnknownKindError(f"{kind} is rendered as PDF only; use render_pdf")
        blocks = self.blocks(kind, ctx)
        title = _title(blocks, spec.title)
        created = _created(ctx)
        return Rendered(write_docx(blocks, title, created), self._pdf.write(blocks, title, created))

    def render_pdfs(self, kind: str, contexts: Sequence[Context]) -> list[bytes]:
        """One PDF per context, compiled together (see :meth:`TypstPdf.write_many`): the way
        to render a batch. Order is kept; the files are split at page boundaries, so a
        document's text is the same as from :meth:`render_pdf`."""
        spec = KINDS.get(kind)
        if spec is None:
            raise UnknownKindError(f"unknown document kind {kind!r}; known: {sorted(KINDS)}")
        with self.cpu.step(f"{kind} markdown"):
            documents = [self.blocks(kind, ctx) for ctx in contexts]
        if not documents:
            return []
        with self.cpu.step(f"{kind} pdf"):
            return self._pdf.write_many(
                documents, spec.title, max(_created(ctx) for ctx in contexts)
            )

    def render_many(
        self, kind: str, contexts: Sequence[Context], with_text: bool = False
    ) -> list[Rendered]:
        """DOCX and PDF for each context, the PDFs compiled together; ``with_text`` adds each
        PDF's extracted text (read from the compiled batch, see :func:`pdf.split_pdf`)."""
        if not contexts:
            return []
        spec = self._kind(kind, contexts[0])
        if not spec.docx:
            raise UnknownKindError(f"{kind} is rendered as PDF only; use render_pdfs")
        title = spec.title
        with self.cpu.step(f"{kind} markdown"):
            documents = [self.blocks(kind, ctx) for ctx in contexts]
        with self.cpu.step(f"{kind} docx"):
            out = [
                write_docx(blocks, _title(blocks, title), _created(ctx))
                for blocks, ctx in zip(documents, contexts, strict=True)
            ]
        with self.cpu.step(f"{kind} pdf"):
            parts = self._pdf.parts(
                documents, title, max(_created(ctx) for ctx in contexts), with_text
            )
        return [Rendered(docx, p.pdf, p.text) for docx, p in zip(out, parts, strict=True)]
