"""Build the message search index (messaging/search_index.py) for messages not yet under the
newest `PORTAL_SEARCH_INDEX_KEYS` key, batch by batch; searches keep answering meanwhile.

    manage.py index_messages           index what is missing or under an older key
    manage.py index_messages --all     re-index every message (e.g. after a change to how
                                       words are normalized)
    manage.py index_messages --check   how many messages are not under the newest key;
                                       exits with status 1 while any is

The same rebuild runs in `manage.py rotate_keys` and `rotate_keys --index-only` (README
"Rotating keys"). Messages sent are indexed as they are sent; this is for the rest.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pensionportal.audit.record import record
from pensionportal.messaging import search_index


class Command(BaseCommand):
    help = "Build or rebuild the message search index under the newest search-index key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Re-index every message.")
        parser.add_argument("--check", action="store_true", help="Only count what is left.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        key = search_index.current_key()
        if options["check"]:
            left = search_index.stale().count()
            self.stdout.write(
                f"Messages not indexed under the newest search key ({key.id}): {left}"
            )
            if left:
                raise CommandError("Run manage.py index_messages.")
            return
        say = self.stdout.write if options["verbosity"] > 1 else None
        result = search_index.rebuild(max(1, options["batch_size"]), say, everything=options["all"])
        self.stdout.write(f"{result.rebuilt} messages indexed under search key {key.id}.")
        if result.unreadable:
            self.stderr.write(
                f"{result.unreadable} messages cannot be decrypted with any configured key "
                "and were left as they were."
            )
        record(
            "messaging.search_index_rebuilt",
            actor_email="system:index_messages",
            details={"key": key.id, "messages": result.rebuilt, "unreadable": result.unreadable},
        )
