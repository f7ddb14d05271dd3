"""Checks on rendered documents: the text as a reader (or a court's system) extracts it.

Problems are returned as values, one Chinese sentence each, so a batch can record them per
account and go on.

>>> check_capitals("合计1,000.00元（大写：壹仟元整）")
[]
>>> check_capitals("合计1,000.00元（大写：壹仟元）")
['大写金额不符：1,000.00元写作“壹仟元”，应为“壹仟元整”']
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from xml.etree import ElementTree as ET

from overdue.documents.pdf import pdf_text
from overdue.money import capital

__all__ = ["check_capitals", "check_document", "docx_text", "normalize", "pdf_text"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WHITESPACE = re.compile(r"\s+")
# A figure and its capital as the `amount` filter writes them: 12,345.67元（大写：…）
_PAIR = re.compile(r"(?<![\d,.])(-?\d{1,3}(?:,\d{3})*\.\d{2})元（大写：([^）]*)）")


def docx_text(docx: bytes) -> str:
    """The text of ``word/document.xml``: one line per paragraph (table cells included)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        root = ET.fromstring(zf.read("word/document.xml"))
    lines = []
    for para in root.iter(f"{_W}p"):
        lines.append("".join(t.text or "" for t in para.iter(f"{_W}t")))
    return "\n".join(lines)


def normalize(text: str) -> str:
    """Text with all whitespace removed: line breaks fall anywhere in Chinese text."""
    return _WHITESPACE.sub("", text)


def _as_text(document: bytes | str) -> str:
    if isinstance(document, str):
        return document
    if document.startswith(b"%PDF"):
        return pdf_text(document)
    if document.startswith(b"PK"):
        return docx_text(document)
    raise ValueError("not a PDF, a DOCX or text")


def check_capitals(text: str) -> list[str]:
    """Every ``X元（大写：…）`` pair whose capital is not ``capital(X)``."""
    problems = []
    for figure, written in _PAIR.findall(normalize(text)):
        expected = capital(Decimal(figure.replace(",", "")))
        if written != expected:
            problems.append(f"大写金额不符：{figure}元写作“{written}”，应为“{expected}”")
    return problems


def check_document(document: bytes | str, expected: Iterable[str]) -> list[str]:
    """Problems with a rendered PDF, DOCX or its text: every expected string must appear
    (whitespace ignored) and every amount's capital must agree with its figure."""
    text = normalize(_as_text(document))
    problems = [f"缺少：{s}" for s in expected if normalize(s) not in text]
    return problems + check_capitals(text)
