"""`audit_verify`: walk the chain and compare it with its signed checkpoints; name the first
bad row and the last checkpoint the trail still matches (issue 17, "Must do" 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from . import checkpoints
from .chain import GENESIS_HASH, row_problem, seal, written_by_the_portal
from .models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class BadRow:
    id: int
    seq: int | None
    at: datetime
    action: str
    reason: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "not in the chain"
        return (
            f"row {self.id} ({where}, written {self.at:%Y-%m-%d %H:%M:%S %Z}, "
            f"{self.action}): {self.reason}"
        )


@dataclass
class VerifyResult:
    rows: int
    problems: list[str]
    first_bad: BadRow | None = None
    last_good_checkpoint: checkpoints.Checkpoint | None = None
    checkpoints_checked: int = 0
    keys_used: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> VerifyResult:
    """Seal what has been committed, then walk the chain in order and compare it with the
    signed checkpoints. Names the first bad row and the last good checkpoint."""
    seal()
    head = AuditChainHead.objects.filter(id=1).first() or AuditChainHead(last_hash=GENESIS_HASH)
    listing = checkpoints.listing()
    wanted = {entry.seq for entry in listing.entries}
    seen_hash: dict[int, str] = {}
    problems: list[str] = list(listing.problems)
    first_bad: BadRow | None = None
    expected_prev = GENESIS_HASH
    expected_seq = 1
    rows = 0
    keys_used: set[str] = set()
    sealed = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    for event in sealed.iterator(chunk_size=2000):
        rows += 1
        if event.key_id:
            keys_used.add(event.key_id)
        reason = row_problem(event, expected_prev, head)
        if reason is None and event.seq != expected_seq:
            reason = f"rows before it are missing (seq {expected_seq} to {(event.seq or 0) - 1})"
        if reason is not None:
            problems.append(f"row {event.id}: {reason}")
            if first_bad is None:
                first_bad = BadRow(event.id, event.seq, event.at, event.action, reason)
        elif first_bad is None and event.seq in wanted:
            seen_hash[event.seq] = event.hash or ""
        expected_prev = event.hash or ""
        expected_seq = (event.seq or 0) + 1
    for event in AuditEvent.objects.filter(seq__isnull=True).order_by("id").iterator():
        if not written_by_the_portal(event, head):
            reason = "it was not written by the portal (no valid MAC): left out of the chain"
            problems.append(f"row {event.id}: {reason}")
            if first_bad is None:
                first_bad = BadRow(event.id, None, event.at, event.action, reason)
    if head.pk is not None:
        if head.count != rows:
            problems.append(f"the trail should have {head.count} rows but has {rows}")
        if head.last_hash != expected_prev:
            problems.append("the last rows of the trail were removed or changed")
    elif rows:
        problems.append("the chain head is missing")
    compared = checkpoints.compare(listing, seen_hash, last_seq=expected_seq - 1)
    problems.extend(compared.problems)
    return VerifyResult(
        rows=rows,
        problems=problems,
        first_bad=first_bad,
        last_good_checkpoint=compared.last_good,
        checkpoints_checked=compared.checked,
        keys_used=keys_used,
    )
