"""Home to-dos of the member registry (issue 16, Must do 1; worklist.home): optional
members (eligible employees who did not join) whose 60-day notice of the right to join is
near (select-employer-manual.txt §2 'Optional Member Data': "within 60 days of their date
of hire or the date they became eligible")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Min
from django.urls import reverse

from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization
from pensionportal.core.todolist import Todo, register_employer

from .models import OptionalMember

# Choice (docs/worklist.md "Home"): "near" is the next 14 days (and any passed in the last
# 14 days, shown overdue).
NEAR_DAYS = 14


def employer_todos(
    user: AnyUser, organizations: Sequence[Organization], today: dt.date
) -> list[Todo]:
    window = dt.timedelta(days=NEAR_DAYS)
    rows = (
        OptionalMember.objects.filter(
            organization_id__in=[o.pk for o in organizations],
            optional_status_end_date=None,
            notice_due_date__gte=today - window,
            notice_due_date__lte=today + window,
        )
        .values("organization_id")
        .annotate(n=Count("id"), first=Min("notice_due_date"))
    )
    return [
        Todo(
            "Optional members: 60-day notice of the right to join",
            row["n"],
            reverse("members:list"),
            row["first"],
            "Notice by",
            row["organization_id"],
            today,
        )
        for row in rows
    ]


def register() -> None:
    register_employer(Capability.MEMBERS, employer_todos)
