"""Who may see which members: staff see every member; employers' file-upload and
administrator users see their own organizations' members (the people whose data they send)."""

from __future__ import annotations

from django.db.models import QuerySet

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization

from .models import Member


def visible_members(user: AnyUser) -> QuerySet[Member]:
    access.require(user, Capability.MEMBERS)
    return access.visible_to(user, Member.objects.all(), Capability.MEMBERS)


def access_member(user: AnyUser, member_id: int | str) -> Member:
    return access.one_or_404(
        visible_members(user).select_related("organization"), member_id, "member"
    )


def member_by_employee_id(
    user: AnyUser, organization: Organization, employee_id: str
) -> Member | None:
    """The organization's member with that employee ID (any case), if the user may see it."""
    if not employee_id:
        return None
    return (
        visible_members(user)
        .filter(organization=organization, employee_id__iexact=employee_id)
        .first()
    )
