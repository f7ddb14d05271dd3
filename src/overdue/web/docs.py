"""``/docs``: the JSON API described on one server-rendered page, from the OpenAPI document.

FastAPI's Swagger UI and ReDoc load their scripts and styles from a CDN, which a closed network
cannot reach, so they are off; this page shows the same facts (each endpoint, its request
fields with their Chinese titles, types and whether they are required) with no script at all.
The machine-readable contract stays ``/openapi.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from overdue.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_REF = "#/components/schemas/"


@dataclass(frozen=True, slots=True)
class FieldDoc:
    name: str
    title: str
    kind: str
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class ModelDoc:
    name: str
    fields: tuple[FieldDoc, ...]


@dataclass(frozen=True, slots=True)
class EndpointDoc:
    method: str
    path: str
    summary: str
    description: str
    body: str | None  # the request model's name
    produces: str  # what a 200 carries


def _name(ref: str) -> str:
    return ref.removeprefix(_REF)


def _kind(schema: Mapping[str, Any], components: Mapping[str, Any]) -> str:
    """A short type: ``string (date)``, ``integer``, ``PaymentIn[]``, ``licensed | private``."""
    if "$ref" in schema:
        target = components.get(_name(schema["$ref"]), {})
        if "enum" in target:
            return " | ".join(str(v) for v in target["enum"])
        return _name(schema["$ref"])
    if "anyOf" in schema:
        parts = [_kind(part, components) for part in schema["anyOf"]]
        return " | ".join(p for p in parts if p != "null") + (" | null" if "null" in parts else "")
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return _kind(schema.get("items", {}), components) + "[]"
    if kind == "object" and isinstance(schema.get("additionalProperties"), Mapping):
        keys = schema.get("propertyNames", {})
        key = _kind(keys, components) if keys else "string"
        return f"{{{key}: {_kind(schema['additionalProperties'], components)}}}"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return kind


def _refs(schema: Any) -> set[str]:
    """Every model a schema refers to, however deeply."""
    found: set[str] = set()
    if isinstance(schema, Mapping):
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                found.add(_name(value))
            else:
                found |= _refs(value)
    elif isinstance(schema, list):
        for item in schema:
            found |= _refs(item)
    return found


def _model(name: str, components: Mapping[str, Any]) -> ModelDoc:
    schema = components[name]
    required = set(schema.get("required", ()))
    fields = tuple(
        FieldDoc(
            field,
            str(prop.get("title", "")),
            _kind(prop, components),
            field in required,
            str(prop.get("description", "")),
        )
        for field, prop in schema.get("properties", {}).items()
    )
    return ModelDoc(name, fields)


def describe(spec: Mapping[str, Any]) -> tuple[list[EndpointDoc], list[ModelDoc]]:
    """The endpoints and the request models (with the models they contain) of a spec."""
    components: Mapping[str, Any] = spec.get("components", {}).get("schemas", {})
    endpoints: list[EndpointDoc] = []
    wanted: list[str] = []
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref")
            body = _name(ref) if ref else None
            ok = operation.get("responses", {}).get("200", {})
            produced = ok.get("content", {})
            produces = ", ".join(produced) if produced else str(ok.get("description", ""))
            endpoints.append(
                EndpointDoc(
                    method.upper(),
                    path,
                    str(operation.get("summary", "")),
                    str(operation.get("description", "")),
                    body,
                    produces,
                )
            )
            if body is not None:
                wanted.append(body)
    seen: list[str] = []
    while wanted:
        name = wanted.pop(0)
        if name in seen or name not in components or "properties" not in components[name]:
            continue
        seen.append(name)
        wanted.extend(sorted(_refs(components[name])))
    return endpoints, [_model(name, components) for name in seen]


@router.get("/docs")
def api_docs(request: Request) -> Response:
    spec = request.app.openapi()
    endpoints, models = describe(spec)
    return render(
        request,
        "docs.html",
        {"endpoints": endpoints, "models": models, "title": spec["info"]["title"]},
    )
