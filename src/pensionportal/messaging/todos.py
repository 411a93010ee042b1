"""Home to-dos of secure messages (issue 16, Must do 1; worklist.home).

Employer: unread threads, and inquiries of the administrator waiting for the employer's
answer with the date from which the administrator may escalate them within the
organization (select-employer-manual.txt §4 'Pension Partner': five business days).
Staff: open threads waiting for an answer that nobody is assigned to, and those past their
respond-by date (§4: an answer within two business days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Min, QuerySet
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization
from pensionportal.core.todolist import Todo, register_employer, register_staff
from pensionportal.rules.deadlines import inquiry_escalation_date

from .access import visible_threads
from .models import Thread, ThreadStatus
from .queries import side_filter, unread_threads


def _grouped(query: QuerySet[Thread]) -> dict[int, tuple[int, dt.date]]:
    rows = (
        query.order_by()
        .values("organization_id")
        .annotate(n=Count("id"), oldest=Min("last_message_at"))
    )
    return {row["organization_id"]: (row["n"], timezone.localdate(row["oldest"])) for row in rows}


def employer_todos(
    user: AnyUser, organizations: Sequence[Organization], today: dt.date
) -> list[Todo]:
    ids = [organization.pk for organization in organizations]
    mine = side_filter(visible_threads(user), user, archived=False).filter(organization_id__in=ids)
    items: list[Todo] = []
    for org_id, (count, oldest) in _grouped(
        unread_threads(user).filter(organization_id__in=ids)
    ).items():
        items.append(
            Todo(
                "Unread secure messages",
                count,
                reverse("messaging:index"),
                oldest,
                "Oldest",
                org_id,
                today,
                is_deadline=False,
            )
        )
    waiting = mine.filter(status=ThreadStatus.OPEN, last_message_from_staff=True)
    for org_id, (count, oldest) in _grouped(waiting).items():
        items.append(
            Todo(
                "Inquiries of the plan administrator waiting for your answer",
                count,
                reverse("messaging:index"),
                inquiry_escalation_date(oldest),
                "May be escalated from",
                org_id,
                today,
            )
        )
    return items


def staff_todos(user: AnyUser, today: dt.date) -> list[Todo]:
    waiting = Thread.objects.filter(
        status=ThreadStatus.OPEN, last_message_from_staff=False, archived_by_staff=False
    )
    unassigned = waiting.filter(assigned_to__isnull=True).aggregate(
        n=Count("id"), first=Min("respond_by")
    )
    late = waiting.filter(respond_by__lt=today).aggregate(n=Count("id"), first=Min("respond_by"))
    index = reverse("messaging:index")
    return [
        Todo(
            "Inquiries waiting for an answer, not assigned",
            unassigned["n"],
            index + "?status=open",
            unassigned["first"],
            "Respond by",
            None,
            today,
        ),
        Todo(
            "Inquiries past their respond-by date",
            late["n"],
            index + "?overdue=1",
            late["first"],
            "Respond by",
            None,
            today,
        ),
    ]


def register() -> None:
    register_employer(Capability.MESSAGES, employer_todos)
    register_staff(Capability.MESSAGES, staff_todos)
