"""Writing, sealing and verifying the hash-chained audit trail (see models.py)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _canonical(
    *,
    at: datetime,
    actor_id: int | None,
    actor_email: str,
    ip_address: str | None,
    action: str,
    organization_id: int | None,
    target: str,
    details: dict[str, Any],
    prev_hash: str,
) -> bytes:
    payload = {
        "at": at.isoformat(),
        "actor_id": actor_id,
        "actor_email": actor_email,
        "ip": ip_address,
        "action": action,
        "organization_id": organization_id,
        "target": target,
        "details": details,
        "prev": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def row_hash(event: AuditEvent) -> str:
    return hashlib.sha256(
        _canonical(
            at=event.at,
            actor_id=event.actor_id,
            actor_email=event.actor_email,
            ip_address=event.ip_address,
            action=event.action,
            organization_id=event.organization_id,
            target=event.target,
            details=event.details,
            prev_hash=event.prev_hash,
        )
    ).hexdigest()


def append(
    *,
    action: str,
    actor_id: int | None,
    actor_email: str,
    ip_address: str | None,
    organization_id: int | None,
    target: str,
    details: dict[str, Any],
) -> AuditEvent:
    """Write one row in the caller's transaction; it is sealed into the chain as soon as
    that transaction commits (at once when there is none)."""
    # JSON round trip: the hash must be computed over what the database will give back.
    clean_details = json.loads(json.dumps(details, default=str))
    event = AuditEvent(
        actor_id=actor_id,
        actor_email=actor_email,
        ip_address=ip_address,
        action=action,
        organization_id=organization_id,
        target=target[:300],
        details=clean_details,
    )
    event.save()
    # robust: sealing is for after the action; if it cannot run now, the next seal
    # (any later audited action, the reaper, audit_verify) takes this row along.
    transaction.on_commit(seal, robust=True)
    return event


SEAL_BATCH = 500


def seal() -> int:
    """Link every committed row not yet in the chain, in the order they were written
    (id), under the chain head's lock; returns how many were sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(
                id=1, defaults={"last_hash": GENESIS_HASH, "count": 0, "last_seq": 0}
            )
            pending = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:SEAL_BATCH])
            for event in pending:
                event.prev_hash = head.last_hash
                event.hash = row_hash(event)
                head.last_seq += 1
                head.count += 1
                AuditEvent.objects.filter(pk=event.pk, seq__isnull=True).update(
                    seq=head.last_seq, prev_hash=event.prev_hash, hash=event.hash
                )
                head.last_hash = event.hash
            if pending:
                head.save(update_fields=["last_hash", "count", "last_seq"])
        sealed += len(pending)
        if len(pending) < SEAL_BATCH:
            return sealed


@dataclass(frozen=True)
class VerifyResult:
    rows: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> VerifyResult:
    """Seal what has been committed, then walk the chain in order; report each row whose
    content or link does not match."""
    seal()
    problems: list[str] = []
    expected_prev = GENESIS_HASH
    rows = 0
    sealed = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    for event in sealed.iterator(chunk_size=2000):
        rows += 1
        if event.prev_hash != expected_prev:
            problems.append(
                f"row {event.id}: the previous row is missing or was changed "
                "(its link does not match)"
            )
        if row_hash(event) != event.hash:
            problems.append(f"row {event.id}: its content was changed after it was written")
        expected_prev = event.hash or ""
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None:
        if head.count != rows:
            problems.append(f"the trail should have {head.count} rows but has {rows}")
        if head.last_hash != expected_prev:
            problems.append("the last rows of the trail were removed or changed")
    elif rows:
        problems.append("the chain head is missing")
    return VerifyResult(rows=rows, problems=problems)
