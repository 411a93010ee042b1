"""The answer to an unhandled error (Django's handler500, pensionportal/urls.py).

A database or file storage that is away for a moment answers 503 with a page that says what
happened (nothing was saved; try again soon) instead of 500. An action that completed has
committed already, and what follows it (e-mail, audit sealing, queueing) runs after the
commit and cannot fail it (core/outbox.py, audit/chain.py)."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from pensionportal.files.storage import StorageUnavailable


def unavailable_dependency(error: BaseException | None) -> str | None:
    if isinstance(error, (OperationalError, InterfaceError)):
        return "its database"
    if isinstance(error, (OSError, StorageUnavailable)):
        return "its file storage"
    return None


def server_error(request: HttpRequest) -> HttpResponse:
    what = unavailable_dependency(sys.exc_info()[1])
    # No request context: the context processors would ask the database again.
    if what is None:
        return HttpResponse(render_to_string("500.html"), status=500)
    response = HttpResponse(render_to_string("503.html", {"what": what}), status=503)
    response["Retry-After"] = "30"
    return response
