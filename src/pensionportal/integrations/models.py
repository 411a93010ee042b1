"""How an organization's payroll system connects without a browser (issue 19): API clients
(OAuth2 client credentials, scoped) and the organization's SFTP account with the SSH keys
its administrator uploaded, plus the SFTP server's own host key.

Seeds: reporting-pension-data.txt "File transmittal" ("Batch data files from WIN ... should
be sent via SFTP"); select-employer-manual.txt Section 4 ("unless OPTrust has approved an
alternate transmission method (such as Secure File Transfer Protocol)": staff approve an
organization's SFTP account before its keys work).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import Organization


class Scope(models.TextChoices):
    SUBMIT_DATA = "submit_data", "Send pension data files and read their results"
    READ_REPORTS = "read_reports", "Read files and reports delivered by the administrator"
    READ_REMITTANCES = "read_remittances", "Read remittances, due dates, invoices and balance"
    READ_MEMBERS = "read_members", "Read the organization's members (SINs masked)"


# What each scope lets the client's service account reach through the access helpers; the
# API checks the scope itself on every operation (403 outside it).
SCOPE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Scope.SUBMIT_DATA: frozenset({Capability.FILES, Capability.SUBMISSIONS}),
    Scope.READ_REPORTS: frozenset({Capability.FILES, Capability.REPORTS}),
    Scope.READ_REMITTANCES: frozenset({Capability.REMITTANCES}),
    Scope.READ_MEMBERS: frozenset({Capability.MEMBERS}),
}
# The SFTP account drops pension data files and fetches deliveries, reports and results.
SFTP_CAPABILITIES = frozenset({Capability.FILES, Capability.SUBMISSIONS, Capability.REPORTS})


class ApiClient(models.Model):
    """One payroll system's credential. The secret is shown once and stored only as a
    password hash; `account` is the service account the client acts as."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="api_clients"
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client"
    )
    name = models.CharField(max_length=100)
    client_id = models.CharField(max_length=40, unique=True)
    secret_hash = models.CharField(max_length=200)
    scopes = models.CharField(max_length=200)  # Scope values, space-separated (OAuth2 style)
    # One address or network (CIDR) a line; empty: any address.
    allowed_networks = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(default=120)
    # Tokens issued before this moment are refused (set at creation and at revocation).
    tokens_valid_after = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_clients_created"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients_revoked",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["organization__name", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def scope_list(self) -> list[str]:
        return [scope for scope in self.scopes.split() if scope in Scope.values]

    @property
    def scope_labels(self) -> list[str]:
        return [Scope(scope).label for scope in self.scope_list]

    @property
    def network_list(self) -> list[str]:
        return [line.strip() for line in self.allowed_networks.splitlines() if line.strip()]

    def is_expired(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.expires_at is not None and self.expires_at <= moment  # type: ignore[operator]

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def state(self) -> str:
        if self.is_revoked:
            return "Revoked"
        if self.is_expired():
            return "Expired"
        return "Active"


class RateWindow(models.Model):
    """Calls of one client in one minute (the rate limit counts here, shared by every web
    process)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["client", "started_at"], name="unique_rate_window")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.started_at}: {self.count}"


class SftpAccount(models.Model):
    """The organization's one SFTP account. It works once staff approved it (the seed's
    "approved alternate transmission method") and while it is not suspended."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="sftp_account"
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sftp_account"
    )
    username = models.CharField(max_length=40, unique=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)
    suspended_at = models.DateTimeField(null=True, blank=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.username

    @property
    def is_enabled(self) -> bool:
        return self.suspended_at is None and self.organization.is_active


class SshKey(models.Model):
    """A public key the organization's administrator uploaded for its SFTP account. Removed
    keys stay as history (who added and removed which fingerprint)."""

    sftp_account = models.ForeignKey(SftpAccount, on_delete=models.PROTECT, related_name="keys")
    label = models.CharField(max_length=100)
    algorithm = models.CharField(max_length=40)
    public_key = models.TextField()  # OpenSSH one-line form, comment removed
    fingerprint = models.CharField(max_length=80)  # SHA256:..., as ssh-keygen -l prints it
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-added_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["sftp_account", "fingerprint"],
                condition=models.Q(removed_at__isnull=True),
                name="unique_active_ssh_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.fingerprint}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class HostKey(models.Model):
    """The SFTP server's host key, made on first start and kept (encrypted) so that every
    server process and restart presents the same key; its fingerprint is shown to
    administrators so that they can check it on first connection."""

    algorithm = models.CharField(max_length=40)
    private_key_encrypted = models.TextField()
    public_key = models.TextField()
    fingerprint = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return self.fingerprint
