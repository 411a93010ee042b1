"""Background task form of the reminders (schedule it daily, like the command)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .reminders import send_due_date_reminders


@task()
def send_due_date_reminders_task() -> int:
    return send_due_date_reminders(timezone.localdate())
