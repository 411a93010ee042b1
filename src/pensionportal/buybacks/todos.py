"""Home to-dos of buybacks (issue 16, Must do 1; worklist.home): deduction directions
(form 1016) the employer's payroll must set up before their first deduction (buybacks.txt
'Buyback procedures')."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Min
from django.urls import reverse

from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization
from pensionportal.core.todolist import Todo, register_employer

from .models import DeductionDirection, Status


def employer_todos(
    user: AnyUser, organizations: Sequence[Organization], today: dt.date
) -> list[Todo]:
    rows = (
        DeductionDirection.objects.filter(
            buyback__organization_id__in=[o.pk for o in organizations],
            buyback__status=Status.IN_PAYMENT,
            active=True,
            start_date__gte=today,
        )
        .values("buyback__organization_id")
        .annotate(n=Count("id"), first=Min("start_date"))
    )
    return [
        Todo(
            "Buyback payroll deductions to set up (form 1016)",
            row["n"],
            reverse("buybacks:index") + f"?status={Status.IN_PAYMENT}",
            row["first"],
            "First deduction",
            row["buyback__organization_id"],
            today,
        )
        for row in rows
    ]


def register() -> None:
    register_employer(Capability.BUYBACKS, employer_todos)
