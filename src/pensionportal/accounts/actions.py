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
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
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
    UserSession,
)
from .security_notices import tell_of_mfa_change


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
    access.require_staff(actor, Capability.USERS)
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
    access.require_staff(actor, Capability.USERS)
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
# Issue 17, "Must do" 1: an invitation answers the same whether or not the address has an
# account, and nothing changes until the person accepts (a new address by setting a
# password through its link; an existing account while signed in). Each invitation
# belongs to one organization: sending it again or cancelling it touches nothing else.


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash_token(token)
    return token


def _portal_url(path: str) -> str:
    return str(settings.PORTAL_BASE_URL).rstrip("/") + path


def _open(query: QuerySet[Invitation]) -> QuerySet[Invitation]:
    return query.filter(used_at__isnull=True, declined_at__isnull=True, cancelled_at__isnull=True)


def _send_invitation(invitation: Invitation, token: str | None) -> None:
    """E-mail the invitee: a set-password link for an account without a password, otherwise
    a request to sign in and answer. Never the inviter's view of the account."""
    hours = settings.INVITATION_VALID_HOURS
    user = invitation.user
    organization = invitation.organization
    if token is not None:
        link = _portal_url(reverse("accounts:invitation_link", args=[token]))
        where = f" for {organization.name}" if organization is not None else ""
        body = (
            f"An account has been created for you{where} on the secure Employer Portal.\n\n"
            f"Set your password here (the link works once and expires in {hours} hours):\n"
            f"{link}\n\nIf you did not expect this message, ignore it."
        )
    else:
        assert organization is not None
        roles = ", ".join(invitation.role_labels)
        if user.is_staff:
            answer = (
                "Staff accounts of the plan administrator cannot join an employer's "
                "organization, so there is nothing to accept: ignore this message."
            )
        elif not user.is_active:
            answer = (
                "Your account is deactivated: ask the plan administrator to reactivate it "
                "first, then sign in to accept."
            )
        else:
            link = _portal_url(reverse("accounts:my_invitations"))
            answer = f"Sign in and accept or decline it here (it expires in {hours} hours):\n{link}"
        body = (
            f"{organization.name} invites you to join it on the secure Employer Portal "
            f"with the roles: {roles}.\n\nNothing changes until you accept. {answer}\n\n"
            "If you did not expect this message, ignore it."
        )
    outbox.queue([user.email], "Your invitation to the Employer Portal", body)


def _issue(invitation: Invitation) -> None:
    """(Re)start the invitation's validity and e-mail it; a link only for an account that
    has no password yet, replacing this invitation's earlier link and no other."""
    now = timezone.now()
    invitation.created_at = now
    invitation.expires_at = now + timedelta(hours=settings.INVITATION_VALID_HOURS)
    invitation.token_hash = None
    token = None if invitation.user.has_usable_password() else _new_token(invitation)
    invitation.save()
    _send_invitation(invitation, token)


def invite_user(
    actor: User,
    *,
    email: str,
    first_name: str,
    last_name: str,
    organization: Organization,
    roles: frozenset[Role],
    request: HttpRequest | None,
) -> Invitation:
    """Invite `email` to join `organization` with `roles`.

    The administrator's answer is the same for a new address, another organization's user,
    a staff address or a deactivated account: an invitation, listed as pending until it is
    answered or expires. A new address gets an account without a password (and no
    organization) and a link to set one; an existing account is asked to sign in and
    accept. Only the acceptance adds the membership (`accept_invitation*`). The one
    refusal is an address already in `organization`, which its administrator sees anyway.
    """
    _require_account_admin_in(actor, organization)
    validate_roles(organization, roles)
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if (
            user is not None
            and Membership.objects.filter(user=user, organization=organization).exists()
        ):
            raise ActionError(
                f"{email} already belongs to {organization.name}: change its roles instead.",
                "email",
            )
        if user is None:
            user = User.objects.create_user(email, first_name=first_name, last_name=last_name)
        # A new invitation from this organization replaces its own earlier one, never
        # another organization's.
        _open(Invitation.objects.filter(user=user, organization=organization)).update(
            cancelled_at=timezone.now()
        )
        invitation = Invitation(
            user=user,
            organization=organization,
            roles=sorted(role.value for role in roles),
            first_name=first_name,
            last_name=last_name,
            created_by=actor,
        )
        _issue(invitation)
        record(
            "account.invited",
            request=request,
            actor=actor,
            organization=organization,
            target=email,
            details={"roles": invitation.roles, "invitation": invitation.pk},
        )
    return invitation


def create_staff_user(
    actor: User,
    *,
    email: str,
    first_name: str,
    last_name: str,
    roles: frozenset[StaffRole],
    request: HttpRequest | None,
) -> User:
    access.require_staff(actor, Capability.USERS)
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ActionError("An account with this e-mail address already exists.", "email")
        user = User.objects.create_user(
            email, first_name=first_name, last_name=last_name, is_staff=True
        )
        StaffRoleGrant.objects.bulk_create(StaffRoleGrant(user=user, role=r) for r in roles)
        invitation = Invitation(user=user, created_by=actor)
        _issue(invitation)
        record(
            "account.invited",
            request=request,
            actor=actor,
            target=user.email,
            details={"staff_roles": sorted(r.value for r in roles), "portal_id": user.portal_id},
        )
    return user


def resend_invitation(actor: User, invitation: Invitation, request: HttpRequest | None) -> None:
    """Send one invitation again (a fresh link and validity for it alone)."""
    if invitation.organization is None:
        access.require_staff(actor, Capability.USERS)
    else:
        _require_account_admin_in(actor, invitation.organization)
    if invitation.used_at or invitation.declined_at or invitation.cancelled_at:
        raise ActionError("This invitation was already answered or cancelled.")
    with transaction.atomic():
        _issue(invitation)
        record(
            "account.invitation_resent",
            request=request,
            actor=actor,
            organization=invitation.organization,
            target=invitation.user.email,
            details={"invitation": invitation.pk},
        )


def resend_account_link(actor: User, user: User, request: HttpRequest | None) -> None:
    """Staff: a new set-password link for a staff account that has not set its password."""
    access.require_staff(actor, Capability.USERS)
    if user.has_usable_password() or not user.is_staff:
        raise ActionError("Only a staff account without a password gets a new link here.")
    invitation = _open(Invitation.objects.filter(user=user, organization__isnull=True)).first()
    if invitation is None:
        invitation = Invitation(user=user, created_by=actor)
    resend_invitation(actor, invitation, request)


def cancel_invitation(actor: User, invitation: Invitation, request: HttpRequest | None) -> None:
    if invitation.organization is None:
        access.require_staff(actor, Capability.USERS)
    else:
        _require_account_admin_in(actor, invitation.organization)
    with transaction.atomic():
        updated = _open(Invitation.objects.filter(pk=invitation.pk)).update(
            cancelled_at=timezone.now()
        )
        if not updated:
            raise ActionError("This invitation was already answered or cancelled.")
        record(
            "account.invitation_cancelled",
            request=request,
            actor=actor,
            organization=invitation.organization,
            target=invitation.user.email,
            details={"invitation": invitation.pk},
        )


def find_invitation(token: str) -> Invitation | None:
    """The invitation whose link this is, while the link may still be used: a link sets a
    password only for an account that has none."""
    found = (
        Invitation.objects.select_related("user", "organization")
        .filter(token_hash=_hash_token(token))
        .first()
    )
    if found is None or not found.is_usable() or found.user.has_usable_password():
        return None
    return found


def _join(invitation: Invitation, request: HttpRequest | None) -> Membership | None:
    """The membership the invitation offered (None for a staff account's link)."""
    organization = invitation.organization
    if organization is None:
        return None
    user = invitation.user
    if user.is_staff:
        raise ActionError("Staff accounts cannot join an employer's organization.")
    if not organization.is_active:
        raise ActionError(f"{organization.name} is no longer active on the portal.")
    membership = Membership.objects.filter(user=user, organization=organization).first()
    if membership is None:
        membership = Membership(user=user, organization=organization)
        membership.set_roles(invitation.offered_roles)
        membership.save()
    record(
        "membership.invitation_accepted",
        request=request,
        actor=user,
        organization=organization,
        target=user.email,
        details={
            "roles": sorted(role.value for role in membership.roles),
            "invitation": invitation.pk,
            "invited_by": invitation.created_by.email if invitation.created_by else None,
        },
    )
    return membership


def accept_invitation(token: str, password: str, request: HttpRequest | None) -> User:
    """Set the password through a valid link and join the organization that sent it; the
    link cannot be used again."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("user", "organization", "created_by")
            .filter(token_hash=_hash_token(token))
            .first()
        )
        if (
            invitation is None
            or not invitation.is_usable()
            or invitation.user.has_usable_password()
        ):
            raise ActionError("This invitation link has expired or has already been used.")
        user = invitation.user
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.used_at = timezone.now()
        invitation.token_hash = None
        invitation.save(update_fields=["used_at", "token_hash"])
        record("account.invitation_accepted", request=request, actor=user, target=user.email)
        _join(invitation, request)
    return user


def decline_invitation_by_link(token: str, request: HttpRequest | None) -> None:
    with transaction.atomic():
        invitation = find_invitation(token)
        if invitation is None:
            raise ActionError("This invitation link has expired or has already been used.")
        _decline(invitation, invitation.user, request)


def _decline(invitation: Invitation, user: User, request: HttpRequest | None) -> None:
    updated = _open(Invitation.objects.filter(pk=invitation.pk)).update(
        declined_at=timezone.now(), token_hash=None
    )
    if not updated:
        raise ActionError("This invitation was already answered or cancelled.")
    record(
        "membership.invitation_declined",
        request=request,
        actor=user,
        organization=invitation.organization,
        target=user.email,
        details={"invitation": invitation.pk},
    )


def accept_invitation_signed_in(
    user: User, invitation: Invitation, request: HttpRequest | None
) -> Membership:
    """The signed-in invitee accepts (found through `access.access_own_invitation`)."""
    with transaction.atomic():
        locked = (
            _open(Invitation.objects.select_for_update(of=("self",)))
            .select_related("user", "organization", "created_by")
            .filter(pk=invitation.pk, user=user)
            .first()
        )
        if locked is None or not locked.is_usable():
            raise ActionError("This invitation has expired or was already answered.")
        locked.used_at = timezone.now()
        locked.token_hash = None
        locked.save(update_fields=["used_at", "token_hash"])
        membership = _join(locked, request)
        assert membership is not None
    return membership


def decline_invitation(user: User, invitation: Invitation, request: HttpRequest | None) -> None:
    with transaction.atomic():
        _decline(invitation, user, request)


# --- Roles and deactivation -----------------------------------------------------------


def _end_sessions(user: User) -> None:
    """Sign the user out everywhere at once (the auth backend also refuses inactive users):
    one indexed DELETE on the per-user session record, no session decoded."""
    UserSession.objects.filter(user=user).delete()


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
    access.require_staff(actor, Capability.USERS)
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
    access.require_staff(actor, Capability.USERS)
    if not user.is_staff:
        raise ActionError("Only staff accounts have staff roles.")
    with transaction.atomic():
        before = sorted(user.staff_role_grants.values_list("role", flat=True))
        user.staff_role_grants.all().delete()
        StaffRoleGrant.objects.bulk_create(StaffRoleGrant(user=user, role=r) for r in roles)
        user.__dict__.pop("_portal_staff_roles", None)
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
    """An account's name is changed by account administration staff only: an employer
    administrator may share the person with other organizations (issue 17, finding 1)."""
    access.require_account_changes(actor)
    access.access_user(actor, user.pk)
    with transaction.atomic():
        user.first_name = first_name
        user.last_name = last_name
        user.save(update_fields=["first_name", "last_name"])
        record("account.changed", request=request, actor=actor, target=user.email)


def reset_mfa(actor: User, user: User, request: HttpRequest | None) -> None:
    """Staff remove a user's authenticators (a lost phone); the user enrols again at sign-in."""
    access.require_staff(actor, Capability.USERS)
    with transaction.atomic():
        removed = Authenticator.objects.filter(user=user).delete()[0]
        record(
            "mfa.reset_by_staff",
            request=request,
            actor=actor,
            target=user.email,
            details={"authenticators_removed": removed},
        )
        tell_of_mfa_change(
            user,
            "the plan administrator's staff removed your sign-in methods (you set them up "
            "again at your next sign-in)",
        )
        transaction.on_commit(lambda: _end_sessions(user), robust=True)


# --- The user's own sessions (issue 17, ASVS 7.5) -----------------------------------------


def end_session(user: User, session: UserSession, request: HttpRequest) -> bool:
    """End one of the user's own sessions (found through `access.access_own_session`): its
    row goes, so its browser is signed out at its next request. Returns whether it was the
    session of this request (the view then signs this browser out)."""
    this_device = session.session_key == request.session.session_key
    with transaction.atomic():
        ended, _ = UserSession.objects.filter(pk=session.pk, user=user).delete()
        if not ended:
            raise ActionError("That session had already ended.")
        record(
            "auth.session_ended",
            request=request,
            actor=user,
            target=user.email,
            details={
                "session": session.public_id,
                "device": session.device,
                "address": session.address,
                "this_device": this_device,
            },
        )
    return this_device


def end_other_sessions(user: User, request: HttpRequest) -> int:
    """End every live session of the user but this request's; returns how many ended."""
    with transaction.atomic():
        others = list(
            access.own_sessions(user)
            .exclude(session_key=request.session.session_key)
            .values_list("session_key", "public_id")
        )
        UserSession.objects.filter(user=user, session_key__in=[key for key, _ in others]).delete()
        record(
            "auth.other_sessions_ended",
            request=request,
            actor=user,
            target=user.email,
            details={"count": len(others), "sessions": [public for _, public in others]},
        )
    return len(others)
