"""Helpers for the document tests, written without the code under test.

``read_capital`` reads a Chinese capital amount back into a number, so a test can check that
``42,165.01元（大写：肆万贰仟壹佰陆拾伍元零壹分）`` says the same amount twice without calling
``money.capital`` (the function the renderer uses to write it).
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from overdue.documents import sample_evidence, sample_letter
from overdue.documents.context import EvidenceContext, NegotiationLetterContext

_DIGITS = {"零": 0, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_SECTIONS = {"万": 10_000, "亿": 100_000_000}


def _read_integer(text: str) -> int:
    total = section = digit = 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (digit or 1) * _UNITS[ch]
            digit = 0
        elif ch in _SECTIONS:
            total = (total + section + digit) * _SECTIONS[ch]
            section = digit = 0
        else:
            raise ValueError(f"not a capital numeral: {ch!r} in {text!r}")
    return total + section + digit


def read_capital(text: str) -> Decimal:
    """``肆万贰仟壹佰陆拾伍元零壹分`` -> ``Decimal("42165.01")``; ``壹仟元整`` -> ``1000``."""
    negative = text.startswith("负")
    body = text.removeprefix("负").removesuffix("整")
    yuan_part, _, rest = body.partition("元") if "元" in body else ("", "", body)
    jiao = fen = 0
    if m := re.search(r"([壹贰叁肆伍陆柒捌玖])角", rest):
        jiao = _DIGITS[m.group(1)]
    if m := re.search(r"([壹贰叁肆伍陆柒捌玖])分", rest):
        fen = _DIGITS[m.group(1)]
    value = Decimal(_read_integer(yuan_part)) + Decimal(jiao) / 10 + Decimal(fen) / 100
    return -value if negative else value


def figure(amount: Decimal) -> str:
    """How documents write an amount in figures: ``12,345.67`` (two places, thousands)."""
    return f"{amount:,.2f}"


PAIR = re.compile(r"(\d{1,3}(?:,\d{3})*\.\d{2})元（大写：([^）]*)）")


def squeeze(text: str) -> str:
    """Extracted text without whitespace (lines break anywhere in Chinese)."""
    return re.sub(r"\s+", "", text)


def amount_pairs(text: str) -> list[tuple[Decimal, Decimal]]:
    """Every ``figure元（大写：capital）`` as (figure, capital read back)."""
    return [(Decimal(f.replace(",", "")), read_capital(c)) for f, c in PAIR.findall(squeeze(text))]


# Names and addresses that are markup in Markdown, XML, Typst or Jinja.
HOSTILE = (
    "张*三_ #1 <b>&amp; $x$ @ref [链接](http://x) | 管道 \\ `code` {.right} ~删~ = - + ! ^ :",
    '#set page(width: 1pt) #import "x.typ" ]] [[ <lbl> //注释 /* c */',
    "{{ 7*7 }} {% if %} 李四 & Co. <![CDATA[x]]> \"quoted\" 'single'",
    "1. 列表？ --- *** ___ # 标题 > 引用",
)


def minimal_contexts(seed: int = 0) -> tuple[EvidenceContext, NegotiationLetterContext]:
    """The samples with every optional part empty: no evidence, no waiver, no payments…"""
    ev = sample_evidence(seed)
    c = ev.complaint
    complaint = dataclasses.replace(
        c,
        plaintiff=dataclasses.replace(c.plaintiff, email=""),
        agent=dataclasses.replace(c.agent, authority="一般授权", authority_items=()),
        defendant=dataclasses.replace(c.defendant, gender="", birth_date=None, ethnicity=""),
        loan=dataclasses.replace(
            c.loan,
            demands=(),
            acceleration_text="",
            last_payment_on=None,
            installments_paid=0,
            paid_total=Decimal("0.00"),
            fees_text="",
        ),
        claims=dataclasses.replace(c.claims, continuing=(), waivers=()),
        evidence=(),
    )
    evidence = dataclasses.replace(ev, complaint=complaint, payments=(), computation=())
    letter = dataclasses.replace(
        sample_letter(seed),
        lawful_total=None,
        alternatives=(),
        requests=(),
        contract_no="",
        hardship="",
    )
    return evidence, letter
