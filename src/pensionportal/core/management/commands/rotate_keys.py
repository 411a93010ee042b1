"""Key rotation without loss: re-encrypt everything registered in `core/rotation.py`.

    manage.py rotate_keys            re-encrypt every value and re-wrap every file key not
                                     under the newest PORTAL_ENCRYPTION_KEYS key, and
                                     re-compute every blind index under the newest
                                     PORTAL_INDEX_KEYS key, and rebuild the message
                                     search index under the newest
                                     PORTAL_SEARCH_INDEX_KEYS key; batched, safe to run
                                     again (searches keep working meanwhile)
    manage.py rotate_keys --check    how many items are still under each older key; exits
                                     with status 1 while anything is (or cannot be read)

An old key may be removed only once `--check` reports 0 under it (README "Rotating keys").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pensionportal.audit.record import record
from pensionportal.core import crypto, rotation


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value and file key under the newest key (or --check)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Only count what is under older keys."
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--index-only", action="store_true", help="Only re-compute the blind indexes."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, options["batch_size"])
        if options["check"]:
            self._check(batch)
            return
        say = self.stdout.write if options["verbosity"] > 1 else None
        fields = [] if options["index_only"] else rotation.rotate_fields(batch, say)
        indexes = rotation.reindex(batch, say)
        details: dict[str, Any] = {}
        for result in [*fields, *indexes]:
            self.stdout.write(f"{result.what}: {result.rotated} brought under the newest key")
            details[result.what] = result.rotated
            if result.unreadable:
                self.stderr.write(
                    f"{result.what}: {result.unreadable} cannot be read with any configured "
                    "key (was a key removed too early?)"
                )
        record(
            "security.keys_rotated",
            actor_email="system:rotate_keys",
            details={"newest_key": crypto.key_fingerprint(settings.ENCRYPTION_KEYS[0]), **details},
        )

    def _check(self, batch: int) -> None:
        names = rotation.key_names()
        older = [0] * len(names)
        unreadable = 0
        self.stdout.write("Encryption keys (PORTAL_ENCRYPTION_KEYS), newest first:")
        for position, name in enumerate(names):
            self.stdout.write(
                f"  key {position + 1}: {name}" + (" (newest)" if not position else "")
            )
        for count in rotation.count_fields(batch):
            parts = [f"key {p + 1}: {count.by_key.get(p, 0)}" for p in range(len(names))]
            self.stdout.write(f"{count.what} ({count.model}.{count.field}): " + ", ".join(parts))
            for position in range(1, len(names)):
                older[position] += count.by_key.get(position, 0)
            if count.unreadable:
                self.stdout.write(f"  {count.unreadable} cannot be read with any configured key")
                unreadable += count.unreadable
        stale_indexes = 0
        for index in rotation.count_indexes(batch):
            self.stdout.write(
                f"{index.what} ({index.model}.{index.field}): {index.current} under the newest "
                f"index key, {index.stale} to re-index"
            )
            stale_indexes += index.stale
            if index.unreadable:
                self.stdout.write(f"  {index.unreadable} cannot be read with any configured key")
                unreadable += index.unreadable
        for table in rotation.rebuildable_indexes():
            left = table.stale()
            self.stdout.write(
                f"{table.what} ({table.setting}): {left} not under the newest key, to re-index"
            )
            stale_indexes += left
        for position in range(1, len(names)):
            self.stdout.write(
                f"Still under key {position + 1} ({names[position]}): {older[position]}"
            )
        self.stdout.write(f"Blind indexes still to re-compute: {stale_indexes}")
        if any(older) or unreadable or stale_indexes:
            raise CommandError("Some items are not under the newest keys yet: run rotate_keys.")
        self.stdout.write("Everything is under the newest keys: older keys may be removed.")
