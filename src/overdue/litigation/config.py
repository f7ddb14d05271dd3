"""Reading the operator's YAML files (POLICY.yaml, PLAINTIFF.yaml) into validated models.

YAML numbers with a fraction are read as ``Decimal`` from their text (``0.35`` stays exactly
0.35; a float is never made). Unknown keys are errors, so a misspelt option cannot silently fall
back to its default. Every error names the file and the field path (``recovery.rate_by_bucket.M4``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from overdue.errors import InputError

__all__ = ["load_yaml_model", "model_from_data"]

M = TypeVar("M", bound=BaseModel)


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader whose floats are Decimals built from the text as written."""


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    try:
        return Decimal(text.replace("_", ""))
    except InvalidOperation as exc:  # .inf, .nan
        raise yaml.constructor.ConstructorError(
            None, None, f"not a finite number: {text}", node.start_mark
        ) from exc


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def _path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def model_from_data(model: type[M], data: Any, source: str) -> M:
    """Validate ``data`` (parsed YAML) as ``model``; the first problem becomes an InputError."""
    if data is None:
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = _path(tuple(first["loc"]))
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown key (misspelt?)"
        elif first["type"] == "missing":
            message = "required"
        more = len(exc.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise InputError(field, message, source=source) from None


def load_yaml_model(model: type[M], path: Path) -> M:
    """Read ``path`` as YAML and validate it as ``model``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError("file", f"cannot read ({exc.strerror})", source=str(path)) from None
    try:
        data = yaml.load(text, Loader=_DecimalLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError("yaml", f"{where}{problem}", source=str(path)) from None
    return model_from_data(model, data, str(path))
