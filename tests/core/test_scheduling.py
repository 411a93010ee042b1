from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import TestCase

from pensionportal.core.models import ScheduledRun
from pensionportal.core.scheduling import run_due_jobs

pytestmark = pytest.mark.django_db


def test_each_daily_job_is_enqueued_once_a_day() -> None:
    day = dt.date(2026, 11, 23)
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = run_due_jobs(day)
    assert "pensionportal.remittances.tasks.send_due_date_reminders_task" in first
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert run_due_jobs(day) == []
    assert ScheduledRun.objects.filter(day=day).count() == len(first)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert run_due_jobs(day + dt.timedelta(days=1)) == first
    assert isinstance(mail.outbox, list)
