"""The daily job per employer (the scheduler enqueues it, operations/scheduling.py), retried
with backoff on a transient error. Sealing a completed form is queued by sealing.py."""

from __future__ import annotations

from django_tasks import task

from pensionportal.accounts.models import Organization
from pensionportal.core import conf
from pensionportal.core.retry import retrying

from .actions import send_due_reminders
from .sealing import finish_pending


@task()
@retrying(conf.task_retry)
def daily_forms_for(organization_id: int, day: str) -> int:
    """Reminders to the employer's signers who have not signed, and its completed forms
    still to seal or apply (a store or a certificate that was down)."""
    organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
    if organization is None:
        return 0
    return send_due_reminders(organization=organization) + finish_pending(organization=organization)
