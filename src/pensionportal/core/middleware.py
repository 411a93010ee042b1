from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Pages shown to a signed-in user hold member data: browsers and proxies keep no copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private"
        return response


class PermissionsPolicyMiddleware:
    """Every response says which browser features the portal's pages may use: none but
    WebAuthn (passkeys) on its own origin (settings.PERMISSIONS_POLICY). The
    Cross-Origin-Opener-Policy comes from Django's SecurityMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


NUL_REFUSAL = (
    "The address holds a character that is not allowed (a NUL character). Nothing was changed."
)


class RefuseNulMiddleware:
    """A NUL character in the path or the query string is refused with a clear 400: no
    page means one, and PostgreSQL cannot store or compare text holding it (a view that
    filters by the value would answer 500). Form bodies are left to the forms (reading
    them here would bypass the upload handlers of files/uploads.py). A view may carry
    `answer_bad_request(request, detail)` to refuse in its own format (the API answers
    with a problem document)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return _refuse(request)
        return self.get_response(request)


def _refuse(request: HttpRequest) -> HttpResponse:
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        view = None
    answer = getattr(view, "answer_bad_request", None)
    if answer is not None:
        response: HttpResponse = answer(request, NUL_REFUSAL)
        return response
    return HttpResponseBadRequest(NUL_REFUSAL, content_type="text/plain; charset=utf-8")
