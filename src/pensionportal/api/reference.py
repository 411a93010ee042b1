"""The API reference page, rendered on the server from the OpenAPI schema itself (no
script, no CDN): every operation with its scope, parameters, body and answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str
    where: str = ""


@dataclass
class Answer:
    status: str
    description: str
    media: str
    fields: list[Field] = field(default_factory=list)


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    scopes: list[str]
    parameters: list[Field]
    body_media: str
    body: list[Field]
    answers: list[Answer]


@dataclass
class Section:
    title: str
    operations: list[Operation]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in node and seen < 10:
        parts = node["$ref"].lstrip("#/").split("/")
        target: Any = schema
        for part in parts:
            target = target[part]
        node = target
        seen += 1
    return node


def type_name(schema: dict[str, Any], node: dict[str, Any]) -> str:
    node = _resolve(schema, node)
    if "anyOf" in node:
        names = [type_name(schema, option) for option in node["anyOf"]]
        return " or ".join(name for name in names if name != "null") + (
            " (may be null)" if "null" in names else ""
        )
    if "enum" in node:
        return "one of " + ", ".join(str(value) for value in node["enum"])
    kind = node.get("type", "object")
    if kind == "array":
        return "list of " + type_name(schema, node.get("items", {}))
    if kind == "string" and node.get("format"):
        return f"string ({node['format']})"
    if kind == "object" and node.get("title"):
        return str(node["title"])
    return str(kind)


def _fields(schema: dict[str, Any], node: dict[str, Any]) -> list[Field]:
    node = _resolve(schema, node)
    required = set(node.get("required", []))
    found = []
    for name, prop in node.get("properties", {}).items():
        resolved = _resolve(schema, prop)
        found.append(
            Field(
                name,
                type_name(schema, prop),
                name in required,
                str(prop.get("description") or resolved.get("description") or ""),
            )
        )
    return found


def sections(schema: dict[str, Any]) -> list[Section]:
    by_tag: dict[str, list[Operation]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            scopes = [
                scope
                for entry in operation.get("security", [])
                for scope in next(iter(entry.values()), [])
            ]
            parameters = [
                Field(
                    p["name"],
                    type_name(schema, p.get("schema", {})),
                    bool(p.get("required")),
                    str(p.get("description") or p.get("schema", {}).get("description") or ""),
                    p.get("in", ""),
                )
                for p in operation.get("parameters", [])
            ]
            body_media, body = "", []
            content = operation.get("requestBody", {}).get("content", {})
            if content:
                body_media, media = next(iter(content.items()))
                body = _fields(schema, media.get("schema", {}))
            answers = []
            for status, answer in operation.get("responses", {}).items():
                media_type, media_schema = "", {}
                if answer.get("content"):
                    media_type, media = next(iter(answer["content"].items()))
                    media_schema = media.get("schema", {})
                fields = _fields(schema, media_schema) if str(status).startswith("2") else []
                answers.append(
                    Answer(str(status), str(answer.get("description", "")), media_type, fields)
                )
            tag = (operation.get("tags") or ["Other"])[0]
            by_tag.setdefault(tag, []).append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=str(operation.get("operationId", f"{method}-{path}")),
                    summary=str(operation.get("summary", "")),
                    description=str(operation.get("description", "")),
                    scopes=scopes,
                    parameters=parameters,
                    body_media=body_media,
                    body=body,
                    answers=answers,
                )
            )
    return [Section(tag, operations) for tag, operations in by_tag.items()]
