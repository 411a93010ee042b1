"""A view wrapper for uploads parsed by the encrypting handler (`upload_handler.py`), shared
by File Upload and by the Pension data page.

Sign-in and section checks come first (before a byte is read), then a Content-Length over
the limits is refused up front, then the CSRF check (which parses the body through the
handler), then the wrapped view; whatever it does not claim is purged. Django's docs,
"Modifying upload handlers on the fly": csrf_exempt outside, csrf_protect inside.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .conf import FORM_OVERHEAD
from .upload_handler import EncryptingUploadHandler

Handle = Callable[[HttpRequest, EncryptingUploadHandler], HttpResponse]


@dataclass(frozen=True)
class UploadRules:
    authorize: Callable[[HttpRequest], object]  # raises PermissionDenied when refused
    refuse: Callable[[HttpRequest, str], HttpResponse]
    redirect_on_get: str  # URL name
    max_size: Callable[[], int]
    max_files: Callable[[], int]
    extensions: frozenset[str] | None


def encrypting_upload_view(
    handle: Handle, rules: UploadRules
) -> Callable[[HttpRequest], HttpResponseBase]:
    protected = csrf_protect(handle)

    @csrf_exempt
    def view(request: HttpRequest) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        rules.authorize(request)
        if request.method != "POST":
            return redirect(rules.redirect_on_get)
        max_size, max_files = rules.max_size(), rules.max_files()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_size * max_files + FORM_OVERHEAD:
            return rules.refuse(
                request,
                f"too large: the upload is bigger than {max_files} "
                f"file{'s' if max_files != 1 else ''} of {max_size // (1024 * 1024)} MB. "
                "Nothing was stored.",
            )
        handler = EncryptingUploadHandler(
            max_size=max_size, max_files=max_files, allowed_extensions=rules.extensions
        )
        request.upload_handlers = [handler]
        try:
            return protected(request, handler)
        except (MultiPartParserError, SuspiciousOperation):
            return rules.refuse(
                request, "The upload could not be read; nothing was stored. Try again."
            )
        finally:
            handler.discard_unclaimed()

    return view
