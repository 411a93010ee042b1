"""Who may see which members: staff see every member; employers' file-upload and
administrator users see their own organizations' members (the people whose data they send)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability

from .models import Member


def visible_members(user: AnyUser) -> QuerySet[Member]:
    access.require(user, Capability.FILES)
    return Member.objects.filter(organization__in=access.organizations_for(user, Capability.FILES))


def access_member(user: AnyUser, member_id: int | str) -> Member:
    try:
        pk = int(member_id)
    except (TypeError, ValueError):
        raise Http404("No such member.") from None
    member = visible_members(user).select_related("organization").filter(pk=pk).first()
    if member is None:
        raise Http404("No such member.")
    return member
