"""The session engine (settings.SESSION_ENGINE): Django's database sessions, kept in
`UserSession` rows that name their user, so one user's sessions are found by an index and
never by decoding every session (issue 18, "Must do" 5). The store lives beside its model
in accounts/models.py (each names the other); this module is the engine's name."""

from __future__ import annotations

from .models import SessionStore, user_id_of

__all__ = ["SessionStore", "user_id_of"]
