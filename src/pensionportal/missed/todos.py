"""Home to-dos of missed mandatory contributions (issue 16, Must do 1; worklist.home): the
employer's cases in their 90-day window (reporting-pension-data.txt "Missed mandatory
contributions" / "Procedures" 1), with the deadline, linked to the earliest case; for
staff, the periods detected and not yet invoiced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Min
from django.urls import reverse

from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization
from pensionportal.core.todolist import Todo, register_employer, register_staff

from .models import Case, CaseStage, Finding, FindingStatus


def employer_todos(
    user: AnyUser, organizations: Sequence[Organization], today: dt.date
) -> list[Todo]:
    first: dict[int, tuple[int, dt.date, int]] = {}
    for pk, org_id, due in (
        Case.objects.filter(
            organization_id__in=[o.pk for o in organizations], stage=CaseStage.EMPLOYER
        )
        .order_by("employer_due_date", "id")
        .values_list("pk", "organization_id", "employer_due_date")
    ):
        count, earliest, case_id = first.get(org_id, (0, due, pk))
        first[org_id] = (count + 1, earliest, case_id)
    return [
        Todo(
            "Missed mandatory contributions to remit (90-day window)",
            count,
            reverse("missed:case", args=[case_id]) if count == 1 else reverse("reports:index"),
            due,
            "Remit by",
            org_id,
            today,
        )
        for org_id, (count, due, case_id) in first.items()
    ]


def staff_todos(user: AnyUser, today: dt.date) -> list[Todo]:
    """Staff: periods detected and not on an invoice yet ("Run detection now" previews and
    issues them; the daily run does it by itself)."""
    found = Finding.objects.filter(case=None, status=FindingStatus.OPEN).aggregate(
        n=Count("id"), oldest=Min("pay_date")
    )
    return [
        Todo(
            "Missed-contribution periods detected, not yet invoiced",
            found["n"],
            reverse("missed:index"),
            found["oldest"],
            "Oldest pay date",
            None,
            today,
            is_deadline=False,
        )
    ]


def register() -> None:
    register_employer(Capability.MISSED, employer_todos)
    register_staff(Capability.MISSED, staff_todos)
