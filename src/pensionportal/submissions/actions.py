"""The actions of intake: a user sends a file (or an online entry), confirms it after reading
its warnings, or runs a stopped check or apply again. Each is one transaction that records
its audit row and queues the worker's step (tasks.py) on commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import record
from pensionportal.files import store as files
from pensionportal.files.models import StoredFile

from . import conf
from .intake import RUNNABLE_AGAIN, IntakeError, check_sender, record_submission
from .models import Source, Status, Submission
from .tasks import queue_apply, queue_validation, requeue

__all__ = ["RUNNABLE_AGAIN", "IntakeError", "confirm", "receive", "receive_stored", "run_again"]


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
    )


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
    more; running twice is harmless (see the module's docstring)."""
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
