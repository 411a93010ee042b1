"""The reaper: finds work that lost its worker and puts it back in the queue.

Run by the scheduler every PORTAL_REAPER_INTERVAL_SECONDS (and by `manage.py reap_stuck_work`
from cron). It never does the work itself; it only re-queues, and every task it re-queues
is idempotent on the state of what it works on, so a re-queue of work that was in fact
still running does nothing twice.

- e-mails queued whose attempt is overdue by PORTAL_EMAIL_LOST_AFTER_SECONDS: queued again;
- task results still RUNNING after PORTAL_TASK_LOST_AFTER_SECONDS: marked FAILED ("the
  worker was lost"), so a dead task shows on the staff Operations page;
- audit rows committed but not sealed into the chain (a process died after its commit),
  and the signed checkpoint of the chain when one is due (audit/checkpoints.py);
- stored files that no owner ever kept (a process killed between storing and recording);
- and what the domain apps register (`register`): submissions stuck in validating or
  applying (submissions/recovery.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pensionportal.audit import checkpoints
from pensionportal.audit.chain import seal
from pensionportal.core import conf, outbox
from pensionportal.core.models import EmailStatus, OutgoingEmail
from pensionportal.files import store as files

log = logging.getLogger(__name__)

LOST_WORKER = (
    "The worker running this task stopped before it finished (it was killed or its "
    "machine was lost). The work it was doing is queued again by the reaper where it "
    "can be; see the Operations page."
)
LOST_WORKER_CLASS = f"{__name__}.WorkerLost"

Sweeper = Callable[[], dict[str, int]]
_SWEEPERS: dict[str, Sweeper] = {}


class WorkerLost(Exception):
    """Named on a task result the reaper marked FAILED (never raised)."""


def register(name: str, sweeper: Sweeper) -> None:
    _SWEEPERS[name] = sweeper


def _ago(seconds: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


def requeue_lost_emails() -> dict[str, int]:
    lost = list(
        OutgoingEmail.objects.filter(
            status=EmailStatus.QUEUED, next_attempt_at__lt=_ago(conf.email_lost_after_seconds())
        ).values_list("pk", flat=True)[:1000]
    )
    if lost:
        OutgoingEmail.objects.filter(pk__in=lost).update(next_attempt_at=timezone.now())
        outbox.enqueue(lost)
        log.warning("Reaper: %d e-mail(s) had lost their task; queued again", len(lost))
    return {"emails_requeued": len(lost)}


def fail_lost_tasks() -> dict[str, int]:
    count = DBTaskResult.objects.filter(
        status="RUNNING", started_at__lt=_ago(conf.task_lost_after_seconds())
    ).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path=LOST_WORKER_CLASS,
        traceback=LOST_WORKER,
    )
    if count:
        log.warning("Reaper: %d task(s) had lost their worker; marked failed", count)
    return {"tasks_marked_lost": count}


def seal_audit() -> dict[str, int]:
    sealed = seal()
    return {"audit_rows_sealed": sealed, "audit_checkpoints": checkpoints.write_if_due()}


def purge_stale_files() -> dict[str, int]:
    """Files stored but never kept by an owner (a process killed between storing a file
    and recording it), six hours on."""
    return {"stale_files_purged": files.purge_stale_pending()}


def reap() -> dict[str, int]:
    """One pass of every sweeper; one that fails is logged and the others still run."""
    totals: dict[str, int] = {}
    sweepers: dict[str, Sweeper] = {
        "emails": requeue_lost_emails,
        "tasks": fail_lost_tasks,
        "audit": seal_audit,
        "files": purge_stale_files,
        **_SWEEPERS,
    }
    for name, sweeper in sweepers.items():
        try:
            totals.update(sweeper())
        except Exception:
            log.exception("Reaper: sweeping %s failed; the next pass tries again", name)
    return totals
