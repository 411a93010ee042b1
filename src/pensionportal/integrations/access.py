"""Who manages an organization's connections: its employer administrators, and the
plan administrator's account-administration staff (every organization). Another
organization's client or key is 404; the page itself without the role is 403."""

from __future__ import annotations

from django.db.models import QuerySet

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
    return access.one_or_404(manageable_organizations(user), organization_id, "organization")


def clients_for(user: AnyUser) -> QuerySet[ApiClient]:
    return ApiClient.objects.filter(organization__in=manageable_organizations(user)).select_related(
        "organization", "created_by", "revoked_by"
    )


def access_client(user: AnyUser, client_id: int | str) -> ApiClient:
    return access.one_or_404(clients_for(user), client_id, "API client")


def sftp_accounts_for(user: AnyUser) -> QuerySet[SftpAccount]:
    return SftpAccount.objects.filter(
        organization__in=manageable_organizations(user)
    ).select_related("organization", "approved_by")


def sftp_account_of(user: AnyUser, organization: Organization) -> SftpAccount | None:
    """The organization's SFTP account, if it has one (and the user may manage it)."""
    return sftp_accounts_for(user).filter(organization=organization).first()


def access_key(user: AnyUser, key_id: int | str) -> SshKey:
    keys = SshKey.objects.filter(sftp_account__in=sftp_accounts_for(user)).select_related(
        "sftp_account", "sftp_account__organization"
    )
    return access.one_or_404(keys, key_id, "key")
