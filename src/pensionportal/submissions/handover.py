"""Pension data files sent through File Upload become submissions (issue: File upload, 7).

Exchange sends `pension_data_file_received` after the upload commits; the file's bytes are
copied (re-encrypted, streamed) so that the submission keeps its own copy even if staff
later delete the uploaded file.
"""

from __future__ import annotations

import logging
from typing import Any

from pensionportal.exchange.models import ExchangedFile
from pensionportal.files import store as files

from . import pipeline
from .models import Submission

log = logging.getLogger(__name__)


def on_pension_data_file(sender: Any, upload: ExchangedFile, **kwargs: Any) -> None:
    if upload.direction != "to_administrator" or upload.file is None:
        return
    if not upload.file.has_content:
        return
    if Submission.objects.filter(upload_id=upload.pk).exists():
        return
    copy = files.copy(
        upload.file, purpose="submissions.pension_data", organization=upload.organization
    )
    try:
        pipeline.receive_stored(
            upload.sent_by, upload.organization, upload.name, copy, upload_id=upload.pk
        )
    except pipeline.IntakeError as error:
        log.warning("Upload %s was not taken into intake: %s", upload.pk, error.message)
