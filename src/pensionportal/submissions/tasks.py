"""Background tasks of the intake pipeline (Django Tasks API, django-tasks backport),
retried with backoff on a transient error (core/retry.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from pensionportal.core import conf
from pensionportal.core.retry import retrying

from . import handover, intake
from .models import Status, Submission


@task()
@retrying(conf.task_retry, on_give_up=intake.gave_up)
def validate_submission(submission_id: int) -> str:
    return str(intake.validate_submission(submission_id).status)


@task()
@retrying(conf.task_retry, on_give_up=intake.gave_up)
def apply_submission(submission_id: int) -> str:
    return str(intake.apply_submission(submission_id).status)


@task()
@retrying(conf.task_retry)
def take_upload_into_intake(upload_id: int) -> str:
    return handover.take_into_intake(upload_id, then=queue_validation)


# --- Queueing: on commit, with the time queued kept for the reaper -------------------------


def queue_validation(submission_id: int) -> None:
    Submission.objects.filter(pk=submission_id).update(queued_at=timezone.now())
    # robust: a queue unreachable right after the commit is logged; the reaper re-queues.
    transaction.on_commit(lambda: validate_submission.enqueue(submission_id), robust=True)


def queue_apply(submission_id: int) -> None:
    Submission.objects.filter(pk=submission_id).update(queued_at=timezone.now())
    transaction.on_commit(lambda: apply_submission.enqueue(submission_id), robust=True)


def requeue(submission_id: int) -> str | None:
    """Queue the work a submission is waiting for (the reaper, staff); None if none."""
    status = Submission.objects.filter(pk=submission_id).values_list("status", flat=True).first()
    if status in (Status.RECEIVED, Status.VALIDATING):
        queue_validation(submission_id)
        return "validation"
    if status in (Status.ACCEPTED, Status.APPLYING):
        queue_apply(submission_id)
        return "apply"
    return None
