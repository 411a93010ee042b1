"""The hand-over of a recognised pension data file to intake (issue 5 "Must do" 7).

Exchange records the recognition in the audit trail and publishes
`PensionDataFileReceived` once the upload has committed; the submissions app subscribes and
takes the file into the intake pipeline (submissions/handover.py). Exchange knows nothing
of intake: the upload stays received whatever the hand-over does.
"""

from __future__ import annotations

from pensionportal.audit.record import record
from pensionportal.core import events

from .models import ExchangedFile


def on_pension_data_file_received(upload: ExchangedFile) -> None:
    record(
        "exchange.pension_data_file_recognised",
        organization=upload.organization,
        actor=upload.sent_by,
        target=upload.reference,
        details={"template": upload.detected_template, "status": upload.status},
    )
    # After the commit; a subscriber that fails is logged, never a 500: the upload stands.
    events.publish_on_commit(
        events.PensionDataFileReceived(upload_id=upload.pk, organization_id=upload.organization_id)
    )
