"""The facts member-event deadlines need that the data files do not carry: the member's
notice of intent to retire, and whether an employer calculates its own pension adjustments.

Seeds: select-employer-manual.txt §3 "Retirement" ("The member should provide you with a
notice of intent to retire four to six months prior to retirement date"), §2 "Pension
Adjustment Data" ("If data transmission timelines are not met for OPTrust to calculate
PAs, or your organization prefers to calculate PAs ...").
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from pensionportal.core.models import Recorded


class NoticeTiming(models.TextChoices):
    EARLY = "early", "Early: more than six months before"
    ON_TIME = "on time", "Four to six months before"
    LATE = "late", "Late: less than four months before"


class RetirementNotice(Recorded):
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="retirement_notices"
    )
    received_on = models.DateField()
    retirement_date = models.DateField()
    timing = models.CharField(max_length=8, choices=NoticeTiming.choices)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} retires {self.retirement_date}"


class PaArrangement(models.Model):
    """An employer that calculates its own pension adjustments (sends the PA file)."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    employer_calculates = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.organization_id} employer calculates PAs: {self.employer_calculates}"
