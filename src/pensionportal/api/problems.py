"""Problem documents (RFC 9457): every refusal of the API is JSON with `type`, `title`,
`status`, `detail` and, where one field is at fault, `field`. `detail` uses the same words
as the portal's pages (they come from the same actions)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"

TITLES = {
    400: "The request is not valid",
    401: "Authentication is needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    413: "The upload is too large",
    415: "Unsupported media type",
    422: "The file was not accepted",
    429: "Too many requests",
    500: "Something went wrong on our side",
    503: "Temporarily unavailable",
}

KINDS = {
    400: "invalid-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "too-large",
    415: "unsupported-media-type",
    422: "refused",
    429: "rate-limited",
    500: "server-error",
    503: "unavailable",
}


class FieldError(Schema):
    field: str
    detail: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
    errors: list[FieldError] | None = None


class ApiProblem(Exception):
    """Raised anywhere in an operation to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        field: str | None = None,
        kind: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
        self.kind = kind or KINDS.get(status, "problem")
        self.title = title or TITLES.get(status, "Problem")
        self.headers = headers or {}
        self.errors = errors


def document(problem: ApiProblem) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.kind,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.field:
        body["field"] = problem.field
    if problem.errors:
        body["errors"] = problem.errors
    return body


def response(problem: ApiProblem) -> HttpResponse:
    answer = HttpResponse(
        json.dumps(document(problem)), status=problem.status, content_type=CONTENT_TYPE
    )
    for name, value in problem.headers.items():
        answer[name] = value
    answer["Cache-Control"] = "no-store"
    return answer


def too_large(request: HttpRequest, limit_text: str) -> HttpResponse:
    """The body-limit middleware's answer for the API, before a byte is read."""
    return response(
        ApiProblem(
            413,
            f"The request is larger than the {limit_text} this operation accepts; nothing "
            "was stored. Pension data files are limited to the size shown on the Pension "
            "data page.",
            field="file",
        )
    )


# Declared on every operation, so that the schema says what a refusal looks like.
def responses(*statuses: int) -> dict[int, type[Problem]]:
    return {status: Problem for status in statuses}


COMMON = (400, 401, 403, 404, 429)


def bad_request(request: HttpRequest, detail: str) -> HttpResponse:
    """The portal middleware's refusal of an address (core/middleware.py), for the API."""
    return response(ApiProblem(400, detail))
