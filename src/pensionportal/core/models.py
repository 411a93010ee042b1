from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class Recorded(models.Model):
    """A fact staff entered by hand (a payment received, an election, a leave, a notice):
    who recorded it and when."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class ScheduledRun(models.Model):
    """One row per scheduled job per day per organization: the scheduler enqueues each job
    once a day for each employer, even when several schedulers run or one restarts.
    `organization_id` 0 is a job that is not per organization."""

    job = models.CharField(max_length=200)
    day = models.DateField()
    organization_id = models.BigIntegerField(default=0)
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["job", "day", "organization_id"], name="one_run_per_job_day_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} on {self.day} for organization {self.organization_id}"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not delivered"


class OutgoingEmail(models.Model):
    """An e-mail written in the same transaction as the action it tells of (the action and
    its e-mail commit together or not at all), sent by a task, retried with backoff, and
    kept as FAILED when the last attempt fails, for staff to see and send again.

    The body can hold a set-password link, so it is encrypted at rest and blanked once the
    message is sent."""

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255)
    body_encrypted = models.TextField()
    html_encrypted = models.TextField(blank=True)
    status = models.CharField(
        max_length=8, choices=EmailStatus.choices, default=EmailStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due")
        ]

    def __str__(self) -> str:
        return f"e-mail {self.pk} to {self.to} ({self.get_status_display()})"
