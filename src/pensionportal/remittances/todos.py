"""Home to-dos of remittances (issue 16, Must do 1; worklist.home).

Employer: the next contribution and data due dates (remittance-timing.txt 'Timing';
select-employer-manual.txt §2 'Timing'; the pay dates from the organization's pay schedule,
i.e. its last applied PAY file's cycle, as timing.expected_pay_dates), reconciliation cases
with their 30-day deadline ('Reconciliation / Audit') and unpaid invoices with their due
dates ('Late Remittance'). Staff: discrepancies to notify within the 60 days, and invoices
past due. Regulator notices reach staff through the work list (regulator.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.db.models import Count, Min, OuterRef, QuerySet, Subquery
from django.urls import reverse

from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization
from pensionportal.core.todolist import Todo, register_employer, register_staff
from pensionportal.rules import deadlines
from pensionportal.submissions.models import Status, Submission

from .models import CaseStatus, Invoice, InvoiceStatus, ReconciliationCase, RemittanceAdvice
from .timing import next_pay_date

# how far ahead the next pay dates are looked for (more than a monthly cycle)
HORIZON_DAYS = 62


def next_due(organizations: Sequence[Organization], today: dt.date) -> dict[int, dt.date]:
    """Each organization's next pay date not yet remitted whose contribution due date is
    today or later, from its pay schedule: two queries for any number of organizations."""
    last = (
        Submission.objects.filter(
            organization_id=OuterRef("pk"),
            template="PAY",
            status=Status.APPLIED,
            pay_date__isnull=False,
        )
        .exclude(pay_cycle="")
        .order_by("-pay_date", "-id")
    )
    schedule = (
        Organization.objects.filter(pk__in=[o.pk for o in organizations])
        .annotate(
            last_pay=Subquery(last.values("pay_date")[:1]),
            cycle=Subquery(last.values("pay_cycle")[:1]),
        )
        .values_list("pk", "last_pay", "cycle")
    )
    known = set(
        RemittanceAdvice.objects.filter(
            organization_id__in=[o.pk for o in organizations],
            pay_date__gte=today - dt.timedelta(days=HORIZON_DAYS),
        ).values_list("organization_id", "pay_date")
    )
    found: dict[int, dt.date] = {}
    for org_id, last_pay, cycle in schedule:
        if last_pay is None or not cycle:
            continue
        day = last_pay
        try:
            for _ in range(60):
                day = next_pay_date(cycle, day)
                if day > today + dt.timedelta(days=HORIZON_DAYS):
                    break
                if (org_id, day) in known:
                    continue
                if deadlines.for_pay_date(day).contributions_due >= today:
                    found[org_id] = day
                    break
        except ValueError:  # a cycle the schedule does not know: no date to show
            continue
    return found


def _next_pay_dates(
    organizations: Sequence[Organization],
    today: dt.date,
    label: str,
    url: Callable[[int], str],
    due: Callable[[dt.date], dt.date],
) -> list[Todo]:
    """One to-do an organization for its next pay date (`next_due`), due on ``due(pay date)``."""
    return [
        Todo(
            f"{label} for the pay date {pay_date:%Y-%m-%d}",
            1,
            url(org_id),
            due(pay_date),
            "Due",
            org_id,
            today,
        )
        for org_id, pay_date in next_due(organizations, today).items()
    ]


def contributions_due(
    user: AnyUser, organizations: Sequence[Organization], today: dt.date
) -> list[Todo]:
    return _next_pay_dates(
        organizations,
        today,
        "Contributions",
        lambda org_id: reverse("remittances:advice_new", args=[org_id]),
        deadlines.contribution_due_date,
    )


def data_due(user: AnyUser, organizations: Sequence[Organization], today: dt.date) -> list[Todo]:
    return _next_pay_dates(
        organizations,
        today,
        "Pension data (PAY file)",
        lambda org_id: reverse("submissions:upload"),
        deadlines.data_due_date,
    )


def _first(query: QuerySet[ReconciliationCase] | QuerySet[Invoice], date_field: str) -> dict:  # type: ignore[type-arg]
    rows = query.values("organization_id").annotate(n=Count("id"), first=Min(date_field))
    return {row["organization_id"]: (row["n"], row["first"]) for row in rows}


def employer_money(
    user: AnyUser, organizations: Sequence[Organization], today: dt.date
) -> list[Todo]:
    ids = [organization.pk for organization in organizations]
    items = []
    cases = _first(
        ReconciliationCase.objects.filter(organization_id__in=ids, status=CaseStatus.NOTIFIED),
        "reconcile_by",
    )
    for org_id, (count, first) in cases.items():
        items.append(
            Todo(
                "Remittance discrepancies to reconcile",
                count,
                reverse("remittances:dashboard", args=[org_id]),
                first,
                "Reconcile by",
                org_id,
                today,
            )
        )
    invoices = _first(
        Invoice.objects.filter(organization_id__in=ids, status=InvoiceStatus.ISSUED), "due_date"
    )
    for org_id, (count, first) in invoices.items():
        items.append(
            Todo(
                "Unpaid invoices",
                count,
                reverse("remittances:ledger", args=[org_id]),
                first,
                "First due",
                org_id,
                today,
            )
        )
    return items


def staff_todos(user: AnyUser, today: dt.date) -> list[Todo]:
    to_notify = ReconciliationCase.objects.filter(status=CaseStatus.OPEN).aggregate(
        n=Count("id"), first=Min("notify_by")
    )
    late = Invoice.objects.filter(status=InvoiceStatus.ISSUED, due_date__lt=today).aggregate(
        n=Count("id"), first=Min("due_date")
    )
    index = reverse("remittances:index")
    return [
        Todo(
            "Remittance discrepancies to notify (within 60 days of receipt)",
            to_notify["n"],
            index,
            to_notify["first"],
            "Notify by",
            None,
            today,
        ),
        Todo("Invoices past due", late["n"], index, late["first"], "Oldest due", None, today),
    ]


def register() -> None:
    register_employer(Capability.REMITTANCES, contributions_due)
    register_employer(Capability.SUBMISSIONS, data_due)
    register_employer(Capability.REMITTANCES, employer_money)
    register_staff(Capability.REMITTANCES, staff_todos)
