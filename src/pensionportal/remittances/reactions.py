"""What remittances does when another app's fact is published (core/events.py)."""

from __future__ import annotations

from pensionportal.core.events import PaySubmissionApplied
from pensionportal.submissions.models import Submission

from . import actions


def reconcile_applied_pay(event: PaySubmissionApplied) -> None:
    """A PAY file applied: derive its remittance advice and reconcile the pay period."""
    actions.on_pay_submission_applied(Submission.objects.get(pk=event.submission_id))
