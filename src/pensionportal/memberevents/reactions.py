"""What member events does when another app's fact is published (core/events.py)."""

from __future__ import annotations

from pensionportal.accounts.models import Organization
from pensionportal.core.events import SubmissionApplied

from . import actions


def refresh_after_applied_file(event: SubmissionApplied) -> None:
    """A data file applied: the organization's member-event work items follow it."""
    organization = Organization.objects.get(pk=event.organization_id)
    actions.on_submission_applied(organization, event.template)
