"""The append-only audit trail.

Each row carries a SHA-256 over its own content and the previous row's hash, and the chain
head keeps the last hash and the row count, so `make audit-verify` detects an edited row,
a removed row and a truncated tail.

A row is written in the caller's transaction (it commits or rolls back with the action it
records) without its place in the chain; right after the commit it is sealed: given its
`seq`, the previous row's hash and its own, under a lock on the chain head held only for
that moment (chain.seal). So no transaction holds the chain for its whole length.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit row through the application."""


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_email = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    target = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    # Set once, when the row is sealed into the chain (empty / None until then).
    seq = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_email}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit rows cannot be deleted.")


class AuditChainHead(models.Model):
    """One row: the last hash, the number of rows and the last `seq`, locked while rows
    are sealed."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)
    last_seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain: {self.count} rows"
