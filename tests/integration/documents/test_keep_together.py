"""``.keep``: a complaint's closing and its signatures stay on one page with the body text."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest

from overdue.documents.blocks import parse
from overdue.documents.checks import normalize
from overdue.documents.docx import write_docx
from overdue.documents.pdf import TypstPdf
from overdue.documents.render import TEMPLATES_DIR

pytestmark = pytest.mark.integration

CLOSING = """
{.keep}
综上，请依法判如所请。

{.keep}
此致

{.noindent .keep}
某某人民法院

{.right .keep}
具状人（盖章）：某某公司

{.right}
2026年11月20日
"""


def _pages(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [normalize(doc[i].get_textpage().get_text_bounded()) for i in range(len(doc))]
    finally:
        doc.close()


def test_a_kept_chain_never_breaks_and_takes_the_body_text_with_it() -> None:
    typst = TypstPdf(TEMPLATES_DIR / "_layout.typ")
    breaks_seen = 0
    # Enough filler lengths that the page boundary falls at every line of the closing.
    for n in range(28, 44):
        body = "\n\n".join(f"第{i}段正文，用于推移页面位置。" for i in range(n))
        blocks = parse(body + "\n\n" + CLOSING)
        pages = _pages(typst.write(blocks, "test", dt.date(2026, 11, 20)))
        breaks_seen += len(pages) > 1
        closing = [p for p in pages if "此致" in p]
        assert len(closing) == 1
        for line in ("综上", "某某人民法院", "具状人（盖章）：某某公司", "2026年11月20日"):
            assert line in closing[0], (n, line)
    assert breaks_seen  # the boundary was crossed: the check above was put to the test


def test_a_kept_paragraph_is_keep_with_next_in_word() -> None:
    import io
    import zipfile

    docx = write_docx(parse(CLOSING), "test", dt.date(2026, 11, 20))
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert xml.count("<w:keepNext/>") == 4  # the four kept paragraphs; not the date
