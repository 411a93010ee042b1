"""Background task of the buybacks' daily job, one per employer a day (the scheduler
enqueues it, operations/scheduling.py), retried with backoff on a transient error: reminders and
lapses of the 1017, quarterly employer invoices, the yearly tax-reporting tasks."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from pensionportal.accounts.models import Organization
from pensionportal.core import conf
from pensionportal.core.retry import retrying

from .lapsing import run_daily


@task()
@retrying(conf.task_retry)
def run_buybacks_daily_for(organization_id: int, day: str) -> dict[str, int]:
    organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
    if organization is None:
        return {"reminders": 0, "lapsed": 0, "invoices": 0, "tax_tasks": 0}
    result = run_daily(dt.date.fromisoformat(day), organization)
    return {
        "reminders": result.reminders,
        "lapsed": result.lapsed,
        "invoices": result.invoices,
        "tax_tasks": result.tax_tasks,
    }
