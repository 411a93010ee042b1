"""Who may see what. Every tenant lookup in the product goes through these helpers.

A section the user's roles do not allow answers 403 (`require`); an object of an
organization the user cannot see answers 404 (`access_*`), so its existence is not revealed.

Each app's `access.py` says which of its objects a user may see (`visible_*`, `*_for`:
querysets already limited to the user's organizations) and finds one by id with
:func:`one_or_404`, or with :func:`access_object` straight from a model's queryset.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from pensionportal.audit.models import AuditEvent

from .models import Membership, Organization, Role, ServiceAccount, StaffRole, User


class Capability(StrEnum):
    MESSAGES = "messages"
    FILES = "files"
    REPORTS = "reports"
    USERS = "users"
    REMITTANCES = "remittances"


# secure-employer-portal.txt "Types of accounts" and the Reports paragraph.
ROLES_GRANTING: dict[Capability, frozenset[Role]] = {
    Capability.MESSAGES: frozenset({Role.COMMUNICATIONS, Role.FILE_UPLOAD, Role.ADMINISTRATOR}),
    Capability.FILES: frozenset({Role.FILE_UPLOAD, Role.ADMINISTRATOR}),
    Capability.REPORTS: frozenset({Role.PAYROLL_MANAGER}),
    Capability.USERS: frozenset({Role.ADMINISTRATOR}),
    # Those who send the money and its data, and the payroll managers who remit it.
    Capability.REMITTANCES: frozenset({Role.FILE_UPLOAD, Role.ADMINISTRATOR, Role.PAYROLL_MANAGER}),
}

# Staff see every organization; managing accounts also needs the staff role for it.
STAFF_ROLE_NEEDED: dict[Capability, StaffRole | None] = {
    Capability.MESSAGES: None,
    Capability.FILES: None,
    Capability.REPORTS: None,
    Capability.USERS: StaffRole.ACCOUNT_ADMINISTRATION,
    Capability.REMITTANCES: None,
}

AnyUser = User | AnonymousUser


def service_account_of(user: AnyUser) -> ServiceAccount | None:
    """The service account a payroll system acts as (an API client, an SFTP account), or
    None for a person. One query per user object, only for service accounts."""
    if not getattr(user, "is_service_account", False):
        return None
    assert isinstance(user, User)
    try:
        return user.service_account
    except ServiceAccount.DoesNotExist:
        return None


def _service_organizations(user: AnyUser, capability: Capability) -> QuerySet[Organization]:
    account = service_account_of(user)
    if account is None or capability.value not in account.capability_values:
        return Organization.objects.none()
    return Organization.objects.filter(pk=account.organization_id, is_active=True)


def is_staff_user(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def staff_roles(user: AnyUser) -> frozenset[StaffRole]:
    if not is_staff_user(user):
        return frozenset()
    assert isinstance(user, User)
    return frozenset(
        StaffRole(role) for role in user.staff_role_grants.values_list("role", flat=True)
    )


def has_staff_role(user: AnyUser, role: StaffRole) -> bool:
    return role in staff_roles(user)


def _role_filter(capability: Capability) -> Q:
    query = Q()
    for role in ROLES_GRANTING[capability]:
        query |= Q(**{role.value: True})
    return query


def memberships_with(user: AnyUser, capability: Capability) -> QuerySet[Membership]:
    """The user's memberships that carry a role granting `capability` (never staff's)."""
    if not user.is_authenticated or not user.is_active or service_account_of(user) is not None:
        return Membership.objects.none()
    return Membership.objects.filter(
        _role_filter(capability), user=user, organization__is_active=True
    ).select_related("organization")


def organizations_for(user: AnyUser, capability: Capability) -> QuerySet[Organization]:
    """Organizations in which the user may use `capability`: all of them for staff."""
    if not user.is_authenticated or not user.is_active:
        return Organization.objects.none()
    if getattr(user, "is_service_account", False):
        return _service_organizations(user, capability)
    if user.is_staff:
        needed = STAFF_ROLE_NEEDED[capability]
        if needed is None or has_staff_role(user, needed):
            return Organization.objects.all()
        return Organization.objects.none()
    return Organization.objects.filter(
        id__in=memberships_with(user, capability).values("organization_id")
    )


def can_use(user: AnyUser, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_service_account", False):
        return _service_organizations(user, capability).exists()
    if user.is_staff:
        needed = STAFF_ROLE_NEEDED[capability]
        return needed is None or has_staff_role(user, needed)
    return memberships_with(user, capability).exists()


def require(user: AnyUser, capability: Capability) -> None:
    """403 unless the user's roles allow the section."""
    if not can_use(user, capability):
        raise PermissionDenied(f"Your roles do not include access to {capability.value}.")


def require_staff(user: AnyUser, role: StaffRole | None = None) -> None:
    if not is_staff_user(user) or (role is not None and not has_staff_role(user, role)):
        raise PermissionDenied("This page is for the plan administrator's staff.")


M = TypeVar("M", bound=Model)


def pk_or_404(ref: int | str, what: str) -> int:
    """`ref` as a primary key; anything that is not a whole number is a 404 for `what`."""
    try:
        return int(ref)
    except (TypeError, ValueError):
        raise Http404(f"No such {what}.") from None


def one_or_404(visible: QuerySet[M], ref: int | str, what: str) -> M:
    """The object with id `ref` among `visible` (what the user may see), otherwise 404:
    another organization's object answers exactly as one that does not exist."""
    found = visible.filter(pk=pk_or_404(ref, what)).first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found


def visible_to(
    user: AnyUser,
    objects: QuerySet[M],
    capability: Capability,
    *,
    organization_field: str = "organization",
) -> QuerySet[M]:
    """`objects` limited to the organizations in which the user may use `capability`
    (staff: every organization); `organization_field` is the path to the organization."""
    organizations = organizations_for(user, capability)
    return objects.filter(**{f"{organization_field}__in": organizations})


def access_object(
    user: AnyUser,
    objects: QuerySet[M],
    ref: int | str,
    capability: Capability,
    *,
    what: str,
    organization_field: str = "organization",
) -> M:
    """The one generic helper: id -> object of an organization the user may see, else 404.

    `access_object(user, Report.objects.all(), report_id, Capability.REPORTS, what="report")`
    """
    visible = visible_to(user, objects, capability, organization_field=organization_field)
    return one_or_404(visible, ref, what)


def access_organization(
    user: AnyUser, organization_id: int | str, capability: Capability
) -> Organization:
    """The organization, if the user may use `capability` in it; otherwise 404."""
    return one_or_404(organizations_for(user, capability), organization_id, "organization")


def manageable_users(user: AnyUser) -> QuerySet[User]:
    """Accounts the user may manage: all for account-administration staff; for an employer
    administrator, the non-staff users of the organizations they administer."""
    require(user, Capability.USERS)
    people = User.objects.filter(is_service_account=False)
    if user.is_staff:
        return people
    orgs = organizations_for(user, Capability.USERS)
    return people.filter(is_staff=False, memberships__organization__in=orgs).distinct()


def manageable_memberships(user: AnyUser, of: User | None = None) -> QuerySet[Membership]:
    """Memberships in the organizations whose users `user` may manage (optionally of one
    user), with their organization."""
    query = visible_to(user, Membership.objects.select_related("organization"), Capability.USERS)
    return query.filter(user=of) if of is not None else query


def own_memberships(user: User) -> QuerySet[Membership]:
    """The user's own memberships of active organizations (the home page)."""
    return (
        Membership.objects.filter(user=user, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )


def all_organizations(user: AnyUser, role: StaffRole | None = None) -> QuerySet[Organization]:
    """Every organization, for staff (with `role`, when given); 403 for anyone else."""
    require_staff(user, role)
    return Organization.objects.all()


def audit_events(user: AnyUser) -> QuerySet[AuditEvent]:
    """The audit trail is the administrator's: staff only (403 for anyone else)."""
    require_staff(user)
    return AuditEvent.objects.all()


def access_user(user: AnyUser, user_id: int | str) -> User:
    return one_or_404(manageable_users(user), user_id, "user")


def access_membership(user: AnyUser, membership_id: int | str) -> Membership:
    query = visible_to(
        user, Membership.objects.select_related("user", "organization"), Capability.USERS
    )
    if not user.is_staff:
        query = query.filter(user__is_staff=False)
    return one_or_404(query, membership_id, "membership")


def belongs_to(user: AnyUser, organization_id: int | None) -> bool:
    """Whether the user (a person or a service account) is of the organization, whatever
    the role, or is staff: the file layer's last check before a file leaves the portal."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    if organization_id is None:
        return False
    account = service_account_of(user)
    if account is not None:
        return account.organization_id == organization_id and bool(account.capability_values)
    return Membership.objects.filter(
        user=user, organization_id=organization_id, organization__is_active=True
    ).exists()


def mfa_required(user: AnyUser) -> bool:
    """MFA is required for staff and for employer administrators; offered to everyone else."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(user=user, administrator=True).exists()
