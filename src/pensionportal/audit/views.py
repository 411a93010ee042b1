from __future__ import annotations

from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from pensionportal.accounts import access
from pensionportal.accounts.models import Organization

from .models import AuditEvent


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    access.require_staff(request.user)
    query = AuditEvent.objects.all()
    errors: list[str] = []
    actor = request.GET.get("actor", "").strip()
    if actor:
        query = query.filter(actor_email__icontains=actor)
    action = request.GET.get("action", "").strip()
    if action:
        query = query.filter(action__startswith=action)
    org = request.GET.get("organization", "")
    if org.isdigit():
        query = query.filter(organization_id=int(org))
    for name, lookup, at in (("from", "at__gte", time.min), ("to", "at__lte", time.max)):
        raw = request.GET.get(name, "").strip()
        if not raw:
            continue
        day = parse_date(raw) if len(raw) == 10 else None
        if day is None:
            errors.append(f"“{raw}” is not a date: use YYYY-MM-DD.")
            continue
        query = query.filter(**{lookup: timezone.make_aware(datetime.combine(day, at))})
    page = Paginator(query.order_by("-id"), 50).get_page(request.GET.get("page"))
    organizations = {o.pk: o.name for o in Organization.objects.all()}
    actions = sorted(set(AuditEvent.objects.values_list("action", flat=True).distinct()))
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
