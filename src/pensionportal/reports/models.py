"""Reports the administrator delivers to employers' payroll managers.

Seed: secure-employer-portal.txt, the Reports paragraph ("only accessible to those SES users
that are assigned the Payroll Managers role"; "Missed mandatory contributions"; "Users ...
will only be able to receive reports").
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from pensionportal.accounts.models import Organization


class ReportKind(models.TextChoices):
    MISSED_MANDATORY_CONTRIBUTIONS = (
        "missed_mandatory_contributions",
        "Missed mandatory contributions",
    )
    OTHER = "other", "Other report"


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.CSV: "text/csv",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Report(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="reports")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=ReportKind.choices)
    period = models.CharField(max_length=60, blank=True)
    # None: published by the product's own scheduled job.
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_published",
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.organization})"

    @property
    def reference(self) -> str:
        return f"R{self.pk:07d}"

    @property
    def publisher_label(self) -> str:
        if self.published_by is None:
            return "Scheduled report"
        return "Plan administrator"


class ReportFile(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    format = models.CharField(max_length=4, choices=ReportFormat.choices)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["format", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[ReportFormat(self.format)]


class ReportRead(models.Model):
    """When a user first opened a report (the list shows the others as new)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_reads"
    )
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["report", "user"], name="unique_report_read")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.report_id}"
