"""Looking into the file store from tests, whichever storage is configured (local folder, or
the real S3 server of `make test-s3`)."""

from __future__ import annotations

from pensionportal.files import storage
from pensionportal.files.models import StoredFile
from pensionportal.files.store import read_all

__all__ = ["exists", "plaintext", "raw_bytes", "raw_bytes_named", "stored_names"]


def stored_names(prefix: str = "") -> list[str]:
    """Every object in the storage (partial `.part` files included), sorted."""
    backend = storage.backend()
    try:
        folders, files = backend.listdir(prefix)
    except FileNotFoundError:
        return []  # a local storage folder not created yet: nothing was stored
    names = [f"{prefix}{name}" for name in files]
    for folder in folders:
        names.extend(stored_names(f"{prefix}{folder}/"))
    return sorted(names)


def raw_bytes_named(name: str) -> bytes:
    """The ciphertext as stored, to prove that no plaintext is kept."""
    with storage.open_stream(name) as handle:
        return handle.read()


def raw_bytes(stored: StoredFile | None) -> bytes:
    assert stored is not None
    return raw_bytes_named(stored.name)


def plaintext(stored: StoredFile | None) -> bytes:
    assert stored is not None
    return read_all(stored)


def exists(stored: StoredFile | None) -> bool:
    assert stored is not None
    try:
        return storage.exists(stored.name)
    except ValueError:
        return False  # a purged placeholder name
