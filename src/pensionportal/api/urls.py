"""`/api/v1/`: the operations (django-ninja), the token endpoint and the reference page.

Each operation's view is wrapped once here: the call is audited (client, endpoint, object,
answer) after it has answered, the upload operation carries the file policy (so the body
limit middleware caps it before a byte is read), and every API view answers an over-size
body with a problem document instead of the 413 page."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.urls import URLPattern, path, re_path

from pensionportal.audit.record import record

from . import views
from .api import api
from .problems import CONTENT_TYPE, ApiProblem, bad_request, response, too_large
from .routes.submissions import POLICY

UPLOAD_URL_NAMES = {"submissions_create"}


def _audited(view: Callable[..., HttpResponseBase], route: str) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        answer = view(request, *args, **kwargs)
        if answer.status_code == 405 and answer.get("Content-Type") != CONTENT_TYPE:
            allowed = answer.get("Allow", "")
            answer = response(ApiProblem(405, f"This operation answers {allowed} only."))
            answer["Allow"] = allowed
        caller = getattr(request, "caller", None)
        if caller is not None:
            record(
                "api.call",
                request=request,
                actor=caller.client.account,
                organization=caller.client.organization,
                target=str(getattr(request, "api_object", "")),
                details={
                    "client": caller.client.client_id,
                    "endpoint": f"{request.method} /api/v1/{route}",
                    "status": answer.status_code,
                },
            )
        decision = getattr(request, "rate_decision", None)
        if decision is not None:
            answer["RateLimit-Limit"] = str(decision.limit)
            answer["RateLimit-Remaining"] = str(decision.remaining)
            answer["RateLimit-Reset"] = str(decision.retry_after)
        return answer

    wrapper.answer_too_large = too_large  # type: ignore[attr-defined]
    return wrapper


def _patterns() -> list[Any]:
    patterns, _app_name, _namespace = api.urls
    # Operations on one path share one view, and the first pattern of a path is the one
    # Django resolves: the policy goes on every pattern of the upload's path.
    upload_routes = {
        str(p.pattern) for p in patterns if isinstance(p, URLPattern) and p.name in UPLOAD_URL_NAMES
    }
    wrapped = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name == "api-root":
            pattern.callback = views.unknown  # ninja's root page shows its docs, which are off
        elif isinstance(pattern, URLPattern):
            route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
            callback = _audited(pattern.callback, route)
            if str(pattern.pattern) in upload_routes:
                callback.upload_policy = POLICY  # type: ignore[attr-defined]
            pattern.callback = callback
        wrapped.append(pattern)
    return wrapped


app_name = "api"
urlpatterns = [
    path("oauth/token", views.token, name="token"),
    path("reference/", views.reference_page, name="reference"),
    *_patterns(),
    re_path(r"^.*$", views.unknown, name="unknown"),
]
# An address the portal refuses before any view runs (core/middleware.py) is refused with
# a problem document on every API path, the token endpoint and unknown paths included.
for _pattern in urlpatterns:
    if _pattern.name != "reference":
        _pattern.callback.answer_bad_request = bad_request
