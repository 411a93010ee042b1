"""The record of every stored file of every app (the one file layer, DESIGN.md).

Owners (an uploaded file, a message attachment, a member letter, a report file, a pension
data submission, a bank file, ...) point at a `StoredFile`; the bytes are sealed
(`sealing.py`) under `name` in Django's default storage, and the data key is wrapped by the
master keys in `wrapped_key`. A file is `pending` from the moment its bytes are complete
until its owner keeps it in the owner's own transaction; whatever is still pending after
the request that received it is purged (`uploads.py`), so a refused or failed upload leaves
nothing behind. A purged file keeps its record (who sent what, its checksum) without bytes.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from pensionportal.core.crypto import decrypt_text


class FileState(models.TextChoices):
    PENDING = "pending", "Received, not yet kept"
    KEPT = "kept", "Kept"
    PURGED = "purged", "Content removed"


class StoredFile(models.Model):
    name = models.CharField(max_length=64, unique=True)  # storage name, random
    wrapped_key = models.TextField()
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    # The name it was sent under (may hold a member's name): encrypted like a SIN.
    filename_encrypted = models.TextField()
    content_type = models.CharField(max_length=120, default="application/octet-stream")
    # What it is, e.g. "exchange.upload", "messaging.attachment" (audit rows say this).
    purpose = models.CharField(max_length=40)
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(max_length=8, choices=FileState.choices, default=FileState.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["state", "created_at"], name="files_state_created"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"FILE-{self.pk:07d}"

    @property
    def filename(self) -> str:
        return decrypt_text(self.filename_encrypted)

    @property
    def has_content(self) -> bool:
        return self.state != FileState.PURGED
