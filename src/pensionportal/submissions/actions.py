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
from pensionportal.datafiles.problems import Problem
from pensionportal.files import store as files
from pensionportal.files.models import StoredFile

from . import conf
from .corrections import (
    CORRECTABLE,
    Edits,
    Sheet,
    corrected_filename,
    dump_checked,
    dump_edits,
)
from .intake import RUNNABLE_AGAIN, IntakeError, check_bytes, check_sender, record_submission
from .models import Correction, Source, Status, Submission
from .tasks import queue_apply, queue_validation, requeue

__all__ = [
    "MAX_IDEMPOTENCY_KEY",
    "RUNNABLE_AGAIN",
    "IdempotencyConflict",
    "IntakeError",
    "Receipt",
    "apply_tested",
    "check_draft",
    "confirm",
    "correction_refusal",
    "discard_draft",
    "open_draft",
    "receive",
    "receive_once",
    "receive_stored",
    "run_again",
    "save_draft",
    "send_correction",
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
        replacement = _replacement(locked)
        if replacement is not None:
            raise IntakeError(
                f"This file was corrected online: {replacement.reference} replaces it. "
                "Confirm that one instead."
            )
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


# --- Correct online (issue 16 Must do 2) ----------------------------------------------------


def open_draft(original: Submission) -> Correction | None:
    return Correction.objects.filter(original=original, state=Correction.State.OPEN).first()


def _replacement(original: Submission) -> Submission | None:
    """The correction sent for ``original`` that is not rejected, if any."""
    return original.replaced_by.exclude(status=Status.REJECTED).order_by("-id").first()


def correction_refusal(original: Submission) -> str:
    """Why ``original`` cannot be corrected online now ("" when it can)."""
    if original.status not in CORRECTABLE:
        return "Only a rejected file, or one with warnings, can be corrected online."
    if original.status == Status.VALIDATED_TEST and not (
        original.error_count or original.warning_count
    ):
        return "This file has no problems to correct."
    replacement = _replacement(original)
    if replacement is not None:
        return f"This file has already been corrected online: {replacement.reference} replaces it."
    return ""


def save_draft(
    actor: User, original: Submission, edits: Edits, request: HttpRequest | None
) -> Correction:
    """Keep the changed cells (encrypted) in the submission's one open draft."""
    check_sender(actor, original.organization)
    refusal = correction_refusal(original)
    if refusal:
        raise IntakeError(refusal)
    with transaction.atomic():
        Submission.objects.select_for_update().get(pk=original.pk)  # one draft at a time
        draft = open_draft(original)
        if draft is None:
            draft = Correction.objects.create(
                original=original,
                organization=original.organization,
                created_by=actor,
                edits_encrypted=dump_edits(edits),
            )
            record(
                "submission.correction_started",
                request=request,
                actor=actor,
                organization=original.organization,
                target=original.reference,
            )
        else:
            draft.edits_encrypted = dump_edits(edits)
            draft.updated_at = timezone.now()
            draft.save(update_fields=["edits_encrypted", "updated_at"])
    return draft


def check_draft(
    actor: User, original: Submission, sheet: Sheet, request: HttpRequest | None
) -> tuple[Correction, list[Problem]]:
    """Save the edits and run the file's checks on the corrected file (nothing sent)."""
    draft = save_draft(actor, original, sheet.edits, request)
    _parsed, problems = check_bytes(original, sheet.corrected_csv(), corrected_filename(original))
    draft.checked_encrypted = dump_checked(problems)
    draft.checked_at = timezone.now()
    draft.save(update_fields=["checked_encrypted", "checked_at"])
    return draft, problems


def send_correction(
    actor: User, original: Submission, sheet: Sheet, request: HttpRequest | None
) -> Submission:
    """The corrected file becomes a new submission (stored encrypted, checked like any
    upload) that records the one it replaces; the original stays as it was."""
    if not sheet.edits:
        raise IntakeError("Nothing has been changed yet: correct a cell before sending.")
    draft = save_draft(actor, original, sheet.edits, request)
    filename = corrected_filename(original)
    stored = files.store(
        [sheet.corrected_csv()],
        purpose="submissions.pension_data",
        filename=filename,
        organization=original.organization,
        max_size=conf.max_file_bytes(),
        keep_now=False,
    )
    with transaction.atomic():
        locked = Correction.objects.select_for_update().get(pk=draft.pk)
        if locked.state != Correction.State.OPEN:
            files.purge(stored)
            raise IntakeError("This correction has already been sent.")
        submission = record_submission(
            actor,
            original.organization,
            filename,
            stored,
            then=queue_validation,
            source=Source.CORRECTION,
            test_mode=original.test_mode,
            row_offset=original.row_offset,
            request=request,
            replaces=original,
        )
        locked.state = Correction.State.SENT
        locked.sent = submission
        locked.updated_at = timezone.now()
        locked.save(update_fields=["state", "sent", "updated_at"])
        record(
            "submission.correction_sent",
            request=request,
            actor=actor,
            organization=original.organization,
            target=original.reference,
            details={"replaced_by": submission.reference, "cells": sheet.edits.count()},
        )
    return submission


def discard_draft(actor: User, original: Submission, request: HttpRequest | None) -> None:
    check_sender(actor, original.organization)
    with transaction.atomic():
        draft = open_draft(original)
        if draft is None:
            return
        draft.state = Correction.State.DISCARDED
        draft.edits_encrypted = dump_edits(Edits())
        draft.checked_encrypted = ""
        draft.updated_at = timezone.now()
        draft.save(update_fields=["state", "edits_encrypted", "checked_encrypted", "updated_at"])
        record(
            "submission.correction_discarded",
            request=request,
            actor=actor,
            organization=original.organization,
            target=original.reference,
        )


def apply_tested(actor: User, submission: Submission, request: HttpRequest | None) -> Submission:
    """ "Apply this file now" (issue 16 Must do 4): a test-mode file checked without errors
    becomes a real submission without being sent again. It is checked once more, as a real
    submission (the registry may have moved since the test), and then applied, or waits for
    the confirmation of its warnings."""
    check_sender(actor, submission.organization)
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.status != Status.VALIDATED_TEST or not locked.test_mode:
            raise IntakeError("Only a file checked in test mode can be applied this way.")
        if locked.error_count:
            raise IntakeError(
                "This file has errors: correct them (online or in the file) before applying."
            )
        locked.test_mode = False
        locked.status = Status.RECEIVED
        locked.save(update_fields=["test_mode", "status"])
        record(
            "submission.apply_requested",
            request=request,
            actor=actor,
            organization=locked.organization,
            target=locked.reference,
            details={"from_test_mode": True, "warnings": locked.warning_count},
        )
        queue_validation(locked.pk)
    return locked
