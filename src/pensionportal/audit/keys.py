"""The audit trail's MAC keys: from the settings (`PORTAL_AUDIT_KEYS`, filled from the secret
store or KMS), never from the database. Newest first, each with an id that every row and
checkpoint records, so a key is rotated by putting a new one in front: rows written under
an older key are still verified with it, as long as it stays in the list.

    PORTAL_AUDIT_KEYS="2027a:<secret of 32+ characters>,2026a:<the previous secret>"
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
MIN_SECRET = 32


@dataclass(frozen=True)
class AuditKey:
    id: str
    secret: bytes

    def mac(self, *parts: bytes) -> str:
        """HMAC-SHA-256 over the parts, each length-prefixed so no two splits collide."""
        message = b"".join(len(part).to_bytes(8, "big") + part for part in parts)
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


def parse(value: str, setting: str = "PORTAL_AUDIT_KEYS") -> list[AuditKey]:
    """`id:secret,id:secret` into keys; refuses a malformed id, a short secret or a
    repeated id with a message that names which (and the setting it came from: the
    message search index's keys have the same form, messaging/search_index.py)."""
    keys: list[AuditKey] = []
    for item in [part.strip() for part in value.split(",") if part.strip()]:
        key_id, sep, secret = item.partition(":")
        if not sep or not KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"{setting}: each key is id:secret, the id 1-16 letters, digits, - or _."
            )
        if len(secret) < MIN_SECRET:
            raise ImproperlyConfigured(
                f"{setting}: the secret of key {key_id!r} is shorter than {MIN_SECRET} characters."
            )
        if any(known.id == key_id for known in keys):
            raise ImproperlyConfigured(f"{setting}: key id {key_id!r} appears twice.")
        keys.append(AuditKey(key_id, secret.encode()))
    return keys


def ring() -> tuple[AuditKey, ...]:
    keys = _parsed(tuple(settings.AUDIT_KEYS))
    if not keys:
        raise ImproperlyConfigured("No audit key: set PORTAL_AUDIT_KEYS.")
    return keys


@functools.lru_cache(maxsize=4)
def _parsed(values: tuple[str, ...]) -> tuple[AuditKey, ...]:
    return tuple(parse(",".join(values)))


def current() -> AuditKey:
    """The key new rows and checkpoints are written with."""
    return ring()[0]


def by_id(key_id: str) -> AuditKey | None:
    return next((key for key in ring() if key.id == key_id), None)
