"""E-mail notifications that say only that something is waiting, never its content.

Sent after the surrounding transaction commits, so a rolled-back action e-mails nobody.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def notify_on_commit(recipients: Iterable[str], subject: str, body: str) -> None:
    """Queue one e-mail per recipient (no shared To: line) for after the commit."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return
    prefix = "[Employer Portal] "
    messages = [(prefix + subject, body, None, [address]) for address in addresses]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
