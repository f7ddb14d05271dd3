"""Is this case real? A case number (案号) explained in plain Chinese, with how to verify it.

:func:`explain_case_number` takes a bare number or a whole message, finds the number in it,
checks it with :func:`overdue.rules.caseno.check_case_number` and says which court, which kind
of case and which stage it is, and how to check it through official channels. Text with no
case number at all is itself a finding: a court that has docketed a case has given it a number.

Worked example: ``(2024)浙0192民初1779号`` on 2026-11-23 -> 杭州互联网法院, 民初 = a
first-instance civil lawsuit the court has docketed: the defendant receives the complaint copy
and has 15 days to answer (民事诉讼法 Art. 128).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from overdue.borrower._json import to_plain
from overdue.rules.caseno import CaseNumberCheck, case_types, check_case_number

__all__ = [
    "VERIFY_CHANNELS",
    "CaseExplanation",
    "explain_case_number",
    "find_case_number",
    "find_case_numbers",
]

# Official channels (names and addresses as published by the courts; UNVERIFIED in legal.md).
VERIFY_CHANNELS: tuple[str, ...] = (
    "中国裁判文书网（wenshu.court.gov.cn）：按案号查判决书、裁定书（并非所有文书都公开，查不到不等于不存在）",
    "中国执行信息公开网（zxgk.court.gov.cn）：查是否真的有执行案件、是否被列为失信被执行人或限制消费",
    "人民法院在线服务（微信小程序）或12368诉讼服务网：以当事人身份登录查询自己的案件",
    "12368诉讼服务热线：报出案号，询问该法院是否有这个案件",
    "直接打给案号所示法院：电话请从法院官方网站查，不要用催收消息里给的号码",
)

# Spaces inside the number are tolerated ("(2024) 京0105 民初 12345 号"), as the validator does.
# What follows the year must name a kind of case (民, 执, 刑 …) before its 号: "（2024）已逾期
# 请于本月15号前还款" is a bill, while a made-up "（2024）民初字第8823号" is still found (and then
# found invalid).
_KIND_CHARS = "民执刑行赔商知破督"
_PART = r"(?:[^\s，。,;；:：!！?？号]|\s(?=\S))"
_NUMBER = re.compile(
    r"[（(〔\[【]\s*\d{4}\s*[)）〕\]】]\s*"
    rf"(?={_PART}{{0,20}}?[{_KIND_CHARS}]){_PART}{{1,24}}?号(?:之[一二三四五六七八九十]+)?"
)
# A bracketed year: what is given is meant as a case number, even without its 号.
_BRACKETED_YEAR = re.compile(r"[（(〔\[【]\s*\d{4}\s*[)）〕\]】]")
_FILED_TYPES = {"民初", "民终", "民申", "民再", "民撤", "民监", "民抗"}
_PRE_SUIT = {"民诉前调", "诉前调"}


@dataclass(frozen=True, slots=True)
class CaseExplanation:
    given: str  # the text as given ("" when none)
    case_number: str | None  # the number found in it, normalised
    check: CaseNumberCheck | None
    valid: bool
    court: str | None
    stage: str | None  # 一审 / 执行 / 诉前调解 …
    meaning: str | None  # plain Chinese: what this kind of case is
    is_filed_lawsuit: bool  # a court has docketed a suit or an enforcement case
    findings: tuple[str, ...]
    verify: tuple[str, ...]  # how to verify through official channels
    summary: str
    lines: tuple[str, ...]
    as_of: dt.date
    # the other case numbers of the same text (a message may quote the first-instance, the
    # appeal and the enforcement numbers), each explained on its own; empty for one number
    others: tuple[CaseExplanation, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = to_plain(self)
        return data


def find_case_number(text: str) -> str | None:
    """The first thing in ``text`` shaped like a case number, or None."""
    found = _NUMBER.search(text)
    return found.group(0) if found else None


def find_case_numbers(text: str) -> tuple[str, ...]:
    """Everything in ``text`` shaped like a case number, in order, each once (the same number
    written with full-width and half-width brackets or digits counts once)."""
    found: dict[str, str] = {}
    for m in _NUMBER.finditer(text):
        found.setdefault(unicodedata.normalize("NFKC", "".join(m.group(0).split())), m.group(0))
    return tuple(found.values())


def _stage_findings(type_code: str, domain: str) -> tuple[bool, list[str]]:
    if type_code in _PRE_SUIT:
        return False, [
            "这是诉前调解案号：材料已交到法院，但还没有正式立案。调解是自愿的，可以同意也可以拒绝；"
            "调解不成，对方才会正式起诉，那时会有“民初”案号。"
        ]
    if type_code == "民督":
        return True, [
            "这是支付令（督促程序）案件：收到法院发出的支付令后15日内，可以清偿，也可以向法院提出书面异议；"
            "提出异议后支付令失效，案件转入诉讼（民事诉讼法督促程序）。"
        ]
    if type_code.startswith("执"):
        return True, [
            "这是执行案件：说明已经有生效的判决、调解书等，对方已申请法院强制执行。"
            "执行阶段可能查询、冻结、扣划财产，不履行的可能被列为失信被执行人或限制高消费。"
        ]
    if type_code == "民初":
        return True, [
            "这是民事一审案件的案号：案号真实存在，才说明法院已经正式立案。立案后法院会送达起诉状副本，收到后15日内可以答辩"
            "（民事诉讼法第一百二十八条）；判决书送达后15日内可以上诉（小额诉讼一审终审除外）。"
        ]
    if type_code in _FILED_TYPES:
        return True, []
    if domain == "criminal":
        return True, [
            "这是刑事案件的案号，不是借款纠纷。欠款本身是民事纠纷；催收方拿刑事案号说事，十分可疑。"
        ]
    return True, []


def explain_case_number(text: str | None, as_of: dt.date) -> CaseExplanation:
    """Explain the case number in ``text`` (or its absence) for a borrower.

    A text that quotes several numbers gets each explained: the first invalid one (else the
    first) leads, and the others follow in ``others`` and in the lines; the result is valid
    only when every number is."""
    given = (text or "").strip()
    numbers = find_case_numbers(given) if given else ()
    if len(numbers) > 1:
        each = [_explained(given, n, as_of) for n in numbers]
        lead = next((e for e in each if not e.valid), each[0])
        others = tuple(e for e in each if e is not lead)
        extra = [
            line
            for o in others
            for line in (
                f"消息中还有案号：{o.summary}",
                *([f"这类案件是：{o.meaning}"] if o.meaning else []),
                *o.findings,
            )
        ]
        findings = (*lead.findings, *extra)
        lines = (lead.summary, *lead.lines[1 : -len(VERIFY_CHANNELS) - 1], *extra,
                 "核实渠道：", *VERIFY_CHANNELS)  # fmt: skip
        return replace(lead, findings=findings, lines=lines, others=others)
    number = numbers[0] if numbers else None
    looks_like_one = re.search(r"\d+号", given) or _BRACKETED_YEAR.match(given)
    if number is None and given and len(given) <= 30 and looks_like_one:
        number = given  # number-like without brackets or 号: let the validator say why
    if number is None:
        missing = (
            "没有提供案号。法院立案后每个案件都有唯一的案号，起诉状副本和传票由法院正式送达；"
            "只说“已立案”“已起诉”却给不出案号，本身就是可疑信号，多为恐吓。",
            "可以要求对方提供案号和受理法院，再通过下面的官方渠道核实。",
        )
        summary = "没有案号：无法证明已经立案。"
        return CaseExplanation(
            given, None, None, False, None, None, None, False, missing, VERIFY_CHANNELS,
            summary, (summary, *missing, "核实渠道：", *VERIFY_CHANNELS), as_of,
        )  # fmt: skip

    return _explained(given, number, as_of)


def _explained(given: str, number: str, as_of: dt.date) -> CaseExplanation:
    """One case number found in ``given``, explained."""
    check = check_case_number(number, as_of)
    findings: list[str] = []
    stage = meaning = None
    filed = False
    if check.type_code is not None:
        kind = case_types()[check.type_code]
        stage, meaning = kind.stage, kind.plain
        filed, extra = _stage_findings(kind.code, kind.domain)
        if check.valid:
            findings.extend(extra)
    court: str | None
    if check.valid:
        court = check.court_name or f"代字为“{check.court_code}”的法院（名录中没有，需核实）"
        summary = (
            f"案号格式有效：{check.normalized}，{court}，{check.year}年收案，"
            f"{check.type_name or ''}（{stage or ''}）。格式有效不等于案件真实存在，请核实。"
        )
    else:
        court = check.court_name
        summary = f"案号无效：{check.normalized or number}。格式不符合法院案号规则，可能是编造的。"
        filed = False
    findings.extend(check.problems)
    lines = [summary]
    if meaning:
        lines.append(f"这类案件是：{meaning}")
    lines.extend(findings)
    lines.append("核实渠道：")
    lines.extend(VERIFY_CHANNELS)
    return CaseExplanation(
        given, check.normalized or number, check, check.valid, court, stage, meaning, filed,
        tuple(findings), VERIFY_CHANNELS, summary, tuple(lines), as_of,
    )  # fmt: skip
