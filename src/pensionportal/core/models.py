from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class ScheduledRun(models.Model):
    """One row per scheduled job per day: the scheduler enqueues each job once a day, even
    when several schedulers run or one restarts."""

    job = models.CharField(max_length=200)
    day = models.DateField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["job", "day"], name="one_run_per_job_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.job} on {self.day}"
