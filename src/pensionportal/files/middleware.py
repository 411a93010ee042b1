"""Request bodies are capped before they are read (413, in the portal's layout).

The limit for a request, by the URL and the user:
- an upload URL (a view decorated with `@accepts_uploads`): its files' maximum size times how
  many it accepts, plus room for the form (`UploadPolicy.request_limit`), for a signed-in
  user;
- any other request of a signed-in user: `DATA_UPLOAD_MAX_MEMORY_SIZE` (an ordinary form);
- any request without a signed-in user: `PORTAL_ANONYMOUS_BODY_LIMIT` (a few KB: the
  sign-in and password forms are tiny), except on an upload URL whose policy takes bearer
  tokens (the REST API) when the request carries one: the policy's limit.

A view may carry `answer_too_large(request, limit_text)` to answer in its own format (the
API's JSON problem document) instead of the 413 page.

A declared `Content-Length` above the limit is answered at once, without reading the body.
A body without a length (`Transfer-Encoding: chunked`, as gunicorn passes it on) is counted
as it is read and cut at the same limit. Placed right after the authentication middleware:
nothing before it reads the body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from .uploads import UploadPolicy

MB = 1024 * 1024


def anonymous_limit() -> int:
    return int(getattr(settings, "ANONYMOUS_BODY_LIMIT", 8 * 1024))


def _view_for(path: str) -> Callable[..., Any] | None:
    try:
        return resolve(path).func
    except Resolver404:
        return None


def upload_policy_for(path: str) -> UploadPolicy | None:
    return _policy_of(_view_for(path))


def _policy_of(view: Callable[..., Any] | None) -> UploadPolicy | None:
    policy = getattr(view, "upload_policy", None)
    return policy if isinstance(policy, UploadPolicy) else None


def _has_bearer_token(request: HttpRequest) -> bool:
    return str(request.META.get("HTTP_AUTHORIZATION", "")).lower().startswith("bearer ")


def body_limit(request: HttpRequest, view: Callable[..., Any] | None = None) -> int:
    policy = _policy_of(view if view is not None else _view_for(request.path_info))
    if not request.user.is_authenticated:
        if policy is not None and policy.bearer_tokens and _has_bearer_token(request):
            return policy.request_limit()
        return anonymous_limit()
    if policy is not None:
        return policy.request_limit()
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2621440)


class _CountedStream:
    """The raw input of a body without a declared length, cut once `limit` is passed."""

    def __init__(self, raw: BinaryIO, limit: int, request: HttpRequest) -> None:
        self._raw = raw
        self._limit = limit
        self._request = request
        self.read_so_far = 0

    def _count(self, data: bytes) -> bytes:
        self.read_so_far += len(data)
        if self.read_so_far > self._limit:
            self._request.body_cut_at = self._limit  # type: ignore[attr-defined]
            raise RequestDataTooBig("The request body is larger than this page accepts.")
        return data

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._limit + 1 - self.read_so_far
        return self._count(self._raw.read(max(0, min(size, self._limit + 1 - self.read_so_far))))

    def close(self) -> None:
        close = getattr(self._raw, "close", None)
        if close is not None:
            close()

    def readline(self, size: int = -1) -> bytes:
        cap = self._limit + 1 - self.read_so_far
        return self._count(self._raw.readline(cap if size is None or size < 0 else min(size, cap)))


def _too_large(
    request: HttpRequest, limit: int, view: Callable[..., Any] | None = None
) -> HttpResponse:
    answer = getattr(view, "answer_too_large", None)
    if answer is not None:
        response: HttpResponse = answer(request, _size_text(limit))
        return response
    body = render_to_string(
        "413.html",
        {"limit_text": _size_text(limit), "signed_in": request.user.is_authenticated},
        request=request,
    )
    return HttpResponse(body, status=413)


def _size_text(limit: int) -> str:
    if limit >= MB:
        return f"{limit / MB:.0f} MB"
    return f"{max(1, limit // 1024)} KB"


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = _view_for(request.path_info)
        limit = body_limit(request, view)
        raw_length = request.META.get("CONTENT_LENGTH") or ""
        try:
            declared = int(raw_length) if raw_length else None
        except ValueError:
            declared = None
            request.META["CONTENT_LENGTH"] = "0"
        if declared is not None and declared > limit:
            return _too_large(request, limit, view)
        if declared is None and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            raw: Any = request.META.get("wsgi.input")
            if raw is not None:
                request._stream = cast(BinaryIO, _CountedStream(raw, limit, request))
                # Django parses only up to CONTENT_LENGTH: the cap stands in for it (the
                # counted stream ends at the body's real end).
                request.META["CONTENT_LENGTH"] = str(limit)
        response = self.get_response(request)
        if getattr(request, "body_cut_at", None) is not None:
            return _too_large(request, limit, view)
        return response
