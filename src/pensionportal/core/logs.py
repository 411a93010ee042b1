"""Structured logs: one JSON object a line in production, with the request id, the user id
and the organization id of the request or task that wrote it.

Nothing here logs a request body, and the portal logs no SIN, message body or file name
(a SIN can be in a file name): tests/conftest.py scans the log of every full test run for a
SIN and fails the run if it finds one. The formatters' redaction is a second line of defence in
production: any nine digits that look like a SIN in a line are replaced (JsonFormatter,
PlainFormatter).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "portal_log_context", default=None
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Nine digits, with or without the usual spaces or dashes, not part of a longer number.
SIN_LIKE = re.compile(r"(?<![\w])\d{3}[ -]?\d{3}[ -]?\d{3}(?![\w])")


def bind(**values: Any) -> None:
    """Add fields (e.g. organization_id) to every log line of the current request/task."""
    current = dict(_context.get() or {})
    current.update({key: value for key, value in values.items() if value is not None})
    _context.set(current)


def current() -> dict[str, Any]:
    return dict(_context.get() or {})


def clear() -> None:
    _context.set(None)


class ContextFilter(logging.Filter):
    """Puts the request/task fields on every record (as attributes)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.portal_context = current()
        return True


# Paths that hold a credential (an invitation's token, a password-reset or e-mail
# confirmation key, a member's form-signing link): logs show the path without it (issue 17,
# finding 6).
TOKEN_PATH = re.compile(
    r"(/invitation/|/accounts/password/reset/key/|/accounts/confirm-email/|/forms/sign/)"
    r"(?!set-password/)[^/\s?\"']+/?"
)


def redact_paths(text: str) -> str:
    return TOKEN_PATH.sub(r"\1[token]/", text)


def redact(text: str) -> str:
    return redact_paths(SIN_LIKE.sub("[nine digits removed]", text))


class JsonFormatter(logging.Formatter):
    """One JSON object a line. `redact` (on in production) replaces anything that looks
    like a SIN; it is a formatter's job, not a filter's, so that it changes this handler's
    output only, never the record other handlers see."""

    def __init__(self, *args: Any, redact: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(message) if self.redact else message,
        }
        entry.update(getattr(record, "portal_context", None) or current())
        if record.exc_info:
            trace = self.formatException(record.exc_info)
            entry["exception"] = redact(trace) if self.redact else trace
        return json.dumps(entry, default=str)


class PlainFormatter(logging.Formatter):
    """The development console's lines, redacted like the JSON ones."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RequestContextMiddleware:
    """Gives each request an id (the caller's X-Request-ID when it is well formed, else a
    new one), returned in the response's X-Request-ID, and binds the user; the audit
    trail's `record` binds the organization an action is about."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = _context.set({"request_id": request_id})
        try:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                bind(user_id=user.pk)
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            return response
        finally:
            _context.reset(token)


def task_context(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """django-tasks' task_started: each task's log lines carry its id and name."""
    clear()
    bind(task_id=str(task_result.id), task=task_result.task.name)


def task_done(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """django-tasks' task_finished: lines between tasks carry no task's fields."""
    clear()


# A refusal the portal meant (403 for a section the user's roles do not allow, 404 for
# another organization's object) is logged as one line, without the traceback Django
# attaches, so real faults stand out (issue 15, item 11).
EXPECTED = frozenset({400, 403, 404, 405})


class ExpectedRefusalFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in EXPECTED:
            record.exc_info = None
            record.exc_text = None
        return True
