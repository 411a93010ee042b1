"""Background tasks of the daily missed-contributions run: one per employer (the scheduler
enqueues them, operations/scheduling.py), retried with backoff on a transient error."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from pensionportal.accounts.models import Organization
from pensionportal.core import conf
from pensionportal.core.retry import retrying

from .actions import run_cycle, run_scheduled_for


@task()
@retrying(conf.task_retry)
def run_missed_contributions_for(organization_id: int, day: str) -> dict[str, int]:
    organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
    if organization is None or not organization.members.exists():
        return {"findings": 0, "cases_opened": 0, "reports": 0}
    with transaction.atomic():  # a failure leaves nothing of this run behind
        run, published = run_scheduled_for(organization, dt.date.fromisoformat(day))
    return {
        "findings": run.findings,
        "cases_opened": int(run.case is not None),
        "reports": int(published),
    }


@task()
def publish_missed_contributions_reports_task() -> dict[str, int]:
    """Every employer in one task (kept for cron set-ups that enqueue it by hand)."""
    result = run_cycle(timezone.localdate())
    return {
        "organizations": result.organizations,
        "findings": result.findings,
        "cases_opened": result.cases_opened,
        "reports": result.reports,
    }
