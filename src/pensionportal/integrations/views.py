"""Payroll connections: the employer administrator's (and account-administration staff's)
pages for API clients and the SFTP account. Views parse input, call one action, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pensionportal.accounts import access as account_access
from pensionportal.accounts.access import Capability, acting_user
from pensionportal.accounts.models import Organization
from pensionportal.accounts.sections import section
from pensionportal.core.feedback import attempt, form_page, refusal_on_form

from . import actions
from .access import (
    access_client,
    access_key,
    access_managed_organization,
    clients_for,
    manageable_organizations,
    sftp_account_of,
    sftp_accounts_for,
)
from .forms import ClientForm, ConfirmForm, KeyForm
from .models import ApiClient, SftpAccount


def sftp_address() -> str:
    configured = str(getattr(settings, "SFTP_PUBLIC_ADDRESS", "") or "")
    if configured:
        return configured
    return f"{settings.SFTP_HOST}:{settings.SFTP_PORT}"


@section(Capability.USERS)
def index(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    organizations = manageable_organizations(user).order_by("name")
    if not account_access.is_staff_user(user) and organizations.count() == 1:
        only = organizations.first()
        assert only is not None
        return redirect("integrations:organization", organization_id=only.pk)
    search = request.GET.get("q", "").strip()
    if search:
        organizations = organizations.filter(name__icontains=search)
    page = Paginator(organizations, 25).get_page(request.GET.get("page"))
    ids = [org.pk for org in page]
    active_clients: dict[int, int] = {}
    for client in clients_for(user).filter(organization_id__in=ids, revoked_at__isnull=True):
        active_clients[client.organization_id] = active_clients.get(client.organization_id, 0) + 1
    sftp = {a.organization_id: a for a in sftp_accounts_for(user).filter(organization_id__in=ids)}
    rows = [(org, active_clients.get(org.pk, 0), sftp.get(org.pk)) for org in page]
    return render(
        request,
        "integrations/index.html",
        {"page": page, "rows": rows, "search": search},
    )


@section(Capability.USERS)
def organization(request: HttpRequest, organization_id: int) -> HttpResponse:
    user = acting_user(request)
    org = access_managed_organization(user, organization_id)
    account = sftp_account_of(user, org)
    return _render_organization(request, org, account, KeyForm())


def _render_organization(
    request: HttpRequest,
    org: Organization,
    account: SftpAccount | None,
    key_form: KeyForm,
    status: int = 200,
) -> HttpResponse:
    user = acting_user(request)
    return render(
        request,
        "integrations/organization.html",
        {
            "organization": org,
            "clients": clients_for(user).filter(organization=org),
            "sftp": account,
            "keys": account.keys.select_related("added_by", "removed_by") if account else None,
            "key_form": key_form,
            "is_staff": account_access.is_staff_user(user),
            "host_fingerprint": actions.host_key_fingerprint(),
            "sftp_address": sftp_address(),
            "reference_url": "api:reference",
        },
        status=status,
    )


@section(Capability.USERS)
@require_http_methods(["GET", "POST"])
def client_new(request: HttpRequest, organization_id: int) -> HttpResponse:
    user = acting_user(request)
    org = access_managed_organization(user, organization_id)
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = actions.create_client(
                user,
                org,
                name=data["name"],
                scopes=data["scopes"],
                allowed_networks=data["allowed_networks"],
                expires_on=data["expires_on"],
                rate_limit_per_minute=data["rate_limit_per_minute"],
                request=request,
            )
        except actions.IntegrationError as error:
            refusal_on_form(form, error)
        else:
            # The secret is shown in this answer only: never stored, never redirected with.
            return render(
                request,
                "integrations/client_created.html",
                {
                    "client": created.client,
                    "secret": created.secret,
                    "organization": org,
                    "token_url": request.build_absolute_uri("/api/v1/oauth/token"),
                },
            )
    return form_page(request, "integrations/client_new.html", {"form": form, "organization": org})


@section(Capability.USERS)
@require_http_methods(["GET", "POST"])
def client_revoke(request: HttpRequest, client_id: int) -> HttpResponse:
    user = acting_user(request)
    client: ApiClient = access_client(user, client_id)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt(
            request,
            lambda: actions.revoke_client(user, client, request=request),
            f"{client.name} was revoked; its tokens no longer work.",
            refused=actions.IntegrationError,
        )
        return redirect("integrations:organization", organization_id=client.organization_id)
    return form_page(request, "integrations/client_revoke.html", {"client": client, "form": form})


@section(Capability.USERS)
@require_POST
def sftp_approve(request: HttpRequest, organization_id: int) -> HttpResponse:
    user = acting_user(request)
    org = access_managed_organization(user, organization_id)
    account_access.require_staff(user, Capability.USERS)
    attempt(
        request,
        lambda: actions.approve_sftp(user, org, request=request),
        lambda account: (
            f"SFTP is approved for {org.name} (user name {account.username}). Its administrator "
            "can now add the payroll system's public key."
        ),
        refused=actions.IntegrationError,
    )
    return redirect("integrations:organization", organization_id=org.pk)


@section(Capability.USERS)
@require_POST
def sftp_suspend(request: HttpRequest, organization_id: int) -> HttpResponse:
    user = acting_user(request)
    org = access_managed_organization(user, organization_id)
    account_access.require_staff(user, Capability.USERS)
    account: SftpAccount | None = sftp_account_of(user, org)
    if account is None:
        messages.error(request, "This organization has no SFTP account.")
    else:
        found = account
        attempt(
            request,
            lambda: actions.suspend_sftp(user, found, request=request),
            f"The SFTP account {account.username} is suspended.",
            refused=actions.IntegrationError,
        )
    return redirect("integrations:organization", organization_id=org.pk)


@section(Capability.USERS)
@require_POST
def key_add(request: HttpRequest, organization_id: int) -> HttpResponse:
    user = acting_user(request)
    org = access_managed_organization(user, organization_id)
    account = sftp_account_of(user, org)
    if account is None:
        messages.error(
            request,
            "SFTP is not approved for this organization yet; ask the plan administrator.",
        )
        return redirect("integrations:organization", organization_id=org.pk)
    form = KeyForm(request.POST)
    if form.is_valid():
        try:
            key = actions.add_ssh_key(
                user,
                account,
                form.cleaned_data["public_key"],
                form.cleaned_data["label"],
                request=request,
            )
        except actions.IntegrationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, f"Key {key.fingerprint} added to {account.username}.")
            return redirect("integrations:organization", organization_id=org.pk)
    return _render_organization(request, org, account, form, status=400)


@section(Capability.USERS)
@require_POST
def key_remove(request: HttpRequest, key_id: int) -> HttpResponse:
    user = acting_user(request)
    key = access_key(user, key_id)
    attempt(
        request,
        lambda: actions.remove_ssh_key(user, key, request=request),
        f"Key {key.fingerprint} removed; it no longer signs in.",
        refused=actions.IntegrationError,
    )
    return redirect("integrations:organization", organization_id=key.sftp_account.organization_id)
