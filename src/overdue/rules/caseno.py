"""Case numbers (案号): parse, validate and explain.

Format (法〔2015〕137号 Art. 3, as amended by 法〔2018〕335号, effective 2016-01-01)::

    （收案年度）法院代字[专门审判代字]类型代字案件编号号[之N]
    （2024）    浙0192                   民初      1779   号

* 收案年度: the calendar year the court took the case (Art. 2), four digits in round brackets;
  courts print full-width brackets, half-width ones are accepted and normalised.
* 法院代字: see :mod:`overdue.rules.courts` (Arts. 4-5).
* 专门审判代字: one character set by the Supreme People's Court; ``知`` for patent and other
  technical intellectual-property cases (法〔2018〕335号), e.g. （2020）最高法知民终1234号.
* 类型代字: from the annexed 《人民法院案件类型及其代字标准》 (Art. 7), ``rules/data/case_types.csv``.
* 案件编号: the order of filing within the year, court and type, from 1 (Arts. 9-10); 刑核 cases
  use a random 8-digit number (Art. 10 para. 2).
* ``之一``, ``之二``: a further ruling issued within the same case, e.g. （2022）沪0115民初13290号之一.

Worked example: ``(2024)浙0192民初1779号`` checked on 2026-11-23 -> valid; year 2024, court
浙0192 杭州互联网法院, type 民初 (民事一审案件), sequence 1779; normalised
``（2024）浙0192民初1779号``. ``(2027)浙0192民初1779号`` on the same day is invalid:
"年份2027晚于查询日期2026-11-23".

A well-formed number whose court is not in the table is ``plausible-court-unknown`` (valid,
with a notice). Every problem found is reported, not only the first; notices start with
"提示：" and do not make a number invalid.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from overdue.rules._data import Status, read_rows
from overdue.rules.courts import CourtLevel, check_court_code, code_tier

__all__ = [
    "SPECIAL_TRIAL_CODES",
    "CaseNumberCheck",
    "CaseType",
    "CheckStatus",
    "case_types",
    "check_case_number",
]

TYPES_FILE = "case_types.csv"

# Art. 3 (法〔2015〕137号): the current format applies to cases filed from this day.
CURRENT_FORMAT_FROM = dt.date(2016, 1, 1)
# No people's court numbered a case before the People's Republic.
EARLIEST_YEAR = 1949

# 专门审判代字 (法〔2018〕335号): code -> meaning, and the first year it can appear.
SPECIAL_TRIAL_CODES: Mapping[str, str] = MappingProxyType(
    {"知": "知识产权专门审判（专利等技术类知识产权案件）"}
)
_SPECIAL_CODES_FROM_YEAR = 2019

_SECOND_INSTANCE = "二审"
_SUFFIX = re.compile(r"之[一二三四五六七八九十]+")
_YEAR_PART = re.compile(r"(?P<open>[(〔\[【])(?P<year>[^)〕\]】]*)(?P<close>[)〕\]】])")
_BARE_YEAR = re.compile(r"(?P<open>[(〔\[【]?)(?P<year>\d{4})(?=\D)")
_BODY = re.compile(
    r"(?P<court>最高法|最高院|最高人民法院|[^\d号之])(?P<digits>\d*)"
    r"(?P<kind>[^\d号之]*)"
    r"(?P<serial>[^号之]*)"
    r"(?P<hao>号?)"
    r"(?P<rest>.*)",
    re.DOTALL,
)
_OLD_STYLE = re.compile(r"字第?\d+号|第\d+号")
_LABEL = re.compile(r"^案号[:：]?")
_EXAMPLE = "（2024）浙0192民初1779号"


class CheckStatus(StrEnum):
    VALID = "valid"
    PLAUSIBLE_COURT_UNKNOWN = "plausible-court-unknown"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class CaseType:
    """A type code (类型代字) and what it means, for a borrower and for the code."""

    code: str
    name: str  # name_zh, as in the standard
    stage: str  # 一审, 二审, 执行 ...
    plain: str  # plain Chinese for a borrower
    meaning_en: str
    domain: str  # civil, administrative, criminal, enforcement, state-compensation, other
    effective_from: dt.date
    citation: str
    status: Status


@dataclass(frozen=True, slots=True)
class CaseNumberCheck:
    """The result of :func:`check_case_number`; the CLI prints these fields as JSON."""

    valid: bool
    status: CheckStatus
    normalized: str
    year: int | None
    court_code: str | None
    court_name: str | None
    court_known: bool
    special_code: str | None
    type_code: str | None
    type_name: str | None
    sequence: int | None
    suffix: str | None
    problems: tuple[str, ...]
    type_plain: str | None = None  # plain-Chinese explanation of the type, for borrowers


@cache
def case_types() -> Mapping[str, CaseType]:
    """All type codes by code (``"民初"`` -> 民事一审案件)."""
    out = {}
    for row in read_rows(TYPES_FILE):
        out[row["type_code"]] = CaseType(
            code=row["type_code"],
            name=row["name_zh"],
            stage=row["stage_zh"],
            plain=row["plain_zh"],
            meaning_en=row["meaning_en"],
            domain=row["domain"],
            effective_from=dt.date.fromisoformat(row["effective_from"]),
            citation=row["citation"],
            status=Status(row["status"]),
        )
    return MappingProxyType(out)


def _clean(text: str) -> str:
    """Full-width digits and brackets to ASCII (NFKC), whitespace and format characters removed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")
    return _LABEL.sub("", text)


def _normalized(cleaned: str) -> str:
    """The printed form: the year's brackets full-width (courts print （2024）)."""
    match = _YEAR_PART.match(cleaned)
    if match is None:
        return cleaned
    return f"（{match['year']}）{cleaned[match.end() :]}"


def _resolve_kind(kind: str) -> tuple[str | None, CaseType] | None:
    """Split 专门审判代字 and 类型代字: ``知民终`` -> (知, 民终)."""
    types = case_types()
    if kind in types:
        return None, types[kind]
    if kind[:1] in SPECIAL_TRIAL_CODES and kind[1:] in types:
        return kind[:1], types[kind[1:]]
    return None


@dataclass(slots=True)
class _Findings:
    errors: list[str]
    notices: list[str]

    def problems(self) -> tuple[str, ...]:
        return (*self.errors, *self.notices)


def _check_year(year_text: str, as_of: dt.date, found: _Findings) -> int | None:
    if not (len(year_text) == 4 and year_text.isascii() and year_text.isdigit()):
        found.errors.append(f"收案年度应为4位数字，实际为“{year_text}”")
        return None
    year = int(year_text)
    if year > as_of.year:
        found.errors.append(f"年份{year}晚于查询日期{as_of.isoformat()}")
    elif year < EARLIEST_YEAR:
        found.errors.append(f"年份{year}早于{EARLIEST_YEAR}年，不可能是人民法院的案号")
    elif year < CURRENT_FORMAT_FROM.year:
        found.notices.append(
            f"提示：年份{year}早于现行案号格式的施行日（{CURRENT_FORMAT_FROM.isoformat()}，"
            "法〔2015〕137号）；2016年以前的案件一般使用旧式案号，请核对"
        )
    return year


def _split_year(cleaned: str, as_of: dt.date, found: _Findings) -> tuple[int | None, str] | None:
    """The year in brackets and the rest; None when the text is not a case number at all."""
    match = _YEAR_PART.match(cleaned)
    if match is not None:
        if match["open"] != "(" or match["close"] != ")":
            found.notices.append("提示：收案年度应使用圆括号“（）”（法〔2015〕137号第三条）")
        return _check_year(match["year"], as_of, found), cleaned[match.end() :]
    bare = _BARE_YEAR.match(cleaned)
    if bare is not None:
        if bare["open"]:
            found.errors.append("收案年度缺少右括号“）”（法〔2015〕137号第三条）")
        else:
            found.errors.append("收案年度应放在圆括号内，如“（2024）”（法〔2015〕137号第三条）")
        return _check_year(bare["year"], as_of, found), cleaned[bare.end() :]
    parsed = _BODY.fullmatch(cleaned)
    if parsed is None or not check_court_code(parsed["court"] + parsed["digits"]).ok:
        found.errors.append(f"无法识别为案号：应形如“{_EXAMPLE}”")
        return None
    found.errors.append(f"缺少括号括起的收案年度：应形如“{_EXAMPLE}”")
    return None, cleaned


def _old_style(cleaned: str, as_of: dt.date) -> CaseNumberCheck:
    found = _Findings(
        [
            "这是2016年以前的旧式案号（“…字第…号”），不是现行格式"
            "（法〔2015〕137号，2016-01-01起施行）；现行格式如" + _EXAMPLE
        ],
        [],
    )
    match = _YEAR_PART.match(cleaned)
    year = _check_year(match["year"], as_of, found) if match else None
    return _result(cleaned, found, year=year)


def _result(
    cleaned: str,
    found: _Findings,
    *,
    year: int | None = None,
    court_code: str | None = None,
    court_name: str | None = None,
    court_known: bool = False,
    special_code: str | None = None,
    case_type: CaseType | None = None,
    sequence: int | None = None,
    suffix: str | None = None,
) -> CaseNumberCheck:
    if found.errors:
        status = CheckStatus.INVALID
    elif court_known:
        status = CheckStatus.VALID
    else:
        status = CheckStatus.PLAUSIBLE_COURT_UNKNOWN
    return CaseNumberCheck(
        valid=not found.errors,
        status=status,
        normalized=_normalized(cleaned),
        year=year,
        court_code=court_code,
        court_name=court_name,
        court_known=court_known,
        special_code=special_code,
        type_code=case_type.code if case_type else None,
        type_name=case_type.name if case_type else None,
        sequence=sequence,
        suffix=suffix,
        problems=found.problems(),
        type_plain=case_type.plain if case_type else None,
    )


def check_case_number(text: str, as_of: dt.date) -> CaseNumberCheck:
    """Parse and validate a case number as of a date (the year may not be after ``as_of``).

    Invalid, each with its reason: empty or unrecognisable text; the pre-2016 "…字第…号" style;
    a year that is not four digits, after ``as_of``'s year or before 1949; an unknown court
    abbreviation; a court code whose prefecture does not exist in the province (浙5101: 51 is
    四川); a type code not in the standard; a serial with other characters than digits, or 0;
    a missing "号"; text after "号" other than 之一, 之二 ...; a second-instance type at a basic
    court (basic courts hear no appeals). Notices (valid stays true): a year before 2016, a
    court not in the table, a leading zero, an UNVERIFIED type code or court.
    """
    cleaned = _clean(text)
    found = _Findings([], [])
    if not cleaned:
        found.errors.append("案号为空")
        return _result(cleaned, found)
    if _OLD_STYLE.search(cleaned):
        return _old_style(cleaned, as_of)

    parts = _split_year(cleaned, as_of, found)
    if parts is None:
        return _result(cleaned, found)
    year, body = parts

    parsed = _BODY.fullmatch(body)
    if parsed is None:
        found.errors.append("缺少法院代字、类型代字和案件编号")
        return _result(cleaned, found, year=year)
    court_token, digits, kind = parsed["court"], parsed["digits"], parsed["kind"]
    serial, rest = parsed["serial"], parsed["rest"]

    court_code: str | None = court_token + digits
    court_name: str | None = None
    court_known = False
    court_tier: CourtLevel | None = None
    if not digits and _resolve_kind(court_token + kind) is not None:
        found.errors.append("缺少法院代字（如“浙0192”“京04”“最高法”）")
        court_code, kind = None, court_token + kind
    else:
        court_check = check_court_code(court_token + digits)
        found.errors.extend(court_check.errors)
        found.notices.extend(court_check.notices)
        if court_check.court is not None:
            court = court_check.court
            court_known, court_name, court_tier = True, court.name, court.tier
            if year is not None and CURRENT_FORMAT_FROM.year <= year < court.effective_from.year:
                found.notices.append(
                    f"提示：{court.name}的代字自{court.effective_from.isoformat()}起使用，"
                    f"早于该日的年份{year}请核对"
                )
            if court.status is Status.UNVERIFIED:
                found.notices.append(
                    f"提示：“{court.code}”对应{court.name}系凭记忆整理，未经官方名录核实"
                )
        elif court_check.ok:
            court_name = court_check.generic_name
            court_tier = code_tier(court_token + digits)

    special_code: str | None = None
    case_type: CaseType | None = None
    resolved = _resolve_kind(kind) if kind else None
    if not kind:
        found.errors.append("缺少类型代字（如“民初”“执”）")
    elif resolved is None:
        if kind.endswith("字") and _resolve_kind(kind[:-1]) is not None:
            found.errors.append(
                f"“{kind}”是2016年以前旧式案号的写法，现行案号不带“字”（法〔2015〕137号）"
            )
        else:
            found.errors.append(
                f"类型代字“{kind}”不存在：不在《人民法院案件类型及其代字标准》之中（法〔2015〕137号第七条）"
            )
    else:
        special_code, case_type = resolved
        if special_code is not None and year is not None and year < _SPECIAL_CODES_FROM_YEAR:
            found.notices.append(
                f"提示：专门审判代字“{special_code}”由法〔2018〕335号设立，"
                f"{_SPECIAL_CODES_FROM_YEAR}年以前的案号一般不带该代字"
            )
        if year is not None and CURRENT_FORMAT_FROM.year <= year < case_type.effective_from.year:
            found.notices.append(
                f"提示：类型代字“{case_type.code}”自{case_type.effective_from.isoformat()}起使用"
            )
        if case_type.status is Status.UNVERIFIED:
            found.notices.append(f"提示：类型代字“{case_type.code}”的含义未经官方文本核实")
        if court_tier is CourtLevel.BASIC and case_type.stage == _SECOND_INSTANCE:
            found.errors.append(
                f"基层法院不审理二审案件：类型代字“{case_type.code}”不应出现在基层法院代字"
                f"“{court_code}”之后"
            )

    sequence: int | None = None
    if not serial:
        found.errors.append("缺少案件编号（“号”字前的数字）")
    elif not (serial.isascii() and serial.isdigit()):
        found.errors.append(f"案件编号只能由阿拉伯数字组成：“{serial}”含有其他字符")
    elif int(serial) == 0:
        found.errors.append("案件编号不能为0：编号从1起按收案顺序编排（法〔2015〕137号第十条）")
    else:
        sequence = int(serial)
        if serial.startswith("0") and not (case_type and case_type.code == "刑核"):
            found.notices.append(f"提示：案件编号“{serial}”带前导零，法院印制的案号一般不带")
        if len(serial.lstrip("0")) > 7 and not (case_type and case_type.code == "刑核"):
            found.notices.append(
                f"提示：案件编号“{serial}”超过7位数，即一个法院一年收案上千万件，不合常理，请重点核实"
            )
        if case_type and case_type.code == "刑核" and len(serial) != 8:
            found.notices.append("提示：刑事复核案件的编号为8位数字（法〔2015〕137号第十条第二款）")

    if not parsed["hao"]:
        found.errors.append("缺少结尾的“号”字")
    suffix: str | None = None
    if rest:
        if _SUFFIX.fullmatch(rest):
            suffix = rest
        elif rest.startswith("之"):
            found.errors.append(f"后缀“{rest}”格式不正确，应为“之一”“之二”等")
        else:
            found.errors.append(f"“号”字之后有多余内容：“{rest}”")

    return _result(
        cleaned,
        found,
        year=year,
        court_code=court_code,
        court_name=court_name,
        court_known=court_known,
        special_code=special_code,
        case_type=case_type,
        sequence=sequence,
        suffix=suffix,
    )
