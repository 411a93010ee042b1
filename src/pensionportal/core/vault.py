"""Encrypted file storage under random names, outside any static or web path.

Callers keep the returned `StoredBlob` fields on their own record (name, wrapped key, size,
SHA-256) and read the bytes back with `open_blob`. Nothing here takes a user-supplied path:
names are generated, and `_path` refuses anything but a generated name.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from . import crypto

_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{40}$")


@dataclass(frozen=True)
class StoredBlob:
    name: str
    wrapped_key: str
    size: int
    sha256: str


def _root() -> Path:
    return Path(settings.STORAGE_DIR)


def _path(name: str) -> Path:
    if not _NAME.match(name):
        raise ValueError("not a storage name")
    return _root() / name


def store(chunks: Iterable[bytes], *, max_size: int | None = None) -> StoredBlob:
    """Encrypt and write `chunks`; on any failure (including the size limit) nothing stays."""
    token = secrets.token_hex(20)
    name = f"{token[:2]}/{token}"
    path = _path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    try:
        with open(partial, "xb") as out:
            sealed = crypto.encrypt_stream(chunks, out, max_size=max_size)
            out.flush()
            os.fsync(out.fileno())
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return StoredBlob(
        name=name, wrapped_key=sealed.wrapped_key, size=sealed.size, sha256=sealed.sha256
    )


def open_blob(name: str, wrapped_key: str) -> Iterator[bytes]:
    """Yield the decrypted content chunk by chunk."""
    with open(_path(name), "rb") as source:
        yield from crypto.decrypt_stream(source, wrapped_key)


def read_all(name: str, wrapped_key: str) -> bytes:
    return b"".join(open_blob(name, wrapped_key))


def purge(name: str) -> None:
    """Remove the bytes for good (the record that pointed at them stays)."""
    _path(name).unlink(missing_ok=True)


def exists(name: str) -> bool:
    return _path(name).exists()


def raw_bytes(name: str) -> bytes:
    """The ciphertext as stored: for tests proving the plaintext is not on disk."""
    return _path(name).read_bytes()
