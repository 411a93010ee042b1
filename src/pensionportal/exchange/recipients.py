"""Who is told about a file (issue 5 "Must do" 2 and 5)."""

from __future__ import annotations

from pensionportal.accounts import access
from pensionportal.accounts.models import Membership, Organization, StaffRole, User
from pensionportal.messaging.models import DATA_MANAGEMENT_MAILBOX, Mailbox


def data_management_staff() -> list[User]:
    """The keepers of the Data Management Group mailbox; if nobody keeps it yet, the staff
    holding the data management role, so an upload is never announced to no one."""
    mailbox = Mailbox.objects.filter(slug=DATA_MANAGEMENT_MAILBOX).first()
    may_see = access.staff_with(access.Capability.FILES)
    keepers = list(mailbox.keepers.filter(pk__in=may_see)) if mailbox is not None else []
    if keepers:
        return keepers
    return list(
        User.objects.filter(
            is_active=True, is_staff=True, staff_role_grants__role=StaffRole.DATA_MANAGEMENT
        ).distinct()
    )


def file_users_of(organization: Organization) -> list[User]:
    """The organization's users who see its File Upload page (file upload and administrator
    roles: secure-employer-portal.txt "File upload", "Types of accounts")."""
    memberships = Membership.objects.filter(organization=organization, user__is_active=True).filter(
        file_upload=True
    ) | Membership.objects.filter(
        organization=organization, user__is_active=True, administrator=True
    )
    return list(User.objects.filter(memberships__in=memberships).distinct())
