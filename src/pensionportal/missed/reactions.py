"""What missed mandatory contributions does when another app's fact is published
(core/events.py)."""

from __future__ import annotations

from pensionportal.core.events import PaySubmissionApplied
from pensionportal.submissions.models import Submission

from . import actions


def close_cases_paid(event: PaySubmissionApplied) -> None:
    """A PAY file applied: its R or A contributions may pay periods of open cases."""
    actions.on_pay_submission_applied(Submission.objects.get(pk=event.submission_id))
