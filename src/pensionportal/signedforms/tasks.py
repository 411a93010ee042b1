"""Background tasks: sealing and applying a completed form; the daily job per employer
(the scheduler enqueues it, core/scheduling.py), retried with backoff on a transient error."""

from __future__ import annotations

from django_tasks import task

from pensionportal.accounts.models import Organization
from pensionportal.core import conf
from pensionportal.core.retry import retrying


@task()
def seal_and_apply_task(form_id: int) -> None:
    from .actions import seal_and_apply

    seal_and_apply(form_id)


@task()
@retrying(conf.task_retry)
def daily_forms_for(organization_id: int, day: str) -> int:
    """Reminders to the employer's signers who have not signed, and its completed forms
    still to seal or apply (a store or a certificate that was down)."""
    from .actions import finish_pending, send_due_reminders

    organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
    if organization is None:
        return 0
    return send_due_reminders(organization=organization) + finish_pending(organization=organization)
