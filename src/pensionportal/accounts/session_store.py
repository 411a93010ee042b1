"""The session engine (settings.SESSION_ENGINE): Django's database sessions, kept in
`UserSession` rows that name their user, so one user's sessions are found by an index and
never by decoding every session (issue 18, "Must do" 5)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.utils import timezone

from . import sessions

if TYPE_CHECKING:
    from .models import UserSession


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[AbstractBaseSession]:
        from pensionportal.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        instance = super().create_model_instance(data)
        from .models import UserSession

        assert isinstance(instance, UserSession)
        instance.user_id = user_id_of(data)
        began = data.get(sessions.SIGNED_IN_AT)
        if isinstance(began, int | float) and instance.user_id is not None:
            instance.signed_in_at = datetime.datetime.fromtimestamp(float(began), tz=datetime.UTC)
        instance.last_seen_at = timezone.now()
        return instance


def user_id_of(data: dict[str, Any]) -> int | None:
    """The signed-in user's id from session data, or None for an anonymous session."""
    raw = data.get(SESSION_KEY)
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None
