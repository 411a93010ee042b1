"""Every lookup of missed-contribution data goes through here (DESIGN.md house rules).

Staff of data management see every organization. An employer's payroll managers see their
organizations' cases (the report's subject); whoever sees a member (`members.access`) sees
the member's elections. Anything else answers 404.
"""

from __future__ import annotations

from django.db.models import QuerySet

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization, OrganizationKind
from pensionportal.members.access import visible_members
from pensionportal.members.models import Member

from .models import (
    BridgingLeave,
    Case,
    Election,
    Finding,
    MemberLetter,
    WrongPlanTransfer,
)


def cases_for(user: AnyUser) -> QuerySet[Case]:
    return access.visible_to(user, Case.objects.all(), Capability.MISSED).select_related(
        "organization"
    )


def access_case(user: AnyUser, case_id: int | str) -> Case:
    return access.one_or_404(cases_for(user), case_id, "case")


def access_employer(user: AnyUser, organization_id: int | str) -> Organization:
    """Staff only: an employer organization (404 for anything else)."""
    access.require_staff(user, Capability.MISSED)
    employers = Organization.objects.filter(kind=OrganizationKind.EMPLOYER)
    return access.one_or_404(employers, organization_id, "employer")


def employers(user: AnyUser) -> QuerySet[Organization]:
    """Staff only: every employer, by name."""
    access.require_staff(user, Capability.MISSED)
    return Organization.objects.filter(kind=OrganizationKind.EMPLOYER).order_by("name")


def findings_for(user: AnyUser) -> QuerySet[Finding]:
    """Staff only: the periods detection found short, of every employer."""
    access.require_staff(user, Capability.MISSED)
    return Finding.objects.all()


def access_letter(user: AnyUser, letter_id: int | str) -> MemberLetter:
    """Staff only: letters to members are the administrator's correspondence."""
    access.require_staff(user, Capability.MISSED)
    letters = MemberLetter.objects.select_related("case")
    return access.one_or_404(letters, letter_id, "letter")


def elections_visible(user: AnyUser, member: Member) -> QuerySet[Election]:
    """The member's elections, for whoever may see the member (members.access)."""
    if not access.can_use(user, Capability.MEMBERS):
        return Election.objects.none()
    if not visible_members(user).filter(pk=member.pk).exists():
        return Election.objects.none()
    return Election.objects.filter(member=member)


def staff_facts_visible(
    user: AnyUser, member: Member
) -> tuple[list[BridgingLeave], list[WrongPlanTransfer]]:
    """The member's bridging leaves and contributions found at another plan, for whoever may
    see the member."""
    if not access.can_use(user, Capability.MEMBERS):
        return [], []
    if not visible_members(user).filter(pk=member.pk).exists():
        return [], []
    return (
        list(BridgingLeave.objects.filter(member=member)),
        list(WrongPlanTransfer.objects.filter(member=member)),
    )


def access_transfer(user: AnyUser, transfer_id: int | str) -> WrongPlanTransfer:
    """A wrong-plan transfer, for staff (404 when there is none)."""
    access.require_staff(user, Capability.MISSED)
    transfers = WrongPlanTransfer.objects.select_related("member__organization")
    return access.one_or_404(transfers, transfer_id, "transfer")
