"""What the SFTP server keeps of its own: the problem reports it wrote back into accounts'
outboxes, and the files it refused from an inbox (so that a batch job that does not read
its client's error output still finds the reason in `outbox/results/`)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class ResultFile(models.Model):
    """A submission's problem report (CSV), written back once its check finished."""

    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, related_name="sftp_result"
    )
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"problem report of {self.submission_id}"


class InboxRefusal(models.Model):
    """A file dropped in an inbox that did not become a submission, and why."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=255)
    reason = models.CharField(max_length=1000)
    refused_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-refused_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename}: {self.reason[:40]}"

    @property
    def reference(self) -> str:
        return f"REFUSED-{self.pk:06d}"
