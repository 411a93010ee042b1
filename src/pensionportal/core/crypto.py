"""Encryption at rest for short secrets (SINs, message subjects and bodies, file names) and
the wrapping of files' data keys. The file format itself is `files/sealing.py`.

Keys come from `settings.ENCRYPTION_KEYS` (Fernet keys, newest first): everything is written
under the first and read under any. Rotation (README "Rotating keys"): put a new key in
front, run `manage.py rotate_keys` (re-encrypts every registered value under the newest
key), check with `manage.py rotate_keys --check` that nothing is left under the old one,
then remove it.

Blind indexes (a keyed hash to find an encrypted value by equality, e.g. a duplicate SIN)
use their own keys, `settings.INDEX_KEYS` (newest first), never `SECRET_KEY`: a lookup asks
for the value's index under every configured key, so an index key can be rotated without
breaking duplicate detection while `rotate_keys` re-computes the stored indexes.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """The data was tampered with, truncated, or written under a key no longer configured."""


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, tuple[Fernet, ...]]:
    each = tuple(Fernet(key.encode()) for key in keys)
    return MultiFernet(list(each)), each


def _multi() -> MultiFernet:
    return _fernets(tuple(settings.ENCRYPTION_KEYS))[0]


def _each() -> tuple[Fernet, ...]:
    return _fernets(tuple(settings.ENCRYPTION_KEYS))[1]


def encrypt_text(value: str) -> str:
    return _multi().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _multi().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError("The value cannot be decrypted with the configured keys.") from error


def wrap_key(data_key: bytes) -> str:
    """A file's data key, encrypted under the newest master key (kept on its record)."""
    return _multi().encrypt(data_key).decode()


def unwrap_key(wrapped: str) -> bytes:
    try:
        return _multi().decrypt(wrapped.encode())
    except InvalidToken as error:
        raise DecryptionError(
            "The file's key cannot be unwrapped with the configured keys."
        ) from error


def rotate_token(token: str) -> str:
    """Re-encrypt a Fernet token (an encrypted value or a wrapped data key) under the newest
    master key. The file's bytes are not touched: only its wrapped key changes."""
    try:
        return _multi().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError("The value cannot be decrypted with the configured keys.") from error


def key_position(token: str) -> int | None:
    """Which configured key (0 = newest) a token was written under; None if none of them."""
    raw = token.encode()
    for position, fernet in enumerate(_each()):
        try:
            fernet.decrypt(raw)
        except InvalidToken:
            continue
        return position
    return None


def key_fingerprint(key: str) -> str:
    """A short name for a key that reveals nothing about it (for `rotate_keys --check`)."""
    return hashlib.sha256(("fingerprint:" + key).encode()).hexdigest()[:12]


def _index_key(purpose: str, key: str) -> bytes:
    return hashlib.sha256(("blind-index:" + purpose + ":" + key).encode()).digest()


def _index(value: str, purpose: str, key: str) -> str:
    return hashlib.blake2b(value.encode(), key=_index_key(purpose, key), digest_size=32).hexdigest()


def blind_index(value: str, purpose: str) -> str:
    """The value's index under the newest index key (what is stored)."""
    return _index(value, purpose, settings.INDEX_KEYS[0])


def blind_indexes(value: str, purpose: str) -> list[str]:
    """The value's index under every configured index key, newest first (what a lookup asks
    for, so rows not yet re-indexed after a rotation are still found)."""
    return [_index(value, purpose, key) for key in settings.INDEX_KEYS]
