"""The absolute session lifetime (issue 17, "Must do" 6): besides the idle timeout
(SESSION_COOKIE_AGE, renewed on every request), a session ends
`PORTAL_SESSION_ABSOLUTE_HOURS` (12) after its sign-in however active it is, so a stolen
session cookie is worth a working day at most.

And what a user needs to recognise a session on the signed-in sessions page (issue 17,
OWASP ASVS 5.0 7.5): the browser and system and the client address of its last request,
kept in the session's own data and copied into its `UserSession` row each time the session
is saved, as its user and sign-in time are. The session is saved on every request anyway
(SESSION_SAVE_EVERY_REQUEST, the idle timeout), so this adds no write.
"""

from __future__ import annotations

import ipaddress
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from pensionportal.core.addresses import client_address

from . import devices

SIGNED_IN_AT = "portal_signed_in_at"
DEVICE = "portal_device"
ADDRESS = "portal_address"
_PUBLIC_ID_SALT = "pensionportal.accounts.sessions.public_id"


def start(session: SessionBase) -> None:
    session[SIGNED_IN_AT] = time.time()


def outlived(session: SessionBase) -> bool:
    """Whether the session is older than the absolute lifetime. A session from before this
    rule (no time recorded) starts counting now."""
    began = session.get(SIGNED_IN_AT)
    if not isinstance(began, int | float):
        start(session)
        return False
    return time.time() - float(began) > settings.SESSION_ABSOLUTE_SECONDS


def _in_words(seconds: float) -> str:
    hours = seconds / 3600
    if hours >= 1 and hours == int(hours):
        return f"{int(hours)} hour{'' if hours == 1 else 's'}"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def lifetime_in_words() -> str:
    return _in_words(settings.SESSION_ABSOLUTE_SECONDS)


def idle_in_words() -> str:
    return _in_words(settings.SESSION_COOKIE_AGE)


def public_id_of(session_key: str | None) -> str | None:
    """The name of a session on pages and in forms: a keyed hash of its key (SECRET_KEY), so
    it tells nothing about the key and cannot be turned into a cookie."""
    if not session_key:
        return None
    return salted_hmac(_PUBLIC_ID_SALT, session_key, algorithm="sha256").hexdigest()[:32]


def note_client(request: HttpRequest) -> None:
    """Keep the signed-in session's browser ("Firefox on Windows") and client address (behind
    the trusted proxies, core/addresses.py) in its data; anonymous sessions get nothing."""
    session = getattr(request, "session", None)
    if session is None or session.get(SESSION_KEY) is None:
        return  # no signed-in session (anonymous, signed out, or an API token)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    device = devices.describe(str(request.META.get("HTTP_USER_AGENT") or ""))
    address = client_address(request)
    if session.get(DEVICE) != device:
        session[DEVICE] = device
    if session.get(ADDRESS) != address:
        session[ADDRESS] = address


def client_of(data: dict[str, Any]) -> tuple[str, str | None]:
    """The (device, address) a session's data records, checked: the row's columns."""
    noted_device, noted_address = data.get(DEVICE), data.get(ADDRESS)
    device = noted_device[: devices.MAX_LENGTH] if isinstance(noted_device, str) else ""
    try:
        address = str(ipaddress.ip_address(noted_address)) if noted_address else None
    except ValueError:
        address = None
    return device, address
