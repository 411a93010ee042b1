"""The hand-over to the intake pipeline (issue 5 "Must do" 7).

Honest status: the intake pipeline (submissions/) is a later issue. Today a recognised
pension data file is stored, listed with its detected template and status `received`, and
this hook only records the recognition in the audit trail and sends the
`pension_data_file_received` signal, to which nothing is connected yet. The intake issue
connects a receiver to the signal (or replaces the body of `on_pension_data_file_received`)
and picks the file up from there.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from pensionportal.audit.record import record

from .models import ExchangedFile

# Sent after the upload's transaction commits, with `upload=<ExchangedFile>`.
pension_data_file_received = Signal()


def on_pension_data_file_received(upload: ExchangedFile) -> None:
    record(
        "exchange.pension_data_file_recognised",
        organization=upload.organization,
        actor=upload.sent_by,
        target=upload.reference,
        details={"template": upload.detected_template, "status": upload.status},
    )
    # robust: the upload has happened; a receiver that fails is logged, never a 500.
    transaction.on_commit(
        lambda: pension_data_file_received.send(sender=ExchangedFile, upload=upload),
        robust=True,
    )
