"""Defendants: whether a borrower is identifiable (民事诉讼法 Art. 122(二)), and masking.

A resident identity number (GB 11643-1999) has 17 digits and a check character computed from
them (ISO 7064 MOD 11-2); its digits 7-14 are the date of birth and digit 17 is odd for men.
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "id_birth_date",
    "id_check_character",
    "id_gender",
    "id_problem",
    "mask_id",
    "mask_phone",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_character(first17: str) -> str:
    """The check character of an identity number's first 17 digits (ISO 7064 MOD 11-2)."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_problem(text: str | None, on: dt.date) -> str | None:
    """Why ``text`` is not a valid identity number on ``on`` (in Chinese), or None."""
    if not text:
        return "缺少身份证号码"
    t = text.strip().upper()
    if len(t) != 18 or not t[:17].isdigit():
        return f"身份证号码应为18位（前17位为数字）：{mask_id(t)}"
    if t[17] != id_check_character(t[:17]):
        return f"身份证号码校验位不符：{mask_id(t)}"
    birth = id_birth_date(t)
    if birth is None or birth > on or birth.year < 1900:
        return f"身份证号码中的出生日期无效：{mask_id(t)}"
    return None


def id_birth_date(text: str) -> dt.date | None:
    try:
        return dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None


def id_gender(text: str) -> str:
    return "男" if int(text[16]) % 2 == 1 else "女"


def mask_id(text: str) -> str:
    """``330106199001011234`` -> ``330106********1234``: the county and the last four only."""
    t = text.strip()
    if len(t) <= 10:
        return "*" * len(t)
    return t[:6] + "*" * (len(t) - 10) + t[-4:]


def mask_phone(text: str | None) -> str:
    """``13812345678`` -> ``138****5678``."""
    t = (text or "").strip()
    if len(t) < 7:
        return "*" * len(t)
    return t[:3] + "*" * (len(t) - 7) + t[-4:]
