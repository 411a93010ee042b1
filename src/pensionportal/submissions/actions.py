"""The actions of intake: a user sends a file (or an online entry), confirms it after reading
its warnings, or runs a stopped check or apply again. Each is one transaction that records
its audit row and queues the worker's step (tasks.py) on commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import record
from pensionportal.files import store as files
from pensionportal.files.models import StoredFile

from . import conf
from .intake import RUNNABLE_AGAIN, IntakeError, check_sender, record_submission
from .models import Source, Status, Submission
from .tasks import queue_apply, queue_validation, requeue

__all__ = [
    "MAX_IDEMPOTENCY_KEY",
    "RUNNABLE_AGAIN",
    "IdempotencyConflict",
    "IntakeError",
    "Receipt",
    "confirm",
    "receive",
    "receive_once",
    "receive_stored",
    "run_again",
]


def receive(
    actor: User,
    organization: Organization,
    filename: str,
    chunks: Iterable[bytes],
    *,
    source: str = Source.UPLOAD,
    test_mode: bool = False,
    upload_id: int | None = None,
    row_offset: int = 0,
    request: HttpRequest | None = None,
) -> Submission:
    """Store the file encrypted, record the submission and queue its validation (online
    entries and files the product makes; uploads arrive already stored)."""
    check_sender(actor, organization)
    stored = files.store(
        chunks,
        purpose="submissions.pension_data",
        filename=filename,
        organization=organization,
        max_size=conf.max_file_bytes(),
        keep_now=False,
    )
    return receive_stored(
        actor,
        organization,
        filename,
        stored,
        source=source,
        test_mode=test_mode,
        upload_id=upload_id,
        row_offset=row_offset,
        request=request,
    )


def receive_stored(
    actor: User,
    organization: Organization,
    filename: str,
    stored: StoredFile,
    *,
    source: str = Source.UPLOAD,
    test_mode: bool = False,
    upload_id: int | None = None,
    row_offset: int = 0,
    request: HttpRequest | None = None,
    idempotency_key: str = "",
) -> Submission:
    """Record a submission for a file already stored and pending (a streamed upload) and
    queue its validation; the file is purged if anything is refused."""
    return record_submission(
        actor,
        organization,
        filename,
        stored,
        then=queue_validation,
        source=source,
        test_mode=test_mode,
        upload_id=upload_id,
        row_offset=row_offset,
        request=request,
        idempotency_key=idempotency_key,
    )


@dataclass(frozen=True)
class Receipt:
    submission: Submission
    replayed: bool  # the same Idempotency-Key was sent before: nothing new was recorded


class IdempotencyConflict(IntakeError):
    pass


MAX_IDEMPOTENCY_KEY = 255


def receive_once(
    actor: User,
    organization: Organization,
    filename: str,
    stored: StoredFile,
    *,
    idempotency_key: str,
    source: str,
    test_mode: bool = False,
    request: HttpRequest | None = None,
) -> Receipt:
    """`receive_stored`, except that a second file sent with the same idempotency key (a
    retry after a lost answer, the REST API) returns the first submission and stores
    nothing. The same key with another file, or another test mode, is refused: a key names
    one upload."""
    key = idempotency_key.strip()
    if not key:
        submission = receive_stored(
            actor, organization, filename, stored, source=source, test_mode=test_mode,
            request=request,
        )  # fmt: skip
        return Receipt(submission, replayed=False)
    if len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        files.purge(stored)
        raise IntakeError(
            f"The Idempotency-Key must be printable text of at most {MAX_IDEMPOTENCY_KEY} "
            "characters.",
            "Idempotency-Key",
        )
    existing = _replay(organization, key, stored, test_mode)
    if existing is not None:
        return Receipt(existing, replayed=True)
    try:
        # receive_stored's own transaction: on a clash it purges the new file and re-raises.
        submission = receive_stored(
            actor,
            organization,
            filename,
            stored,
            source=source,
            test_mode=test_mode,
            request=request,
            idempotency_key=key,
        )
    except IntegrityError:
        # The same key arrived twice at once: the other request recorded it first.
        found = _replay(organization, key, stored, test_mode)
        if found is None:
            raise
        return Receipt(found, replayed=True)
    return Receipt(submission, replayed=False)


def _replay(
    organization: Organization, key: str, stored: StoredFile, test_mode: bool
) -> Submission | None:
    existing = Submission.objects.filter(organization=organization, idempotency_key=key).first()
    if existing is None:
        return None
    files.discard_pending([stored])
    if existing.sha256 != stored.sha256 or existing.test_mode != test_mode:
        raise IdempotencyConflict(
            f"This Idempotency-Key was already used for another upload ({existing.reference}, "
            f"{existing.filename}). Send a new file with a new key.",
            "Idempotency-Key",
        )
    return existing


def confirm(actor: User, submission: Submission, request: HttpRequest | None) -> Submission:
    """The user has read the warnings and confirms the file."""
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.status != Status.AWAITING_CONFIRMATION:
            raise IntakeError("This submission is not waiting for a confirmation.")
        locked.status = Status.ACCEPTED
        locked.confirmed_by = actor
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        record(
            "submission.confirmed",
            request=request,
            actor=actor,
            organization=locked.organization,
            target=locked.reference,
            details={"warnings": locked.warning_count},
        )
        queue_apply(locked.pk)
    return locked


def run_again(actor: User, submission: Submission, request: HttpRequest | None) -> None:
    """Queue a check or an apply that failed or was interrupted (the worker died) once
    more; running twice is harmless (see the module's docstring). Staff of data management."""
    access.require_staff(actor, Capability.SUBMISSIONS)
    if submission.status not in RUNNABLE_AGAIN:
        raise IntakeError(
            "Only a submission that is not checked yet, or accepted and not applied, can run again."
        )
    with transaction.atomic():
        record(
            "submission.run_again",
            request=request,
            actor=actor,
            organization=submission.organization,
            target=submission.reference,
        )
        requeue(submission.pk)
