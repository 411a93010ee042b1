"""Account management pages: users, organizations, invitations.

Views parse input, call one action from `actions`, and render; tenant lookups go through
`access`.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pensionportal.core.feedback import attempt, refusal_on_form
from pensionportal.core.notify import CHOOSABLE
from pensionportal.core.query_filters import QueryFilters

from . import access, actions, chooser, notifications, sessions
from .access import Capability, acting_user
from .actions import ActionError, OrganizationData
from .forms import (
    InviteUserForm,
    MembershipRolesForm,
    OrganizationForm,
    ProfileForm,
    SetPasswordForm,
    StaffRolesForm,
    StaffUserForm,
)
from .models import StaffRole, User
from .sections import Audience, section

# --- Users ------------------------------------------------------------------------------


PENDING_LISTED = 50


@section(Capability.USERS)
def users(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    orgs = access.organizations_for(actor, Capability.USERS)
    query = access.manageable_users(actor).prefetch_related(
        Prefetch(
            "memberships",
            queryset=access.manageable_memberships(actor),
            to_attr="visible_memberships",
        )
    )
    search = request.GET.get("q", "").strip()
    if search:
        query = query.filter(
            Q(email__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(portal_id__iexact=search)
        )
    found = QueryFilters(request.GET)
    org_filter = chooser.organization_filter(found, orgs)
    if org_filter.chosen is not None:
        query = query.filter(memberships__organization=org_filter.chosen).distinct()
    page = Paginator(query.order_by("email"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/users.html",
        {
            "page": page,
            "search": search,
            "org_filter": org_filter,
            "errors": found.errors,
            "is_staff": actor.is_staff,
            "pending": _pending_invitations(actor),
            "now": timezone.now(),
        },
    )


def _pending_invitations(actor: User) -> list[object]:
    """Invitations not answered yet (open or expired in the last 30 days), shown alike
    whether the address had an account or not: the address and the name as typed."""
    since = timezone.now() - timedelta(days=30)
    return list(
        access.invitations_managed_by(actor)
        .filter(
            used_at__isnull=True,
            declined_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=since,
        )
        .order_by("-created_at", "-id")[:PENDING_LISTED]
    )


@section(Capability.USERS)
def invite(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    orgs = access.organizations_for(actor, Capability.USERS).filter(is_active=True)
    form = InviteUserForm(request.POST or None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = actions.invite_user(
                actor,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                organization=form.cleaned_data["organization"],
                roles=form.cleaned_data["roles"],
                request=request,
            )
        except ActionError as error:
            refusal_on_form(form, error)
        else:
            # The same words whatever the address is (issue 17, "Must do" 1).
            messages.success(
                request,
                f"Invitation sent to {invitation.user.email}. It is listed under Pending "
                "invitations until it is accepted, declined or expires.",
            )
            return redirect("accounts:users")
    return render(
        request,
        "accounts/invite.html",
        {"form": form, "invitation_hours": settings.INVITATION_VALID_HOURS},
    )


@section(Capability.USERS, audience=Audience.STAFF)
def invite_staff(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    form = StaffUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.create_staff_user(
                actor,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                roles=frozenset(StaffRole(r) for r in form.cleaned_data["staff_roles"]),
                request=request,
            )
        except ActionError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("accounts:user", user.pk)
    return render(request, "accounts/invite_staff.html", {"form": form})


@section(Capability.USERS)
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = acting_user(request)
    subject = access.access_user(actor, user_id)
    may_change_account = access.can_change_accounts(actor)
    memberships = access.manageable_memberships(actor, of=subject).order_by("organization__name")
    rows = [
        (m, MembershipRolesForm(initial={"roles": [r.value for r in m.roles]}, prefix=f"m{m.pk}"))
        for m in memberships
    ]
    if request.method == "POST":
        # Renaming an account is account administration's (issue 17, finding 1).
        access.require_account_changes(actor)
    profile_form = ProfileForm(
        request.POST or None,
        initial={"first_name": subject.first_name, "last_name": subject.last_name},
    )
    if request.method == "POST" and profile_form.is_valid():
        actions.update_profile(
            actor,
            subject,
            profile_form.cleaned_data["first_name"],
            profile_form.cleaned_data["last_name"],
            request,
        )
        messages.success(request, "Name saved.")
        return redirect("accounts:user", subject.pk)
    staff_roles_form = None
    if subject.is_staff:
        staff_roles_form = StaffRolesForm(
            initial={"staff_roles": list(subject.staff_role_grants.values_list("role", flat=True))}
        )

    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": subject,
            "rows": rows,
            "profile_form": profile_form if may_change_account else None,
            "staff_roles_form": staff_roles_form,
            "staff_sections": _staff_sections(subject) if subject.is_staff else None,
            "actor_is_staff": may_change_account,
            "mfa_enabled": is_mfa_enabled(subject),
            "invitation_pending": not subject.has_usable_password(),
        },
    )


def _staff_sections(subject: User) -> list[tuple[str, list[str], bool]]:
    """What each section needs and whether the staff member has it (issue 17, "Must do" 4:
    the permissions shown in the staff user page)."""
    granted = access.staff_capabilities(subject)
    return [
        (
            capability.label,
            [role.label for role in StaffRole if role in roles],
            capability in granted,
        )
        for capability, roles in access.STAFF_ROLES_GRANTING.items()
    ]


@section(Capability.USERS)
@require_POST
def membership_roles(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = acting_user(request)
    membership = access.access_membership(actor, membership_id)
    form = MembershipRolesForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        for error in form.errors.get("roles", []):
            messages.error(request, f"{membership.organization.name}: {error}")
        return redirect("accounts:user", membership.user_id)
    try:
        actions.change_roles(actor, membership, form.cleaned_data["roles"], request)
    except ActionError as error:
        messages.error(request, f"{membership.organization.name}: {error.message}")
    else:
        messages.success(request, f"Roles in {membership.organization.name} saved.")
    return redirect("accounts:user", membership.user_id)


@section(Capability.USERS)
@require_POST
def membership_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = acting_user(request)
    membership = access.access_membership(actor, membership_id)
    user_id = membership.user_id
    try:
        actions.remove_membership(actor, membership, request)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("accounts:user", user_id)
    messages.success(request, f"Access to {membership.organization.name} removed.")
    if access.manageable_users(actor).filter(pk=user_id).exists():
        return redirect("accounts:user", user_id)
    return redirect("accounts:users")


@section(Capability.USERS, audience=Audience.STAFF)
@require_POST
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = acting_user(request)
    subject = access.access_user(actor, user_id)
    activate = request.POST.get("active") == "1"
    attempt(
        request,
        lambda: actions.set_active(actor, subject, activate, request),
        "Account reactivated." if activate else "Account deactivated.",
        refused=ActionError,
    )
    return redirect("accounts:user", subject.pk)


@section(Capability.USERS, audience=Audience.STAFF)
@require_POST
def user_staff_roles(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = acting_user(request)
    subject = access.access_user(actor, user_id)
    form = StaffRolesForm(request.POST)
    if form.is_valid():
        try:
            actions.set_staff_roles(
                actor,
                subject,
                frozenset(StaffRole(r) for r in form.cleaned_data["staff_roles"]),
                request,
            )
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Staff roles saved.")
    return redirect("accounts:user", subject.pk)


@section(Capability.USERS, audience=Audience.STAFF)
@require_POST
def user_resend_invitation(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = acting_user(request)
    subject = access.access_user(actor, user_id)
    attempt(
        request,
        lambda: actions.resend_account_link(actor, subject, request),
        f"A new invitation was sent to {subject.email}.",
        refused=ActionError,
    )
    return redirect("accounts:user", subject.pk)


@section(Capability.USERS, audience=Audience.STAFF)
@require_POST
def user_reset_mfa(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = acting_user(request)
    subject = access.access_user(actor, user_id)
    actions.reset_mfa(actor, subject, request)
    messages.success(request, f"Two-factor authentication was reset for {subject.email}.")
    return redirect("accounts:user", subject.pk)


# --- Organizations (staff) ------------------------------------------------------------------


@section(Capability.USERS, audience=Audience.STAFF)
def organizations(request: HttpRequest) -> HttpResponse:
    query = access.all_organizations(request.user, Capability.USERS)
    search = request.GET.get("q", "").strip()
    if search:
        query = query.filter(name__icontains=search)
    page = Paginator(query.order_by("name"), 25).get_page(request.GET.get("page"))
    return render(request, "accounts/organizations.html", {"page": page, "search": search})


def _organization_data(form: OrganizationForm) -> OrganizationData:
    data = form.cleaned_data
    return OrganizationData(
        name=data["name"].strip(),
        kind=data["kind"],
        vendor_type=data.get("vendor_type") or "",
        plan=data.get("plan") or "",
        plan_participation_date=data.get("plan_participation_date"),
        mailing_address=data.get("mailing_address") or "",
    )


@section(Capability.USERS, audience=Audience.STAFF)
def organization_new(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    form = OrganizationForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            organization = actions.create_organization(actor, _organization_data(form), request)
        except ActionError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, f"{organization.name} created.")
            return redirect("accounts:organizations")
    return render(request, "accounts/organization_form.html", {"form": form, "creating": True})


@section(Capability.USERS, audience=Audience.STAFF)
def organization_edit(request: HttpRequest, organization_id: int) -> HttpResponse:
    actor = acting_user(request)
    organization = access.access_organization(actor, organization_id, Capability.USERS)
    initial = {
        "name": organization.name,
        "kind": organization.kind,
        "plan": organization.plan,
        "plan_participation_date": organization.plan_participation_date,
        "vendor_type": organization.vendor_type,
        "mailing_address": organization.mailing_address,
        "is_active": organization.is_active,
    }
    form = OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_organization(
                actor,
                organization,
                _organization_data(form),
                bool(form.cleaned_data.get("is_active")),
                request,
            )
        except ActionError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, f"{organization.name} saved.")
            return redirect("accounts:organizations")
    return render(
        request,
        "accounts/organization_form.html",
        {"form": form, "creating": False, "organization": organization},
    )


# --- Pending invitations (the administrator's side) --------------------------------------


@section(Capability.USERS)
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = acting_user(request)
    invitation = access.access_invitation(actor, invitation_id)
    attempt(
        request,
        lambda: actions.resend_invitation(actor, invitation, request),
        f"The invitation to {invitation.user.email} was sent again.",
        refused=ActionError,
    )
    return redirect("accounts:users")


@section(Capability.USERS)
@require_POST
def invitation_cancel(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = acting_user(request)
    invitation = access.access_invitation(actor, invitation_id)
    attempt(
        request,
        lambda: actions.cancel_invitation(actor, invitation, request),
        f"The invitation to {invitation.user.email} was cancelled.",
        refused=ActionError,
    )
    return redirect("accounts:users")


# --- Invitations addressed to me (signed in) ------------------------------------------------


@section(None)
@require_http_methods(["GET", "POST"])
def notification_choices(request: HttpRequest) -> HttpResponse:
    """Each person's own choice of e-mails, per organization (issue 16, Must do 6)."""
    user = acting_user(request)
    if request.method == "POST":
        changed = notifications.save_choices(user, request.POST.keys(), request)
        messages.success(
            request,
            f"Your e-mail choices are saved ({changed} changed)."
            if changed
            else "Nothing changed.",
        )
        return redirect("accounts:notifications")
    return render(
        request,
        "accounts/notifications.html",
        {"rows": notifications.choices_of(user), "kinds": CHOOSABLE},
    )


@section(None)
@require_GET
def my_invitations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/my_invitations.html",
        {"invitations": list(access.own_invitations(request.user))},
    )


@section(None)
@require_POST
def invitation_accept(request: HttpRequest, invitation_id: int) -> HttpResponse:
    user = acting_user(request)
    invitation = access.access_own_invitation(user, invitation_id)
    try:
        membership = actions.accept_invitation_signed_in(user, invitation, request)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("accounts:my_invitations")
    messages.success(
        request,
        f"You now belong to {membership.organization.name} ({', '.join(membership.role_labels)}).",
    )
    return redirect("core:home")


@section(None)
@require_POST
def invitation_decline(request: HttpRequest, invitation_id: int) -> HttpResponse:
    user = acting_user(request)
    invitation = access.access_own_invitation(user, invitation_id)
    assert invitation.organization is not None
    attempt(
        request,
        lambda: actions.decline_invitation(user, invitation, request),
        f"You declined the invitation of {invitation.organization.name}.",
        refused=ActionError,
    )
    return redirect("accounts:my_invitations")


# --- The user's own signed-in sessions (issue 17, OWASP ASVS 5.0 7.5) ------------------------
# A session is named by its public id (a keyed hash of its key): the key is a bearer secret
# and appears in no page, form or address.


@section(None)
@require_GET
def signed_in_sessions(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    rows = list(access.own_sessions(user))
    this_device = sessions.public_id_of(request.session.session_key)
    return render(
        request,
        "accounts/sessions.html",
        {
            "rows": rows,
            "this_device": this_device,
            "others": sum(1 for row in rows if row.public_id != this_device),
            "idle": sessions.idle_in_words(),
            "lifetime": sessions.lifetime_in_words(),
        },
    )


@section(None)
@require_POST
def session_end(request: HttpRequest, session_id: str) -> HttpResponse:
    user = acting_user(request)
    session = access.access_own_session(user, session_id)
    try:
        this_device = actions.end_session(user, session, request)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("accounts:sessions")
    if this_device:
        logout(request)
        messages.success(request, "You ended the session on this device: you are signed out.")
        return redirect("account_login")
    messages.success(
        request,
        f"The session on {session.device or 'that device'} is ended: "
        "it is signed out at its next page.",
    )
    return redirect("accounts:sessions")


@section(None)
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = actions.end_other_sessions(acting_user(request), request)
    messages.success(
        request,
        f"{ended} other session{'' if ended == 1 else 's'} ended: "
        "only this device is still signed in."
        if ended
        else "No other session was signed in: only this device is.",
    )
    return redirect("accounts:sessions")


# --- Invitation links (no sign-in: the link is the credential) ------------------------------
# The e-mailed link is /invitation/<token>/. It puts the token into the session and sends
# the browser on to /invitation/ at once, so the token is in no page's address, history or
# Referer and the access log can drop it (issue 17, "Must do" 6).

INVITATION_SESSION_KEY = "portal_invitation_token"


def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    request.session[INVITATION_SESSION_KEY] = token[:200]
    return redirect("accounts:accept_invitation")


def accept_invitation(request: HttpRequest) -> HttpResponse:
    token = str(request.session.get(INVITATION_SESSION_KEY, ""))
    invitation = actions.find_invitation(token) if token else None
    if invitation is None:
        request.session.pop(INVITATION_SESSION_KEY, None)
        return render(request, "accounts/invitation_invalid.html", status=410)
    if request.method == "POST" and request.POST.get("decline") == "1":
        try:
            actions.decline_invitation_by_link(token, request)
        except ActionError:
            return render(request, "accounts/invitation_invalid.html", status=410)
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.success(request, "You declined the invitation. Nothing was changed.")
        return redirect("account_login")
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.accept_invitation(token, form.cleaned_data["password1"], request)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("password1", message)
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(request, "Your password is set. Sign in to continue.")
            return redirect("account_login")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"form": form, "email": invitation.user.email, "invitation": invitation},
    )


@section(None)
@require_GET
def organization_search(request: HttpRequest) -> HttpResponse:
    """The organization chooser's suggestions (accounts.chooser): the names, among the
    organizations the user works with, that match what was typed; at most 20."""
    names = chooser.search(access.chooser_organizations(request.user), request.GET.get("q", ""))
    return JsonResponse({"names": names})
