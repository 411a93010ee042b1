"""The member registry: people, employment, leaves, the contributions ledger.

Seed: select-employer-manual.txt Section 2 "Content" (the ENROL, TER, PERCHG, EMCHG, LOA,
RTW, PRIORSVC, OPTN, PA and PAY templates). Rows are written by the intake pipeline when a
submission is applied; `source_submission_id` ties every row to the file it came from.

The SIN is stored encrypted (`sin_encrypted`), with a keyed blind index to find duplicates
and its last three digits for the masked display; it is never stored or logged in clear.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from pensionportal.core import crypto


class EmploymentType(models.TextChoices):
    FT = "FT", "Full time"
    PT = "PT", "Part time"
    PS = "PS", "Permanent seasonal"
    NP = "NP", "Non-permanent"


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_LEAVE = "on_leave", "On leave"
    TERMINATED = "terminated", "Terminated"


class Member(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="members"
    )
    employee_id = models.CharField(max_length=30)
    sin_encrypted = models.TextField()
    sin_index = models.CharField(max_length=64, db_index=True)
    sin_last3 = models.CharField(max_length=3)
    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField()
    gender = models.CharField(max_length=1, blank=True)
    marital_status = models.CharField(max_length=2, blank=True)
    address_type = models.CharField(max_length=4, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    address_line3 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    province = models.CharField(max_length=2, blank=True)
    country = models.CharField(max_length=3, blank=True)
    postal_code = models.CharField(max_length=6, blank=True)
    phone_type = models.CharField(max_length=5, blank=True)
    phone_number = models.CharField(max_length=10, blank=True)
    phone_ext = models.CharField(max_length=10, blank=True)
    email_type = models.CharField(max_length=4, blank=True)
    email = models.CharField(max_length=254, blank=True)
    hire_date = models.DateField()
    membership_date = models.DateField()
    employment_type = models.CharField(max_length=2, choices=EmploymentType.choices)
    employment_ratio = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    pay_rate = models.DecimalField(max_digits=12, decimal_places=2)
    standard_hours = models.DecimalField(max_digits=5, decimal_places=2)
    status = models.CharField(
        max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    termination_date = models.DateField(null=True, blank=True)
    termination_reason = models.CharField(max_length=3, blank=True)
    outstanding_grievance = models.BooleanField(default=False)
    source_submission_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["last_name", "first_name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organization", "employee_id"], name="unique_employee_id"
            ),
            models.UniqueConstraint(fields=["organization", "sin_index"], name="unique_sin"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                models.F("organization"), Upper("employee_id"), name="member_org_employee_upper"
            ),
            models.Index(fields=["last_name", "first_name", "id"], name="member_by_name"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.employee_id})"

    @property
    def masked_sin(self) -> str:
        return f"*** *** {self.sin_last3}"

    @staticmethod
    def sin_fields(sin: str) -> dict[str, str]:
        """The stored form of a SIN: encrypted, its blind index, its last three digits."""
        return {
            "sin_encrypted": crypto.encrypt_text(sin),
            "sin_index": crypto.blind_index(sin, "sin"),
            "sin_last3": sin[-3:],
        }


class MemberEvent(models.Model):
    """The member's history, one row per applied record (no SIN in `details`)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12)  # the template name, or SIN_CHANGE / SIN_VIEWED
    effective_date = models.DateField(null=True, blank=True)
    summary = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)
    source_submission_id = models.BigIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.member_id}"


class EmploymentChange(models.Model):
    """EMCHG: a change of job, pay rate, hours or contribution eligibility."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="employment_changes")
    effective_date = models.DateField()
    event_type = models.CharField(max_length=4)
    employment_type = models.CharField(max_length=2, blank=True)
    employment_ratio = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    pay_rate = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    standard_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    source_submission_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["effective_date", "id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.effective_date}"


class Leave(models.Model):
    """LOA opens a leave; RTW closes it (`end_date` is the day before the return)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="leaves")
    leave_type = models.CharField(max_length=8)
    start_date = models.DateField()
    expected_end_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    disability_date = models.DateField(null=True, blank=True)
    source_submission_id = models.BigIntegerField(null=True, blank=True)
    closed_by_submission_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["start_date", "id"]

    def __str__(self) -> str:
        return f"{self.leave_type} from {self.start_date}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class Contribution(models.Model):
    """One PAY detail row applied to the ledger (by member and pay period)."""

    # The composite indexes below lead with these columns, so the foreign keys need no index
    # of their own (fewer indexes to maintain when a 100,000-row pay file is copied in).
    # `organization` repeats the member's (for by-employer queries). Neither reference is a
    # database constraint: a deferred foreign-key check per row at commit cost more than the
    # COPY of a 100,000-row pay file itself (issue 18). The PAY applier takes each member
    # id from the employer's own members as read from the database and refuses the whole
    # file for an Employee ID not among them; members are never deleted, and
    # `on_delete=PROTECT` keeps the ORM from deleting one that has contributions.
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="contributions",
        db_index=False,
        db_constraint=False,
    )
    pay_date = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    pay_cycle = models.CharField(max_length=12)
    contribution_type = models.CharField(max_length=1)
    service_type = models.CharField(max_length=4)
    pensionable_hours = models.DecimalField(max_digits=8, decimal_places=2)
    pensionable_pay = models.DecimalField(max_digits=12, decimal_places=2)
    employee_regular = models.DecimalField(max_digits=12, decimal_places=2)
    buyback = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    buyback_code = models.CharField(max_length=3, blank=True)  # 054 / 055 / 056
    employee_interest = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    employer_regular = models.DecimalField(max_digits=12, decimal_places=2)
    employer_special = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    employer_interest = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    payment_reference = models.CharField(max_length=50)
    source_submission_id = models.BigIntegerField(db_index=True)
    source_row = models.PositiveIntegerField()

    class Meta:
        ordering: ClassVar[list[str]] = ["-pay_date", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["member", "period_start"]),
            models.Index(fields=["organization", "pay_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.pay_date} {self.contribution_type}"


class PriorService(models.Model):
    """PRIORSVC: one line per calendar year of service before the membership date."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="prior_service")
    year = models.PositiveSmallIntegerField()
    hours_worked = models.DecimalField(max_digits=8, decimal_places=2)
    standard_hours = models.DecimalField(max_digits=5, decimal_places=2)
    annual_pay = models.DecimalField(max_digits=12, decimal_places=2)
    notes = models.CharField(max_length=500, blank=True)
    source_submission_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["member", "year"], name="unique_prior_service_year")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"


class OptionalMember(models.Model):
    """OPTN: an eligible employee who did not join; the administrator must inform them of
    their right to join within 60 days of hire or eligibility (Section 2, Optional Member
    Data) — `notice_due_date`."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="optional_members"
    )
    employee_id = models.CharField(max_length=30)
    last_name = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    electronic_consent = models.BooleanField(default=False)
    email_type = models.CharField(max_length=4, blank=True)
    email = models.CharField(max_length=254, blank=True)
    address = models.JSONField(default=dict, blank=True)
    hire_date = models.DateField(null=True, blank=True)
    optional_status_end_date = models.DateField(null=True, blank=True)
    notice_due_date = models.DateField(null=True, blank=True)
    source_submission_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organization", "employee_id"], name="unique_optional_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} (optional)"


class PensionAdjustment(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="pension_adjustments")
    year = models.PositiveSmallIntegerField()
    amount = models.IntegerField()
    source_submission_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["member", "year"], name="unique_pa_year")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} PA {self.year}"


class SinView(models.Model):
    """Who revealed a member's full SIN, and when (also in the audit trail)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    viewed_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"SIN of {self.member_id} viewed by {self.viewed_by_id}"
