"""The one streaming encryption format for stored files.

Envelope encryption: each file gets a random 256-bit data key, wrapped (Fernet) by the
rotatable master keys (`core.crypto.wrap_key`); the wrapped key is kept on the file's
record, never beside the bytes. The content is cut into chunks of exactly `CHUNK_SIZE`
plaintext bytes (the last one shorter, possibly empty), each sealed with AES-256-GCM under
the data key with a nonce made of a random per-file prefix and the chunk counter; the last
chunk is flagged in its associated data, so a truncated file is detected.

    header  = b"PPE1" + prefix (8 bytes)
    chunk i = length (4 bytes, big-endian) + AES-GCM(plaintext[i], nonce=prefix+i, aad=last?)

Because every chunk but the last has the same size, chunk `i` starts at a known offset:
`SealedReader` decrypts any range without reading the file from the start (a ZIP's central
directory, at the end, is read without decrypting the rest). Only ciphertext leaves this
module; at most one chunk of plaintext is held at a time.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
from collections.abc import Callable, Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pensionportal.core import crypto

CHUNK_SIZE = 64 * 1024
MAGIC = b"PPE1"
_HEADER = struct.Struct(">4s8s")  # magic, nonce prefix
_LENGTH = struct.Struct(">I")  # sealed chunk length
_TAG = 16
HEADER_SIZE = _HEADER.size
SEALED_CHUNK = _LENGTH.size + CHUNK_SIZE + _TAG  # on-disk size of every chunk but the last


class DecryptionError(crypto.DecryptionError):
    """The stored bytes were changed, truncated, or are not in this format."""


class SizeLimitExceeded(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than the limit of {limit} bytes")
        self.limit = limit


def sealed_size(plain_size: int) -> int:
    """The ciphertext size of a file of `plain_size` bytes."""
    full = (plain_size - 1) // CHUNK_SIZE if plain_size else 0
    rest = plain_size - full * CHUNK_SIZE
    return HEADER_SIZE + full * SEALED_CHUNK + _LENGTH.size + rest + _TAG


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + struct.pack(">I", counter)


def _aad(last: bool) -> bytes:
    return b"\x01" if last else b"\x00"


class Sealer:
    """Push plaintext in with `update`, get ciphertext out; `finish` seals the last chunk.

    Also hashes the plaintext (SHA-256), counts it, keeps its first `HEAD` bytes (for the
    content checks) and stops at `max_size` with `SizeLimitExceeded`.
    """

    HEAD = 8192

    def __init__(self, *, max_size: int | None = None) -> None:
        key = AESGCM.generate_key(bit_length=256)
        self.wrapped_key = crypto.wrap_key(key)
        self._aead = AESGCM(key)
        self._prefix = os.urandom(8)
        self._counter = 0
        self._pending = bytearray()
        self._digest = hashlib.sha256()
        self._max_size = max_size
        self._started = False
        self.size = 0
        self.head = b""

    def _seal(self, data: bytes, last: bool) -> bytes:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter), data, _aad(last))
        self._counter += 1
        return _LENGTH.pack(len(sealed)) + sealed

    def update(self, data: bytes) -> bytes:
        self.size += len(data)
        if self._max_size is not None and self.size > self._max_size:
            raise SizeLimitExceeded(self._max_size)
        if len(self.head) < self.HEAD:
            self.head += data[: self.HEAD - len(self.head)]
        self._digest.update(data)
        self._pending += data
        out = []
        if not self._started:
            out.append(_HEADER.pack(MAGIC, self._prefix))
            self._started = True
        # Keep the last (possibly full) chunk pending: only `finish` knows it is the last.
        while len(self._pending) > CHUNK_SIZE:
            out.append(self._seal(bytes(self._pending[:CHUNK_SIZE]), last=False))
            del self._pending[:CHUNK_SIZE]
        return b"".join(out)

    def finish(self) -> bytes:
        out = b"" if self._started else _HEADER.pack(MAGIC, self._prefix)
        self._started = True
        out += self._seal(bytes(self._pending), last=True)
        self._pending.clear()
        return out

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


def _open_chunk(aead: AESGCM, prefix: bytes, counter: int, sealed: bytes) -> tuple[bytes, bool]:
    for last in (False, True):
        try:
            return aead.decrypt(_nonce(prefix, counter), sealed, _aad(last)), last
        except InvalidTag:
            continue
    raise DecryptionError("The stored file was changed or is corrupt.")


def _read_exact(source: BinaryIO, size: int) -> bytes:
    parts = []
    while size > 0:
        part = source.read(size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _read_header(source: BinaryIO) -> bytes:
    header = _read_exact(source, HEADER_SIZE)
    if len(header) != HEADER_SIZE:
        raise DecryptionError("The stored file is truncated.")
    magic, prefix = _HEADER.unpack(header)
    if magic != MAGIC:
        raise DecryptionError("The stored file is not in the expected format.")
    return bytes(prefix)


def _read_chunk(source: BinaryIO) -> bytes:
    """The next sealed chunk: its length, then that many bytes."""
    length_bytes = _read_exact(source, _LENGTH.size)
    if len(length_bytes) != _LENGTH.size:
        raise DecryptionError("The stored file is truncated.")
    (length,) = _LENGTH.unpack(length_bytes)
    if length > CHUNK_SIZE + _TAG:
        raise DecryptionError("The stored file is corrupt.")
    return _read_exact(source, length)


def unseal(source: BinaryIO, wrapped_key: str) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk, reading `source` from its start."""
    aead = AESGCM(crypto.unwrap_key(wrapped_key))
    prefix = _read_header(source)
    counter = 0
    while True:
        sealed = _read_chunk(source)
        plain, last = _open_chunk(aead, prefix, counter, sealed)
        counter += 1
        if plain:
            yield plain
        if last:
            if source.read(1):
                raise DecryptionError("The stored file has unexpected trailing data.")
            return


RangeOpener = Callable[[int], BinaryIO]  # opens the ciphertext at a byte offset


class SealedReader(io.RawIOBase):
    """A seekable, read-only view of the plaintext of a sealed file of known size.

    `open_at(offset)` gives the ciphertext from that offset (a local file seeks; S3 asks
    for a byte range). One decrypted chunk is cached, so small reads cost nothing extra.
    """

    def __init__(self, open_at: RangeOpener, wrapped_key: str, size: int) -> None:
        super().__init__()
        self._open_at = open_at
        self._aead = AESGCM(crypto.unwrap_key(wrapped_key))
        self._size = size
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None
        with open_at(0) as head:
            self._prefix = _read_header(head)
        self._last_index = (size - 1) // CHUNK_SIZE if size else 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._pos + offset
        elif whence == io.SEEK_END:
            target = self._size + offset
        else:
            raise ValueError("invalid whence")
        if target < 0:
            raise ValueError("negative seek position")
        self._pos = target
        return self._pos

    def _chunk(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        with self._open_at(HEADER_SIZE + index * SEALED_CHUNK) as source:
            sealed = _read_chunk(source)
        plain, last = _open_chunk(self._aead, self._prefix, index, sealed)
        if last != (index == self._last_index):
            raise DecryptionError("The stored file was changed or is corrupt.")
        self._cached = (index, plain)
        return plain

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        filled = 0
        while filled < len(buffer) and self._pos < self._size:
            index, offset = divmod(self._pos, CHUNK_SIZE)
            data = self._chunk(index)[offset : offset + len(buffer) - filled]
            buffer[filled : filled + len(data)] = data
            filled += len(data)
            self._pos += len(data)
        return filled
