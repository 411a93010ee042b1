from __future__ import annotations

from datetime import datetime, time

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.sections import Audience, section
from pensionportal.core.query_filters import QueryFilters

from .labels import action_label, target_label


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
    org = found.ident("organization", "Organization")
    if org is not None:
        query = query.filter(organization_id=org)
    first, last = found.date_range("from", "to", "From", "To")
    if first is not None:
        query = query.filter(at__gte=timezone.make_aware(datetime.combine(first, time.min)))
    if last is not None:
        query = query.filter(at__lte=timezone.make_aware(datetime.combine(last, time.max)))
    errors = found.errors
    page = Paginator(query.order_by("-id"), 50).get_page(request.GET.get("page"))
    organizations = {o.pk: o.name for o in access.all_organizations(request.user, Capability.AUDIT)}
    actions = [
        (a, action_label(a))
        for a in sorted(set(access.audit_events(request.user).values_list("action", flat=True)))
    ]
    for event in page:
        event.action_label = action_label(event.action)  # type: ignore[attr-defined]
        event.target_label = target_label(event.target, organizations)  # type: ignore[attr-defined]
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "organizations": organizations,
            "actions": actions,
            "filters": request.GET,
            "errors": errors,
        },
    )
