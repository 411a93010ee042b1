"""MFA is required for staff and employer administrators (issue: Foundation, MFA).

A user who needs it and has no authenticator is sent to set up an authenticator app before
anything else; the check reads the roles on every request, so granting the administrator
role takes effect at once.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from pensionportal.audit.record import record

from . import sessions
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
        if (
            settings.STAFF_PASSKEY_REQUIRED
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not Authenticator.objects.filter(
                user=user, type=Authenticator.Type.WEBAUTHN
            ).exists()
        ):
            # PORTAL_STAFF_PASSKEY_REQUIRED: staff add a passkey before anything else.
            return redirect("mfa_add_webauthn")
        return self.get_response(request)


class AbsoluteSessionLifetimeMiddleware:
    """Signs out a session older than PORTAL_SESSION_ABSOLUTE_HOURS, however active
    (accounts/sessions.py), says why on the sign-in page, and audits it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and sessions.outlived(request.session):
            record("auth.session_expired", request=request, actor=user, target=user.email)
            logout(request)
            messages.info(
                request,
                f"You were signed in for {sessions.lifetime_in_words()}: for your security, "
                "please sign in again.",
            )
            login = reverse("account_login")
            if request.method == "GET":
                login += "?" + urlencode({"next": request.get_full_path()})
            return redirect(login)
        return self.get_response(request)


class SessionClientMiddleware:
    """After the view (so a sign-in on this request counts), notes the browser and client
    address in the signed-in session, which SessionMiddleware then saves with its row
    (accounts/sessions.py `note_client`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        sessions.note_client(request)
        return response
