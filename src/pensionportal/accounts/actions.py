"""Account management actions. Each is atomic, checks the actor's powers, writes its audit
row and queues its e-mail for after the commit.

Seed: secure-employer-portal.txt "Account management" — accounts are created and managed by
the administrator's staff or by the Employer Administrator for their own organization.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from pensionportal.audit.record import record
from pensionportal.core import outbox

from . import access
from .access import Capability
from .models import (
    VENDOR_ROLES,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    StaffRole,
    StaffRoleGrant,
    User,
)


class ActionError(Exception):
    """A refusal to show the user, with the form field it concerns (or None)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _require_account_admin_in(actor: User, organization: Organization) -> None:
    if not access.organizations_for(actor, Capability.USERS).filter(pk=organization.pk).exists():
        raise PermissionDenied("You do not administer this organization.")


def validate_roles(organization: Organization, roles: frozenset[Role]) -> None:
    if not roles:
        raise ActionError("Choose at least one role.", "roles")
    if organization.kind == OrganizationKind.VENDOR and not roles <= VENDOR_ROLES:
        raise ActionError(
            "Vendor organizations exchange secure messages only: give the Communications role.",
            "roles",
        )


# --- Organizations ------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationData:
    name: str
    kind: str
    vendor_type: str = ""
    plan: str = ""
    plan_participation_date: date | None = None
    mailing_address: str = ""


def _check_organization_data(data: OrganizationData) -> None:
    if data.kind == OrganizationKind.EMPLOYER:
        if not data.plan:
            raise ActionError("An employer must have a plan.", "plan")
        if data.plan_participation_date is None:
            raise ActionError(
                "An employer must have a plan participation date.", "plan_participation_date"
            )
    elif not data.vendor_type:
        raise ActionError("Choose what kind of vendor this is.", "vendor_type")


def create_organization(
    actor: User, data: OrganizationData, request: HttpRequest | None
) -> Organization:
    access.require_staff(actor, StaffRole.ACCOUNT_ADMINISTRATION)
    _check_organization_data(data)
    with transaction.atomic():
        if Organization.objects.filter(name__iexact=data.name).exists():
            raise ActionError(f"An organization named “{data.name}” already exists.", "name")
        organization = Organization.objects.create(
            name=data.name,
            kind=data.kind,
            vendor_type=data.vendor_type if data.kind == OrganizationKind.VENDOR else "",
            plan=data.plan if data.kind == OrganizationKind.EMPLOYER else "",
            plan_participation_date=(
                data.plan_participation_date if data.kind == OrganizationKind.EMPLOYER else None
            ),
            mailing_address=data.mailing_address,
        )
        record(
            "organization.created",
            request=request,
            actor=actor,
            organization=organization,
            target=organization.name,
            details={"kind": organization.kind, "plan": organization.plan},
        )
    return organization


def update_organization(
    actor: User,
    organization: Organization,
    data: OrganizationData,
    is_active: bool,
    request: HttpRequest | None,
) -> Organization:
    access.require_staff(actor, StaffRole.ACCOUNT_ADMINISTRATION)
    _check_organization_data(data)
    with transaction.atomic():
        if Organization.objects.filter(name__iexact=data.name).exclude(pk=organization.pk).exists():
            raise ActionError(f"An organization named “{data.name}” already exists.", "name")
        before = {
            "name": organization.name,
            "plan": organization.plan,
            "plan_participation_date": str(organization.plan_participation_date),
            "is_active": organization.is_active,
        }
        organization.name = data.name
        organization.kind = data.kind
        organization.vendor_type = data.vendor_type if data.kind == OrganizationKind.VENDOR else ""
        organization.plan = data.plan if data.kind == OrganizationKind.EMPLOYER else ""
        organization.plan_participation_date = (
            data.plan_participation_date if data.kind == OrganizationKind.EMPLOYER else None
        )
        organization.mailing_address = data.mailing_address
        organization.is_active = is_active
        organization.save()
        record(
            "organization.changed",
            request=request,
            actor=actor,
            organization=organization,
            target=organization.name,
            details={"before": before},
        )
    return organization


# --- Invitations --------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_invitation(actor: User, user: User, request: HttpRequest | None) -> str:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    Invitation.objects.create(
        user=user,
        token_hash=_hash_token(token),
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(hours=settings.INVITATION_VALID_HOURS),
    )
    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "accounts:accept_invitation", args=[token]
    )
    hours = settings.INVITATION_VALID_HOURS
    email = user.email
    outbox.queue(
        [email],
        "Your Employer Portal account",
        "An account has been created for you on the secure Employer Portal.\n\n"
        f"Set your password here (the link works once and expires in {hours} hours):\n"
        f"{link}\n\nIf you did not expect this message, ignore it.",
    )
    return token


def invite_user(
    actor: User,
    *,
    email: str,
    first_name: str,
    last_name: str,
    organization: Organization,
    roles: frozenset[Role],
    request: HttpRequest | None,
) -> tuple[User, str | None]:
    """Create an account with roles in `organization` and e-mail a set-password link.

    An existing (non-staff) account is instead given a membership in the organization, so a
    person can belong to several organizations; no new link is sent then. Returns the user
    and the invitation token (None when the account already existed).
    """
    _require_account_admin_in(actor, organization)
    validate_roles(organization, roles)
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        token: str | None = None
        if user is not None:
            if user.is_staff:
                raise ActionError("This e-mail address belongs to a staff account.", "email")
            if Membership.objects.filter(user=user, organization=organization).exists():
                raise ActionError(
                    f"{email} already has an account in {organization.name}: "
                    "change its roles instead.",
                    "email",
                )
        else:
            user = User.objects.create_user(email, first_name=first_name, last_name=last_name)
            token = _issue_invitation(actor, user, request)
        membership = Membership(user=user, organization=organization)
        membership.set_roles(roles)
        membership.save()
        record(
            "account.invited" if token else "membership.added",
            request=request,
            actor=actor,
            organization=organization,
            target=user.email,
            details={"roles": sorted(role.value for role in roles), "portal_id": user.portal_id},
        )
    return user, token


def create_staff_user(
    actor: User,
    *,
    email: str,
    first_name: str,
    last_name: str,
    roles: frozenset[StaffRole],
    request: HttpRequest | None,
) -> tuple[User, str]:
    access.require_staff(actor, StaffRole.ACCOUNT_ADMINISTRATION)
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ActionError("An account with this e-mail address already exists.", "email")
        user = User.objects.create_user(
            email, first_name=first_name, last_name=last_name, is_staff=True
        )
        StaffRoleGrant.objects.bulk_create(StaffRoleGrant(user=user, role=r) for r in roles)
        token = _issue_invitation(actor, user, request)
        record(
            "account.invited",
            request=request,
            actor=actor,
            target=user.email,
            details={"staff_roles": sorted(r.value for r in roles), "portal_id": user.portal_id},
        )
    return user, token


def resend_invitation(actor: User, user: User, request: HttpRequest | None) -> str:
    access.access_user(actor, user.pk)
    if user.has_usable_password():
        raise ActionError("This user has already set a password.")
    with transaction.atomic():
        token = _issue_invitation(actor, user, request)
        record("account.invitation_resent", request=request, actor=actor, target=user.email)
    return token


def find_invitation(token: str) -> Invitation | None:
    return Invitation.objects.select_related("user").filter(token_hash=_hash_token(token)).first()


def accept_invitation(token: str, password: str, request: HttpRequest | None) -> User:
    """Set the password through a valid link; the link cannot be used again."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=_hash_token(token))
            .first()
        )
        if invitation is None or not invitation.is_usable():
            raise ActionError("This invitation link has expired or has already been used.")
        user = invitation.user
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        record("account.invitation_accepted", request=request, actor=user, target=user.email)
    return user


# --- Roles and deactivation -----------------------------------------------------------


def _end_sessions(user: User) -> None:
    """Sign the user out everywhere at once (the auth backend also refuses inactive users)."""
    user_id = str(user.pk)
    doomed = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(session_key__in=doomed).delete()


def change_roles(
    actor: User, membership: Membership, roles: frozenset[Role], request: HttpRequest | None
) -> Membership:
    """Takes effect at once: roles are read from the database on every request."""
    _require_account_admin_in(actor, membership.organization)
    if membership.user.is_staff:
        raise PermissionDenied("Staff accounts have no organization roles.")
    validate_roles(membership.organization, roles)
    with transaction.atomic():
        before = sorted(role.value for role in membership.roles)
        membership.set_roles(roles)
        membership.save()
        record(
            "membership.roles_changed",
            request=request,
            actor=actor,
            organization=membership.organization,
            target=membership.user.email,
            details={"before": before, "after": sorted(role.value for role in roles)},
        )
    return membership


def remove_membership(actor: User, membership: Membership, request: HttpRequest | None) -> None:
    """An employer administrator's "deactivate": the user loses this organization. A user left
    with no organization is deactivated, so the account cannot sign in to an empty portal."""
    _require_account_admin_in(actor, membership.organization)
    if membership.user_id == actor.pk and not actor.is_staff:
        raise ActionError("You cannot remove your own access; ask another administrator.")
    with transaction.atomic():
        user = membership.user
        organization = membership.organization
        membership.delete()
        record(
            "membership.removed",
            request=request,
            actor=actor,
            organization=organization,
            target=user.email,
        )
        if not user.is_staff and not user.memberships.exists():
            _deactivate(actor, user, request)


def _deactivate(actor: User, user: User, request: HttpRequest | None) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])
    record("account.deactivated", request=request, actor=actor, target=user.email)
    transaction.on_commit(lambda: _end_sessions(user), robust=True)


def set_active(actor: User, user: User, active: bool, request: HttpRequest | None) -> None:
    """Staff deactivate or reactivate a whole account; it takes effect in open sessions too."""
    access.require_staff(actor, StaffRole.ACCOUNT_ADMINISTRATION)
    if user.pk == actor.pk:
        raise ActionError("You cannot deactivate your own account.")
    with transaction.atomic():
        if active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            record("account.reactivated", request=request, actor=actor, target=user.email)
        else:
            _deactivate(actor, user, request)


def set_staff_roles(
    actor: User, user: User, roles: frozenset[StaffRole], request: HttpRequest | None
) -> None:
    access.require_staff(actor, StaffRole.ACCOUNT_ADMINISTRATION)
    if not user.is_staff:
        raise ActionError("Only staff accounts have staff roles.")
    with transaction.atomic():
        before = sorted(user.staff_role_grants.values_list("role", flat=True))
        user.staff_role_grants.all().delete()
        StaffRoleGrant.objects.bulk_create(StaffRoleGrant(user=user, role=r) for r in roles)
        record(
            "account.staff_roles_changed",
            request=request,
            actor=actor,
            target=user.email,
            details={"before": before, "after": sorted(r.value for r in roles)},
        )


def update_profile(
    actor: User, user: User, first_name: str, last_name: str, request: HttpRequest | None
) -> None:
    access.access_user(actor, user.pk)
    with transaction.atomic():
        user.first_name = first_name
        user.last_name = last_name
        user.save(update_fields=["first_name", "last_name"])
        record("account.changed", request=request, actor=actor, target=user.email)


def reset_mfa(actor: User, user: User, request: HttpRequest | None) -> None:
    """Staff remove a user's authenticators (a lost phone); the user enrols again at sign-in."""
    access.require_staff(actor, StaffRole.ACCOUNT_ADMINISTRATION)
    with transaction.atomic():
        removed = Authenticator.objects.filter(user=user).delete()[0]
        record(
            "mfa.reset_by_staff",
            request=request,
            actor=actor,
            target=user.email,
            details={"authenticators_removed": removed},
        )
        transaction.on_commit(lambda: _end_sessions(user), robust=True)
