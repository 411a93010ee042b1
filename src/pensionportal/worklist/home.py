"""The home page's to-do list (issue 16, Must do 1): for an employer user, per organization
and within their roles, what is due or waiting; for staff, their queues with counts and the
oldest date. Every item links to where the work is done.

Each domain app registers its sources in core.todolist from its AppConfig.ready()
(dependency inversion: the apps sit on several layers, messaging beside the work list);
every source answers for all of a user's organizations at once with a fixed number of
queries, so the home page costs the same for one organization or fifty, ten items or ten
thousand (tests/worklist/test_home.py counts them). The work list's own tasks (member
events, buybacks, regulator notices) are one more source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Min
from django.urls import reverse

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization, OrganizationKind
from pensionportal.core.todolist import EMPLOYER_SOURCES, STAFF_SOURCES, Todo

from .models import Audience, Task, TaskStatus


@dataclass
class OrganizationTodos:
    organization: Organization
    items: list[Todo] = field(default_factory=list)


def _by_date(item: Todo) -> tuple[int, dt.date]:
    return (0 if item.overdue else 1, item.date or dt.date.max)


def employer_home(user: AnyUser, today: dt.date) -> list[OrganizationTodos]:
    """The user's employer organizations, each with its to-dos (overdue first, then by
    date); only the sections the user's roles in that organization include."""
    if not user.is_authenticated or access.is_staff_user(user):
        return []
    memberships = {
        m.organization_id: m.organization
        for m in access.own_memberships(user).filter(
            organization__kind=OrganizationKind.EMPLOYER, organization__is_active=True
        )
    }
    if not memberships:
        return []
    found = {pk: OrganizationTodos(org) for pk, org in memberships.items()}
    for capability, source in EMPLOYER_SOURCES:
        allowed = {
            m.organization_id
            for m in access.memberships_with(user, Capability(capability))
            if m.organization_id in found
        }
        if not allowed:
            continue
        for item in source(user, [found[pk].organization for pk in sorted(allowed)], today):
            if item.organization_id in allowed and item.count:
                found[item.organization_id].items.append(item)
    for item in _employer_tasks(user, list(found), today):
        if item.organization_id in found:
            found[item.organization_id].items.append(item)
    for entry in found.values():
        entry.items.sort(key=_by_date)
    return sorted(found.values(), key=lambda entry: entry.organization.name)


def _employer_tasks(user: AnyUser, organization_ids: list[int], today: dt.date) -> list[Todo]:
    """The work list's employer items, by kind (within the roles that reach the to-do page)."""
    allowed: set[int] = set()
    for capability in (Capability.FILES, Capability.REMITTANCES):
        allowed |= {
            m.organization_id
            for m in access.memberships_with(user, capability)
            if m.organization_id in organization_ids
        }
    if not allowed:
        return []
    rows = (
        Task.objects.filter(
            audience=Audience.EMPLOYER,
            status=TaskStatus.OPEN,
            listed_from__lte=today,
            organization_id__in=allowed,
        )
        .values("organization_id", "kind", "category")
        .annotate(count=Count("id"), first_due=Min("due_date"))
        .order_by("organization_id", "category")
    )
    return [
        Todo(
            label=row["category"],
            count=row["count"],
            url=reverse("worklist:employer", args=[row["organization_id"]]),
            date=row["first_due"],
            date_label="First due",
            organization_id=row["organization_id"],
            today=today,
        )
        for row in rows
    ]


def staff_home(user: AnyUser, today: dt.date) -> list[Todo]:
    """Staff: each of their queues with its count and its oldest (or first due) date."""
    if not access.is_staff_user(user):
        return []
    items: list[Todo] = []
    for capability, source in STAFF_SOURCES:
        if capability is None or access.staff_can(user, Capability(capability)):
            items.extend(item for item in source(user, today) if item.count)
    items.extend(_staff_tasks(today))
    return sorted(items, key=_by_date)


def _staff_tasks(today: dt.date) -> list[Todo]:
    rows = (
        Task.objects.filter(audience=Audience.STAFF, status=TaskStatus.OPEN, listed_from__lte=today)
        .values("kind", "category")
        .annotate(count=Count("id"), first_due=Min("due_date"))
        .order_by("category")
    )
    return [
        Todo(
            label=f"Staff queue: {row['category']}",
            count=row["count"],
            url=reverse("worklist:staff") + f"?kind={row['kind']}",
            date=row["first_due"],
            date_label="First due",
            today=today,
        )
        for row in rows
    ]
