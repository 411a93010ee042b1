"""Move files stored the old way (on the local disk under PORTAL_STORAGE_DIR) into the
configured file storage, e.g. after pointing the portal at S3 (README "File storage").

For every stored file whose bytes are not in the storage yet but are in the old folder, the
ciphertext is copied as it is (the format did not change: nothing is decrypted to disk),
read back and checked against the file's SHA-256, and only then removed from the old
folder (unless --keep-local). Safe to run again: what was moved is skipped.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pensionportal.audit.record import record
from pensionportal.files import storage
from pensionportal.files.models import FileState, StoredFile
from pensionportal.files.store import open_chunks


class Command(BaseCommand):
    help = "Copy files from the old local folder into the configured storage, verified."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="source", default=str(settings.STORAGE_DIR), help="The old folder."
        )
        parser.add_argument("--keep-local", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"])
        moved = skipped = missing = 0
        for stored in StoredFile.objects.exclude(state=FileState.PURGED).iterator():
            if storage.exists(stored.name):
                skipped += 1
                continue
            local = source / storage.checked(stored.name)
            if not local.is_file():
                missing += 1
                self.stderr.write(f"{stored.reference}: not in the storage nor in {source}")
                continue
            self._copy(local, stored)
            if hashlib.sha256(b"".join(open_chunks(stored))).hexdigest() != stored.sha256:
                storage.delete(stored.name)
                raise CommandError(f"{stored.reference}: the copy does not verify; left as it was")
            if not options["keep_local"]:
                local.unlink()
            moved += 1
        self.stdout.write(f"Moved {moved}, already there {skipped}, missing {missing}.")
        record(
            "files.moved_to_storage",
            actor_email="system:move_files_to_storage",
            details={"moved": moved, "skipped": skipped, "missing": missing},
        )
        if missing:
            raise CommandError(f"{missing} file(s) were found nowhere.")

    def _copy(self, local: Path, stored: StoredFile) -> None:
        sink = storage.open_sink(stored.name)
        try:
            with open(local, "rb") as source:
                while block := source.read(1024 * 1024):
                    sink.write(block)
            sink.commit()
        except BaseException:
            sink.abort()
            raise
