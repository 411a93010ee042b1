"""Home to-dos of pension data submissions (issue 16, Must do 1; worklist.home).

Employer: files rejected (errors to fix) and files waiting for the user's confirmation of
warnings. Staff: files stuck in processing, rejected, or waiting for an employer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Exists, Min, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization
from pensionportal.core.todolist import Todo, register_employer, register_staff

from .models import Status, Submission

# Choice (docs/worklist.md "Home"): a rejected file stays a to-do for 30 days unless a
# later file of the same kind and pay date was sent; after that it is history.
REJECTED_LISTED_DAYS = 30
IN_PROCESSING = (Status.RECEIVED, Status.VALIDATING, Status.ACCEPTED, Status.APPLYING)


def _rejected(today: dt.date) -> QuerySet[Submission]:
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=REJECTED_LISTED_DAYS), dt.time.min)
    )
    later = Submission.objects.filter(
        organization_id=OuterRef("organization_id"),
        template=OuterRef("template"),
        pay_date=OuterRef("pay_date"),
        submitted_at__gt=OuterRef("submitted_at"),
    )
    return (
        Submission.objects.filter(status=Status.REJECTED, submitted_at__gte=since)
        .annotate(followed=Exists(later))
        .filter(followed=False)
    )


def _grouped(query: QuerySet[Submission]) -> dict[int, tuple[int, dt.date]]:
    rows = query.values("organization_id").annotate(n=Count("id"), oldest=Min("submitted_at"))
    return {row["organization_id"]: (row["n"], timezone.localdate(row["oldest"])) for row in rows}


def _list_url(status: str, organization_id: int | None = None) -> str:
    url = reverse("submissions:list") + f"?status={status}"
    return url + (f"&organization={organization_id}" if organization_id else "")


def employer_todos(
    user: AnyUser, organizations: Sequence[Organization], today: dt.date
) -> list[Todo]:
    ids = [organization.pk for organization in organizations]
    items: list[Todo] = []
    rejected = _grouped(_rejected(today).filter(organization_id__in=ids))
    waiting = _grouped(
        Submission.objects.filter(
            organization_id__in=ids, status=Status.AWAITING_CONFIRMATION
        ).exclude(  # corrected online: the correction is the one to confirm (actions.confirm)
            replaced_by__in=Submission.objects.exclude(status=Status.REJECTED)
        )
    )
    for label, status, grouped in (
        ("Files rejected: errors to fix", Status.REJECTED, rejected),
        ("Files waiting for your confirmation of warnings", Status.AWAITING_CONFIRMATION, waiting),
    ):
        for org_id, (count, oldest) in grouped.items():
            items.append(
                Todo(
                    label,
                    count,
                    _list_url(status, org_id),
                    oldest,
                    "Oldest",
                    org_id,
                    today,
                    is_deadline=False,
                )
            )
    return items


def _staff_line(label: str, query: QuerySet[Submission], status: str, today: dt.date) -> Todo:
    found = query.aggregate(n=Count("id"), oldest=Min("submitted_at"))
    oldest = timezone.localdate(found["oldest"]) if found["oldest"] else None
    return Todo(label, found["n"], _list_url(status), oldest, "Oldest", None, today, False)


def staff_todos(user: AnyUser, today: dt.date) -> list[Todo]:
    return [
        _staff_line(
            "Submissions stuck in processing",
            Submission.objects.filter(
                status__in=IN_PROCESSING,
                submitted_at__lt=timezone.now() - dt.timedelta(hours=1),
            ),
            Status.VALIDATING,
            today,
        ),
        _staff_line(
            f"Submissions rejected in the last {REJECTED_LISTED_DAYS} days, not yet re-sent",
            _rejected(today),
            Status.REJECTED,
            today,
        ),
        _staff_line(
            "Submissions waiting for the employer's confirmation",
            Submission.objects.filter(status=Status.AWAITING_CONFIRMATION),
            Status.AWAITING_CONFIRMATION,
            today,
        ),
    ]


def register() -> None:
    register_employer(Capability.SUBMISSIONS, employer_todos)
    register_staff(Capability.SUBMISSIONS, staff_todos)
