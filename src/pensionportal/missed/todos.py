"""Home to-dos of missed mandatory contributions (issue 16, Must do 1; worklist.home): the
employer's cases in their 90-day window (reporting-pension-data.txt "Missed mandatory
contributions" / "Procedures" 1), with the deadline, linked to the earliest case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.urls import reverse

from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization
from pensionportal.core.todolist import Todo, register_employer

from .models import Case, CaseStage


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


def register() -> None:
    register_employer(Capability.MISSED, employer_todos)
