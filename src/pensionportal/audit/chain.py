"""Appending to and verifying the hash-chained audit trail."""

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
    """Append one row, under a lock on the chain head so the chain stays linear."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS_HASH, "count": 0}
        )
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
            prev_hash=head.last_hash,
        )
        event.hash = row_hash(event)
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


@dataclass(frozen=True)
class VerifyResult:
    rows: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> VerifyResult:
    """Walk the chain in order; report each row whose content or link does not match."""
    problems: list[str] = []
    expected_prev = GENESIS_HASH
    rows = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        rows += 1
        if event.prev_hash != expected_prev:
            problems.append(
                f"row {event.id}: the previous row is missing or was changed "
                "(its link does not match)"
            )
        if row_hash(event) != event.hash:
            problems.append(f"row {event.id}: its content was changed after it was written")
        expected_prev = event.hash
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None:
        if head.count != rows:
            problems.append(f"the trail should have {head.count} rows but has {rows}")
        if head.last_hash != expected_prev:
            problems.append("the last rows of the trail were removed or changed")
    elif rows:
        problems.append("the chain head is missing")
    return VerifyResult(rows=rows, problems=problems)
