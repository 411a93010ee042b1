"""Signed checkpoints of the audit chain's head (issue 17, "Must do" 2).

Every `PORTAL_AUDIT_CHECKPOINT_MINUTES` (the reaper's audit sweep; or `manage.py
audit_checkpoint`) the head — last `seq`, last hash, row count, time — is signed with the
current audit key and written where a database administrator cannot rewrite it:

- the checkpoint storage (`STORAGES["audit"]`: in production a bucket, or a prefix of one,
  with object lock / versioning; `PORTAL_AUDIT_CHECKPOINT_URL`), one small JSON object
  per checkpoint, named by its seq so the newest is found without reading the others;
- the log, as one line (logger `pensionportal.audit.checkpoint`), which is shipped off the
  machine and kept a year (docs/operations.md).

A checkpoint holds hashes and counts only, nothing secret, so it is not encrypted; it is
signed. `chain.verify` compares the trail with the newest checkpoint that still matches:
a truncated tail, or a rewrite of rows up to a checkpoint (even by someone holding the
key), shows as a mismatch, and the last good checkpoint says up to where the trail is
as it was.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from . import keys
from .chain import GENESIS_HASH, seal
from .models import AuditChainHead, AuditCheckpoint

log = logging.getLogger(__name__)
export = logging.getLogger("pensionportal.audit.checkpoint")

FOLDER = "checkpoints"
NAME = re.compile(r"^(\d{12})-(\d{8}T\d{6}Z)\.json$")
VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    count: int
    at: datetime
    key_id: str
    signature: str = ""

    def _signed_part(self) -> bytes:
        return json.dumps(
            {
                "v": VERSION,
                "seq": self.seq,
                "hash": self.hash,
                "count": self.count,
                "at": self.at.astimezone(UTC).isoformat(),
                "key_id": self.key_id,
            },
            sort_keys=True,
            separators=(",", ":"),
        ).encode()

    def signed(self, key: keys.AuditKey) -> Checkpoint:
        # The key id is part of what is signed: set it first, then sign.
        named = Checkpoint(self.seq, self.hash, self.count, self.at, key.id)
        return Checkpoint(
            named.seq,
            named.hash,
            named.count,
            named.at,
            key.id,
            key.mac(b"audit-checkpoint", named._signed_part()),
        )

    def signature_ok(self) -> bool:
        key = keys.by_id(self.key_id)
        return (
            key is not None and key.mac(b"audit-checkpoint", self._signed_part()) == self.signature
        )

    def to_json(self) -> str:
        document = json.loads(self._signed_part())
        document["signature"] = self.signature
        return json.dumps(document, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        document = json.loads(text)
        return cls(
            seq=int(document["seq"]),
            hash=str(document["hash"]),
            count=int(document["count"]),
            at=datetime.fromisoformat(str(document["at"])),
            key_id=str(document["key_id"]),
            signature=str(document["signature"]),
        )

    @property
    def name(self) -> str:
        return f"{FOLDER}/{self.seq:012d}-{self.at.astimezone(UTC):%Y%m%dT%H%M%SZ}.json"

    def __str__(self) -> str:
        return (
            f"seq {self.seq} ({self.count} rows) of {timezone.localtime(self.at):%Y-%m-%d %H:%M %Z}"
        )


def storage() -> Storage:
    return storages["audit"]


def write(now: datetime | None = None) -> Checkpoint:
    """Sign the chain head as it is now and write it to the checkpoint storage, the log
    and the database's index of checkpoints."""
    seal()
    now = now or timezone.now()
    with transaction.atomic():
        head = AuditChainHead.objects.filter(id=1).first()
        unsigned = Checkpoint(
            seq=head.last_seq if head else 0,
            hash=head.last_hash if head else GENESIS_HASH,
            count=head.count if head else 0,
            at=now.replace(microsecond=0),
            key_id="",
        )
    checkpoint = unsigned.signed(keys.current())
    stored_as = storage().save(checkpoint.name, ContentFile(checkpoint.to_json().encode()))
    export.info("audit checkpoint %s", checkpoint.to_json())
    AuditCheckpoint.objects.create(
        seq=checkpoint.seq,
        hash=checkpoint.hash,
        count=checkpoint.count,
        at=checkpoint.at,
        key_id=checkpoint.key_id,
        signature=checkpoint.signature,
        stored_as=stored_as,
    )
    return checkpoint


def write_if_due(now: datetime | None = None) -> int:
    """The reaper's step: a checkpoint when the last one is older than the interval and
    the chain has grown since (1), else nothing (0)."""
    now = now or timezone.now()
    interval = timedelta(minutes=settings.AUDIT_CHECKPOINT_MINUTES)
    last = AuditCheckpoint.objects.order_by("-at", "-id").first()
    head = AuditChainHead.objects.filter(id=1).first()
    if head is None or (last is not None and last.seq == head.last_seq):
        return 0
    if last is not None and now - last.at < interval:
        return 0
    write(now)
    return 1


@dataclass(frozen=True)
class Entry:
    seq: int
    name: str


@dataclass
class Listing:
    entries: list[Entry]  # newest first
    problems: list[str] = field(default_factory=list)


def listing() -> Listing:
    """The checkpoints in the storage, newest first (by the seq in their names), and any
    that the database says were written but the storage no longer has."""
    try:
        _, names = storage().listdir(FOLDER)
    except FileNotFoundError:
        names = []
    except OSError as error:
        return Listing([], [f"the checkpoint storage could not be read ({type(error).__name__})"])
    entries = []
    for name in names:
        found = NAME.match(name)
        if found:
            entries.append(Entry(int(found.group(1)), f"{FOLDER}/{name}"))
    entries.sort(key=lambda entry: (entry.seq, entry.name), reverse=True)
    present = {entry.name for entry in entries}
    problems = []
    for recorded in AuditCheckpoint.objects.exclude(stored_as="").order_by("at"):
        if recorded.stored_as not in present:
            problems.append(
                f"the checkpoint of {timezone.localtime(recorded.at):%Y-%m-%d %H:%M} "
                f"(seq {recorded.seq}) is missing from the checkpoint storage"
            )
    return Listing(entries, problems)


def load(entry: Entry) -> Checkpoint | None:
    try:
        with storage().open(entry.name, "rb") as handle:
            return Checkpoint.from_json(handle.read().decode())
    except (OSError, ValueError, KeyError):
        return None


@dataclass
class Comparison:
    problems: list[str]
    last_good: Checkpoint | None
    checked: int


def compare(listing: Listing, hash_at: dict[int, str], *, last_seq: int) -> Comparison:
    """Compare the trail with its checkpoints, newest first, until one matches:
    `hash_at` holds the trail's hash at each checkpoint's seq while the trail was still
    good there; `last_seq` is the trail's last seq."""
    problems: list[str] = []
    checked = 0
    for entry in listing.entries:
        checkpoint = load(entry)
        checked += 1
        if checkpoint is None or checkpoint.seq != entry.seq:
            problems.append(f"checkpoint {entry.name} cannot be read")
            continue
        if not checkpoint.signature_ok():
            problems.append(
                f"checkpoint {checkpoint} is not signed by a configured audit key "
                "(forged, or its key was removed)"
            )
            continue
        if checkpoint.seq == 0 and checkpoint.hash == GENESIS_HASH:
            return Comparison(problems, checkpoint, checked)  # made before the first row
        if checkpoint.seq > last_seq:
            problems.append(
                f"the trail ends at seq {last_seq}, but the checkpoint {checkpoint} "
                f"recorded {checkpoint.seq}: rows after seq {last_seq} were removed"
            )
            continue
        if checkpoint.seq not in hash_at:
            continue  # the trail is bad before this point: the row problems say where
        if hash_at[checkpoint.seq] != checkpoint.hash:
            problems.append(
                f"the rows up to seq {checkpoint.seq} differ from the checkpoint "
                f"{checkpoint}: the trail was rewritten"
            )
            continue
        return Comparison(problems, checkpoint, checked)
    return Comparison(problems, None, checked)
