"""E-mail notifications that say only that something is waiting, never its content.

Queued in the surrounding transaction (core/outbox.py) and sent by a task after it commits,
so a rolled-back action e-mails nobody and an SMTP outage delays an e-mail, never an action.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from . import outbox

SUBJECT_PREFIX = "[Employer Portal] "


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _undeliverable(address: str) -> bool:
    """A service account's address (accounts.models.SERVICE_EMAIL_DOMAIN): no person."""
    return address.lower().endswith(".invalid")


def notify_on_commit(recipients: Iterable[str], subject: str, body: str) -> None:
    """Queue one e-mail per recipient (no shared To: line) for after the commit."""
    outbox.queue(
        (address for address in recipients if address and not _undeliverable(address)),
        SUBJECT_PREFIX + subject,
        body,
    )
