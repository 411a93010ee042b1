from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.chooser import organization_filter
from pensionportal.accounts.sections import Audience, section
from pensionportal.core.keyset import keyset_page
from pensionportal.core.query_filters import QueryFilters

from .labels import AREAS, action_label, target_label
from .models import AuditEvent


@section(Capability.AUDIT, audience=Audience.STAFF)
def audit_list(request: HttpRequest) -> HttpResponse:
    query = access.audit_events(request.user)
    found = QueryFilters(request.GET)
    actor = request.GET.get("actor", "").strip()
    if actor:
        query = query.filter(actor_email__icontains=actor)
    action = request.GET.get("action", "").strip()
    if action:
        query = query.filter(action__startswith=action)
    org_filter = organization_filter(
        found, access.all_organizations(request.user, Capability.AUDIT)
    )
    if org_filter.chosen is not None:
        query = query.filter(organization=org_filter.chosen)
    first, last = found.date_range("from", "to", "From", "To")
    if first is not None:
        query = query.filter(at__gte=timezone.make_aware(datetime.combine(first, time.min)))
    if last is not None:
        query = query.filter(at__lte=timezone.make_aware(datetime.combine(last, time.max)))
    errors = found.errors
    page = keyset_page(query, request.GET, per_page=50)
    organizations = names_of_organizations_on(request.user, page.items)
    for event in page:
        event.action_label = action_label(event.action)
        event.target_label = target_label(event.target, organizations)
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "organizations": organizations,
            "org_filter": org_filter,
            "areas": AREAS,
            "filters": request.GET,
            "errors": errors,
        },
    )


def names_of_organizations_on(user: AnyUser, events: Iterable[AuditEvent]) -> dict[int, str]:
    """The names of the organizations a page of events mentions (its rows' organization
    and `organization:<id>` targets), in one query."""
    ids: set[int] = set()
    for event in events:
        if event.organization_id:
            ids.add(event.organization_id)
        kind, sep, ident = event.target.partition(":")
        if sep and kind == "organization" and ident.isdigit() and len(ident) < 19:
            ids.add(int(ident))
    if not ids:
        return {}
    named = access.all_organizations(user, Capability.AUDIT).filter(pk__in=ids)
    return dict(named.values_list("pk", "name"))
