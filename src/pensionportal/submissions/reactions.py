"""What submissions does when another app's fact is published (core/events.py)."""

from __future__ import annotations

from pensionportal.core.events import PensionDataFileReceived
from pensionportal.exchange.models import ExchangedFile

from .tasks import take_upload_into_intake


def take_pension_data_file(event: PensionDataFileReceived) -> None:
    """An employer's upload is a pension data file: a task takes it into intake."""
    upload = ExchangedFile.objects.select_related("file", "organization", "sent_by").get(
        pk=event.upload_id
    )
    if upload.direction != "to_administrator" or upload.file is None:
        return
    if not upload.file.has_content:
        return
    take_upload_into_intake.enqueue(upload.pk)
