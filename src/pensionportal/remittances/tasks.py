"""Background tasks of the due-date reminders: one per employer a day (the scheduler
enqueues them, operations/scheduling.py), retried with backoff on a transient error."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from pensionportal.accounts.models import Organization
from pensionportal.core import conf
from pensionportal.core.retry import retrying

from .regulator import draft_notices
from .reminders import send_due_date_reminders, send_reminders_for


@task()
@retrying(conf.task_retry)
def send_due_date_reminders_for(organization_id: int, day: str) -> int:
    organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
    if organization is None:
        return 0
    return send_reminders_for(organization, dt.date.fromisoformat(day))


@task()
def send_due_date_reminders_task() -> int:
    """Every employer in one task (kept for cron set-ups that enqueue it by hand)."""
    return send_due_date_reminders(timezone.localdate())


@task()
@retrying(conf.task_retry)
def draft_regulator_notices_for(organization_id: int, day: str) -> int:
    """One employer's notices to the regulator: its pay periods not paid in full by their
    due date (issue 21)."""
    organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
    if organization is None:
        return 0
    return draft_notices(dt.date.fromisoformat(day), organization)
