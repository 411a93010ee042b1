"""Background tasks of the intake pipeline (Django Tasks API, django-tasks backport)."""

from __future__ import annotations

from django_tasks import task

from . import pipeline


@task()
def validate_submission(submission_id: int) -> str:
    return str(pipeline.validate_submission(submission_id).status)


@task()
def apply_submission(submission_id: int) -> str:
    return str(pipeline.apply_submission(submission_id).status)
