"""Submissions whose worker was lost (killed, machine gone) are found and queued again.

Registered with the reaper (operations/reaper.py). A submission in `validating` or `applying`
is lost when no worker holds it: the check and the apply each hold the submission's row
lock for their whole run (intake.py), so on PostgreSQL a row that is not locked has no
live worker, and after a short grace (the moment between setting the status and taking the
lock) it is queued again. SQLite cannot tell, so there a submission is taken as lost after
PORTAL_STUCK_AFTER_SECONDS. A submission lost MAX_RECOVERIES times (a file that kills its
worker each time) is no longer queued: it gets a message saying so, and staff decide.

Also queued again: a submission received or accepted whose work was queued long ago but
never started (the queue could not be reached right after the commit).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from pensionportal.audit.record import record
from pensionportal.core import conf

from . import tasks
from .models import Status, Submission

log = logging.getLogger(__name__)

MAX_RECOVERIES = 3
IN_WORK = (Status.VALIDATING, Status.APPLYING)
LOST_TOO_OFTEN = (
    "The worker stopped {n} times while working on this file, so it is not tried again "
    "automatically. Staff can run it again or ask the sender for a new file."
)


def _can_see_locks() -> bool:
    return connection.features.has_select_for_update_skip_locked


def reap_stuck() -> dict[str, int]:
    requeued = given_up = orphans = 0
    wait = conf.lock_grace_seconds() if _can_see_locks() else conf.stuck_after_seconds()
    cutoff = timezone.now() - dt.timedelta(seconds=wait)
    candidates = list(
        Submission.objects.filter(status__in=IN_WORK, worker_started_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    for submission_id in candidates:
        with transaction.atomic():
            # skip_locked: a submission whose worker is alive holds its row: passed over.
            submission = (
                Submission.objects.select_for_update(skip_locked=True)
                .filter(pk=submission_id, status__in=IN_WORK, worker_started_at__lt=cutoff)
                .first()
            )
            if submission is None:
                continue
            if submission.recoveries >= MAX_RECOVERIES:
                back = (
                    Status.RECEIVED if submission.status == Status.VALIDATING else Status.ACCEPTED
                )
                Submission.objects.filter(pk=submission.pk).update(
                    status=back,
                    failure_message=LOST_TOO_OFTEN.format(n=submission.recoveries + 1),
                )
                given_up += 1
                outcome = "given_up"
            else:
                Submission.objects.filter(pk=submission.pk).update(
                    recoveries=F("recoveries") + 1, worker_started_at=timezone.now()
                )
                tasks.requeue(submission.pk)
                requeued += 1
                outcome = "requeued"
            record(
                "submission.worker_lost",
                actor_email="system:reaper",
                organization=submission.organization,
                target=submission.reference,
                details={"status": submission.status, "outcome": outcome},
            )
            log.warning(
                "Reaper: %s was %s with no live worker; %s",
                submission.reference,
                submission.status,
                outcome,
            )
    orphan_cutoff = timezone.now() - dt.timedelta(seconds=conf.stuck_after_seconds())
    for submission_id in (
        Submission.objects.filter(
            status__in=(Status.RECEIVED, Status.ACCEPTED),
            failure_message="",
            queued_at__lt=orphan_cutoff,
        )
        .filter(Q(worker_started_at__isnull=True) | Q(worker_started_at__lt=F("queued_at")))
        .values_list("pk", flat=True)[:200]
    ):
        with transaction.atomic():
            tasks.requeue(submission_id)
        orphans += 1
    return {
        "submissions_requeued": requeued,
        "submissions_given_up": given_up,
        "submissions_orphans_requeued": orphans,
    }
