"""Signed forms: a plan form filled in the portal, its signatures, the member's signing
links, its timeline, the sealed PDF and what it created in the back office.

Seed: reporting-pension-data.txt "Forms and tools" ("electronically sign and submit ...
forms ... through the Secure Employer Site"; "Once all the required signatures are
complete, submit one copy to OPTrust, provide a copy to the member and keep a copy").
The values (a SIN among them on a 1005) are stored encrypted, as one JSON document.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from pensionportal.core import crypto


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_MEMBER = "awaiting_member", "Waiting for the member's signature"
    AWAITING_EMPLOYER = "awaiting_employer", "Waiting for the employer's signature"
    COMPLETED = "completed", "Signed by everyone"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (Status.DRAFT, Status.AWAITING_MEMBER, Status.AWAITING_EMPLOYER)


class SignedForm(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.CharField(max_length=8)
    version = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Who the form is about, for lists and filters (no SIN): "Lee, Jordan", "E1234".
    subject_name = models.CharField(max_length=210)
    subject_employee_id = models.CharField(max_length=30, blank=True)
    data_encrypted = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    # The SHA-256 of the values as the signers approved them (canonical JSON).
    content_sha256 = models.CharField(max_length=64, blank=True)
    sealed_file = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sealed_sha256 = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)
    seal_error = models.CharField(max_length=300, blank=True)
    effect_applied_at = models.DateTimeField(null=True, blank=True)
    effect_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["status", "sent_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"FORM-{self.pk:06d}"

    @property
    def values(self) -> dict[str, Any]:
        if not self.data_encrypted:
            return {}
        loaded = json.loads(crypto.decrypt_text(self.data_encrypted))
        return dict(loaded) if isinstance(loaded, dict) else {}

    @values.setter
    def values(self, data: dict[str, Any]) -> None:
        self.data_encrypted = crypto.encrypt_text(json.dumps(data, sort_keys=True, default=str))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def filename(self) -> str:
        return f"OPTrust-{self.code}-{self.reference}.pdf"


class Party(models.TextChoices):
    EMPLOYER = "employer", "Employer"
    MEMBER = "member", "Member"


class Signature(models.Model):
    form = models.ForeignKey(SignedForm, on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(max_length=8, choices=Party.choices)
    signer_name = models.CharField(max_length=210)
    signer_email = models.CharField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=300)  # how the signer's identity was confirmed
    content_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering: ClassVar[list[str]] = ["signed_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["form", "party"], name="one_signature_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.form_id} {self.party}"


class SigningLink(models.Model):
    """A member's single-use, expiring link. Only SHA-256 digests of the token and of the
    e-mailed one-time code are stored."""

    form = models.ForeignKey(SignedForm, on_delete=models.PROTECT, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    birth_date_failures = models.PositiveSmallIntegerField(default=0)
    birth_date_confirmed_at = models.DateTimeField(null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_failures = models.PositiveSmallIntegerField(default=0)
    codes_sent = models.PositiveSmallIntegerField(default=0)
    code_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"link {self.pk} for {self.form_id}"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


class FormEvent(models.Model):
    """The form's timeline, as the employer and staff read it."""

    form = models.ForeignKey(SignedForm, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=24)
    text = models.CharField(max_length=300)

    class Meta:
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.form_id} {self.kind}"


class FormEffect(models.Model):
    """What the completed form created in the back office, with a link to it."""

    form = models.ForeignKey(SignedForm, on_delete=models.PROTECT, related_name="effects")
    kind = models.CharField(max_length=24)  # submission, election, buyback, waiver, ...
    label = models.CharField(max_length=200)
    object_id = models.BigIntegerField(null=True, blank=True)
    path = models.CharField(max_length=200, blank=True)  # where to see it
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return self.label


class MembershipWaiver(models.Model):
    """A religious-exemption waiver (OPTrust 1074) on record for an employee ID.

    select-employer-manual.txt §3 "Mandatory Membership": "An employee may waive their
    right to participate ... on the grounds of religious beliefs."
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    employee_id = models.CharField(max_length=30)
    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100)
    eligible_date = models.DateField()
    form = models.OneToOneField(SignedForm, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["last_name", "first_name", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["organization", "employee_id"], name="one_waiver")
        ]

    def __str__(self) -> str:
        return f"waiver {self.employee_id}"


class ReemploymentEarnings(models.Model):
    """A retired member's earnings for one quarter (OPTrust 1008), and the check against
    their maximum quarterly re-employment earnings when it is on record.

    reporting-pension-data.txt "Pensionable salary": "the member's quarterly pensionable
    salary based on their final pre-retirement annual salary rate is used in determining
    the 'maximum quarterly re-employment earnings'".
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    employee_id = models.CharField(max_length=30)
    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    earnings = models.DecimalField(max_digits=12, decimal_places=2)
    hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    maximum = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    maximum_basis = models.CharField(max_length=300, blank=True)
    form = models.OneToOneField(SignedForm, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-year", "-quarter", "last_name", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organization", "employee_id", "year", "quarter"],
                name="one_earnings_report_a_quarter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.year}-Q{self.quarter}"

    @property
    def over_maximum(self) -> bool:
        return self.maximum is not None and self.earnings > self.maximum

    @property
    def excess(self) -> Decimal:
        if self.maximum is None:
            return Decimal("0.00")
        return max(self.earnings - self.maximum, Decimal("0.00"))
