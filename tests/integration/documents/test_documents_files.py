"""Rendered files: PDF text as PDFium and poppler extract it, fonts embedded, DOCX that
python-docx opens, hostile names printed as written, and a DOCX LibreOffice converts.

Expected values come from the sample context and are formatted here (``figure``), and every
capital is read back with ``read_capital``; nothing is copied from the renderer's output.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx as python_docx
import pypdfium2 as pdfium
import pytest
from tests.documents_support import HOSTILE, amount_pairs, figure, minimal_contexts, squeeze

from overdue.documents import (
    EVIDENCE_SECTIONS,
    Renderer,
    check_document,
    docx_text,
    pdf_text,
    sample_evidence,
    sample_letter,
)
from overdue.documents.context import ComplaintContext

pytestmark = pytest.mark.integration

COMPLAINT_KINDS = ("complaint", "evidence_list", "power_of_attorney", "service_address")


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture(scope="module")
def ctx() -> ComplaintContext:
    return sample_evidence(5).complaint


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _claim_strings(ctx: ComplaintContext) -> list[str]:
    out = [ctx.plaintiff.name, ctx.plaintiff.uscc, ctx.defendant.name, ctx.defendant.id_number]
    out += [f"{figure(i.amount)}元（大写：" for i in ctx.claims.items]
    out += [f"{figure(ctx.claims.total)}元（大写："]
    out += [f"以{figure(c.base)}元为基数" for c in ctx.claims.continuing]
    return out


def test_complaint_pdf_text_has_parties_claims_and_agreeing_capitals(
    renderer: Renderer, ctx: ComplaintContext, tmp_path: Path
) -> None:
    pdf = renderer.render_pdf("complaint", ctx)
    for text in (pdf_text(pdf), _pdftotext(pdf, tmp_path)):
        flat = squeeze(text)
        for expected in _claim_strings(ctx):
            assert squeeze(expected) in flat
        pairs = amount_pairs(text)
        assert {ctx.claims.total, *(i.amount for i in ctx.claims.items)} <= {f for f, _ in pairs}
        assert all(f == c for f, c in pairs)
    assert check_document(pdf, _claim_strings(ctx)) == []


def test_check_document_catches_a_wrong_capital_in_a_rendered_pdf(
    renderer: Renderer, ctx: ComplaintContext
) -> None:
    first = ctx.claims.items[0]
    forged = dataclasses.replace(
        ctx,
        loan=dataclasses.replace(
            ctx.loan, guarantee_text=f"{figure(first.amount)}元（大写：壹元整）"
        ),
    )
    problems = check_document(renderer.render_pdf("complaint", forged), [])
    assert problems  # the guarantee text is printed twice, so one or two problems
    assert all(f"{figure(first.amount)}元写作“壹元整”" in p for p in problems)


@pytest.mark.parametrize("kind", COMPLAINT_KINDS)
def test_docx_and_pdf_of_a_kind_say_the_same(
    renderer: Renderer, ctx: ComplaintContext, kind: str
) -> None:
    files = renderer.render(kind, ctx)
    assert files.pdf.startswith(b"%PDF")
    with zipfile.ZipFile(io.BytesIO(files.docx)) as zf:
        assert zf.testzip() is None
        assert "word/document.xml" in zf.namelist()
    document = python_docx.Document(io.BytesIO(files.docx))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    via_python_docx = squeeze("".join(paragraphs + cells))
    ours = squeeze(docx_text(files.docx))
    assert sorted(via_python_docx) == sorted(ours)  # same characters, order aside
    pdf = squeeze(pdf_text(files.pdf))
    for name in (ctx.plaintiff.name, ctx.defendant.name, ctx.court_name):
        assert name in via_python_docx
        assert squeeze(name) in pdf
    assert check_document(files.docx, []) == []
    assert check_document(files.pdf, []) == []


def test_docx_styles_name_the_cjk_font_for_east_asian_text(
    renderer: Renderer, ctx: ComplaintContext
) -> None:
    document = python_docx.Document(io.BytesIO(renderer.render_docx("complaint", ctx)))
    section = document.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=1)
    with zipfile.ZipFile(io.BytesIO(renderer.render_docx("complaint", ctx))) as zf:
        styles = zf.read("word/styles.xml").decode()
    assert 'w:eastAsia="Noto Serif CJK SC"' in styles


@pytest.mark.parametrize("kind", [*COMPLAINT_KINDS, "negotiation_letter", "evidence"])
def test_pdf_embeds_noto_serif_cjk(renderer: Renderer, kind: str, tmp_path: Path) -> None:
    ctx = (
        sample_letter(1)
        if kind == "negotiation_letter"
        else sample_evidence(1)
        if kind == "evidence"
        else sample_evidence(1).complaint
    )
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(renderer.render_pdf(kind, ctx))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = [line for line in out.stdout.splitlines()[2:] if line.strip()]
    assert rows
    assert all("NotoSerifCJKsc" in row for row in rows)  # the SC face, nothing substituted
    assert all(re.search(r"\byes\s+yes\s+yes\b", row) for row in rows)  # emb, sub, uni


def test_pdf_fonts_are_embedded_per_pdffonts(renderer: Renderer, tmp_path: Path) -> None:
    path = tmp_path / "complaint.pdf"
    path.write_bytes(renderer.render_pdf("complaint", sample_evidence(2).complaint))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = [line for line in out.stdout.splitlines()[2:] if line.strip()]
    assert rows
    assert all("NotoSerifCJK" in row for row in rows)
    assert all(re.search(r"\byes\s+yes\s+yes\b", row) for row in rows)  # emb, sub, uni


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_print_as_written(renderer: Renderer, name: str) -> None:
    base = sample_evidence(0).complaint
    ctx = dataclasses.replace(base, defendant=dataclasses.replace(base.defendant, name=name))
    files = renderer.render("complaint", ctx)
    assert squeeze(name) in squeeze(pdf_text(files.pdf))
    assert name in docx_text(files.docx)
    python_docx.Document(io.BytesIO(files.docx))  # still a valid package


def test_every_evidence_section_renders_and_all_sections_make_one_pdf(
    renderer: Renderer,
) -> None:
    ctx = sample_evidence(3)
    pages = 0
    for section in EVIDENCE_SECTIONS:
        pdf = renderer.render_pdf("evidence", dataclasses.replace(ctx, section=section))
        doc = pdfium.PdfDocument(pdf)
        pages += len(doc)
        doc.close()
        assert check_document(pdf, [ctx.complaint.loan.contract_no]) == []
    bundle = renderer.render_pdf("evidence", ctx)
    doc = pdfium.PdfDocument(bundle)
    assert len(doc) == pages  # each section starts on a new page
    doc.close()
    text = squeeze(pdf_text(bundle))
    for heading in ("证据二", "证据三", "证据四", "证据五", "证据六"):
        assert heading in text
    assert f"{figure(ctx.complaint.claims.total)}元（大写：" in text
    for row in ctx.computation:
        assert figure(row.amount) in text


def test_negotiation_letter_states_the_plan(renderer: Renderer) -> None:
    ctx = sample_letter(2)
    files = renderer.render("negotiation_letter", ctx)
    expected = [
        ctx.lender_name,
        ctx.borrower_name,
        f"{figure(ctx.debt_total)}元（大写：",
        f"{figure(ctx.proposed.monthly)}元（大写：",
        *ctx.requests,
    ]
    assert check_document(files.pdf, expected) == []
    assert check_document(files.docx, expected) == []


def test_same_context_gives_the_same_bytes(renderer: Renderer, ctx: ComplaintContext) -> None:
    assert renderer.render("complaint", ctx) == renderer.render("complaint", ctx)


def test_libreoffice_converts_every_docx_to_pdf(
    renderer: Renderer, ctx: ComplaintContext, tmp_path: Path
) -> None:
    """Word-compatible means a real word processor opens it: LibreOffice converts each file.
    (make test installs LibreOffice: scripts/debian-packages.txt; a missing one fails here.)"""
    assert shutil.which("soffice"), "LibreOffice is not installed (make test installs it)"
    sources = []
    for kind in (*COMPLAINT_KINDS, "negotiation_letter"):
        path = tmp_path / f"{kind}.docx"
        path.write_bytes(
            renderer.render_docx(kind, sample_letter(5) if kind == "negotiation_letter" else ctx)
        )
        sources.append(path)
    home = tmp_path / "home"
    home.mkdir()
    out_dir = tmp_path / "out"
    subprocess.run(
        ["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir)]
        + [str(p) for p in sources],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(home)},
    )
    for source in sources:
        pdf = (out_dir / f"{source.stem}.pdf").read_bytes()
        text = squeeze(pdf_text(pdf))
        assert squeeze(ctx.plaintiff.name) in text
        assert check_capitals_ok(pdf)
    complaint = squeeze(pdf_text((out_dir / "complaint.pdf").read_bytes()))
    for expected in _claim_strings(ctx):
        assert squeeze(expected) in complaint


def check_capitals_ok(pdf: bytes) -> bool:
    return check_document(pdf, []) == []


def test_preview_writes_every_kind_and_checks_it(tmp_path: Path) -> None:
    from overdue.documents.__main__ import main

    assert main([str(tmp_path), "--seed", "6"]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 15  # 8 kinds in PDF, all but the evidence bundle in DOCX too
    assert "evidence.pdf" in written
    assert "evidence.docx" not in written


@pytest.mark.parametrize("kind", ["complaint", "power_of_attorney", "evidence"])
def test_a_batch_splits_into_the_same_documents_as_one_by_one(
    renderer: Renderer, kind: str, tmp_path: Path
) -> None:
    evidence = [sample_evidence(seed) for seed in (11, 12, 13)]
    contexts = evidence if kind == "evidence" else [e.complaint for e in evidence]
    batch = renderer.render_pdfs(kind, contexts)
    assert len(batch) == len(contexts)
    for ctx, pdf in zip(contexts, batch, strict=True):
        alone = renderer.render_pdf(kind, ctx)
        assert pdf_text(pdf) == pdf_text(alone)  # same pages, same text, page numbers from 1
        doc = pdfium.PdfDocument(pdf)
        assert list(doc.get_toc()) == []  # the split marks do not travel with the pages
        doc.close()
        path = tmp_path / "part.pdf"
        path.write_bytes(pdf)
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        rows = [line for line in fonts.splitlines()[2:] if line.strip()]
        assert rows
        assert all(re.search(r"\byes\s+yes\s+yes\b", row) for row in rows)


def test_render_many_gives_docx_and_pdf_per_context(renderer: Renderer) -> None:
    contexts = [sample_evidence(seed).complaint for seed in (21, 22)]
    files = renderer.render_many("evidence_list", contexts)
    for ctx, rendered in zip(contexts, files, strict=True):
        assert check_document(rendered.pdf, [ctx.defendant.name]) == []
        assert check_document(rendered.docx, [ctx.defendant.name]) == []
        assert rendered.docx == renderer.render_docx("evidence_list", ctx)


@pytest.mark.parametrize("count", [1, 3])
def test_render_many_with_text_gives_the_text_of_each_delivered_pdf(
    renderer: Renderer, count: int
) -> None:
    contexts = [sample_evidence(seed).complaint for seed in (31, 32, 33)][:count]
    files = renderer.render_many("complaint", contexts, with_text=True)
    texts = [f.text for f in files]
    assert len(set(texts)) == count  # one text per document, not the batch's
    for ctx, rendered in zip(contexts, files, strict=True):
        assert rendered.text == pdf_text(rendered.pdf)
        assert ctx.defendant.name in squeeze(rendered.text or "")
    assert all(f.text is None for f in renderer.render_many("complaint", contexts))


def test_every_kind_renders_to_files_with_every_optional_part_empty(renderer: Renderer) -> None:
    evidence, letter = minimal_contexts(4)
    for kind in (*COMPLAINT_KINDS, "negotiation_letter"):
        ctx = letter if kind == "negotiation_letter" else evidence.complaint
        files = renderer.render(kind, ctx)
        python_docx.Document(io.BytesIO(files.docx))
        assert check_document(files.pdf, []) == []
        assert check_document(files.docx, []) == []
    assert check_document(renderer.render_pdf("evidence", evidence), []) == []
