"""Daily jobs, enqueued once a day per employer as background tasks (the workers run them).

`manage.py run_scheduler` loops (started beside the worker by `make run`); in production
run exactly one as its own process (a second is harmless: each job, day and employer is
enqueued once, see ScheduledRun), or call `manage.py run_scheduler --once` from cron.
Each loop also runs the reaper (reaper.py).

One task per employer per job: an employer whose run fails is logged and retried with
backoff (core/retry.py) by its own task, and never stops the others.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task

from pensionportal.accounts.models import Organization, OrganizationKind
from pensionportal.core.models import ScheduledRun

log = logging.getLogger(__name__)

# The django-tasks Task objects taking (organization_id, day as YYYY-MM-DD) enqueued once a
# day for each active employer, registered by the apps that own them (their `ready()`), and
# their dotted paths (the job's name in ScheduledRun).
_DAILY: dict[str, Task[..., Any]] = {}
DAILY_TASKS: list[str] = []


def register_daily(task: Task[..., Any]) -> None:
    """Enqueue `task(organization_id, day)` once a day for every active employer."""
    if task.module_path not in _DAILY:
        _DAILY[task.module_path] = task
        DAILY_TASKS.append(task.module_path)


def _employers() -> Iterable[int]:
    return Organization.objects.filter(kind=OrganizationKind.EMPLOYER, is_active=True).values_list(
        "pk", flat=True
    )


def run_due_jobs(today: dt.date | None = None) -> list[str]:
    """Enqueue every daily task not yet enqueued today for each employer; returns
    "job organization_id" for each task enqueued."""
    today = today or timezone.localdate()
    enqueued = []
    employers = list(_employers())
    for path in DAILY_TASKS:
        task = _DAILY[path]
        done = set(
            ScheduledRun.objects.filter(job=path, day=today).values_list(
                "organization_id", flat=True
            )
        )
        for organization_id in employers:
            if organization_id in done:
                continue
            try:
                with transaction.atomic():
                    ScheduledRun.objects.create(
                        job=path, day=today, organization_id=organization_id
                    )
                    transaction.on_commit(
                        functools.partial(task.enqueue, organization_id, today.isoformat())
                    )
            except IntegrityError:
                continue  # another scheduler enqueued it first
            enqueued.append(f"{path} {organization_id}")
        log.info("Scheduled %s for %s", path, today)
    return enqueued
