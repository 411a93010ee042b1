"""Who manages an organization's connections: its employer administrators, and the
plan administrator's account-administration staff (every organization). Another
organization's client or key is 404; the page itself without the role is 403."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization

from .models import ApiClient, SftpAccount, SshKey


def manageable_organizations(user: AnyUser) -> QuerySet[Organization]:
    """Employers whose API clients and SFTP keys the user may manage (403 without the
    right: account management is the employer administrator's)."""
    access.require(user, Capability.USERS)
    return access.organizations_for(user, Capability.USERS).filter(kind="employer")


def access_managed_organization(user: AnyUser, organization_id: int | str) -> Organization:
    try:
        pk = int(organization_id)
    except (TypeError, ValueError):
        raise Http404("No such organization.") from None
    found = manageable_organizations(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such organization.")
    return found


def clients_for(user: AnyUser) -> QuerySet[ApiClient]:
    return ApiClient.objects.filter(organization__in=manageable_organizations(user)).select_related(
        "organization", "created_by", "revoked_by"
    )


def access_client(user: AnyUser, client_id: int | str) -> ApiClient:
    try:
        pk = int(client_id)
    except (TypeError, ValueError):
        raise Http404("No such API client.") from None
    found = clients_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such API client.")
    return found


def sftp_accounts_for(user: AnyUser) -> QuerySet[SftpAccount]:
    return SftpAccount.objects.filter(
        organization__in=manageable_organizations(user)
    ).select_related("organization", "approved_by")


def access_key(user: AnyUser, key_id: int | str) -> SshKey:
    try:
        pk = int(key_id)
    except (TypeError, ValueError):
        raise Http404("No such key.") from None
    found = (
        SshKey.objects.filter(sftp_account__in=sftp_accounts_for(user), pk=pk)
        .select_related("sftp_account", "sftp_account__organization")
        .first()
    )
    if found is None:
        raise Http404("No such key.")
    return found
