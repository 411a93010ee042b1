"""Every lookup of missed-contribution data goes through here (DESIGN.md house rules).

Staff see every organization. An employer's payroll managers see their organizations'
cases (the report's subject); file-upload and administrator users see elections on their
own members' pages (through `members.access`). Anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization, OrganizationKind
from pensionportal.members.models import Member

from .models import Case, Election, MemberLetter


def _pk(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None


def cases_for(user: AnyUser) -> QuerySet[Case]:
    organizations = access.organizations_for(user, Capability.REPORTS)
    return Case.objects.filter(organization__in=organizations).select_related("organization")


def access_case(user: AnyUser, case_id: int | str) -> Case:
    found = cases_for(user).filter(pk=_pk(case_id)).first()
    if found is None:
        raise Http404("No such case.")
    return found


def access_employer(user: AnyUser, organization_id: int | str) -> Organization:
    """Staff only: an employer organization (404 for anything else)."""
    access.require_staff(user)
    found = Organization.objects.filter(
        pk=_pk(organization_id), kind=OrganizationKind.EMPLOYER
    ).first()
    if found is None:
        raise Http404("No such employer.")
    return found


def access_letter(user: AnyUser, letter_id: int | str) -> MemberLetter:
    """Staff only: letters to members are the administrator's correspondence."""
    access.require_staff(user)
    found = MemberLetter.objects.filter(pk=_pk(letter_id)).select_related("case").first()
    if found is None:
        raise Http404("No such letter.")
    return found


def elections_visible(user: AnyUser, member: Member) -> QuerySet[Election]:
    """The member's elections, for whoever may see the member (members.access)."""
    from pensionportal.members.access import visible_members

    if not access.can_use(user, Capability.FILES) and not access.is_staff_user(user):
        return Election.objects.none()
    if not visible_members(user).filter(pk=member.pk).exists():
        return Election.objects.none()
    return Election.objects.filter(member=member)


def staff_facts_visible(user: AnyUser, member: Member) -> tuple[list[Any], list[Any]]:
    """The member's bridging leaves and contributions found at another plan, for whoever may
    see the member."""
    from pensionportal.members.access import visible_members

    from .models import BridgingLeave, WrongPlanTransfer

    if not access.can_use(user, Capability.FILES) and not access.is_staff_user(user):
        return [], []
    if not visible_members(user).filter(pk=member.pk).exists():
        return [], []
    return (
        list(BridgingLeave.objects.filter(member=member)),
        list(WrongPlanTransfer.objects.filter(member=member)),
    )


def access_transfer(user: AnyUser, transfer_id: int | str) -> Any:
    """A wrong-plan transfer, for staff (404 when there is none)."""
    from .models import WrongPlanTransfer

    access.require_staff(user)
    try:
        pk = int(transfer_id)
    except (TypeError, ValueError):
        raise Http404("No such transfer.") from None
    found = WrongPlanTransfer.objects.select_related("member__organization").filter(pk=pk).first()
    if found is None:
        raise Http404("No such transfer.")
    return found
