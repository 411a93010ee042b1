"""Daily jobs, enqueued once a day as background tasks (the worker runs them).

`manage.py run_scheduler` loops (started beside the worker by `make run`); in production
run it as one more process, or call `manage.py run_scheduler --once` from cron.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun

log = logging.getLogger(__name__)

# Dotted paths of django-tasks Task objects, enqueued with no arguments once a day.
DAILY_TASKS = [
    "pensionportal.remittances.tasks.send_due_date_reminders_task",
    "pensionportal.missed.tasks.publish_missed_contributions_reports_task",
]


def _task(path: str) -> object | None:
    module_name, _, name = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, name, None)


def run_due_jobs(today: dt.date | None = None) -> list[str]:
    """Enqueue every daily task not yet enqueued today; returns the ones enqueued."""
    today = today or timezone.localdate()
    enqueued = []
    for path in DAILY_TASKS:
        task = _task(path)
        if task is None or not hasattr(task, "enqueue"):
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=path, day=today)
                transaction.on_commit(task.enqueue)
        except IntegrityError:
            continue  # already enqueued today
        log.info("Scheduled %s for %s", path, today)
        enqueued.append(path)
    return enqueued
