"""Input types shared by the JSON API and the HTML forms, and errors in plain Chinese.

One request model per question validates both faces: the API validates the JSON body, a page
validates a dict built from its form (empty boxes dropped). Every problem becomes a
:class:`FieldProblem` naming the field (its dotted path, e.g. ``payments.2.amount``) and saying
in Chinese what is wrong, so a borrower can fix the box and a program can find the key.

Money is :class:`~decimal.Decimal`: the API takes amounts as strings (``"1234.56"``) or whole
numbers; a JSON number with a fraction arrives as a binary float and is refused rather than
rounded behind the borrower's back.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from overdue.dates import WRITTEN_DAY, calendar_coverage_zh
from overdue.errors import CalendarCoverageError, InputError, OverdueError

__all__ = [
    "MAX_AMOUNT",
    "OUT_OF_RANGE",
    "Day",
    "FieldProblem",
    "Moment",
    "Money",
    "PositiveMoney",
    "domain_message",
    "field_label",
    "input_problem",
    "validation_problems",
]

# Larger than any consumer loan by far; keeps arithmetic on hostile input (1E+999999) bounded.
MAX_AMOUNT = Decimal("100000000000")  # 一千亿元
_AMOUNT = re.compile(r"\d+(\.\d{1,2})?")
_AMOUNT_DECORATION = str.maketrans("", "", ",，¥￥元 \u3000")
# A comma that does not group thousands ("1000,50" is not 100,050): digits before it that are
# not 1-3 after the start or a comma, other than three digits after it, nothing or a lone 0
# before it; and a space between digits ("1000 50").
_BAD_GROUPING = re.compile(
    r"\d{4,}[,，]|[,，](?!\d{3}(?:\D|$))|(?<![\d,，])[,，]|(?<![\d,，])0[,，]|\d[ \u3000]+\d"
)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_INDEX = re.compile(r"\[(\d+)\]")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")
_BEIJING = ZoneInfo("Asia/Shanghai")


def _amount(value: Any, *, positive: bool) -> Decimal:
    if isinstance(value, (bool, float)):
        raise PydanticCustomError(
            "money_type", '金额请写成字符串，例如 "1234.56"（带小数的数字会损失精度）'
        )
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, Decimal):
        value = format(value, "f")
    if not isinstance(value, str):
        raise PydanticCustomError("money_type", '应为金额，例如 "1234.56"')
    if _BAD_GROUPING.search(value.strip()):
        raise PydanticCustomError(
            "money_parsing",
            "“{text}”不是金额：数字中间不能有空格，逗号只能用来每三位分隔（如 1,000.50），小数请用小数点",
            {"text": value[:40]},
        )  # fmt: skip
    text = value.translate(_AMOUNT_DECORATION)
    if text.startswith("-"):
        raise PydanticCustomError("money_negative", "金额不能是负数")
    if not text:
        raise PydanticCustomError("money_empty", "请填写金额")
    if not _AMOUNT.fullmatch(text):
        raise PydanticCustomError(
            "money_parsing", "“{text}”不是金额：请只写数字，最多两位小数，例如 1234.56",
            {"text": value[:40]},
        )  # fmt: skip
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise PydanticCustomError("money_parsing", "不是金额") from exc
    if amount > MAX_AMOUNT:
        raise PydanticCustomError("money_too_large", "金额过大（最多一千亿元）")
    if positive and amount == 0:
        raise PydanticCustomError("money_zero", "金额必须大于0")
    return amount


def _nonnegative(value: Any) -> Decimal:
    return _amount(value, positive=False)


def _positive(value: Any) -> Decimal:
    return _amount(value, positive=True)


_MONEY_SCHEMA = WithJsonSchema(
    {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "examples": ["1234.56"]}
)

Money = Annotated[Decimal, BeforeValidator(_nonnegative), _MONEY_SCHEMA]
"""An amount in yuan, zero or more, at most two decimals."""
PositiveMoney = Annotated[Decimal, BeforeValidator(_positive), _MONEY_SCHEMA]
"""An amount in yuan, more than zero, at most two decimals."""


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("day_type", "应为日期，不含时间，例如 2025-01-15")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("day_type", "应为日期，格式为 年-月-日，例如 2025-01-15")
    text = unicodedata.normalize("NFKC", value).strip()
    written = WRITTEN_DAY.fullmatch(text)
    if written:
        year, month, day = written.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}"
    if not _DAY.fullmatch(text):
        raise PydanticCustomError(
            "day_parsing", "“{text}”不是日期：格式应为 年-月-日，例如 2025-01-15",
            {"text": value[:40]},
        )  # fmt: skip
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise PydanticCustomError(
            "day_invalid", "日期“{text}”不存在（请检查月份和日）", {"text": text}
        ) from exc


Day = Annotated[
    dt.date,
    BeforeValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2025-01-15"]}),
]
"""A calendar date written ``YYYY-MM-DD``."""


def _beijing(moment: dt.datetime) -> dt.datetime:
    """A time with an offset as Beijing wall-clock time (what quiet hours are about)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(_BEIJING).replace(tzinfo=None)


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return _beijing(value)
    if not isinstance(value, str):
        raise PydanticCustomError("moment_type", "应为时间，例如 2025-01-15T23:30")
    text = value.strip()
    if not _MOMENT.fullmatch(text):
        raise PydanticCustomError(
            "moment_parsing", "“{text}”不是时间：格式应为 年-月-日T时:分，例如 2025-01-15T23:30",
            {"text": value[:40]},
        )  # fmt: skip
    try:
        return _beijing(dt.datetime.fromisoformat(text.replace(" ", "T")))
    except ValueError as exc:
        raise PydanticCustomError(
            "moment_invalid", "时间“{text}”不存在（请检查日期和钟点）", {"text": text}
        ) from exc


Moment = Annotated[
    dt.datetime,
    BeforeValidator(_moment),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2025-01-15T23:30"]}),
]
"""A Beijing time written ``YYYY-MM-DDTHH:MM``; with an offset (``Z``, ``+08:00``) it is
converted to Beijing time first."""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with the input: the field's path, its Chinese label, what is wrong."""

    field: str
    label: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "label": self.label, "message": self.message}

    @property
    def text(self) -> str:
        return f"{self.label}：{self.message}" if self.label else self.message


# Messages for pydantic's own error types; ``{...}`` are filled from the error's context.
_MESSAGES: Mapping[str, str] = {
    "missing": "必须填写",
    "json_invalid": "不是有效的 JSON：{error}",
    "json_type": "不是有效的 JSON",
    "model_type": "应为 JSON 对象（{{...}}）",
    "model_attributes_type": "应为 JSON 对象（{{...}}）",
    "dict_type": "应为 JSON 对象（{{...}}）",
    "list_type": "应为列表（[...]）",
    "tuple_type": "应为列表（[...]）",
    "string_type": "应为文字（字符串）",
    "string_too_long": "太长了：最多 {max_length} 个字",
    "string_too_short": "太短了：至少 {min_length} 个字",
    "too_long": "太多了：最多 {max_length} 项",
    "too_short": "太少了：至少 {min_length} 项",
    "int_type": "应为整数",
    "int_parsing": "应为整数，例如 12",
    "int_from_float": "应为整数，不能带小数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "greater_than": "必须大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "必须小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "enum": "只能是以下之一：{expected}",
    "literal_error": "只能是以下之一：{expected}",
    "extra_forbidden": "不认识这一项（请检查拼写）",
    "value_error": "{error}",
    "assertion_error": "{error}",
}


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    template = _MESSAGES.get(kind)
    if template is None:
        message = str(error.get("msg", ""))
        # Our own PydanticCustomError messages are Chinese already; pydantic's are English.
        return message if _is_chinese(message) else "格式不正确"
    if kind in ("enum", "literal_error") and "expected" in context:
        context["expected"] = context["expected"].replace(" or ", "、").replace(", ", "、")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _path(loc: Sequence[int | str]) -> tuple[int | str, ...]:
    # FastAPI prefixes body errors with "body"; a page validates its dict directly.
    parts = tuple(part for part in loc if part != "[key]")  # a bad dict key: name the key
    return parts[1:] if parts[:1] == ("body",) else parts


def field_label(model: type[BaseModel] | None, path: Sequence[int | str]) -> str:
    """The Chinese label of a field: its ``title``; list items numbered from 1 (第2笔)."""
    labels: list[str] = []
    current: Any = model
    for part in path:
        if isinstance(part, int):
            labels.append(f"第{part + 1}项")
            continue
        info = None
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
        if info is None:
            # A key the model does not define (a dict's key, an unknown field): quote it.
            labels.append(f"“{part}”" if labels else part)
            current = None
            continue
        labels.append(info.title or part)
        current = _inner_model(info.annotation)
    return "".join(labels) if labels and _is_chinese(labels[0]) else ".".join(labels)


def _inner_model(annotation: Any) -> Any:
    """The model inside ``list[X]``, ``X | None``, ``tuple[X, ...]``; else the annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return None


def validation_problems(
    errors: Iterable[Mapping[str, Any]], model: type[BaseModel] | None = None
) -> list[FieldProblem]:
    """Pydantic (or FastAPI) errors as field problems in Chinese, one per field and message."""
    out: list[FieldProblem] = []
    seen: set[tuple[str, str]] = set()
    for error in errors:
        path = _path(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            path = ()  # the location is a character offset, not a field
        field = ".".join(str(p) for p in path) or "body"
        label = field_label(model, path) if path else "请求内容"
        message = _message(error)
        if (field, message) not in seen:
            seen.add((field, message))
            out.append(FieldProblem(field, label, message))
    return out


def input_problem(exc: InputError, model: type[BaseModel] | None = None) -> FieldProblem:
    """A domain :class:`InputError` as a field problem (the domain names the field)."""
    # The domain writes list items as ``payments[2].amount``; the API as ``payments.2.amount``.
    parts = [p for p in _INDEX.sub(r".\1", exc.field).split(".") if p] if exc.field else []
    path = tuple(int(p) if p.isdigit() else p for p in parts)
    label = field_label(model, path) if path else ""
    return FieldProblem(".".join(parts) or "body", label, exc.message)


OUT_OF_RANGE = "无法计算：结果超出可计算的范围（金额或利率差得太远），请检查输入的金额、日期和利率"


def domain_message(exc: OverdueError) -> str:
    """A domain refusal other than bad input (a date beyond the holiday calendar, a rule not
    yet in force) in Chinese for the borrower."""
    if isinstance(exc, CalendarCoverageError):
        return calendar_coverage_zh()
    return f"无法计算：{exc}"
