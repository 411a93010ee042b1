"""MFA is required for staff and employer administrators (issue: Foundation, MFA).

A user who needs it and has no authenticator is sent to set up an authenticator app before
anything else; the check reads the roles on every request, so granting the administrator
role takes effect at once.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .access import mfa_required

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/invitation/")


class RequireMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and mfa_required(user)
            and not is_mfa_enabled(user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
