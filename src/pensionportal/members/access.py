"""Who may see which members: staff see every member; employers' file-upload and
administrator users see their own organizations' members (the people whose data they send)."""

from __future__ import annotations

from django.db.models import QuerySet

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability

from .models import Member


def visible_members(user: AnyUser) -> QuerySet[Member]:
    access.require(user, Capability.FILES)
    return Member.objects.filter(organization__in=access.organizations_for(user, Capability.FILES))


def access_member(user: AnyUser, member_id: int | str) -> Member:
    return access.one_or_404(
        visible_members(user).select_related("organization"), member_id, "member"
    )
