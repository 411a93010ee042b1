"""The organization's own members, for a payroll system's reconciliation. SINs are only
ever masked here (the full SIN is revealed to staff alone, with a reason, on the page)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router
from ninja.params.functions import Query

from pensionportal.integrations.models import Scope
from pensionportal.members.access import access_member, visible_members
from pensionportal.members.models import Member, MemberStatus

from ..auth import SCHEME, mark, need
from ..paging import MAX_PAGE_SIZE, paged
from ..problems import COMMON, responses
from ..schemas import MemberOut, MemberPage

router = Router(tags=["Members"])
SECURITY = [{SCHEME: [Scope.READ_MEMBERS.value]}]


def member_out(member: Member) -> dict[str, Any]:
    return {
        "id": member.pk,
        "employee_id": member.employee_id,
        "sin": member.masked_sin,
        "last_name": member.last_name,
        "first_name": member.first_name,
        "middle_name": member.middle_name or None,
        "birth_date": member.birth_date,
        "hire_date": member.hire_date,
        "membership_date": member.membership_date,
        "employment_type": member.employment_type,
        "employment_ratio": None
        if member.employment_ratio is None
        else f"{member.employment_ratio:.4f}",
        "pay_rate": f"{member.pay_rate:.2f}",
        "standard_hours": f"{member.standard_hours:.2f}",
        "status": member.status,
        "termination_date": member.termination_date,
    }


@router.get(
    "/members",
    url_name="members",
    summary="The organization's members",
    response={200: MemberPage, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def list_members(
    request: HttpRequest,
    employee_id: str | None = Query(None, max_length=30),
    status: MemberStatus | None = Query(None),  # noqa: B008
    search: str | None = Query(None, max_length=100, description="Part of a name."),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(100, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    actor = need(request, Scope.READ_MEMBERS)
    query = visible_members(actor).order_by("last_name", "first_name", "id")
    if employee_id:
        query = query.filter(employee_id=employee_id.strip())
    if status is not None:
        query = query.filter(status=status)
    if search and search.strip():
        words = search.strip()
        query = query.filter(Q(last_name__icontains=words) | Q(first_name__icontains=words))
    return paged(request, query, page, page_size, member_out)


@router.get(
    "/members/{member_id}",
    url_name="member",
    summary="One member",
    response={200: MemberOut, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def get_member(request: HttpRequest, member_id: int) -> dict[str, Any]:
    actor = need(request, Scope.READ_MEMBERS)
    member = access_member(actor, member_id)
    mark(request, f"member {member.employee_id}")
    return member_out(member)
