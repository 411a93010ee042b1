"""The append-only audit trail (docs/security.md, "Audit trail").

Each row carries a keyed MAC (HMAC-SHA-256 with a key from the settings, never in the
database; `key_id` names which of the rotatable keys) over its own content, computed when it
is written (`content_mac`), and, once sealed, a MAC linking it to the previous row
(`hash`). The chain head keeps the last hash and the row count, and the head is
checkpointed, signed, to object storage and the log (checkpoints.py). So someone who can
write to the database but has not the key cannot edit, remove or add a row unseen, and a
truncation or a full rewrite shows against the last checkpoint. On PostgreSQL a trigger
refuses UPDATE and DELETE of a row except the one update sealing makes (migration 0003);
in the application the queryset refuses them too.

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


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    """`.update()` and `.delete()` refuse, as `save()` and `delete()` of a row do; sealing
    goes through `_seal_row` (filling the empty link fields of one unsealed row, once)."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit rows cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit rows cannot be deleted.")

    def _seal_row(self, pk: int, *, seq: int, prev_hash: str, hash: str) -> int:
        unsealed = self.filter(pk=pk, seq__isnull=True, hash__isnull=True)
        return models.QuerySet.update(unsealed, seq=seq, prev_hash=prev_hash, hash=hash)


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
    # Written with the row: which audit key, and its MAC over the content (chain.py).
    key_id = models.CharField(max_length=16, blank=True)
    content_mac = models.CharField(max_length=64, blank=True)
    # Set once, when the row is sealed into the chain (empty / None until then).
    seq = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, null=True, blank=True, unique=True)

    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

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
    # Rows with a smaller id were written before the keyed MAC (unkeyed SHA-256 links);
    # every later row must carry a content MAC.
    keyed_from_id = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain: {self.count} rows"


class AuditCheckpoint(models.Model):
    """A signed copy of the chain head at a moment (checkpoints.py). The authority is the
    copy in the checkpoint storage and the log, which a database administrator cannot
    change; this row only says when the last one was made. Append-only like the trail."""

    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField()
    at = models.DateTimeField(default=timezone.now, db_index=True)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]

    def __str__(self) -> str:
        return f"audit checkpoint at seq {self.seq}"
