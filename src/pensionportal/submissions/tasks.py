"""Background tasks of the intake pipeline (Django Tasks API, django-tasks backport),
retried with backoff on a transient error (core/retry.py)."""

from __future__ import annotations

from django_tasks import task

from pensionportal.core import conf
from pensionportal.core.retry import retrying

from . import handover, pipeline


@task()
@retrying(conf.task_retry, on_give_up=pipeline.gave_up)
def validate_submission(submission_id: int) -> str:
    return str(pipeline.validate_submission(submission_id).status)


@task()
@retrying(conf.task_retry, on_give_up=pipeline.gave_up)
def apply_submission(submission_id: int) -> str:
    return str(pipeline.apply_submission(submission_id).status)


@task()
@retrying(conf.task_retry)
def take_upload_into_intake(upload_id: int) -> str:
    return handover.take_into_intake(upload_id)
