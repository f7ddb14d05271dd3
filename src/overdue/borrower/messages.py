"""Is this collection message lawful? A catalogue of rules (data) and a matcher (code).

The rules live in ``data/message_rules.yaml``: each has a code, patterns, the verdict it
contributes (lawful note / abusive / fraud), plain-Chinese text and its legal basis with the
verification status from reference/legal.md. :func:`lint` takes any catalogue and any text —
nothing in it is borrower-specific — so the lender side can lint its own templates with the
same catalogue (a case number in the text is checked with the generic
:func:`overdue.rules.caseno.check_case_number`). :func:`lint_message` adds the verdict, an
explanation of any case number and the borrower's advice.

Matching runs on a normalised text so that the usual evasions read as plain words::

    "立 案"  "立-案"  "立🔥案"  "lian"  -> 立案
    "傳票"  "传漂"                   -> 传票
    "珐院"  "fa yuan"  "發院"         -> 法院

Before matching, warning clauses are left out: a lender's anti-fraud notice quotes the scam
words it warns against ("我司不会要求您转账至个人账户", "近期有不法分子冒充我司，以“征信修复”
等名义实施诈骗"). The catalogue's ``warning_context`` says which clauses deny or advise against a
conduct (``cues``), which sentences frame what they quote as a scam (``sentence_cues``), and which
clauses are kept all the same because they give a payment directive (``unless``: "谨防诈骗，请转入
以下账户" stays a directive; so does a threat addressed to the reader). ``unless`` patterns of
the rules see the whole text, or only the matched sentence for a rule with
``unless_scope: sentence``.

Worked example: "您已逾期10天，明天将正式被列入失信被执行人名单" (10:00) fires
IMPOSSIBLE_TIMELINE (明天 near 失信; 逾期10天 < 30 with 失信 would fire it too), so the verdict
is abusive; the same text at 23:15 also fires QUIET_HOURS (22:00-08:00, a policy default).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from overdue.borrower.caseno import explain_case_number, find_case_number, find_case_numbers
from overdue.errors import InputError
from overdue.rules.caseno import CaseNumberCheck, check_case_number

__all__ = [
    "Catalogue",
    "Flag",
    "MessageVerdict",
    "Rule",
    "Verdict",
    "lint",
    "lint_message",
    "load_catalogue",
    "normalize",
    "verdict_of",
]

_SEVERITY_ORDER = ("info", "low", "medium", "high", "critical")
_KEEP = frozenset("()【】")


class Verdict(StrEnum):
    LAWFUL = "lawful"
    ABUSIVE = "abusive"
    FRAUD = "fraud"

    @property
    def zh(self) -> str:
        return {"lawful": "未发现违法", "abusive": "违规催收", "fraud": "疑似诈骗"}[self.value]


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    text: str  # plain Chinese: what is wrong and why
    basis: str  # legal basis with its verification status
    verdict: Verdict  # what this flag alone makes of the message
    severity: str
    matched: str  # the normalised words that triggered it ("" for time rules)


@dataclass(frozen=True, slots=True)
class _Near:
    a: re.Pattern[str]
    b: re.Pattern[str]
    within: int


@dataclass(frozen=True, slots=True)
class _TimeWindow:
    start: dt.time
    end: dt.time
    zone: ZoneInfo

    def contains(self, at: dt.datetime) -> bool:
        local = at.astimezone(self.zone).time() if at.tzinfo is not None else at.time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # wraps past midnight


@dataclass(frozen=True, slots=True)
class _Clause:
    any: re.Pattern[str] | None
    any_raw: re.Pattern[str] | None  # on the text before spaces and punctuation are removed
    near: _Near | None
    number: tuple[re.Pattern[str], int] | None
    time: _TimeWindow | None
    # "invalid": some case number in the text fails validation; "none_valid": no case number
    # in the text passes it; "none_valid_enforcement": none that passes it is an enforcement
    # case (执…): only in enforcement is a debtor listed as 失信 or enforced against (a freeze
    # can also be a preservation in a pending suit, under a 民初 or 财保 number)
    case_number: str | None = None


@dataclass(frozen=True, slots=True)
class _Texts:
    original: str
    raw: str  # NFKC, lower case, characters mapped (warning clauses left out)
    norm: str  # and squeezed: what ``any`` / ``near`` / ``number_below`` see
    full: str  # ``norm`` with the warning clauses kept: what ``unless`` sees


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    verdict: Verdict
    severity: str
    text: str
    basis: str
    status: str
    when: tuple[_Clause, ...]
    unless: tuple[re.Pattern[str], ...]
    # "text": the rule reads the whole message, and ``unless`` anywhere cancels it;
    # "sentence": the rule reads sentence by sentence, and ``unless`` cancels it only in the
    # sentence it matched in (a reassurance elsewhere does not excuse a threat)
    unless_scope: str = "text"


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: str
    rules: tuple[Rule, ...]
    chars: dict[str, str]
    tokens: tuple[tuple[str, str], ...]  # longest first
    advice: dict[Verdict, tuple[str, ...]]
    # a clause that warns against a conduct (不会要求, 请勿 …) is not read as that conduct, nor a
    # sentence that frames what it quotes as a scam (不法分子冒充我司, 均为诈骗 …), except for
    # any clause in it that gives a payment directive of its own
    warning: re.Pattern[str] | None = None
    warning_sentence: re.Pattern[str] | None = None
    warning_unless: re.Pattern[str] | None = None
    # a clause that threatens the reader is kept too, unless the threat is a framed quotation
    # (以“明天就来抓你”等话术, “…”之类的说法)
    warning_threats: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class MessageVerdict:
    verdict: Verdict
    flags: tuple[Flag, ...]
    advice: tuple[str, ...]
    summary: str
    lines: tuple[str, ...]
    received_at: dt.datetime | None
    as_of: dt.date

    def to_json(self) -> dict[str, Any]:
        """``{"verdict", "flags": [{"code", "text", "basis"}], ...}`` — the first two keys fixed."""
        return {
            "verdict": self.verdict.value,
            "flags": [{"code": f.code, "text": f.text, "basis": f.basis} for f in self.flags],
            "advice": list(self.advice),
            "summary": self.summary,
            "lines": list(self.lines),
            "received_at": None if self.received_at is None else self.received_at.isoformat(),
            "as_of": self.as_of.isoformat(),
        }


# ---------------------------------------------------------------- loading


def _compile(pattern: Any, field: str) -> re.Pattern[str]:
    if isinstance(pattern, list):
        pattern = "|".join(f"(?:{p})" for p in pattern)
    if not isinstance(pattern, str) or not pattern:
        raise InputError(field, "expected a pattern or a list of patterns")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise InputError(field, f"not a valid regular expression: {exc}") from exc


def _clock(text: Any, field: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(text))
    except ValueError as exc:
        raise InputError(field, f"not a time HH:MM: {text!r}") from exc


def _clause(raw: Any, field: str) -> _Clause:
    if not isinstance(raw, dict) or not raw:
        raise InputError(
            field, "expected a mapping with any/any_raw/near/number_below/time_between"
        )
    unknown = set(raw) - {"any", "any_raw", "near", "number_below", "time_between", "case_number"}
    if unknown:
        raise InputError(field, f"unknown keys {sorted(unknown)}")
    near = None
    if "near" in raw:
        n = raw["near"]
        near = _Near(_compile(n["a"], f"{field}.near.a"), _compile(n["b"], f"{field}.near.b"),
                     int(n.get("within", 20)))  # fmt: skip
    number = None
    if "number_below" in raw:
        nb = raw["number_below"]
        number = (_compile(nb["pattern"], f"{field}.number_below.pattern"), int(nb["below"]))
    window = None
    if "time_between" in raw:
        tb = raw["time_between"]
        window = _TimeWindow(
            _clock(tb["from"], f"{field}.time_between.from"),
            _clock(tb["to"], f"{field}.time_between.to"),
            ZoneInfo(str(tb.get("timezone", "Asia/Shanghai"))),
        )
    pattern = _compile(raw["any"], f"{field}.any") if "any" in raw else None
    raw_pattern = _compile(raw["any_raw"], f"{field}.any_raw") if "any_raw" in raw else None
    case_number = raw.get("case_number")
    if case_number is not None and case_number not in _CASE_NUMBER_CHECKS:
        raise InputError(f"{field}.case_number", f"one of {sorted(_CASE_NUMBER_CHECKS)}")
    return _Clause(pattern, raw_pattern, near, number, window, case_number)


def _rule(raw: Any, i: int) -> Rule:
    field = f"rules[{i}]"
    if not isinstance(raw, dict):
        raise InputError(field, "expected a mapping")
    for key in ("code", "verdict", "severity", "text", "basis", "status", "when"):
        if key not in raw:
            raise InputError(f"{field}.{key}", "missing required field")
    try:
        verdict = Verdict(raw["verdict"])
    except ValueError as exc:
        raise InputError(
            f"{field}.verdict", f"must be lawful, abusive or fraud: {raw['verdict']!r}"
        ) from exc
    if raw["severity"] not in _SEVERITY_ORDER:
        raise InputError(f"{field}.severity", f"must be one of {', '.join(_SEVERITY_ORDER)}")
    when = raw["when"]
    if not isinstance(when, list) or not when:
        raise InputError(f"{field}.when", "expected a non-empty list of clauses")
    unless = raw.get("unless", [])
    scope = raw.get("unless_scope", "text")
    if scope not in ("text", "sentence"):
        raise InputError(f"{field}.unless_scope", f"must be text or sentence: {scope!r}")
    return Rule(
        code=str(raw["code"]),
        verdict=verdict,
        severity=str(raw["severity"]),
        text=str(raw["text"]).strip(),
        basis=str(raw["basis"]).strip(),
        status=str(raw["status"]),
        when=tuple(_clause(c, f"{field}.when[{j}]") for j, c in enumerate(when)),
        unless=tuple(_compile(p, f"{field}.unless[{j}]") for j, p in enumerate(unless)),
        unless_scope=scope,
    )


def _parse_catalogue(data: Any) -> Catalogue:
    if not isinstance(data, dict) or "rules" not in data:
        raise InputError("rules", "the catalogue has no rules")
    norm = data.get("normalize", {}) or {}
    chars = {str(k): str(v) for k, v in (norm.get("chars", {}) or {}).items()}
    tokens = sorted(
        ((str(k).lower(), str(v)) for k, v in (norm.get("tokens", {}) or {}).items()),
        key=lambda kv: -len(kv[0]),
    )
    rules = tuple(_rule(r, i) for i, r in enumerate(data["rules"]))
    codes = [r.code for r in rules]
    if len(set(codes)) != len(codes):
        raise InputError("rules", "duplicate rule codes")
    advice = {
        Verdict(k): tuple(str(line) for line in v)
        for k, v in (data.get("advice", {}) or {}).items()
    }
    warning = data.get("warning_context", {}) or {}
    if not isinstance(warning, dict):
        raise InputError("warning_context", "expected a mapping with cues/sentence_cues/unless")
    unknown = set(warning) - {"cues", "sentence_cues", "unless", "threats"}
    if unknown:
        raise InputError("warning_context", f"unknown keys {sorted(unknown)}")
    patterns = {
        key: _compile(warning[key], f"warning_context.{key}") if key in warning else None
        for key in ("cues", "sentence_cues", "unless", "threats")
    }
    return Catalogue(
        str(data.get("version", "")),
        rules,
        chars,
        tuple(tokens),
        advice,
        patterns["cues"],
        patterns["sentence_cues"],
        patterns["unless"],
        patterns["threats"],
    )


@cache
def _default_catalogue() -> Catalogue:
    text = (
        resources.files("overdue.borrower").joinpath("data/message_rules.yaml").read_text("utf-8")
    )
    return _parse_catalogue(yaml.safe_load(text))


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The packaged catalogue, or an operator's edited copy at ``path``."""
    if path is None:
        return _default_catalogue()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError("catalogue", f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError("catalogue", f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except yaml.YAMLError as exc:  # (its text spans lines: one line here)
        raise InputError(
            "catalogue", f"{path}: not valid YAML ({' '.join(str(exc).split())})"
        ) from exc
    return _parse_catalogue(data)


# ---------------------------------------------------------------- matching


def _mapped(catalogue: Catalogue, text: str) -> str:
    """NFKC, lower case, characters mapped: what ``any_raw`` patterns see."""
    return "".join(
        catalogue.chars.get(ch, ch) for ch in unicodedata.normalize("NFKC", text).lower()
    )


def normalize(catalogue: Catalogue, text: str) -> str:
    """The text the patterns see: NFKC, lower case, characters and tokens mapped, and every
    space, punctuation mark and symbol removed (brackets kept for case numbers)."""
    mapped = _mapped(catalogue, text)
    kept = "".join(ch for ch in mapped if ch in _KEEP or unicodedata.category(ch)[0] in ("L", "N"))
    for token, replacement in catalogue.tokens:
        kept = kept.replace(token, replacement)
    return kept


# Sentence ends and line breaks; clause ends add semicolons and commas (not in 3,000).
_SENTENCE_ENDS = r"[。！？!?\n]"
_SENTENCE_END = re.compile(f"({_SENTENCE_ENDS})")  # (splits keeping the ends)
_SENTENCE_SPLIT = re.compile(_SENTENCE_ENDS)
_CLAUSE_END = re.compile(r"([；;，]|,(?!\d{3}))")


# A quotation framed as one: followed by 等, 之类, 的说法, 恐吓 …
_FRAMED_QUOTE = re.compile(
    r"(?:“[^”]*”|「[^」]*」|『[^』]*』|‘[^’]*’|\"[^\"]*\")"
    r"(?=\s*(?:等|之类|这类|一类|这样的|的说法|的话术|话术|说法|恐吓|威胁|吓唬))"
)


def _without_warnings(catalogue: Catalogue, text: str) -> str:
    """``text`` without its warning clauses and sentences: "我司不会要求您转账至个人账户" and
    "近期有不法分子冒充我司，以“征信修复”等名义实施诈骗" quote the conduct they warn against.
    A clause that gives a payment directive ("请转入…") is always kept."""
    if catalogue.warning is None and catalogue.warning_sentence is None:
        return text

    def found(pattern: re.Pattern[str] | None, norm: str) -> bool:
        return pattern is not None and pattern.search(norm) is not None

    kept = []
    for sentence in _SENTENCE_END.split(text):
        whole = found(catalogue.warning_sentence, normalize(catalogue, sentence))
        for clause in _CLAUSE_END.split(sentence):
            norm = normalize(catalogue, clause)
            warns = whole or found(catalogue.warning, norm)
            # a threat the warning frames as a quotation ("以“明天就来抓你”等话术") is not one
            own = normalize(catalogue, _FRAMED_QUOTE.sub("", clause))
            if (
                not warns
                or found(catalogue.warning_unless, norm)
                or found(catalogue.warning_threats, own)
            ):
                kept.append(clause)
    return "".join(kept)


def _near(near: _Near, text: str) -> str | None:
    for a in near.a.finditer(text):
        for b in near.b.finditer(text):
            gap = b.start() - a.end() if b.start() >= a.end() else a.start() - b.end()
            if gap <= near.within:
                start, end = min(a.start(), b.start()), max(a.end(), b.end())
                return text[start:end]
    return None


_CASE_NUMBER_CHECKS = frozenset({"invalid", "none_valid", "none_valid_enforcement"})


def _case_number_holds(check: str, text: str, as_of: dt.date | None) -> str | None:
    """What a clause's ``case_number`` check found in ``text`` ("" when it holds by what is
    absent), or None when it does not hold. Without ``as_of`` numbers are not validated: none
    is invalid, and each one found counts as valid."""
    numbers = find_case_numbers(text)
    checks = {n: check_case_number(n, as_of) for n in numbers} if as_of is not None else {}
    if check == "invalid":
        return next((n for n, c in checks.items() if not c.valid), None)
    valid = [n for n in numbers if n not in checks or checks[n].valid]
    if check == "none_valid":
        return None if valid else ""
    enforcement = [n for n in valid if _is_enforcement(n, checks.get(n))]
    return None if enforcement else ""


def _is_enforcement(number: str, check: CaseNumberCheck | None) -> bool:
    """An enforcement case (执, 执恢, 执保 …): by its type code when validated, else by the
    characters before its serial number."""
    if check is not None:
        return bool(check.type_code and check.type_code.startswith("执"))
    return re.search(r"执[^\d]{0,3}\d+号", number) is not None


def _clause_holds(
    clause: _Clause, texts: _Texts, received_at: dt.datetime | None, as_of: dt.date | None
) -> str | None:
    """The matched words when every part of the clause holds, else None."""
    text = texts.norm
    matched: list[str] = []
    if clause.time is not None and (received_at is None or not clause.time.contains(received_at)):
        return None
    if clause.case_number is not None:
        found_number = _case_number_holds(clause.case_number, texts.original, as_of)
        if found_number is None:
            return None
        if found_number:
            matched.append(found_number)
    if clause.any_raw is not None:
        found = clause.any_raw.search(texts.raw)
        if found is None:
            return None
        matched.append(found.group(0))
    if clause.any is not None:
        found = clause.any.search(text)
        if found is None:
            return None
        matched.append(found.group(0))
    if clause.near is not None:
        span = _near(clause.near, text)
        if span is None:
            return None
        matched.append(span)
    if clause.number is not None:
        pattern, below = clause.number
        found = pattern.search(text)
        if found is None or int(found.group(1)) >= below:
            return None
        matched.append(found.group(0))
    return "；".join(dict.fromkeys(matched))


def lint(
    catalogue: Catalogue,
    text: str,
    received_at: dt.datetime | None = None,
    as_of: dt.date | None = None,
) -> tuple[Flag, ...]:
    """Every rule of ``catalogue`` that ``text`` (received at ``received_at``) triggers.

    ``as_of`` dates the case-number check (a year after it is invalid); it defaults to the
    day of ``received_at``; with neither, case numbers are not checked.
    """
    if as_of is None and received_at is not None:
        as_of = received_at.date()
    whole: tuple[_Texts, ...] = (_texts(catalogue, text),)
    sentences: tuple[_Texts, ...] | None = None
    flags = []
    for rule in catalogue.rules:
        parts = whole
        if rule.unless_scope == "sentence" and rule.unless:
            if sentences is None:
                sentences = tuple(
                    _texts(catalogue, s) for s in _SENTENCE_SPLIT.split(text) if s.strip()
                )
            parts = sentences
        matched = next(
            (
                m
                for texts in parts
                if not any(p.search(texts.full) for p in rule.unless)
                for clause in rule.when
                if (m := _clause_holds(clause, texts, received_at, as_of)) is not None
            ),
            None,
        )
        if matched is not None:
            flags.append(
                Flag(
                    rule.code,
                    rule.text,
                    _with_status(rule),
                    rule.verdict,
                    rule.severity,
                    matched,
                )
            )
    return tuple(flags)


def _with_status(rule: Rule) -> str:
    """The rule's basis and its verification status, once: a basis whose last bracket already
    states that status ("…（SECONDARY）", "…（UNVERIFIED：…）") is not given it again."""
    tail = rule.basis[rule.basis.rfind("（") :] if rule.basis.endswith("）") else ""
    if re.search(rf"(?<![A-Z]){rule.status}(?![A-Z])", tail):
        return rule.basis
    return f"{rule.basis}（核实状态：{rule.status}）"


def _texts(catalogue: Catalogue, text: str) -> _Texts:
    unwarned = _without_warnings(catalogue, text)
    return _Texts(
        text,
        _mapped(catalogue, unwarned),
        normalize(catalogue, unwarned),
        normalize(catalogue, text),
    )


def verdict_of(flags: tuple[Flag, ...]) -> Verdict:
    """The most serious verdict among the flags: fraud > abusive > lawful."""
    order = list(Verdict)
    return max((f.verdict for f in flags), key=order.index, default=Verdict.LAWFUL)


def lint_message(
    text: str,
    received_at: dt.datetime | None,
    as_of: dt.date,
    catalogue: Catalogue | None = None,
) -> MessageVerdict:
    """Lint one received collection message and say what to do about it."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("text", "消息内容为空")
    if received_at is not None and received_at.date() > as_of + dt.timedelta(days=1):
        raise InputError("received_at", f"收到时间 {received_at.isoformat()} 晚于查询日期 {as_of}")
    cat = catalogue or load_catalogue()
    flags = lint(cat, text, received_at, as_of)
    verdict = verdict_of(flags)
    serious = [f for f in flags if f.verdict is not Verdict.LAWFUL]
    if verdict is Verdict.FRAUD:
        summary = "结论：疑似诈骗。不要转账、不要提供验证码，请报警。"
    elif verdict is Verdict.ABUSIVE:
        summary = f"结论：违规催收（发现{len(serious)}处问题）。可以保留证据并投诉。"
    else:
        summary = "结论：这条消息本身未发现违法催收的迹象。"
    lines = [summary]
    if find_case_number(text) is not None:
        explained = explain_case_number(text, as_of)
        lines.extend(f"消息中的案号：{e.summary}" for e in (explained, *explained.others))
    numbered = iter(range(1, len(flags) + 1))
    for f in flags:  # the codes stay in the JSON; a reader sees problems numbered, notes as such
        label = "提示" if f.verdict is Verdict.LAWFUL else f"问题{next(numbered)}"
        lines.append(f"{label}：{f.text}")
        lines.append(f"    依据：{f.basis}")
    advice = cat.advice.get(verdict, ())
    lines.append("建议：")
    lines.extend(f"  · {a}" for a in advice)
    return MessageVerdict(verdict, flags, advice, summary, tuple(lines), received_at, as_of)
