"""The file layer's API: store, read, keep, purge.

    writer = FileWriter(purpose="exchange.upload", filename=name, organization=org,
                        max_size=limit)
    for chunk in chunks: writer.write(chunk)       # ciphertext streamed to storage
    stored = writer.finish()                       # a pending StoredFile
    ... owner row created, then keep(stored) in the same transaction ...

`store(chunks, ...)` does the same from an iterable and keeps the file at once (for files
the product makes itself: letters, invoices, deduction files). Reading is `open_chunks`
(plaintext chunks, streamed) or `open_reader` (a seekable plaintext view). Nothing here
writes plaintext anywhere: the sealer's output is the only thing handed to storage.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from pensionportal.accounts.models import Organization
from pensionportal.core.crypto import encrypt_text

from . import sealing, storage
from .models import FileState, StoredFile
from .sealing import SizeLimitExceeded
from .storage import StorageUnavailable

__all__ = [
    "FileWriter",
    "SizeLimitExceeded",
    "StorageUnavailable",
    "keep",
    "open_chunks",
    "open_reader",
    "purge",
    "read_all",
    "store",
]

log = logging.getLogger(__name__)

# Ciphertext is handed to the storage in pieces of about this size (S3 parts are 5 MB).
_FLUSH = 1024 * 1024


class FileWriter:
    """Encrypts pushed plaintext straight into the storage. `finish` records the file (state
    pending unless `keep=True`); `abort` (or any failure) removes whatever was written.
    Raises `SizeLimitExceeded` past `max_size` and `StorageUnavailable` when the store fails,
    in both cases having removed the partial file already."""

    def __init__(
        self,
        *,
        purpose: str,
        filename: str,
        organization: Organization | None = None,
        content_type: str = "application/octet-stream",
        max_size: int | None = None,
    ) -> None:
        self.purpose = purpose
        self.filename = filename
        self.organization = organization
        self.content_type = content_type
        self.name = storage.new_name()
        self._sealer = sealing.Sealer(max_size=max_size)
        self._buffer = bytearray()
        self._sink: storage.Sink | None = storage.open_sink(self.name)

    @property
    def size(self) -> int:
        return self._sealer.size

    @property
    def head(self) -> bytes:
        return self._sealer.head

    @property
    def sha256(self) -> str:
        return self._sealer.sha256

    def write(self, data: bytes) -> None:
        if self._sink is None:
            raise ValueError("The writer is closed.")
        try:
            self._buffer += self._sealer.update(data)
        except SizeLimitExceeded:
            self.abort()
            raise
        if len(self._buffer) >= _FLUSH:
            self._flush()

    def _flush(self) -> None:
        assert self._sink is not None
        try:
            self._sink.write(bytes(self._buffer))
        except Exception as error:
            self.abort()
            raise StorageUnavailable(str(error)) from error
        self._buffer.clear()

    def finish(self, *, keep: bool = False) -> StoredFile:
        if self._sink is None:
            raise ValueError("The writer is closed.")
        self._buffer += self._sealer.finish()
        self._flush()
        try:
            self._sink.commit()
        except Exception as error:
            self.abort()
            raise StorageUnavailable(str(error)) from error
        self._sink = None
        try:
            return StoredFile.objects.create(
                name=self.name,
                wrapped_key=self._sealer.wrapped_key,
                size=self._sealer.size,
                sha256=self._sealer.sha256,
                filename_encrypted=encrypt_text(self.filename),
                content_type=self.content_type,
                purpose=self.purpose,
                organization=self.organization,
                state=FileState.KEPT if keep else FileState.PENDING,
            )
        except BaseException:
            _delete_quietly(self.name)
            raise

    def abort(self) -> None:
        """Remove whatever was written; safe to call more than once."""
        sink, self._sink = self._sink, None
        self._buffer.clear()
        if sink is not None:
            try:
                sink.abort()
            except Exception:  # the store is down: nothing was recorded either
                log.warning("Could not remove the partial file %s", self.name, exc_info=True)


def store(
    chunks: Iterable[bytes],
    *,
    purpose: str,
    filename: str,
    organization: Organization | None = None,
    content_type: str = "application/octet-stream",
    max_size: int | None = None,
    keep_now: bool = True,
) -> StoredFile:
    writer = FileWriter(
        purpose=purpose,
        filename=filename,
        organization=organization,
        content_type=content_type,
        max_size=max_size,
    )
    try:
        for chunk in chunks:
            writer.write(chunk)
    except BaseException:
        writer.abort()
        raise
    return writer.finish(keep=keep_now)


def keep(stored: StoredFile, *, organization: Organization | None = None) -> None:
    """The owner keeps the file: call inside the transaction that records the owner, so the
    file is kept exactly when its owner exists. `organization` is whose file it is (the
    download check and the audit row use it)."""
    if stored.state == FileState.PURGED:
        raise ValueError("A purged file cannot be kept.")
    changes: dict[str, object] = {"state": FileState.KEPT}
    if organization is not None:
        changes["organization"] = organization
        stored.organization = organization
    StoredFile.objects.filter(pk=stored.pk).update(**changes)
    stored.state = FileState.KEPT


def purge(stored: StoredFile) -> None:
    """Remove the bytes for good. A pending file (never kept by an owner) goes at once, with
    its record; a kept file's record stays (marked purged) and its bytes go once the current
    transaction commits (so a rolled-back deletion loses nothing)."""
    name = stored.name
    if stored.state == FileState.PENDING:
        StoredFile.objects.filter(pk=stored.pk).delete()
        _delete_quietly(name)
        return
    StoredFile.objects.filter(pk=stored.pk).update(
        state=FileState.PURGED, purged_at=timezone.now(), wrapped_key=""
    )
    stored.state = FileState.PURGED
    stored.wrapped_key = ""
    transaction.on_commit(lambda: _delete_quietly(name))


def discard_pending(files: Iterable[StoredFile]) -> None:
    """Purge those of `files` that are still pending (their owner never kept them)."""
    for stored in files:
        current = StoredFile.objects.filter(pk=stored.pk).values_list("state", flat=True).first()
        if current == FileState.PENDING:
            stored.state = FileState.PENDING
            purge(stored)


def _delete_quietly(name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # an orphan is left; the action itself must not fail for it
        log.warning("Could not remove the stored file %s", name, exc_info=True)


def open_chunks(stored: StoredFile) -> Iterator[bytes]:
    """The plaintext, chunk by chunk (a download streams this)."""
    if not stored.has_content:
        raise FileNotFoundError("The file's content was removed.")
    with storage.open_stream(stored.name) as source:
        yield from sealing.unseal(source, stored.wrapped_key)


def read_all(stored: StoredFile) -> bytes:
    """The whole plaintext in memory: only for files known to be small."""
    return b"".join(open_chunks(stored))


def open_reader(stored: StoredFile) -> BinaryIO:
    """A seekable, read-only plaintext view (ZIP inspection, spreadsheets)."""
    if not stored.has_content:
        raise FileNotFoundError("The file's content was removed.")
    reader = sealing.SealedReader(
        lambda offset: storage.open_stream(stored.name, offset), stored.wrapped_key, stored.size
    )
    return io.BufferedReader(reader, buffer_size=sealing.CHUNK_SIZE)


def copy(
    stored: StoredFile, *, purpose: str, organization: Organization | None = None
) -> StoredFile:
    """A new, independently keyed copy (e.g. a submission keeps its own copy of an upload)."""
    return store(
        open_chunks(stored),
        purpose=purpose,
        filename=stored.filename,
        organization=organization if organization is not None else stored.organization,
        content_type=stored.content_type,
        keep_now=False,
    )


def delete_orphan(name: str) -> None:
    """Remove bytes whose record was rolled back with the caller's transaction (e.g. a file
    delivered inside an action that then failed)."""
    _delete_quietly(name)


def purge_stale_pending(older_than: timedelta = timedelta(hours=6)) -> int:
    """Purge files still pending long after their request ended (a process killed between
    storing a file and answering): for a periodic job (issue 14's reaper). Returns how many
    were purged."""
    cutoff = timezone.now() - older_than
    stale = list(StoredFile.objects.filter(state=FileState.PENDING, created_at__lt=cutoff))
    discard_pending(stale)
    return len(stale)
