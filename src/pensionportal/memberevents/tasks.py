"""Background task of the daily refresh of member-event work items, one per employer a day
(the scheduler enqueues it, operations/scheduling.py), retried with backoff on a transient error."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from pensionportal.accounts.models import Organization
from pensionportal.core import conf
from pensionportal.core.retry import retrying

from .sync import refresh


@task()
@retrying(conf.task_retry)
def refresh_member_events_for(organization_id: int, day: str) -> int:
    """Returns the number of the employer's open items."""
    organization = Organization.objects.filter(
        pk=organization_id, kind="employer", is_active=True
    ).first()
    if organization is None:
        return 0
    return refresh(organization, dt.date.fromisoformat(day))
