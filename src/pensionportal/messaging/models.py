"""Secure messaging. Seed: secure-employer-portal.txt "Contacting OPTrust", "Secure messages"."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class Mailbox(models.Model):
    """One of the administrator's shared mailboxes. Employers write to a mailbox, never to a
    person; the staff who keep it are its `keepers` (they get its notifications)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    description = models.CharField(max_length=300, blank=True)
    keepers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="kept_mailboxes",
        limit_choices_to={"is_staff": True},
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


# The standard mailboxes (seeded by migration 0002): slug, name, description.
STANDARD_MAILBOXES = [
    ("data-management", "Data Management Group",
     "Pension data files, contribution data, member data corrections."),
    ("pension-partner", "Pension Partner", "Your primary contact for plan administration."),
    ("buybacks", "Buybacks", "Buyback applications, costs and payroll deduction directions."),
    ("member-services", "Member Services", "Questions about individual members' pensions."),
]
DATA_MANAGEMENT_MAILBOX = "data-management"
BUYBACKS_MAILBOX = "buybacks"
