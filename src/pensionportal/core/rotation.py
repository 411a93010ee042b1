"""The registry of everything encrypted or keyed, and key rotation over it.

Every app registers, in its `AppConfig.ready`, each field that holds a Fernet token (an
encrypted value or a file's wrapped data key) and each blind index it keeps; `rotate_keys`
walks this registry, so a new encrypted thing is rotated as soon as it is registered (a test
fails when a model has an encrypted-looking field that is not). Rotation never touches a
file's bytes: only the wrapped data key is re-encrypted.

    register_encrypted_field("members.Member", "sin_encrypted", what="SINs")
    register_blind_index("members.Member", "sin_index", purpose="sin",
                         source=lambda member: crypto.decrypt_text(member.sin_encrypted))

Rotation runs in batches of primary keys, each its own transaction with the rows locked,
and skips what is already under the newest key: interrupted, it is simply run again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from . import crypto


@dataclass(frozen=True)
class EncryptedField:
    model: str  # "app_label.ModelName"
    field: str
    what: str  # shown by --check, e.g. "SINs"

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


@dataclass(frozen=True)
class BlindIndex:
    model: str
    field: str
    purpose: str
    source: Callable[[Any], str]  # the plaintext the index is computed from
    what: str

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


@dataclass(frozen=True)
class RebuildableIndex:
    """An index kept in a table of its own under versioned keys (the message search index):
    it counts what is not under its newest key and rebuilds that, batch by batch."""

    what: str
    setting: str
    stale: Callable[[], int]
    rebuild: Callable[[int, Callable[[str], None] | None], RotationResult]


_FIELDS: dict[tuple[str, str], EncryptedField] = {}
_INDEXES: dict[tuple[str, str], BlindIndex] = {}
_REBUILDABLE: dict[str, RebuildableIndex] = {}


def register_encrypted_field(model: str, field: str, *, what: str) -> None:
    _FIELDS[(model, field)] = EncryptedField(model, field, what)


def register_blind_index(
    model: str, field: str, *, purpose: str, source: Callable[[Any], str], what: str
) -> None:
    _INDEXES[(model, field)] = BlindIndex(model, field, purpose, source, what)


def register_rebuildable_index(
    what: str,
    *,
    setting: str,
    stale: Callable[[], int],
    rebuild: Callable[[int, Callable[[str], None] | None], RotationResult],
) -> None:
    _REBUILDABLE[what] = RebuildableIndex(what, setting, stale, rebuild)


def rebuildable_indexes() -> list[RebuildableIndex]:
    return list(_REBUILDABLE.values())


def encrypted_fields() -> list[EncryptedField]:
    return list(_FIELDS.values())


def blind_index_fields() -> list[BlindIndex]:
    return list(_INDEXES.values())


# --- Checking ---------------------------------------------------------------------------


@dataclass
class FieldCount:
    what: str
    model: str
    field: str
    by_key: Counter[int]  # key position (0 = newest) -> how many
    unreadable: int  # under no configured key


def _tokens(entry: EncryptedField, batch: int) -> Iterator[list[tuple[int, str]]]:
    model = entry.model_class()
    manager = model._default_manager
    last = 0
    while True:
        rows = list(
            manager.filter(pk__gt=last)
            .exclude(**{entry.field: ""})
            .order_by("pk")
            .values_list("pk", entry.field)[:batch]
        )
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def count_fields(batch: int = 1000) -> list[FieldCount]:
    counts = []
    for entry in encrypted_fields():
        by_key: Counter[int] = Counter()
        unreadable = 0
        for rows in _tokens(entry, batch):
            for _pk, token in rows:
                position = crypto.key_position(token)
                if position is None:
                    unreadable += 1
                else:
                    by_key[position] += 1
        counts.append(FieldCount(entry.what, entry.model, entry.field, by_key, unreadable))
    return counts


@dataclass
class IndexCount:
    what: str
    model: str
    field: str
    current: int
    stale: int  # computed under an older index key (or from a changed value)
    unreadable: int = 0  # its source cannot be decrypted with any configured key


def _index_rows(entry: BlindIndex, batch: int) -> Iterator[list[Any]]:
    manager = entry.model_class()._default_manager
    last = 0
    while True:
        rows = list(manager.filter(pk__gt=last).order_by("pk")[:batch])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _index_value(entry: BlindIndex, row: Any) -> str | None:
    """The row's blind index under the newest index key; None when its source cannot be
    decrypted with any configured key."""
    try:
        return crypto.blind_index(entry.source(row), entry.purpose)
    except crypto.DecryptionError:
        return None


def count_indexes(batch: int = 1000) -> list[IndexCount]:
    counts = []
    for entry in blind_index_fields():
        current = stale = unreadable = 0
        for rows in _index_rows(entry, batch):
            for row in rows:
                expected = _index_value(entry, row)
                if expected is None:
                    unreadable += 1
                elif getattr(row, entry.field) == expected:
                    current += 1
                else:
                    stale += 1
        counts.append(IndexCount(entry.what, entry.model, entry.field, current, stale, unreadable))
    return counts


# --- Rotating ---------------------------------------------------------------------------


@dataclass
class RotationResult:
    what: str
    rotated: int
    unreadable: int


def rotate_fields(
    batch: int = 500, progress: Callable[[str], None] | None = None
) -> list[RotationResult]:
    """Re-encrypt every registered value not under the newest master key. The fields of one
    model are done together: one pass over its rows, one locked read and one update a
    batch."""
    by_model: dict[str, list[EncryptedField]] = {}
    for entry in encrypted_fields():
        by_model.setdefault(entry.model, []).append(entry)
    rotated: Counter[str] = Counter()
    unreadable: Counter[str] = Counter()
    for label, entries in by_model.items():
        model = apps.get_model(label)
        fields = [entry.field for entry in entries]
        manager = model._default_manager
        last = 0
        while True:
            rows = list(
                manager.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:batch]
            )
            if not rows:
                break
            last = rows[-1][0]
            stale = [
                row[0]
                for row in rows
                if any(token and crypto.key_position(token) != 0 for token in row[1:])
            ]
            if not stale:
                continue
            with transaction.atomic():
                locked = manager.select_for_update().filter(pk__in=stale).order_by("pk")
                for pk, *tokens in locked.values_list("pk", *fields):
                    values = {}
                    for entry, token in zip(entries, tokens, strict=True):
                        if not token:
                            continue
                        position = crypto.key_position(token)
                        if position is None:
                            unreadable[entry.what] += 1
                        elif position != 0:
                            values[entry.field] = crypto.rotate_token(token)
                            rotated[entry.what] += 1
                    if values:
                        # One UPDATE of just these columns (bulk_update's CASE per row
                        # costs more than it saves here).
                        manager.filter(pk=pk).update(**values)
            if progress is not None:
                progress(f"{label}: {sum(rotated[e.what] for e in entries)} re-encrypted so far")
    return [
        RotationResult(entry.what, rotated[entry.what], unreadable[entry.what])
        for entry in encrypted_fields()
    ]


def reindex(
    batch: int = 500, progress: Callable[[str], None] | None = None
) -> list[RotationResult]:
    """Re-compute every registered blind index under the newest index key, and rebuild every
    registered index table under its newest key."""
    results = []
    for entry in blind_index_fields():
        model = entry.model_class()
        rotated = unreadable = 0
        for rows in _index_rows(entry, batch):
            with transaction.atomic():
                locked = list(
                    model._default_manager.select_for_update()
                    .filter(pk__in=[row.pk for row in rows])
                    .order_by("pk")
                )
                changed = []
                for row in locked:
                    value = _index_value(entry, row)
                    if value is None:
                        unreadable += 1
                    elif getattr(row, entry.field) != value:
                        setattr(row, entry.field, value)
                        changed.append(row)
                model._default_manager.bulk_update(changed, [entry.field])
                rotated += len(changed)
            if progress is not None:
                progress(f"{entry.what}: {rotated} re-indexed so far")
        results.append(RotationResult(entry.what, rotated, unreadable))
    results.extend(table.rebuild(batch, progress) for table in rebuildable_indexes())
    return results


def key_names() -> list[str]:
    return [crypto.key_fingerprint(key) for key in settings.ENCRYPTION_KEYS]
