"""allauth adapter: no self-sign-up; accounts come from staff or an employer administrator."""

from __future__ import annotations

import re
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse

from pensionportal.audit.record import record
from pensionportal.core import outbox
from pensionportal.core.addresses import client_address

from . import throttle
from .access import mfa_required

_UNITS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def lockout_period() -> str:
    """How long sign-in from one address stays paused after too many failures there, in
    words, from the longest period of PORTAL_LOGIN_FAILED_ADDRESS_LIMIT ("20/15m/ip" ->
    "15 minutes")."""
    longest: tuple[int, int, str] | None = None
    for part in settings.ACCOUNT_RATE_LIMITS.get("login_failed_address", "").split(","):
        found = re.fullmatch(r"\s*\d+/(\d*)([smhd])(?:/\w+)?\s*", part)
        if found:
            amount, unit = int(found.group(1) or 1), found.group(2)
            seconds = amount * _SECONDS[unit]
            if longest is None or seconds > longest[0]:
                longest = (seconds, amount, unit)
    if longest is None:
        return "a while"
    _, amount, unit = longest
    return f"{amount} {_UNITS[unit]}{'' if amount == 1 else 's'}"


class PortalAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        # Issue 15, item 15: say for how long, and what to do meanwhile.
        inherited: dict[str, str] = dict(DefaultAccountAdapter.error_messages)
        self.error_messages = {
            **inherited,
            "too_many_login_attempts": (
                "Too many failed sign-in attempts from your network. For your security, "
                f"signing in from it is paused for {lockout_period()}: try again after "
                "that, or reset your password."
            ),
        }

    def get_client_ip(self, request: HttpRequest) -> str:
        """The real client behind the trusted proxies (core/addresses.py), for allauth's
        per-address limits."""
        address = client_address(request)
        if not address:
            raise PermissionDenied("The client address is unknown.")
        return address

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Per address: allauth's limit on the real client address. Per account: the
        back-off of throttle.py, instead of allauth's lock of the account (issue 17,
        finding 3)."""
        self._login_failed_rl_usage = ratelimit.consume(
            request, app="allauth.account", action="login_failed_address"
        )
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")
        email = str(credentials.get("email") or credentials.get("username") or "")
        try:
            self._portal_attempt: throttle.Attempt | None = throttle.begin(request, email)
        except throttle.Throttled as waiting:
            self._rollback_login_failed_rl_usage()
            record(
                "auth.sign_in_throttled",
                request=request,
                actor_email=email[:254],
                target=email[:254],
                details={"wait_seconds": round(waiting.seconds)},
            )
            raise forms.ValidationError(
                "Too many failed sign-in attempts for this account. For your security, "
                f"try again in {throttle.in_words(waiting.seconds)}, or reset your password.",
                code="throttled",
            ) from None

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        self._portal_attempt = None
        user: AbstractBaseUser | None = super().authenticate(request, **credentials)
        attempt: throttle.Attempt | None = self._portal_attempt
        if user is not None and attempt is not None:
            throttle.succeeded(attempt)
        return user

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> Any:
        """Signed in (both factors): this device and address have their own allowance now."""
        response: HttpResponse = super().post_login(request, user, **kwargs)
        throttle.remember(request, response, str(getattr(user, "email", "")))
        return response

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """After a password reset: allauth's counts and every allowance start afresh."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        throttle.forget_failures(str(credentials.get("email") or ""))

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Password resets and account notices go through the outbox like every other
        e-mail: queued now, sent by a task, retried while SMTP is down."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)}
            | context,
        )
        html = ""
        if isinstance(message, EmailMultiAlternatives):
            html = next((str(c) for c, kind in message.alternatives if kind == "text/html"), "")
        body = str(message.body)
        if message.content_subtype == "html":
            body, html = "", body
        outbox.queue(message.to, str(message.subject), body, html)


class PortalMFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Those for whom MFA is required cannot switch it off themselves (staff can reset)."""
        return not mfa_required(authenticator.user)
