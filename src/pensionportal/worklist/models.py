"""Work items with a due date: the staff's tasks and the employers' to-dos.

A platform table like the audit trail: the domain apps (member events, buybacks,
remittances) write the items they owe through `worklist.actions`, each under a stable key,
and close them when the obligation is met. The item carries only what a list needs (a
subject without any SIN, a title, a due date, a link), never a reference to a domain table,
so the layers keep pointing down.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class Audience(models.TextChoices):
    STAFF = "staff", "Plan administrator staff"
    EMPLOYER = "employer", "Employer"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "No longer needed"


class Task(models.Model):
    key = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=40)
    category = models.CharField(max_length=80)  # the kind in words, for lists and filters
    audience = models.CharField(max_length=10, choices=Audience.choices)
    # None: a plan-wide staff task (e.g. the year's T4As); an employer's item always has one
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=200, blank=True)  # e.g. "Bailey Buyback (DEMO-B001)"
    title = models.CharField(max_length=300)
    detail = models.CharField(max_length=500, blank=True)
    due_date = models.DateField()
    listed_from = models.DateField()
    url = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300)  # the seed section the deadline comes from
    closable_by_staff = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["due_date", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["audience", "status", "due_date"]),
            models.Index(fields=["organization", "audience", "status"]),
            models.Index(fields=["kind", "organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN
