"""Who may see what. Every tenant lookup in the product goes through these helpers.

A section the user's roles do not allow answers 403 (`require`); an object of an
organization the user cannot see answers 404 (`access_*`), so its existence is not revealed.

Each app's `access.py` says which of its objects a user may see (`visible_*`, `*_for`:
querysets already limited to the user's organizations) and finds one by id with
:func:`one_or_404`, or with :func:`access_object` straight from a model's queryset.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import F, Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from pensionportal.audit.models import AuditEvent

from .models import (
    Invitation,
    Membership,
    Organization,
    Role,
    ServiceAccount,
    StaffRole,
    User,
    UserSession,
)


class Capability(StrEnum):
    """A section of the portal. Employers reach it through their roles in an organization
    (`ROLES_GRANTING`), staff through their staff roles (`STAFF_ROLES_GRANTING`)."""

    MESSAGES = "messages"  # secure messages and the administrator's mailboxes
    FILES = "files"  # File Upload: files exchanged with employers
    SUBMISSIONS = "submissions"  # pension data files and online entry
    MEMBERS = "members"  # the member registry
    SIN = "sin"  # a member's full SIN, shown with a reason
    BUYBACKS = "buybacks"
    REMITTANCES = "remittances"  # remittances, payments, invoices, rates, regulator notices
    MISSED = "missed"  # missed mandatory contributions
    REPORTS = "reports"  # reports delivered to employers' payroll managers
    USERS = "users"  # accounts, roles and organizations
    AUDIT = "audit"  # the audit trail
    OPERATIONS = "operations"  # undelivered e-mail and failed background work

    @property
    def label(self) -> str:
        return CAPABILITY_LABELS[self]


CAPABILITY_LABELS: dict[Capability, str] = {
    Capability.MESSAGES: "Secure messages",
    Capability.FILES: "File Upload (employer files)",
    Capability.SUBMISSIONS: "Pension data submissions",
    Capability.MEMBERS: "Member registry",
    Capability.SIN: "Reveal a member's full SIN",
    Capability.BUYBACKS: "Buybacks",
    Capability.REMITTANCES: "Remittances, payments, invoices and regulator notices",
    Capability.MISSED: "Missed contributions",
    Capability.REPORTS: "Reports to employers",
    Capability.USERS: "Users and organizations",
    Capability.AUDIT: "Audit trail",
    Capability.OPERATIONS: "Operations (undelivered e-mail, failed tasks)",
}

_FILE_ROLES = frozenset({Role.FILE_UPLOAD, Role.ADMINISTRATOR})

# secure-employer-portal.txt "Types of accounts" and the Reports paragraph; the role
# matrix of docs/security.md (tests/accounts/test_role_matrix.py checks it cell by cell).
ROLES_GRANTING: dict[Capability, frozenset[Role]] = {
    Capability.MESSAGES: frozenset({Role.COMMUNICATIONS, Role.FILE_UPLOAD, Role.ADMINISTRATOR}),
    Capability.FILES: _FILE_ROLES,
    # Those who send the data see the submissions, the members and their buybacks.
    Capability.SUBMISSIONS: _FILE_ROLES,
    Capability.MEMBERS: _FILE_ROLES,
    Capability.SIN: frozenset(),
    Capability.BUYBACKS: _FILE_ROLES,
    # Those who send the money and its data, and the payroll managers who remit it.
    Capability.REMITTANCES: frozenset({Role.FILE_UPLOAD, Role.ADMINISTRATOR, Role.PAYROLL_MANAGER}),
    # A missed-contributions case is the subject of the payroll managers' report.
    Capability.MISSED: frozenset({Role.PAYROLL_MANAGER}),
    Capability.REPORTS: frozenset({Role.PAYROLL_MANAGER}),
    Capability.USERS: frozenset({Role.ADMINISTRATOR}),
    Capability.AUDIT: frozenset(),
    Capability.OPERATIONS: frozenset(),
}

# Least privilege for staff (issue 17, "Must do" 4): a staff member sees every organization,
# but only in the sections one of their staff roles grants.
STAFF_ROLES_GRANTING: dict[Capability, frozenset[StaffRole]] = {
    # The Data Management Group keeps its own mailbox and receives the data files.
    Capability.MESSAGES: frozenset({StaffRole.PENSION_PARTNER, StaffRole.DATA_MANAGEMENT}),
    Capability.FILES: frozenset({StaffRole.PENSION_PARTNER, StaffRole.DATA_MANAGEMENT}),
    Capability.SUBMISSIONS: frozenset({StaffRole.DATA_MANAGEMENT}),
    Capability.MEMBERS: frozenset({StaffRole.DATA_MANAGEMENT}),
    Capability.SIN: frozenset({StaffRole.DATA_MANAGEMENT}),
    Capability.BUYBACKS: frozenset({StaffRole.DATA_MANAGEMENT}),
    Capability.REMITTANCES: frozenset({StaffRole.FINANCE}),
    Capability.MISSED: frozenset({StaffRole.DATA_MANAGEMENT}),
    Capability.REPORTS: frozenset({StaffRole.PENSION_PARTNER, StaffRole.DATA_MANAGEMENT}),
    Capability.USERS: frozenset({StaffRole.ACCOUNT_ADMINISTRATION}),
    Capability.AUDIT: frozenset({StaffRole.AUDIT_READER}),
    Capability.OPERATIONS: frozenset({StaffRole.ACCOUNT_ADMINISTRATION}),
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
    """The user's staff roles, read once per request (the permission checks of one page
    ask several times)."""
    if not is_staff_user(user):
        return frozenset()
    assert isinstance(user, User)
    cached: frozenset[StaffRole] | None = getattr(user, "_portal_staff_roles", None)
    if cached is None:
        cached = frozenset(
            StaffRole(role) for role in user.staff_role_grants.values_list("role", flat=True)
        )
        user._portal_staff_roles = cached  # type: ignore[attr-defined]
    return cached


def has_staff_role(user: AnyUser, role: StaffRole) -> bool:
    return role in staff_roles(user)


def staff_capabilities(user: AnyUser) -> frozenset[Capability]:
    """The sections the user's staff roles grant (none for anyone but active staff)."""
    roles = staff_roles(user)
    return frozenset(cap for cap, granting in STAFF_ROLES_GRANTING.items() if granting & roles)


def staff_can(user: AnyUser, capability: Capability) -> bool:
    return capability in staff_capabilities(user)


def staff_with(capability: Capability) -> QuerySet[User]:
    """Active staff whose roles grant `capability` (who may be told about, or assigned, its
    work)."""
    return User.objects.filter(
        is_active=True,
        is_staff=True,
        staff_role_grants__role__in=STAFF_ROLES_GRANTING[capability],
    ).distinct()


def _role_filter(capability: Capability) -> Q:
    """Memberships carrying a role that grants `capability`; none when no employer role
    grants it (an empty `Q()` would match every membership)."""
    query = Q(pk__in=[])
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
        return (
            Organization.objects.all()
            if staff_can(user, capability)
            else Organization.objects.none()
        )
    return Organization.objects.filter(
        id__in=memberships_with(user, capability).values("organization_id")
    )


def can_use(user: AnyUser, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_service_account", False):
        return _service_organizations(user, capability).exists()
    if user.is_staff:
        return staff_can(user, capability)
    return memberships_with(user, capability).exists()


def usable_capabilities(user: AnyUser) -> frozenset[Capability]:
    """The capabilities `can_use` allows the user, in one query for an employer's user (the
    navigation asks about each section on every page)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if getattr(user, "is_service_account", False) or user.is_staff:
        return frozenset(c for c in Capability if can_use(user, c))
    roles: set[Role] = set()
    for membership in Membership.objects.filter(user=user, organization__is_active=True):
        roles |= membership.roles
    return frozenset(c for c, granting in ROLES_GRANTING.items() if granting & roles)


def require(user: AnyUser, capability: Capability) -> None:
    """403 unless the user's roles allow the section."""
    if not can_use(user, capability):
        raise PermissionDenied(
            f"Your roles do not include {CAPABILITY_LABELS[capability].lower()}."
        )


def require_staff_member(user: AnyUser) -> None:
    """403 unless the user is active staff, whatever their roles: only for what every staff
    member does (the staff queue of work items). Everything else names its capability."""
    if not is_staff_user(user):
        raise PermissionDenied("This page is for the plan administrator's staff.")


def require_staff(user: AnyUser, capability: Capability) -> None:
    """403 unless the user is staff with a staff role that grants `capability`."""
    if not is_staff_user(user):
        raise PermissionDenied("This page is for the plan administrator's staff.")
    if not staff_can(user, capability):
        raise PermissionDenied(
            "Your staff roles do not include "
            f"{CAPABILITY_LABELS[capability].lower()}; ask an account administrator."
        )


def require_employer(user: AnyUser, capability: Capability) -> None:
    """403 for staff (the page is an employer's own work) and for employers whose roles do
    not grant `capability`."""
    if is_staff_user(user):
        raise PermissionDenied("This page is for employers' users.")
    require(user, capability)


def acting_user(request: HttpRequest, capability: Capability | None = None) -> User:
    """The signed-in user making the request, after `require(capability)` when one is named.
    Only for views behind `section`, which has already sent the signed-out to sign in."""
    if capability is not None:
        require(request.user, capability)
    assert isinstance(request.user, User)
    return request.user


def acting_staff(request: HttpRequest, capability: Capability | None = None) -> User:
    """The signed-in staff member making the request, after `require_staff(capability)`
    (`require_staff_member` when no capability is named)."""
    if capability is None:
        require_staff_member(request.user)
    else:
        require_staff(request.user, capability)
    return acting_user(request)


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
    (staff whose roles grant it: every organization); `organization_field` is the path
    to the organization."""
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
    administrator, the non-staff users of the organizations they administer (whose roles
    there they may change; never the account itself: issue 17, "Must do" 1)."""
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


def chooser_organizations(user: AnyUser) -> QuerySet[Organization]:
    """The organizations whose names the organization chooser may suggest to the user:
    every one for staff, the user's own otherwise (names only; each page still checks its
    own capability on the organization chosen)."""
    if not user.is_authenticated or not user.is_active:
        return Organization.objects.none()
    if user.is_staff:
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=user).distinct()


def all_organizations(user: AnyUser, capability: Capability | None) -> QuerySet[Organization]:
    """Every organization, for staff whose roles grant `capability` (None: any staff
    member, for the staff queue's filter); 403 for anyone else."""
    if capability is None:
        require_staff_member(user)
    else:
        require_staff(user, capability)
    return Organization.objects.all()


def audit_events(user: AnyUser) -> QuerySet[AuditEvent]:
    """The audit trail is the administrator's: audit-reader staff only (403 otherwise)."""
    require_staff(user, Capability.AUDIT)
    return AuditEvent.objects.all()


def access_user(user: AnyUser, user_id: int | str) -> User:
    return one_or_404(manageable_users(user), user_id, "user")


def can_change_accounts(user: AnyUser) -> bool:
    """Whether the user may change an account itself (its name, its activation, its MFA,
    its staff roles): account-administration staff only. Employer administrators change
    memberships of their own organizations and nothing else."""
    return is_staff_user(user) and staff_can(user, Capability.USERS)


def require_account_changes(user: AnyUser) -> None:
    if not can_change_accounts(user):
        raise PermissionDenied(
            "Only the plan administrator's account administration staff change an account's "
            "name or settings; you manage its roles in your organizations."
        )


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


def invitations_managed_by(user: AnyUser) -> QuerySet[Invitation]:
    """Invitations to the organizations the user administers (all, for account-
    administration staff), as the administrator sees them: the address and the name typed,
    never what the invitee's account holds."""
    require(user, Capability.USERS)
    return visible_to(
        user,
        Invitation.objects.select_related("user", "organization", "created_by"),
        Capability.USERS,
    )


def access_invitation(user: AnyUser, invitation_id: int | str) -> Invitation:
    return one_or_404(invitations_managed_by(user), invitation_id, "invitation")


def own_invitations(user: AnyUser) -> QuerySet[Invitation]:
    """The open invitations addressed to the signed-in user, to accept or decline."""
    if not user.is_authenticated or not user.is_active or user.is_staff:
        return Invitation.objects.none()
    return Invitation.objects.filter(
        user_id=user.pk,
        organization__isnull=False,
        organization__is_active=True,
        used_at__isnull=True,
        declined_at__isnull=True,
        cancelled_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("organization", "created_by")


def access_own_invitation(user: AnyUser, invitation_id: int | str) -> Invitation:
    return one_or_404(own_invitations(user), invitation_id, "invitation")


def mfa_required(user: AnyUser) -> bool:
    """MFA is required for staff and for employer administrators; offered to everyone else."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(user=user, administrator=True).exists()


def own_sessions(user: AnyUser) -> QuerySet[UserSession]:
    """The user's own live sessions (not expired, within the absolute lifetime), the most
    recently active first: the signed-in sessions page (issue 17, ASVS 7.5)."""
    if not user.is_authenticated:
        return UserSession.objects.none()
    now = timezone.now()
    began_after = now - timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS)
    return (
        UserSession.objects.filter(user=user, expire_date__gt=now, public_id__isnull=False)
        # A session from before the absolute lifetime has no sign-in time: it counts from now.
        .filter(Q(signed_in_at__isnull=True) | Q(signed_in_at__gt=began_after))
        .order_by(F("last_seen_at").desc(nulls_last=True), "public_id")
    )


def access_own_session(user: AnyUser, public_id: str) -> UserSession:
    """One of the user's own live sessions by its public id; anyone else's is 404."""
    found = own_sessions(user).filter(public_id=public_id).first()
    if found is None:
        raise Http404("No such session.")
    return found
