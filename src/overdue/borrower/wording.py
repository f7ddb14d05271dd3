"""Lines for a Chinese reader: the project's verification labels in plain Chinese.

The legal facts carry their verification status from ``reference/legal.md`` (VERIFIED,
SECONDARY, PARTIAL, UNVERIFIED): the JSON answers keep the codes, the lines a borrower reads
(terminal and web page) say them in Chinese, and never name the project's own files.

Example: ``"依据：反诈宣传口径（UNVERIFIED：legal.md未收录）"`` reads
``"依据：反诈宣传口径（未经核实：未找到原文）"``.
"""

from __future__ import annotations

import re

__all__ = ["STATUS_ZH", "for_reader"]

STATUS_ZH = {
    "VERIFIED": "已核对原文",
    "SECONDARY": "据二手资料",
    "PARTIAL": "部分核实",
    "UNVERIFIED": "未经核实",
}
_STATUS = re.compile(r"(?<![A-Za-z])(UNVERIFIED|VERIFIED|SECONDARY|PARTIAL)(?![A-Za-z])")
_PHRASES = (
    ("核实状态：", ""),
    ("legal.md未收录原文", "未找到原文"),
    ("legal.md未收录", "未找到原文"),
    ("未见于legal.md", "未找到明确依据"),
)


def for_reader(line: str) -> str:
    """``line`` with verification codes in Chinese and no reference to the project's files."""
    for phrase, plain in _PHRASES:
        line = line.replace(phrase, plain)
    return _STATUS.sub(lambda m: STATUS_ZH[m.group(1)], line)
