"""Pension data files sent through File Upload become submissions (issue: File upload, 7).

Exchange publishes `PensionDataFileReceived` after the upload commits (core/events.py); the
subscriber (reactions.py) queues a task (retried on a transient error, core/retry.py) that
copies the file's bytes (re-encrypted, streamed) so that the submission keeps its own copy even if
staff later delete the uploaded file. Taking an upload twice is harmless: the second finds
its submission and stops.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from pensionportal.exchange.models import ExchangedFile
from pensionportal.files import store as files

from . import intake
from .models import Submission

log = logging.getLogger(__name__)


def take_into_intake(upload_id: int, *, then: Callable[[int], None]) -> str:
    """Copy the upload into a new submission; `then(submission id)` queues its check."""
    with transaction.atomic():
        # The upload's row lock makes a second take (a retried task) wait, then stop.
        upload = (
            ExchangedFile.objects.select_for_update(of=("self",))
            .select_related("sent_by", "organization", "file")
            .get(pk=upload_id)
        )
        if upload.file is None or not upload.file.has_content:
            return "no content"
        if Submission.objects.filter(upload_id=upload.pk).exists():
            return "already taken"
        copy = files.copy(
            upload.file, purpose="submissions.pension_data", organization=upload.organization
        )
        try:
            intake.record_submission(
                upload.sent_by,
                upload.organization,
                upload.name,
                copy,
                then=then,
                upload_id=upload.pk,
            )
        except intake.IntakeError as error:
            log.warning("Upload %s was not taken into intake: %s", upload.pk, error.message)
            return "refused"
    return "taken"
