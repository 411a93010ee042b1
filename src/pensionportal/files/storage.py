"""Where the ciphertext lives: Django's default storage (`STORAGES["default"]`).

`FileSystemStorage` is the embedded default (`PORTAL_STORAGE_DIR`); S3 (AWS, MinIO, Ceph,
SeaweedFS) when `PORTAL_STORAGE_URL` or `PORTAL_S3_BUCKET` says so (settings.py, README
"File storage"). Names are generated here, never taken from a user, and checked again on
every use. On a local disk a file is written to a `.part` name, flushed and renamed, so a
crash never leaves a half-written file under a real name; on S3 a multipart upload that is
not completed never becomes an object.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any, BinaryIO, Protocol, cast

from django.core.files.storage import FileSystemStorage, Storage, storages

NAME = re.compile(r"^(?:[a-z]+/)?[0-9a-f]{2}/[0-9a-f]{40}$")


class StorageUnavailable(Exception):
    """The file store could not be reached or refused the operation."""

    MESSAGE = (
        "The file store cannot be reached just now, so nothing was stored. "
        "Please try again in a few minutes."
    )

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.MESSAGE)


def backend() -> Storage:
    return storages["default"]


def describe() -> str:
    """Where files go, in words (for the demo's banner and the operator)."""
    storage = backend()
    if isinstance(storage, FileSystemStorage):
        return f"the folder {storage.location}"
    bucket = getattr(storage, "bucket_name", "")
    return f"the S3 bucket {bucket}" if bucket else type(storage).__name__


def new_name() -> str:
    token = secrets.token_hex(20)
    return f"{token[:2]}/{token}"


def checked(name: str) -> str:
    if not NAME.match(name):
        raise ValueError("not a storage name")
    return name


class Sink(Protocol):
    def write(self, data: bytes) -> None: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...


class _LocalSink:
    def __init__(self, storage: FileSystemStorage, name: str) -> None:
        self._path = Path(storage.path(name))
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._partial = self._path.with_name(self._path.name + ".part")
        self._out: BinaryIO | None = open(self._partial, "xb")  # noqa: SIM115

    def write(self, data: bytes) -> None:
        assert self._out is not None
        self._out.write(data)

    def commit(self) -> None:
        assert self._out is not None
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        self._out = None
        self._partial.rename(self._path)

    def abort(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        self._partial.unlink(missing_ok=True)


class _StorageSink:
    """Any other Storage: write through `storage.open(name, "wb")` (S3: a multipart upload,
    completed on close)."""

    def __init__(self, storage: Storage, name: str) -> None:
        self._storage = storage
        self._name = name
        self._out: Any = storage.open(name, "wb")
        self._written = False

    def write(self, data: bytes) -> None:
        if data:
            self._out.write(data)
            self._written = True

    def commit(self) -> None:
        self._out.close()

    def abort(self) -> None:
        multipart = getattr(self._out, "_multipart", None)
        if multipart is not None:
            # django-storages would complete the upload on close(): abort it instead, so no
            # object is ever created from a refused or interrupted file.
            multipart.abort()
            self._out._multipart = None
            self._out._is_dirty = False
            self._out._raw_bytes_written = 1  # nothing to create on close
        try:
            self._out.close()
        finally:
            self._storage.delete(self._name)


def open_sink(name: str) -> Sink:
    storage = backend()
    checked(name)
    try:
        if isinstance(storage, FileSystemStorage):
            return _LocalSink(storage, name)
        return _StorageSink(storage, name)
    except OSError as error:
        raise StorageUnavailable(str(error)) from error
    except Exception as error:
        if _is_storage_error(error):
            raise StorageUnavailable(str(error)) from error
        raise


def open_stream(name: str, offset: int = 0) -> BinaryIO:
    """The ciphertext of `name`, from `offset` on."""
    storage = backend()
    checked(name)
    opener = getattr(storage, "open_stream", None)
    if opener is not None:
        stream: BinaryIO = opener(name, offset)
        return stream
    handle: BinaryIO = cast(BinaryIO, storage.open(name, "rb"))
    if offset:
        handle.seek(offset)
    return handle


def delete(name: str) -> None:
    backend().delete(checked(name))


def exists(name: str) -> bool:
    return bool(backend().exists(checked(name)))


def is_reachable() -> bool:
    """Whether the file store answers (for a readiness check): False, never an exception."""
    storage = backend()
    try:
        probe = getattr(storage, "is_reachable", None)
        if probe is not None:
            return bool(probe())
        if isinstance(storage, FileSystemStorage):
            location = Path(storage.location)
            location.mkdir(parents=True, exist_ok=True)
            return os.access(location, os.W_OK)
        storage.exists(new_name())
        return True
    except Exception:
        return False


def _is_storage_error(error: Exception) -> bool:
    module = type(error).__module__
    return module.startswith(("botocore", "boto3", "s3transfer", "urllib3"))
