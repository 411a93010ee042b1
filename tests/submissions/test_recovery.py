"""Work that survives failure (issue 14): a check or apply that fails for a passing reason
is retried; one whose worker died is found by the reaper and queued again; running the
same work twice never applies a file twice."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
from django.conf import LazySettings
from django.db import OperationalError
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pensionportal.accounts.models import Organization, Plan, Role, StaffRole, User
from pensionportal.audit.models import AuditEvent
from pensionportal.members.models import Contribution
from pensionportal.operations.reaper import reap
from pensionportal.submissions import actions, intake, recovery
from pensionportal.submissions.models import Status, Submission
from tests.factories import make_member, make_org, make_staff, make_user

from .helpers import pay_file, pay_row, submit

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def org() -> Organization:
    organization = make_org(plan=Plan.SELECT)
    organization.plan_participation_date = date(2015, 1, 1)
    organization.save()
    make_member(organization, "E1", sin="046454286")
    make_member(organization, "E2", sin="130692544")
    return organization


@pytest.fixture
def clerk(org: Organization) -> User:
    return make_user(org, [Role.FILE_UPLOAD])


def _received(clerk: User, org: Organization, settings: LazySettings) -> Submission:
    """A PAY file received, its check queued in the database (no worker has run it)."""
    settings.TASKS = DB_TASKS
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission = actions.receive(
            clerk, org, "pay.csv", [pay_file([pay_row("E1"), pay_row("E2", "3000.00")])]
        )
    return submission


def _ledger(submission: Submission) -> int:
    return Contribution.objects.filter(source_submission_id=submission.pk).count()


def test_a_check_that_fails_for_a_passing_reason_is_retried_later(
    org: Organization, clerk: User, settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    submission = _received(clerk, org, settings)

    def database_away(submission: Submission) -> object:
        raise OperationalError("the database went away")

    monkeypatch.setattr(intake, "read_submission", database_away)
    [queued] = DBTaskResult.objects.filter(status="READY")
    queued.task.call(*queued.args_kwargs["args"])
    submission.refresh_from_db()
    assert submission.status == Status.RECEIVED  # not left in `validating`
    assert "tried again automatically" in submission.failure_message
    retry = DBTaskResult.objects.filter(status="READY").exclude(pk=queued.pk).get()
    assert retry.args_kwargs == {"args": [submission.pk], "kwargs": {"attempt": 2}}
    assert retry.run_after > timezone.now()

    monkeypatch.undo()
    retry.task.call(*retry.args_kwargs["args"], **retry.args_kwargs["kwargs"])
    submission.refresh_from_db()
    assert submission.status == Status.APPLIED
    assert submission.failure_message == ""
    assert _ledger(submission) == 2


def test_when_the_retries_run_out_the_submission_says_so_and_staff_can_run_it_again(
    org: Organization, clerk: User, settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_TASK_MAX_ATTEMPTS", "1")
    submission = _received(clerk, org, settings)
    monkeypatch.setattr(
        intake, "read_submission", lambda s: (_ for _ in ()).throw(OperationalError("down"))
    )
    [queued] = DBTaskResult.objects.filter(status="READY")
    with pytest.raises(OperationalError):
        queued.task.call(*queued.args_kwargs["args"])
    submission.refresh_from_db()
    assert submission.status == Status.RECEIVED
    assert "Automatic attempts have stopped" in submission.failure_message
    monkeypatch.undo()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.run_again(make_staff([StaffRole.DATA_MANAGEMENT]), submission, None)
    submission.refresh_from_db()
    assert submission.status == Status.APPLIED


def test_applying_the_same_submission_twice_writes_its_rows_once(
    org: Organization, clerk: User
) -> None:
    submission = submit(clerk, org, pay_file([pay_row("E1"), pay_row("E2", "3000.00")]))
    assert submission.status == Status.APPLIED
    again = intake.apply_submission(submission.pk)  # a retry, a re-queue, "Run again"
    assert again.status == Status.APPLIED
    again = intake.validate_submission(submission.pk)
    assert again.status == Status.APPLIED
    assert _ledger(submission) == 2


def _stuck(submission: Submission, status: str, minutes_ago: float) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        status=status, worker_started_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def test_the_reaper_requeues_a_lost_apply_and_it_is_applied_exactly_once(
    org: Organization, clerk: User, settings: LazySettings
) -> None:
    submission = _received(clerk, org, settings)
    DBTaskResult.objects.all().delete()  # the worker took it, then was killed
    _stuck(submission, Status.ACCEPTED, 0)
    _stuck(submission, Status.APPLYING, 60)  # killed in the middle of applying
    with TestCase.captureOnCommitCallbacks(execute=True):
        found = reap()
    assert found["submissions_requeued"] == 1
    [task] = DBTaskResult.objects.filter(status="READY")
    assert task.task_path.endswith("apply_submission")
    task.task.call(*task.args_kwargs["args"])
    submission.refresh_from_db()
    assert (submission.status, submission.recoveries) == (Status.APPLIED, 1)
    assert _ledger(submission) == 2
    assert AuditEvent.objects.filter(
        action="submission.worker_lost", target=submission.reference
    ).exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert reap()["submissions_requeued"] == 0  # applied: nothing more to do


def test_the_reaper_leaves_work_that_is_not_overdue(
    org: Organization, clerk: User, settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    submission = _received(clerk, org, settings)
    monkeypatch.setattr(recovery, "_can_see_locks", lambda: False)  # as on SQLite
    _stuck(submission, Status.VALIDATING, 10)  # 10 minutes: under the 30-minute limit
    assert reap()["submissions_requeued"] == 0
    _stuck(submission, Status.VALIDATING, 31)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert reap()["submissions_requeued"] == 1
    assert (
        DBTaskResult.objects.filter(
            status="READY", task_path__endswith="validate_submission"
        ).count()
        == 2
    )  # the original and the re-queue: running both checks once


def test_a_file_that_loses_its_worker_again_and_again_stops_being_requeued(
    org: Organization, clerk: User, settings: LazySettings
) -> None:
    submission = _received(clerk, org, settings)
    Submission.objects.filter(pk=submission.pk).update(recoveries=recovery.MAX_RECOVERIES)
    _stuck(submission, Status.APPLYING, 60)
    found = reap()
    assert found["submissions_given_up"] == 1
    submission.refresh_from_db()
    assert submission.status == Status.ACCEPTED
    assert "not tried again automatically" in submission.failure_message


def test_a_submission_whose_queue_entry_was_lost_is_queued_again(
    org: Organization, clerk: User, settings: LazySettings
) -> None:
    submission = _received(clerk, org, settings)
    DBTaskResult.objects.all().delete()  # the enqueue after the commit never happened
    Submission.objects.filter(pk=submission.pk).update(
        queued_at=timezone.now() - dt.timedelta(hours=1)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert reap()["submissions_orphans_requeued"] == 1
    assert DBTaskResult.objects.filter(task_path__endswith="validate_submission").count() == 1


def test_the_reaper_marks_a_task_whose_worker_died_as_failed(settings: LazySettings) -> None:
    settings.TASKS = DB_TASKS
    from pensionportal.core.tasks import deliver_email

    result = deliver_email.enqueue(1)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=timezone.now() - dt.timedelta(hours=2)
    )
    fresh = deliver_email.enqueue(2)
    DBTaskResult.objects.filter(pk=fresh.id).update(status="RUNNING", started_at=timezone.now())
    assert reap()["tasks_marked_lost"] == 1
    lost = DBTaskResult.objects.get(pk=result.id)
    assert lost.status == "FAILED"
    assert "worker running this task stopped" in lost.traceback
    assert DBTaskResult.objects.get(pk=fresh.id).status == "RUNNING"


def test_an_email_whose_task_was_lost_is_queued_again(settings: LazySettings) -> None:
    from pensionportal.core import outbox
    from pensionportal.core.models import OutgoingEmail

    settings.TASKS = DB_TASKS
    [email] = outbox.queue(["a@example.com"], "Subject", "body")  # never committed: no task
    OutgoingEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert reap()["emails_requeued"] == 1
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_email").count() == 1
