"""The staff Operations page: e-mail not delivered, background tasks that died, and the
state of the queues (issue 14: work that survives failure is only as good as what staff
can see of what did not survive)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_tasks_db.models import DBTaskResult

from pensionportal.accounts.access import Capability
from pensionportal.accounts.sections import Audience, section
from pensionportal.audit.record import record
from pensionportal.core import outbox
from pensionportal.core.models import EmailStatus, OutgoingEmail

from .reaper import LOST_WORKER_CLASS

LISTED = 50
# How far back the page lists the tasks that failed (not a plan rule: a page setting).
FAILED_TASKS_DAYS = 30


def _failure(task: Any) -> str:
    if task.exception_class_path == LOST_WORKER_CLASS:
        return "The worker was lost (killed or its machine stopped)"
    return task.exception_class_path.rsplit(".", 1)[-1] or "Failed"


@section(Capability.OPERATIONS, audience=Audience.STAFF)
def overview(request: HttpRequest) -> HttpResponse:
    email_counts = dict(
        OutgoingEmail.objects.values_list("status").annotate(n=Count("id")).order_by()
    )
    task_counts = dict(
        DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by()
    )
    undelivered = list(OutgoingEmail.objects.filter(status=EmailStatus.FAILED)[:LISTED])
    retrying = list(
        OutgoingEmail.objects.filter(status=EmailStatus.QUEUED, attempts__gt=0).order_by(
            "next_attempt_at"
        )[:LISTED]
    )
    since = timezone.now() - dt.timedelta(days=FAILED_TASKS_DAYS)
    dead = [
        {
            "task": task,
            "name": task.task_path.rsplit(".", 1)[-1],
            "failure": _failure(task),
            "arguments": ", ".join(str(a) for a in task.args_kwargs.get("args", [])),
            "attempts": len(task.worker_ids),
        }
        for task in DBTaskResult.objects.filter(status="FAILED", finished_at__gte=since)
        .defer("traceback", "return_value")
        .order_by("-finished_at")[:LISTED]
    ]
    return render(
        request,
        "core/operations.html",
        {
            "failed_tasks_days": FAILED_TASKS_DAYS,
            "email_counts": {
                "queued": email_counts.get(EmailStatus.QUEUED, 0),
                "sent": email_counts.get(EmailStatus.SENT, 0),
                "failed": email_counts.get(EmailStatus.FAILED, 0),
            },
            "task_counts": {
                "ready": task_counts.get("READY", 0),
                "running": task_counts.get("RUNNING", 0),
                "failed": task_counts.get("FAILED", 0),
            },
            "undelivered": undelivered,
            "retrying": retrying,
            "dead": dead,
        },
    )


@section(Capability.OPERATIONS, audience=Audience.STAFF)
@require_POST
def send_again(request: HttpRequest, email_id: int) -> HttpResponse:
    email = get_object_or_404(OutgoingEmail, pk=email_id)
    with transaction.atomic():
        queued = outbox.send_again(email)
        if queued:
            record(
                "email.send_again",
                request=request,
                target=email.to,
                details={"email": email.pk, "subject": email.subject},
            )
    if queued:
        messages.success(request, f"The e-mail to {email.to} is queued to be sent again.")
    else:
        messages.error(request, f"The e-mail to {email.to} is not waiting to be sent again.")
    return redirect("core:operations")
