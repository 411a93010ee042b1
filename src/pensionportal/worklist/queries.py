"""One query function per audience, for the pages that list work (today the staff queue
and the employer's to-do page; later the home page): `staff_queue` and `employer_todos`.

Both go through the access helpers with the acting user: staff see every organization's
staff items; an employer user sees the employer items of an organization they belong to
(file upload, administrator or payroll manager roles), and another organization is 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization, OrganizationKind

from .models import Audience, Task, TaskStatus


@dataclass(frozen=True)
class Row:
    task: Task
    days_left: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def state(self) -> str:
        if self.days_left < 0:
            days = -self.days_left
            return f"Overdue by {days} day{'s' if days != 1 else ''}"
        if self.days_left == 0:
            return "Due today"
        return f"Due in {self.days_left} day{'s' if self.days_left != 1 else ''}"


def _rows(tasks: QuerySet[Task], today: dt.date) -> list[Row]:
    return [Row(task, (task.due_date - today).days) for task in tasks]


def _open(audience: Audience, today: dt.date) -> QuerySet[Task]:
    return (
        Task.objects.filter(audience=audience, status=TaskStatus.OPEN, listed_from__lte=today)
        .select_related("organization")
        .order_by("due_date", "id")
    )


def staff_queue(
    user: AnyUser,
    today: dt.date,
    *,
    kind: str = "",
    organization_id: int | None = None,
    overdue_only: bool = False,
) -> list[Row]:
    """Open staff tasks listed by ``today``, soonest due first."""
    access.require_staff_member(user)
    tasks = _open(Audience.STAFF, today)
    if kind:
        tasks = tasks.filter(kind=kind)
    if organization_id is not None:
        tasks = tasks.filter(organization_id=organization_id)
    if overdue_only:
        tasks = tasks.filter(due_date__lt=today)
    return _rows(tasks, today)


def staff_kinds() -> list[tuple[str, str]]:
    """The kinds of open staff tasks, for the queue's filter."""
    pairs = (
        Task.objects.filter(audience=Audience.STAFF, status=TaskStatus.OPEN)
        .order_by("category")
        .values_list("kind", "category")
        .distinct()
    )
    return list(dict(pairs).items())


def employer_organization(user: AnyUser, organization_id: int | str) -> Organization:
    """The organization whose to-dos the user may see (404 otherwise)."""
    for capability in (Capability.FILES, Capability.REMITTANCES):
        if access.can_use(user, capability):
            try:
                return access.access_organization(user, organization_id, capability)
            except Http404:
                continue
    raise Http404("No such organization.")


def employer_organizations(user: AnyUser) -> QuerySet[Organization]:
    ids: set[int] = set()
    for capability in (Capability.FILES, Capability.REMITTANCES):
        ids |= set(access.organizations_for(user, capability).values_list("id", flat=True))
    return Organization.objects.filter(id__in=ids, kind="employer", is_active=True)


def employer_todos(user: AnyUser, organization_id: int | str, today: dt.date) -> list[Row]:
    """Open to-dos of one employer listed by ``today``, soonest due first."""
    organization = employer_organization(user, organization_id)
    return _rows(_open(Audience.EMPLOYER, today).filter(organization=organization), today)


def recently_closed(organization: Organization, audience: Audience, limit: int = 20) -> list[Task]:
    return list(
        Task.objects.filter(organization=organization, audience=audience)
        .exclude(status=TaskStatus.OPEN)
        .order_by("-closed_on", "-id")[:limit]
    )


def staff_employers(user: AnyUser) -> QuerySet[Organization]:
    """Staff only: every employer, for the queue's filter."""
    employers = access.all_organizations(user, None).filter(kind=OrganizationKind.EMPLOYER)
    return employers.order_by("name")


def access_staff_task(user: AnyUser, task_id: int | str) -> Task:
    """Staff only: a task of the staff queue (404 for anything else)."""
    access.require_staff_member(user)
    return access.one_or_404(Task.objects.filter(audience=Audience.STAFF), task_id, "task")


def open_tasks_of(user: AnyUser, organization: Organization) -> QuerySet[Task]:
    """Staff only: every open task of one organization, staff's and the employer's, soonest
    due first."""
    access.require_staff_member(user)
    return Task.objects.filter(organization=organization, status=TaskStatus.OPEN).order_by(
        "due_date", "id"
    )
