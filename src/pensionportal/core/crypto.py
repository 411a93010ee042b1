"""Encryption at rest: short secrets (SINs) and streamed files.

Keys come from `settings.ENCRYPTION_KEYS` (Fernet keys, newest first). Rotation: put a new
key in front and keep the old ones behind it; everything written under an old key stays
readable, and `rewrap_key` re-encrypts a file's data key under the newest key without
touching the file's bytes.

Files use envelope encryption so they can be streamed without being held whole in memory:
each file gets a random 256-bit data key; the data key is wrapped (Fernet) by the master
keys and stored beside the file's record; the content is cut into chunks of at most
`CHUNK_SIZE` bytes, each sealed with AES-256-GCM under the data key with a nonce made of a
random per-file prefix and the chunk counter, and the last chunk flagged in its associated
data so a truncated file is detected.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

CHUNK_SIZE = 64 * 1024
MAGIC = b"PPE1"
_HEADER = struct.Struct(">4s8s")  # magic, nonce prefix
_CHUNK_HEADER = struct.Struct(">I")  # sealed chunk length


class DecryptionError(Exception):
    """The data was tampered with, truncated, or written under a key no longer configured."""


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.ENCRYPTION_KEYS])


def encrypt_text(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError("The value cannot be decrypted with the configured keys.") from error


def blind_index(value: str, purpose: str) -> str:
    """A keyed hash for finding an encrypted value by equality (e.g. a duplicate SIN) without
    decrypting every row. Keyed by the secret key so it cannot be brute-forced offline."""
    key = hashlib.sha256(("blind-index:" + purpose + ":" + settings.SECRET_KEY).encode()).digest()
    return hashlib.blake2b(value.encode(), key=key, digest_size=32).hexdigest()


def new_data_key() -> tuple[bytes, str]:
    """A fresh data key and its wrapped form (to store beside the encrypted file)."""
    key = AESGCM.generate_key(bit_length=256)
    return key, _fernet().encrypt(key).decode()


def unwrap_key(wrapped: str) -> bytes:
    try:
        return _fernet().decrypt(wrapped.encode())
    except InvalidToken as error:
        raise DecryptionError(
            "The file's key cannot be unwrapped with the configured keys."
        ) from error


def rewrap_key(wrapped: str) -> str:
    """Re-encrypt a wrapped data key under the newest master key (key rotation)."""
    return _fernet().rotate(wrapped.encode()).decode()


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + struct.pack(">I", counter)


@dataclass(frozen=True)
class SealedFile:
    wrapped_key: str
    size: int  # plaintext bytes
    sha256: str  # of the plaintext


def encrypt_stream(
    chunks: Iterable[bytes], out: BinaryIO, *, max_size: int | None = None
) -> SealedFile:
    """Encrypt `chunks` into `out`, hashing the plaintext on the way.

    Raises `SizeLimitExceeded` as soon as more than `max_size` bytes have arrived, so an
    over-size upload never fills the disk.
    """
    key, wrapped = new_data_key()
    aead = AESGCM(key)
    prefix = os.urandom(8)
    out.write(_HEADER.pack(MAGIC, prefix))
    digest = hashlib.sha256()
    size = 0
    counter = 0
    pending = b""

    def seal(data: bytes, last: bool) -> None:
        nonlocal counter
        sealed = aead.encrypt(_nonce(prefix, counter), data, b"\x01" if last else b"\x00")
        out.write(_CHUNK_HEADER.pack(len(sealed)))
        out.write(sealed)
        counter += 1

    for chunk in chunks:
        size += len(chunk)
        if max_size is not None and size > max_size:
            raise SizeLimitExceeded(max_size)
        digest.update(chunk)
        pending += chunk
        while len(pending) > CHUNK_SIZE:
            seal(pending[:CHUNK_SIZE], last=False)
            pending = pending[CHUNK_SIZE:]
    seal(pending, last=True)
    return SealedFile(wrapped_key=wrapped, size=size, sha256=digest.hexdigest())


def decrypt_stream(source: BinaryIO, wrapped_key: str) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk; raise DecryptionError on any tampering."""
    aead = AESGCM(unwrap_key(wrapped_key))
    header = source.read(_HEADER.size)
    if len(header) != _HEADER.size:
        raise DecryptionError("The stored file is truncated.")
    magic, prefix = _HEADER.unpack(header)
    if magic != MAGIC:
        raise DecryptionError("The stored file is not in the expected format.")
    counter = 0
    while True:
        length_bytes = source.read(_CHUNK_HEADER.size)
        if len(length_bytes) != _CHUNK_HEADER.size:
            raise DecryptionError("The stored file is truncated.")
        (length,) = _CHUNK_HEADER.unpack(length_bytes)
        if length > CHUNK_SIZE + 16:
            raise DecryptionError("The stored file is corrupt.")
        sealed = source.read(length)
        for last in (False, True):
            try:
                plain = aead.decrypt(_nonce(prefix, counter), sealed, b"\x01" if last else b"\x00")
            except InvalidTag:
                continue
            break
        else:
            raise DecryptionError("The stored file was changed or is corrupt.")
        counter += 1
        if plain:
            yield plain
        if last:
            if source.read(1):
                raise DecryptionError("The stored file has unexpected trailing data.")
            return


class SizeLimitExceeded(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than the limit of {limit} bytes")
        self.limit = limit
