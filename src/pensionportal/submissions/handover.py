"""Pension data files sent through File Upload become submissions (issue: File upload, 7).

Exchange publishes `PensionDataFileReceived` after the upload commits (core/events.py); the
subscriber queues a task (retried on a transient error, core/retry.py) that copies the
file's bytes (re-encrypted, streamed) so that the submission keeps its own copy even if
staff later delete the uploaded file. Taking an upload twice is harmless: the second finds
its submission and stops.
"""

from __future__ import annotations

import logging

from django.db import transaction

from pensionportal.core.events import PensionDataFileReceived
from pensionportal.exchange.models import ExchangedFile
from pensionportal.files import store as files

from . import pipeline
from .models import Submission

log = logging.getLogger(__name__)


def on_pension_data_file(event: PensionDataFileReceived) -> None:
    upload = ExchangedFile.objects.select_related("file", "organization", "sent_by").get(
        pk=event.upload_id
    )
    if upload.direction != "to_administrator" or upload.file is None:
        return
    if not upload.file.has_content:
        return
    from .tasks import take_upload_into_intake

    take_upload_into_intake.enqueue(upload.pk)


def take_into_intake(upload_id: int) -> str:
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
            pipeline.receive_stored(
                upload.sent_by, upload.organization, upload.name, copy, upload_id=upload.pk
            )
        except pipeline.IntakeError as error:
            log.warning("Upload %s was not taken into intake: %s", upload.pk, error.message)
            return "refused"
    return "taken"
