"""Background task form of the scheduled cycle (schedule it daily, like the command)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .actions import run_cycle


@task()
def publish_missed_contributions_reports_task() -> dict[str, int]:
    result = run_cycle(timezone.localdate())
    return {
        "organizations": result.organizations,
        "findings": result.findings,
        "cases_opened": result.cases_opened,
        "reports": result.reports,
    }
