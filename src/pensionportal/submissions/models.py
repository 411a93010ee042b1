"""The intake pipeline's record of each pension data submission.

Lifecycle (issue: Pension data files, 4): received → validating → rejected (errors) or
awaiting confirmation (warnings) → accepted → applying → applied. A submission whose apply
failed goes back to `accepted` (a check that failed, to `received`) and is tried again;
one interrupted (worker killed) is found by the reaper and queued again; applying is one
transaction, so nothing is half-applied.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    VALIDATING = "validating", "Validating"
    REJECTED = "rejected", "Rejected: errors to fix"
    AWAITING_CONFIRMATION = "awaiting_confirmation", "Awaiting your confirmation"
    ACCEPTED = "accepted", "Accepted"
    APPLYING = "applying", "Applying"
    APPLIED = "applied", "Applied"
    VALIDATED_TEST = "validated_test", "Validated (test mode, not applied)"


class Source(models.TextChoices):
    UPLOAD = "upload", "File upload"
    ONLINE = "online", "Online entry"
    API = "api", "Payroll system (API)"
    SFTP = "sftp", "Payroll system (SFTP)"
    CORRECTION = "correct", "Corrected online"


class Submission(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="submissions"
    )
    template = models.CharField(max_length=10, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.RECEIVED)
    test_mode = models.BooleanField(default=False)
    filename = models.CharField(max_length=255)
    # The submitted bytes, encrypted in the file layer (pensionportal.files).
    file = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    upload_id = models.BigIntegerField(null=True, blank=True)  # exchange upload, if any
    # The API's Idempotency-Key: a retried upload with the same key is the same submission.
    idempotency_key = models.CharField(max_length=255, blank=True)
    # A file corrected online ("Correct online", issue 16): the submission it replaces. The
    # replaced one is kept as it was; while this one is not rejected it cannot be confirmed.
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    # PAY header, kept for duplicate checks and reconciliation with the money received.
    pay_cycle = models.CharField(max_length=12, blank=True)
    pay_date = models.DateField(null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    payment_reference = models.CharField(max_length=50, blank=True)
    remittance_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Online entries are stored as a CSV in the file layout; problems are shown with the row
    # numbers of the form (file row - row_offset).
    row_offset = models.PositiveSmallIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    failure_message = models.CharField(max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    validated_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # Background work: when its check or apply was last queued and last started, and how
    # many times the reaper found it lost (worker killed) and queued it again.
    queued_at = models.DateTimeField(null=True, blank=True)
    worker_started_at = models.DateTimeField(null=True, blank=True)
    recoveries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["-submitted_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organization", "template", "status"]),
            models.Index(fields=["organization", "pay_date"]),
            models.Index(fields=["organization", "payment_reference"]),
            # iexact on PostgreSQL is UPPER(col) = UPPER(value): only this index serves it.
            models.Index(
                models.F("organization"),
                Upper("payment_reference"),
                name="submission_org_ref_upper",
            ),
            models.Index(fields=["-submitted_at", "-id"], name="submission_newest"),
            models.Index(fields=["status", "worker_started_at"], name="submission_in_work"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="unique_submission_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template or 'data file'} #{self.pk} ({self.get_status_display()})"

    @property
    def reference(self) -> str:
        return f"SUB-{self.pk:06d}"


class Severity(models.TextChoices):
    ERROR = "error", "Error"
    WARNING = "warning", "Warning"


class SubmissionProblem(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField(null=True, blank=True)  # row number in the original file
    column = models.CharField(max_length=80, blank=True)
    value = models.CharField(max_length=300, blank=True)
    rule = models.CharField(max_length=60)
    message = models.CharField(max_length=500)
    severity = models.CharField(max_length=8, choices=Severity.choices)

    class Meta:
        ordering: ClassVar[list[str]] = ["row", "id"]

    def __str__(self) -> str:
        return f"row {self.row} {self.column}: {self.rule}"


class Correction(models.Model):
    """A draft of a file corrected online ("Correct online", issue 16 Must do 2): the cells
    the user changed, kept between pages of a large file, encrypted at rest (a cell may be a
    SIN). One open draft per submission, shared by the organization's users who may send
    files; sending it makes a new submission that `replaces` the original, which is never
    changed."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        SENT = "sent", "Sent"
        DISCARDED = "discarded", "Discarded"

    original = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="drafts")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # JSON {"rows": {file row number: {field key: value}}, "header": {field key: value}},
    # a Fernet token (core.crypto).
    edits_encrypted = models.TextField()
    # The last "Check again" (JSON list of problems, values masked as stored problems are),
    # a Fernet token; empty until the draft is checked.
    checked_encrypted = models.TextField(blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sent = models.ForeignKey(
        Submission, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["original"],
                condition=models.Q(state="open"),
                name="one_open_correction_per_submission",
            )
        ]

    def __str__(self) -> str:
        return f"correction of {self.original.reference} ({self.state})"
