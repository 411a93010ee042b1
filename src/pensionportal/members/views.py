from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from pensionportal.accounts import access as account_access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.chooser import organization_filter
from pensionportal.accounts.models import User
from pensionportal.accounts.sections import Audience, section
from pensionportal.core.query_filters import QueryFilters

from . import actions
from .access import access_member, visible_members
from .models import MemberStatus


@section(Capability.MEMBERS)
def member_list(request: HttpRequest) -> HttpResponse:
    query = visible_members(request.user).select_related("organization")
    search = request.GET.get("q", "").strip()
    if search:
        query = query.filter(
            Q(employee_id__iexact=search)
            | Q(last_name__icontains=search)
            | Q(first_name__icontains=search)
        )
    found = QueryFilters(request.GET)
    org_filter = organization_filter(
        found, account_access.organizations_for(request.user, Capability.MEMBERS)
    )
    if org_filter.chosen is not None:
        query = query.filter(organization=org_filter.chosen)
    if status := found.choice("status", "Status", MemberStatus.choices):
        query = query.filter(status=status)
    page = Paginator(query.order_by("last_name", "first_name", "id"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "members/list.html",
        {
            "page": page,
            "search": search,
            "org_filter": org_filter,
            "filters": request.GET,
            "errors": found.errors,
        },
    )


@section(Capability.MEMBERS)
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_member(request.user, member_id)
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "events": member.events.all()[:200],
            "employment_changes": member.employment_changes.all(),
            "leaves": member.leaves.all(),
            "contributions": member.contributions.all()[:120],
            "prior_service": member.prior_service.all(),
            "pension_adjustments": member.pension_adjustments.order_by("year"),
            "is_staff": account_access.is_staff_user(request.user),
            "can_reveal_sin": account_access.staff_can(request.user, Capability.SIN),
            "can_record_election": account_access.staff_can(request.user, Capability.MISSED),
        },
    )


@section(Capability.SIN, audience=Audience.STAFF)
@require_POST
def reveal_sin(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_member(request.user, member_id)
    assert isinstance(request.user, User)
    try:
        sin = actions.reveal_sin(request.user, member, request.POST.get("reason", ""), request)
    except ValueError as error:
        messages.error(request, str(error))
        return render(
            request,
            "members/detail.html",
            {
                "member": member,
                "is_staff": True,
                "can_reveal_sin": True,
                "reason_error": str(error),
            },
            status=400,
        )
    response = render(
        request,
        "members/sin.html",
        {"member": member, "sin": actions.format_sin(sin)},
    )
    return response
