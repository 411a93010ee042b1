"""The scheduler enqueues one task per employer per daily job (issue 14, "Must do" 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import LazySettings
from django.test import TestCase
from django_tasks_db.models import DBTaskResult

from pensionportal.core.models import ScheduledRun
from pensionportal.operations.scheduling import DAILY_TASKS, run_due_jobs
from tests.factories import make_org

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 23)


def test_each_daily_job_is_enqueued_once_a_day_for_each_active_employer(
    settings: LazySettings,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    employers = [make_org(), make_org()]
    inactive = make_org()
    inactive.is_active = False
    inactive.save()
    make_org(vendor=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = run_due_jobs(DAY)
    assert len(first) == len(DAILY_TASKS) * 2
    queued = {(t.task_path, tuple(t.args_kwargs["args"])) for t in DBTaskResult.objects.all()}
    assert queued == {(path, (org.pk, "2026-11-23")) for path in DAILY_TASKS for org in employers}
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert run_due_jobs(DAY) == []  # a second scheduler, or a restart, the same day
    assert DBTaskResult.objects.count() == len(first)
    assert ScheduledRun.objects.filter(day=DAY).count() == len(first)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert len(run_due_jobs(DAY + dt.timedelta(days=1))) == len(first)


def test_one_employers_failure_never_stops_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pensionportal.remittances import tasks as reminder_tasks

    broken, healthy = make_org(), make_org()
    seen: list[int] = []

    def send(organization: object, today: dt.date, lead_days: int | None = None) -> int:
        seen.append(organization.pk)  # type: ignore[attr-defined]
        if organization.pk == broken.pk:  # type: ignore[attr-defined]
            raise ValueError("bad data for this employer")
        return 0

    monkeypatch.setattr(reminder_tasks, "send_reminders_for", send)
    with TestCase.captureOnCommitCallbacks(execute=True):
        run_due_jobs(DAY)
    assert sorted(seen) == sorted([broken.pk, healthy.pk])
    assert ScheduledRun.objects.filter(organization_id=healthy.pk).count() == len(DAILY_TASKS)


def test_a_failing_employer_task_is_retried_with_backoff(
    settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from pensionportal.remittances import tasks as reminder_tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    org = make_org()

    def away(*args: object, **kwargs: object) -> int:
        raise OperationalError("database restarting")

    monkeypatch.setattr(reminder_tasks, "send_reminders_for", away)
    result = reminder_tasks.send_due_date_reminders_for.call(org.pk, "2026-11-23")
    assert isinstance(result, dict)
    assert result["retry"] == 2
    retry = DBTaskResult.objects.get(task_path__endswith="send_due_date_reminders_for")
    assert retry.args_kwargs == {"args": [org.pk, "2026-11-23"], "kwargs": {"attempt": 2}}
