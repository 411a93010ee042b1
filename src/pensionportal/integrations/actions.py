"""Creating and revoking API clients, approving SFTP accounts, adding and removing SSH
keys: each one atomic action with its audit row (DESIGN.md house rules)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import (
    SERVICE_EMAIL_DOMAIN,
    Organization,
    ServiceAccount,
    User,
)
from pensionportal.audit.record import record
from pensionportal.core import crypto

from . import networks, sshkeys, tokens
from .access import manageable_organizations
from .models import (
    SCOPE_CAPABILITIES,
    SFTP_CAPABILITIES,
    ApiClient,
    HostKey,
    Scope,
    SftpAccount,
    SshKey,
)

MIN_RATE, MAX_RATE, DEFAULT_RATE = 1, 6000, 120
MAX_CLIENTS_PER_ORGANIZATION = 20
MAX_KEYS_PER_ACCOUNT = 20


class IntegrationError(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _service_user(
    organization: Organization, email_local: str, label: str, capabilities: Iterable[str]
) -> User:
    user = User.objects.create_user(
        f"{email_local}@{SERVICE_EMAIL_DOMAIN}",
        None,
        first_name=label[:150],
        is_service_account=True,
    )
    ServiceAccount.objects.create(
        user=user,
        organization=organization,
        capabilities=",".join(sorted(set(capabilities))),
        label=label[:200],
    )
    return user


def _managed(actor: User, organization: Organization) -> None:
    if not manageable_organizations(actor).filter(pk=organization.pk).exists():
        raise IntegrationError("Choose one of the employers you administer.", "organization")


# --- API clients ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewClient:
    client: ApiClient
    secret: str  # shown once, never stored


def create_client(
    actor: User,
    organization: Organization,
    *,
    name: str,
    scopes: Iterable[str],
    allowed_networks: str = "",
    expires_on: dt.date | None = None,
    rate_limit_per_minute: int = DEFAULT_RATE,
    request: HttpRequest | None = None,
) -> NewClient:
    _managed(actor, organization)
    name = " ".join(name.split())
    if not name:
        raise IntegrationError("Give the client a name, e.g. the payroll system's.", "name")
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in Scope.values]
    if unknown:
        raise IntegrationError(f"Unknown scope: {', '.join(unknown)}.", "scopes")
    if not chosen:
        raise IntegrationError("Choose at least one thing the client may do.", "scopes")
    try:
        cleaned_networks = networks.normalized(allowed_networks)
    except networks.NetworkError as error:
        raise IntegrationError(str(error), "allowed_networks") from None
    today = timezone.localdate()
    if expires_on is not None and expires_on <= today:
        raise IntegrationError("The expiry date must be after today.", "expires_on")
    if not MIN_RATE <= rate_limit_per_minute <= MAX_RATE:
        raise IntegrationError(
            f"The rate limit must be between {MIN_RATE} and {MAX_RATE} calls a minute.",
            "rate_limit_per_minute",
        )
    expires_at = (
        timezone.make_aware(dt.datetime.combine(expires_on, dt.time(0, 0)))
        if expires_on is not None
        else None
    )
    with transaction.atomic():
        active = ApiClient.objects.filter(organization=organization, revoked_at__isnull=True)
        if active.count() >= MAX_CLIENTS_PER_ORGANIZATION:
            raise IntegrationError(
                f"An organization can have at most {MAX_CLIENTS_PER_ORGANIZATION} active API "
                "clients. Revoke one it no longer uses."
            )
        client_id = tokens.new_client_id()
        secret, secret_hash = tokens.new_secret()
        capabilities = {c.value for scope in chosen for c in SCOPE_CAPABILITIES[scope]}
        account = _service_user(
            organization, f"api-{client_id}", f"API client {name}", capabilities
        )
        client = ApiClient.objects.create(
            organization=organization,
            account=account,
            name=name[:100],
            client_id=client_id,
            secret_hash=secret_hash,
            scopes=" ".join(chosen),
            allowed_networks=cleaned_networks,
            expires_at=expires_at,
            rate_limit_per_minute=rate_limit_per_minute,
            created_by=actor,
        )
        record(
            "integrations.api_client_created",
            request=request,
            actor=actor,
            organization=organization,
            target=client.client_id,
            details={
                "name": client.name,
                "scopes": chosen,
                "networks": cleaned_networks.splitlines(),
                "expires_at": expires_at.isoformat() if expires_at else None,
                "rate_limit_per_minute": rate_limit_per_minute,
            },
        )
    return NewClient(client, secret)


def revoke_client(actor: User, client: ApiClient, request: HttpRequest | None = None) -> None:
    """Stop the client for good: its tokens are refused from now on."""
    _managed(actor, client.organization)
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if locked.revoked_at is not None:
            raise IntegrationError("This client was already revoked.")
        now = timezone.now()
        locked.revoked_at = now
        locked.revoked_by = actor
        locked.tokens_valid_after = now
        locked.save(update_fields=["revoked_at", "revoked_by", "tokens_valid_after"])
        User.objects.filter(pk=locked.account_id).update(is_active=False)
        record(
            "integrations.api_client_revoked",
            request=request,
            actor=actor,
            organization=locked.organization,
            target=locked.client_id,
            details={"name": locked.name},
        )
    client.revoked_at, client.revoked_by = locked.revoked_at, actor


LAST_USED_EVERY = dt.timedelta(seconds=30)


def note_client_used(client: ApiClient, address: str | None) -> None:
    """Last-used time and address, written at most every 30 seconds (not one write per
    call: the audit trail has every call)."""
    now = timezone.now()
    if (
        client.last_used_at is not None
        and now - client.last_used_at < LAST_USED_EVERY
        and client.last_used_ip == address
    ):
        return
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=now, last_used_ip=address)
    client.last_used_at, client.last_used_ip = now, address


# --- SFTP accounts and keys ---------------------------------------------------------------------


def _username_for(organization: Organization) -> str:
    base = re.sub(r"[^a-z0-9-]", "", slugify(organization.name))[:30].strip("-") or "org"
    if not SftpAccount.objects.filter(username=base).exists():
        return base
    return f"{base[:24]}-{organization.pk}"


def approve_sftp(
    actor: User, organization: Organization, request: HttpRequest | None = None
) -> SftpAccount:
    """Staff approve SFTP for the organization (select-employer-manual.txt Section 4: SFTP is
    an alternate method "OPTrust has approved"), or resume a suspended account."""
    access.require_staff(actor, Capability.USERS)
    _managed(actor, organization)
    if not organization.is_employer:
        raise IntegrationError("SFTP accounts are for employers.")
    with transaction.atomic():
        existing = SftpAccount.objects.select_for_update().filter(organization=organization).first()
        if existing is not None:
            if existing.suspended_at is None:
                raise IntegrationError("SFTP is already approved for this organization.")
            existing.suspended_at = None
            existing.approved_by, existing.approved_at = actor, timezone.now()
            existing.save(update_fields=["suspended_at", "approved_by", "approved_at"])
            User.objects.filter(pk=existing.account_id).update(is_active=True)
            account = existing
            action = "integrations.sftp_resumed"
        else:
            username = _username_for(organization)
            user = _service_user(
                organization, f"sftp-{username}", f"SFTP account {username}", SFTP_CAPABILITIES
            )
            account = SftpAccount.objects.create(
                organization=organization, account=user, username=username, approved_by=actor
            )
            action = "integrations.sftp_approved"
        record(
            action,
            request=request,
            actor=actor,
            organization=organization,
            target=account.username,
        )
    return account


def suspend_sftp(actor: User, account: SftpAccount, request: HttpRequest | None = None) -> None:
    access.require_staff(actor, Capability.USERS)
    _managed(actor, account.organization)
    with transaction.atomic():
        locked = SftpAccount.objects.select_for_update().get(pk=account.pk)
        if locked.suspended_at is not None:
            raise IntegrationError("This SFTP account is already suspended.")
        locked.suspended_at = timezone.now()
        locked.save(update_fields=["suspended_at"])
        User.objects.filter(pk=locked.account_id).update(is_active=False)
        record(
            "integrations.sftp_suspended",
            request=request,
            actor=actor,
            organization=locked.organization,
            target=locked.username,
        )
    account.suspended_at = locked.suspended_at


def add_ssh_key(
    actor: User,
    account: SftpAccount,
    text: str,
    label: str,
    request: HttpRequest | None = None,
) -> SshKey:
    _managed(actor, account.organization)
    try:
        key = sshkeys.read_public_key(text)
    except sshkeys.KeyRefused as error:
        raise IntegrationError(str(error), "public_key") from None
    label = " ".join(label.split())[:100] or key.comment[:100] or key.algorithm
    with transaction.atomic():
        SftpAccount.objects.select_for_update().get(pk=account.pk)
        active = SshKey.objects.filter(sftp_account=account, removed_at__isnull=True)
        if active.filter(fingerprint=key.fingerprint).exists():
            raise IntegrationError("This key is already on the account.", "public_key")
        if active.count() >= MAX_KEYS_PER_ACCOUNT:
            raise IntegrationError(
                f"An account can have at most {MAX_KEYS_PER_ACCOUNT} keys. Remove one that is "
                "no longer used."
            )
        found = SshKey.objects.create(
            sftp_account=account,
            label=label,
            algorithm=key.algorithm,
            public_key=key.openssh,
            fingerprint=key.fingerprint,
            added_by=actor,
        )
        record(
            "integrations.ssh_key_added",
            request=request,
            actor=actor,
            organization=account.organization,
            target=account.username,
            details={"fingerprint": key.fingerprint, "label": label},
        )
    return found


def remove_ssh_key(actor: User, key: SshKey, request: HttpRequest | None = None) -> None:
    _managed(actor, key.sftp_account.organization)
    with transaction.atomic():
        locked = SshKey.objects.select_for_update().get(pk=key.pk)
        if locked.removed_at is not None:
            raise IntegrationError("This key was already removed.")
        locked.removed_at, locked.removed_by = timezone.now(), actor
        locked.save(update_fields=["removed_at", "removed_by"])
        record(
            "integrations.ssh_key_removed",
            request=request,
            actor=actor,
            organization=key.sftp_account.organization,
            target=key.sftp_account.username,
            details={"fingerprint": locked.fingerprint, "label": locked.label},
        )
    key.removed_at = locked.removed_at


# --- The SFTP server's host key -------------------------------------------------------------


def host_key() -> HostKey:
    """The host key, made (and kept, encrypted) the first time it is asked for."""
    found = HostKey.objects.first()
    if found is not None:
        return found
    with transaction.atomic():
        found = HostKey.objects.select_for_update().first()
        if found is not None:
            return found
        generated = sshkeys.generate_host_key()
        found = HostKey.objects.create(
            algorithm=generated.algorithm,
            private_key_encrypted=crypto.encrypt_text(generated.private_openssh),
            public_key=generated.public_openssh,
            fingerprint=generated.fingerprint,
        )
        record(
            "integrations.sftp_host_key_created",
            actor_email="system:sftp",
            target=generated.fingerprint,
        )
    return found


def host_key_fingerprint() -> str | None:
    found = HostKey.objects.first()
    return found.fingerprint if found is not None else None
