"""The one streaming format (files/sealing.py): chunked AES-256-GCM, random access, and
every kind of tampering detected."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.conf import LazySettings

from pensionportal.files import sealing

pytestmark = pytest.mark.storage


def _seal(plaintext: bytes, piece: int = 7000) -> tuple[bytes, str]:
    sealer = sealing.Sealer()
    out = [sealer.update(plaintext[i : i + piece]) for i in range(0, len(plaintext), piece)]
    out.append(sealer.finish())
    return b"".join(out), sealer.wrapped_key


@pytest.mark.parametrize(
    "size", [0, 1, sealing.CHUNK_SIZE - 1, sealing.CHUNK_SIZE, sealing.CHUNK_SIZE + 1, 300_001]
)
def test_what_is_sealed_unseals_to_the_same_bytes_and_has_the_announced_size(size: int) -> None:
    plaintext = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    sealed, key = _seal(plaintext)
    assert len(sealed) == sealing.sealed_size(size)
    assert b"".join(sealing.unseal(io.BytesIO(sealed), key)) == plaintext


def test_the_sealed_bytes_never_hold_the_plaintext() -> None:
    plaintext = b"SIN 046 454 286 " * 20_000
    sealed, _ = _seal(plaintext)
    assert b"046 454 286" not in sealed


def test_the_hash_size_and_head_describe_the_plaintext() -> None:
    import hashlib

    sealer = sealing.Sealer()
    sealer.update(b"a" * 10_000)
    sealer.update(b"b" * 10_000)
    sealer.finish()
    assert sealer.size == 20_000
    assert sealer.sha256 == hashlib.sha256(b"a" * 10_000 + b"b" * 10_000).hexdigest()
    assert sealer.head == (b"a" * 8192)


def test_it_stops_past_the_size_limit() -> None:
    sealer = sealing.Sealer(max_size=100)
    sealer.update(b"x" * 100)
    with pytest.raises(sealing.SizeLimitExceeded):
        sealer.update(b"x")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1],  # truncated inside the last chunk
        lambda data: data[: sealing.HEADER_SIZE + sealing.SEALED_CHUNK],  # a whole chunk lost
        lambda data: data[:20] + bytes([data[20] ^ 1]) + data[21:],  # a flipped bit
        lambda data: data + b"extra",  # trailing bytes
        lambda data: b"XXXX" + data[4:],  # not our format
    ],
)
def test_any_change_to_the_stored_bytes_is_detected(damage: object) -> None:
    sealed, key = _seal(b"z" * (sealing.CHUNK_SIZE * 2 + 10))
    with pytest.raises(sealing.DecryptionError):
        b"".join(sealing.unseal(io.BytesIO(damage(sealed)), key))  # type: ignore[operator]


def test_a_file_sealed_under_a_removed_key_cannot_be_read(settings: LazySettings) -> None:
    sealed, key = _seal(b"secret")
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(sealing.DecryptionError.__mro__[1]):
        b"".join(sealing.unseal(io.BytesIO(sealed), key))


def test_the_reader_seeks_anywhere_and_reads_only_the_chunks_it_needs() -> None:
    plaintext = bytes(i % 251 for i in range(sealing.CHUNK_SIZE * 5 + 123))
    sealed, key = _seal(plaintext)
    opened: list[int] = []

    def open_at(offset: int) -> io.BytesIO:
        opened.append(offset)
        return io.BytesIO(sealed[offset:])

    reader = sealing.SealedReader(open_at, key, len(plaintext))
    reader.seek(-50, io.SEEK_END)
    assert reader.read(50) == plaintext[-50:]
    reader.seek(sealing.CHUNK_SIZE * 2 - 5)
    assert reader.read(10) == plaintext[sealing.CHUNK_SIZE * 2 - 5 : sealing.CHUNK_SIZE * 2 + 5]
    # The header, the last chunk, chunks 1 and 2: never the whole file from the start.
    assert len(opened) == 4
    reader.seek(0)
    assert reader.read() == plaintext
