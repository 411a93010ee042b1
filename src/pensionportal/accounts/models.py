"""Organizations, users, their per-organization roles, and invitations.

Seeds: secure-employer-portal.txt "Account management" and "Types of accounts".
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any, ClassVar

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from pensionportal.rules.contributions import Plan as Plan  # re-exported: the apps' Plan

from . import sessions


class OrganizationKind(models.TextChoices):
    EMPLOYER = "employer", "Employer"
    VENDOR = "vendor", "Vendor"


class VendorType(models.TextChoices):
    ACTUARY = "actuary", "Actuary"
    ACCOUNTANT = "accountant", "Accountant"
    AUDITOR = "auditor", "Auditor"
    LAWYER = "lawyer", "Lawyer"
    UNION = "union", "Union"


# The plans are the rules' (one Plan): an organization's `plan` is one of its values.
PLAN_CHOICES = [(plan.value, plan.label) for plan in Plan]


class Organization(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=OrganizationKind.choices)
    vendor_type = models.CharField(max_length=12, choices=VendorType.choices, blank=True)
    plan = models.CharField(max_length=10, choices=PLAN_CHOICES, blank=True)
    plan_participation_date = models.DateField(null=True, blank=True)
    # Printed on invoices and statements (issue 15): lines as the post office wants them.
    mailing_address = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(Upper("name"), name="organization_name_upper")
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                name="employer_has_plan",
                condition=~models.Q(kind="employer") | ~models.Q(plan=""),
            ),
            models.CheckConstraint(
                name="vendor_has_type",
                condition=~models.Q(kind="vendor") | ~models.Q(vendor_type=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_employer(self) -> bool:
        return self.kind == OrganizationKind.EMPLOYER

    @property
    def address_lines(self) -> list[str]:
        return [line for line in self.mailing_address.splitlines() if line.strip()]


class Role(models.TextChoices):
    """External roles ("Types of accounts"), plus the payroll manager of the Reports section."""

    COMMUNICATIONS = "communications", "Communications"
    FILE_UPLOAD = "file_upload", "File upload"
    ADMINISTRATOR = "administrator", "Administrator"
    PAYROLL_MANAGER = "payroll_manager", "Payroll manager"


# Vendors (actuaries, lawyers...) only exchange messages; the other roles are an employer's.
VENDOR_ROLES = frozenset({Role.COMMUNICATIONS})


class StaffRole(models.TextChoices):
    """The plan administrator's staff roles: each grants the sections in
    `access.STAFF_ROLES_GRANTING` and nothing else (docs/security.md, "Staff roles")."""

    DATA_MANAGEMENT = "data_management", "Data management"
    PENSION_PARTNER = "pension_partner", "Pension partner"
    FINANCE = "finance", "Finance"
    ACCOUNT_ADMINISTRATION = "account_administration", "Account administration"
    AUDIT_READER = "audit_reader", "Audit reader"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


def new_portal_id() -> str:
    """A portal ID ("OPTrust ID" in the seed): not guessable from the e-mail or the row id."""
    return f"P{secrets.randbelow(90_000_000) + 10_000_000}"


class User(AbstractUser):
    """A person who signs in with an e-mail address and password.

    `is_staff` marks the plan administrator's staff: a separate kind of user who sees every
    organization. Everyone else reaches organizations only through `Membership` rows.
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    portal_id = models.CharField(max_length=12, unique=True, default=new_portal_id)
    # A payroll system's identity (an API client, an SFTP account: `ServiceAccount`), never
    # a person: it cannot sign in, has no memberships, is e-mailed nothing and is listed
    # with no users.
    is_service_account = models.BooleanField(default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering: ClassVar[list[str]] = ["email"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(Upper("email"), name="user_email_upper"),
            models.Index(Upper("portal_id"), name="user_portal_id_upper"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class StaffRoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_role_grants")
    role = models.CharField(max_length=30, choices=StaffRole.choices)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_staff_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role}"


class Membership(models.Model):
    """A user's roles in one organization."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    communications = models.BooleanField(default=False)
    file_upload = models.BooleanField(default=False)
    administrator = models.BooleanField(default=False)
    payroll_manager = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")
        ]
        ordering: ClassVar[list[str]] = ["organization__name"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(role for role in Role if getattr(self, role.value))

    def set_roles(self, roles: frozenset[Role] | set[Role]) -> None:
        for role in Role:
            setattr(self, role.value, role in roles)

    @property
    def role_labels(self) -> list[str]:
        return [role.label for role in Role if role in self.roles]


class Invitation(models.Model):
    """An invitation to join an organization with roles, or, without an organization, a
    new staff account's link to set its password.

    Nothing changes until the invitee accepts (issue 17, "Must do" 1): a person without a
    password (a new address) accepts by setting one through the single-use link, of which
    only a SHA-256 is stored (`token_hash`), so a database reader cannot use it; a person
    who already has an account accepts while signed in (no link: `token_hash` is empty).
    The inviting administrator sees the same thing in both cases.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
    )
    # The roles offered, as Role values; and the name the administrator typed.
    roles = models.JSONField(default=list, blank=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)  # accepted
    declined_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation for {self.user}"

    @property
    def offered_roles(self) -> frozenset[Role]:
        return frozenset(Role(value) for value in self.roles if value in Role.values)

    @property
    def role_labels(self) -> list[str]:
        return [role.label for role in Role if role in self.offered_roles]

    @property
    def invited_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def is_open(self, now: Any = None) -> bool:
        """Neither accepted, declined nor cancelled, and not expired."""
        now = now or timezone.now()
        return (
            self.used_at is None
            and self.declined_at is None
            and self.cancelled_at is None
            and now < self.expires_at
        )

    def is_usable(self, now: Any = None) -> bool:
        return self.is_open(now) and self.user.is_active


# Service accounts use addresses in the reserved `.invalid` top-level domain (RFC 2606): no
# mail can ever be delivered there, and core.notify drops them.
SERVICE_EMAIL_DOMAIN = "service.invalid"


class ServiceAccount(models.Model):
    """What a payroll system acts as: one organization and the capabilities its credential
    grants (issue 19). The `user` row exists so that every action records a real actor
    (`submitted_by`, audit rows); access helpers read the organization and capabilities
    from here instead of from memberships (accounts.access)."""

    user = models.OneToOneField(
        User, on_delete=models.PROTECT, primary_key=True, related_name="service_account"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="service_accounts"
    )
    # Capability values (accounts.access.Capability), comma-separated.
    capabilities = models.CharField(max_length=200, blank=True)
    label = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.label

    @property
    def capability_values(self) -> frozenset[str]:
        return frozenset(c for c in self.capabilities.split(",") if c)


class UserSession(AbstractBaseSession):
    """A database session that knows whose it is (issue 18, "Must do" 5).

    Django's own session row holds only signed, encoded data, so finding one user's sessions
    meant decoding every live session. This row also carries the signed-in user (set by
    `accounts.session_store` from the session's own auth key each time it is saved), so
    "sign this user out everywhere" is one indexed DELETE and a list of a user's active
    sessions is one indexed SELECT. `signed_in_at` and `last_seen_at` are for that list.
    """

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )
    signed_in_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # The signed-in sessions page (issue 17, ASVS 7.5). The session key is a bearer secret
    # and never shown: the page names a session by `public_id`, a keyed hash of the key
    # (sessions.public_id_of). `device` ("Firefox on Windows") and `address` are the last
    # request's, from the session's data (sessions.note_client), never the raw header.
    public_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    device = models.CharField(max_length=80, blank=True, default="")
    address = models.GenericIPAddressField(null=True, blank=True)

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        return SessionStore


class SessionStore(DatabaseSessionStore):
    """The session engine's store (settings.SESSION_ENGINE names `accounts.session_store`,
    which re-exports it): here beside its model, as the two name each other. Its name stays
    SessionStore: Django salts the session signature with the class name, and another name
    would sign every live session out."""

    @classmethod
    def get_model_class(cls) -> type[AbstractBaseSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        instance = super().create_model_instance(data)
        assert isinstance(instance, UserSession)
        instance.user_id = user_id_of(data)
        began = data.get(sessions.SIGNED_IN_AT)
        if isinstance(began, int | float) and instance.user_id is not None:
            instance.signed_in_at = datetime.datetime.fromtimestamp(float(began), tz=datetime.UTC)
        instance.last_seen_at = timezone.now()
        instance.public_id = sessions.public_id_of(instance.session_key)
        instance.device, instance.address = sessions.client_of(data)
        return instance


def user_id_of(data: dict[str, Any]) -> int | None:
    """The signed-in user's id from session data, or None for an anonymous session."""
    raw = data.get(SESSION_KEY)
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


class NotificationPreference(models.Model):
    """A person's choice to receive (or not) one kind of e-mail (core.notify.Notice) about
    one organization, or about every organization when ``organization`` is empty (staff,
    and the fallback). No row: the default (docs/security.md "E-mail notifications")."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_choices")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["user", "organization", "kind"], name="one_choice_per_kind"
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(organization__isnull=True),
                name="one_default_choice_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.organization_id} {self.kind} {self.enabled}"
