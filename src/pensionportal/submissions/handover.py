"""Pension data files sent through File Upload become submissions (issue: File upload, 7).

Exchange sends `pension_data_file_received` after the upload commits; the file's bytes are
copied (re-encrypted, streamed) so that the submission keeps its own copy even if staff
later delete the uploaded file.
"""

from __future__ import annotations

import logging
from typing import Any

from pensionportal.core import vault
from pensionportal.exchange.models import ExchangedFile

from . import pipeline
from .models import Submission

log = logging.getLogger(__name__)


def on_pension_data_file(sender: Any, upload: ExchangedFile, **kwargs: Any) -> None:
    if upload.direction != "to_administrator" or not upload.storage_name:
        return
    if Submission.objects.filter(upload_id=upload.pk).exists():
        return
    blob = vault.store(vault.open_blob(upload.storage_name, upload.wrapped_key))
    try:
        pipeline.receive_stored(
            upload.sent_by, upload.organization, upload.name, blob, upload_id=upload.pk
        )
    except pipeline.IntakeError as error:
        log.warning("Upload %s was not taken into intake: %s", upload.pk, error.message)
