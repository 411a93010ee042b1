"""Files exchanged between employers and the plan administrator.

Seeds: secure-employer-portal.txt "File upload"; select-employer-manual.txt Section 2
"Transmission" and "Pension Adjustment Data" (the administrator uploads the PA file on the
employer's behalf); reporting-pension-data.txt "File transmittal" (buyback deduction files).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from pensionportal.accounts.models import Organization


class Direction(models.TextChoices):
    TO_ADMINISTRATOR = "to_administrator", "Sent to the administrator"
    FROM_ADMINISTRATOR = "from_administrator", "From the administrator"


class Category(models.TextChoices):
    # Sent by employers (secure-employer-portal.txt "File upload").
    PENSION_DATA = "pension_data", "Pension data file"
    OTHER_UPLOAD = "other_upload", "Other file"
    # Delivered by the administrator (issue 5 "Must do" 5).
    PA_FILE = "pa_file", "Pension adjustment (PA) file"
    BUYBACK_DEDUCTIONS = "buyback_deductions", "Buyback deduction file"
    LETTER = "letter", "Letter"
    OTHER_DELIVERY = "other_delivery", "Other document"


DELIVERY_CATEGORIES = [
    Category.PA_FILE,
    Category.BUYBACK_DEDUCTIONS,
    Category.LETTER,
    Category.OTHER_DELIVERY,
]


class Status(models.TextChoices):
    # `received` is the hand-over point for the intake pipeline (issue 5 "Must do" 7).
    RECEIVED = "received", "Received"
    DELIVERED = "delivered", "Delivered"
    DELETED = "deleted", "Deleted"


class ExchangedFile(models.Model):
    """One file, either direction. The bytes live encrypted in the file layer (`file`); a
    staff deletion purges them but keeps this record (issue 5 "Must do" 3)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="files")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    category = models.CharField(max_length=20, choices=Category.choices)
    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    file = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="files_sent"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices)
    detected_template = models.CharField(max_length=10, blank=True)
    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="files_deleted",
    )
    deletion_reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-sent_at", "-pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organization", "sha256"], name="exchange_file_org_sha"),
            models.Index(fields=["organization", "-sent_at"], name="exchange_file_org_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"

    @property
    def reference(self) -> str:
        return f"F{self.pk:07d}"

    @property
    def is_deleted(self) -> bool:
        return self.status == Status.DELETED

    @property
    def from_administrator(self) -> bool:
        return self.direction == Direction.FROM_ADMINISTRATOR


class FileNotice(models.Model):
    """A portal notice that a file is waiting: for the Data Management Group's staff when an
    employer uploads, and for an organization's users when the administrator delivers."""

    file = models.ForeignKey(ExchangedFile, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="file_notices"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["file", "recipient"], name="unique_file_notice")
        ]

    def __str__(self) -> str:
        return f"Notice of {self.file_id} for {self.recipient_id}"
