"""E-mail through the database: queued in the caller's transaction, delivered by a task.

SMTP being down never fails the action that sends: the action commits its rows and its
e-mails together; the `deliver_email` task (core/tasks.py) sends each one (sending.py),
retried with backoff (core/retry.py, core/conf.email_retry) and marked FAILED after the
last attempt, where staff see it (Operations page) and can send it again.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from . import crypto
from .models import EmailStatus, OutgoingEmail
from .sending import deliver, describe, give_up, retry_scheduled
from .tasks import deliver_email

__all__ = ["deliver", "describe", "enqueue", "give_up", "queue", "retry_scheduled", "send_again"]


def queue(
    recipients: Iterable[str], subject: str, body: str, html: str = ""
) -> list[OutgoingEmail]:
    """One e-mail per recipient (no shared To: line), sent after the transaction commits."""
    addresses = sorted({address.strip() for address in recipients if address and address.strip()})
    if not addresses:
        return []
    now = timezone.now()
    body_token = crypto.encrypt_text(body)
    html_token = crypto.encrypt_text(html) if html else ""
    emails = [
        OutgoingEmail.objects.create(
            to=address,
            subject=subject[:255],
            body_encrypted=body_token,
            html_encrypted=html_token,
            created_at=now,
            next_attempt_at=now,
        )
        for address in addresses
    ]
    ids = [email.pk for email in emails]
    # robust: a queue that cannot be reached right after the commit is logged, not raised
    # into the finished action; the reaper queues the e-mails again (reaper.py).
    transaction.on_commit(lambda: enqueue(ids), robust=True)
    return emails


def enqueue(ids: Iterable[int]) -> None:
    for email_id in ids:
        deliver_email.enqueue(email_id)


def send_again(email: OutgoingEmail) -> bool:
    """Staff: queue an undelivered e-mail once more (a fresh set of attempts)."""
    updated = OutgoingEmail.objects.filter(pk=email.pk, status=EmailStatus.FAILED).update(
        status=EmailStatus.QUEUED, attempts=0, failed_at=None, next_attempt_at=timezone.now()
    )
    if updated:
        transaction.on_commit(lambda: enqueue([email.pk]), robust=True)
    return bool(updated)
