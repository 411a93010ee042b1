"""Sending one queued e-mail (the worker's side of the outbox, outbox.py): the attempt, the
retry's next time, and the last failure kept for staff."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from . import crypto
from .models import EmailStatus, OutgoingEmail

log = logging.getLogger(__name__)


def describe(error: BaseException) -> str:
    """What went wrong, for staff: the kind of failure and the server's answer, never the
    message."""
    if isinstance(error, smtplib.SMTPResponseException):
        answer = error.smtp_error
        text = answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
        return f"The mail server answered {error.smtp_code}: {text}"[:300]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the recipient."
    if isinstance(error, (ConnectionError, TimeoutError, smtplib.SMTPServerDisconnected)):
        return f"The mail server could not be reached ({type(error).__name__})."
    return f"Sending failed ({type(error).__name__})."


def deliver(email_id: int) -> str:
    """Send one queued e-mail; an error is recorded on the row and raised for the retry."""
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id).first()
        )
        if email is None:
            return "not found or being sent by another worker"
        if email.status != EmailStatus.QUEUED:
            return f"nothing to do: {email.status}"
        message = EmailMultiAlternatives(
            email.subject,
            crypto.decrypt_text(email.body_encrypted),
            settings.DEFAULT_FROM_EMAIL,
            [email.to],
        )
        if email.html_encrypted:
            message.attach_alternative(crypto.decrypt_text(email.html_encrypted), "text/html")
        try:
            message.send()
        except Exception as error:
            failed_with = error
        else:
            email.status = EmailStatus.SENT
            email.attempts += 1
            email.sent_at = timezone.now()
            email.last_error = ""
            email.body_encrypted = email.html_encrypted = ""
            email.save()
            return "sent"
    OutgoingEmail.objects.filter(pk=email_id).update(
        attempts=email.attempts + 1, last_error=describe(failed_with)
    )
    raise failed_with


def retry_scheduled(email_id: int, *, delay: float) -> None:
    OutgoingEmail.objects.filter(pk=email_id).update(
        next_attempt_at=timezone.now() + dt.timedelta(seconds=delay)
    )


def give_up(email_id: int, *, error: BaseException) -> None:
    """The last attempt failed: kept as FAILED (body kept, encrypted) for staff."""
    OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.QUEUED).update(
        status=EmailStatus.FAILED, failed_at=timezone.now(), last_error=describe(error)
    )
    log.error("E-mail %s was not delivered: %s", email_id, type(error).__name__)
