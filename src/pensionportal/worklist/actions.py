"""Writing work items: domain apps keep them in step with what is owed; staff close them.

`sync` is idempotent (a daily job may call it every day): it creates the item or refreshes
an open one, and leaves a closed one alone. `close` and `cancel` end it (audited). Staff
mark an item done with `mark_done` when the work happened outside the portal (a statement
mailed, a PA file uploaded).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.models import User
from pensionportal.audit.record import record

from .models import Audience, Task, TaskStatus

SYSTEM = "system:worklist"


class WorklistError(ValueError):
    """A refusal whose message says why; nothing was changed."""


@dataclass(frozen=True)
class TaskSpec:
    key: str
    kind: str
    category: str
    audience: Audience
    organization_id: int | None
    title: str
    due_date: dt.date
    source: str
    listed_from: dt.date | None = None  # default: listed at once
    subject: str = ""
    detail: str = ""
    url: str = ""
    closable_by_staff: bool = True


_FIELDS = (
    "kind",
    "category",
    "audience",
    "organization_id",
    "title",
    "due_date",
    "source",
    "subject",
    "detail",
    "url",
    "closable_by_staff",
)


def sync(spec: TaskSpec, today: dt.date) -> Task:
    """Create the item, or bring an open one up to date; a closed one is left as it is."""
    values = {name: getattr(spec, name) for name in _FIELDS}
    values["title"] = spec.title[:300]
    values["detail"] = spec.detail[:500]
    values["subject"] = spec.subject[:200]
    values["listed_from"] = spec.listed_from or min(today, spec.due_date)
    task = Task.objects.filter(key=spec.key).first()
    if task is None:
        try:
            with transaction.atomic():
                return Task.objects.create(key=spec.key, **values)
        except IntegrityError:  # another run created it meanwhile: bring that one up to date
            task = Task.objects.get(key=spec.key)
    if task.status != TaskStatus.OPEN:
        return task
    changed = [name for name, value in values.items() if getattr(task, name) != value]
    if changed:
        for name in changed:
            setattr(task, name, values[name])
        task.updated_at = timezone.now()
        task.save(update_fields=[*changed, "updated_at"])
    return task


def _end(
    task: Task,
    status: TaskStatus,
    on: dt.date,
    note: str,
    actor: User | None,
    request: HttpRequest | None,
) -> Task:
    task.status = status
    task.closed_on = on
    task.closed_by = actor
    task.close_note = note[:300]
    task.updated_at = timezone.now()
    task.save(update_fields=["status", "closed_on", "closed_by", "close_note", "updated_at"])
    record(
        f"worklist.task_{status}",
        request=request,
        actor=actor,
        actor_email="" if actor else SYSTEM,
        organization=task.organization,
        target=task.key,
        details={"kind": task.kind, "on": on.isoformat()},
    )
    return task


def close(key: str, on: dt.date, note: str = "", actor: User | None = None) -> Task | None:
    """The obligation was met (a statement sent, a file applied): the open item is done."""
    task = Task.objects.select_for_update().filter(key=key, status=TaskStatus.OPEN).first()
    if task is None:
        return None
    return _end(task, TaskStatus.DONE, on, note, actor, None)


def cancel(key: str, on: dt.date, note: str) -> Task | None:
    task = Task.objects.select_for_update().filter(key=key, status=TaskStatus.OPEN).first()
    if task is None:
        return None
    return _end(task, TaskStatus.CANCELLED, on, note, None, None)


def cancel_others(
    kind: str, organization_id: int | None, keep: Iterable[str], on: dt.date, note: str
) -> int:
    """Cancel the open items of ``kind`` for the organization whose key is not in ``keep``
    (their reason went away, e.g. a member's termination was reversed)."""
    keep_keys = set(keep)
    query = Task.objects.select_for_update().filter(kind=kind, status=TaskStatus.OPEN)
    if organization_id is None:
        query = query.filter(organization__isnull=True)
    else:
        query = query.filter(organization_id=organization_id)
    stale = [task for task in query if task.key not in keep_keys]
    for task in stale:
        _end(task, TaskStatus.CANCELLED, on, note, None, None)
    return len(stale)


@transaction.atomic
def mark_done(
    staff: User, task: Task, on: dt.date, note: str, request: HttpRequest | None = None
) -> Task:
    """Staff record that the work was done (outside the portal), with the date."""
    access.require_staff_member(staff)
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != TaskStatus.OPEN:
        raise WorklistError("This task is already closed.")
    if not locked.closable_by_staff:
        raise WorklistError(
            "This task closes by itself when the data or action it waits for arrives."
        )
    if on > timezone.localdate():
        raise WorklistError("The date done cannot be in the future.")
    if not note.strip():
        raise WorklistError("Say what was done (for example: statement mailed).")
    return _end(locked, TaskStatus.DONE, on, note.strip(), staff, request)
