"""Writing, sealing and verifying the keyed, hash-chained audit trail (see models.py).

- `append` writes a row in the caller's transaction with `content_mac`, the MAC of its
  content under the current audit key (keys.py).
- `seal`, after the commit, links each committed row to the previous one: `hash` is the MAC
  of the previous hash, the row's place (`seq`) and its content MAC. A row whose content
  MAC does not match (a row someone inserted with SQL) is never linked.
- `row_problem` says what is wrong with a sealed row, if anything (verification.py walks
  the chain with it and compares it with the signed checkpoints).

Rows written before the keyed MAC (id below the head's `keyed_from_id`) keep their unkeyed
SHA-256 links and are verified as such; the first keyed row's MAC covers the last of them.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.db import transaction

from . import keys
from .models import AuditChainHead, AuditEvent

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64


def _fields(event: AuditEvent) -> dict[str, Any]:
    """What a row's MAC (and the legacy hash) covers."""
    return {
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_email": event.actor_email,
        "ip": event.ip_address,
        "action": event.action,
        "organization_id": event.organization_id,
        "target": event.target,
        "details": event.details,
    }


def _content(event: AuditEvent) -> bytes:
    return json.dumps(_fields(event), sort_keys=True, separators=(",", ":"), default=str).encode()


def content_mac(event: AuditEvent, key: keys.AuditKey) -> str:
    return key.mac(b"audit-row", key.id.encode(), _content(event))


def link_mac(key: keys.AuditKey, prev_hash: str, seq: int, row_mac: str) -> str:
    return key.mac(b"audit-link", prev_hash.encode(), str(seq).encode(), row_mac.encode())


def legacy_hash(event: AuditEvent) -> str:
    """The unkeyed link of rows written before the keyed MAC (issue 14's chain)."""
    payload = {**_fields(event), "prev": event.prev_hash}
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


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
    # JSON round trip: the MAC must be computed over what the database will give back.
    clean_details = json.loads(json.dumps(details, default=str))
    key = keys.current()
    event = AuditEvent(
        actor_id=actor_id,
        actor_email=actor_email,
        ip_address=ip_address,
        action=action,
        organization_id=organization_id,
        target=target[:300],
        details=clean_details,
        key_id=key.id,
    )
    event.content_mac = content_mac(event, key)
    event.save()
    # robust: sealing is for after the action; if it cannot run now, the next seal
    # (any later audited action, the reaper, audit_verify) takes this row along.
    transaction.on_commit(seal, robust=True)
    return event


def written_by_the_portal(event: AuditEvent, head: AuditChainHead) -> bool:
    """Whether the row carries the MAC the portal gave it (or is from before keyed MACs)."""
    if event.id < head.keyed_from_id:
        return not event.key_id and not event.content_mac
    key = keys.by_id(event.key_id)
    return (
        key is not None and bool(event.content_mac) and content_mac(event, key) == event.content_mac
    )


def _link(event: AuditEvent, prev_hash: str, seq: int, head: AuditChainHead) -> str:
    if event.id < head.keyed_from_id:
        event.prev_hash = prev_hash
        return legacy_hash(event)
    key = keys.by_id(event.key_id)
    assert key is not None
    return link_mac(key, prev_hash, seq, event.content_mac)


SEAL_BATCH = 500


def _head_for_update() -> AuditChainHead:
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"last_hash": GENESIS_HASH, "count": 0, "last_seq": 0}
    )
    return head


def seal() -> int:
    """Link every committed row not yet in the chain, in the order they were written
    (id), under the chain head's lock; returns how many were sealed. A row without the
    portal's MAC is left out (and logged; `verify` names it)."""
    sealed = 0
    after = 0
    while True:
        with transaction.atomic():
            head = _head_for_update()
            pending = list(
                AuditEvent.objects.filter(seq__isnull=True, id__gt=after).order_by("id")[
                    :SEAL_BATCH
                ]
            )
            linked = 0
            for event in pending:
                after = event.id
                if not written_by_the_portal(event, head):
                    log.warning(
                        "Audit row %s has no valid MAC of the portal: left out of the chain.",
                        event.id,
                    )
                    continue
                seq = head.last_seq + 1
                link = _link(event, head.last_hash, seq, head)
                if AuditEvent.objects.all()._seal_row(
                    event.id, seq=seq, prev_hash=head.last_hash, hash=link
                ):
                    head.last_seq = seq
                    head.count += 1
                    head.last_hash = link
                    linked += 1
            if linked:
                head.save(update_fields=["last_hash", "count", "last_seq"])
        sealed += linked
        if len(pending) < SEAL_BATCH:
            return sealed


def row_problem(event: AuditEvent, expected_prev: str, head: AuditChainHead) -> str | None:
    if event.prev_hash != expected_prev:
        return "the previous row is missing or was changed (its link does not match)"
    if event.id < head.keyed_from_id:
        if event.key_id or legacy_hash(event) != event.hash:
            return "its content was changed after it was written"
        return None
    key = keys.by_id(event.key_id)
    if key is None:
        return f"it was written under the audit key {event.key_id!r}, which is not configured"
    if content_mac(event, key) != event.content_mac:
        return "its content was changed after it was written (its MAC does not match)"
    if link_mac(key, event.prev_hash, event.seq or 0, event.content_mac) != event.hash:
        return "its place in the chain was changed (its link MAC does not match)"
    return None
