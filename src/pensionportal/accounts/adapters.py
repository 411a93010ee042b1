"""allauth adapter: no self-sign-up; accounts come from staff or an employer administrator."""

from __future__ import annotations

import re
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest

from pensionportal.core import outbox

from .access import mfa_required

_UNITS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def lockout_period() -> str:
    """How long sign-in stays paused after too many failures, in words, from the longest
    period of PORTAL_LOGIN_FAILED_LIMIT ("20/15m/ip,5/15m/key" -> "15 minutes")."""
    longest: tuple[int, int, str] | None = None
    for part in settings.ACCOUNT_RATE_LIMITS.get("login_failed", "").split(","):
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
                "Too many failed sign-in attempts. For your security, signing in is paused "
                f"for {lockout_period()}: try again after that, or reset your password."
            ),
        }

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
