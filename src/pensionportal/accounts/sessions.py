"""The absolute session lifetime (issue 17, "Must do" 6): besides the idle timeout
(SESSION_COOKIE_AGE, renewed on every request), a session ends
`PORTAL_SESSION_ABSOLUTE_HOURS` (12) after its sign-in however active it is, so a stolen
session cookie is worth a working day at most."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

SIGNED_IN_AT = "portal_signed_in_at"


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


def lifetime_in_words() -> str:
    hours = settings.SESSION_ABSOLUTE_SECONDS / 3600
    if hours >= 1 and hours == int(hours):
        return f"{int(hours)} hour{'' if hours == 1 else 's'}"
    minutes = max(1, round(settings.SESSION_ABSOLUTE_SECONDS / 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
