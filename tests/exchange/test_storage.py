"""Encryption at rest, key rotation, and the streaming writer's size limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import LazySettings
from django.core.management import call_command

from pensionportal.accounts.models import Role
from pensionportal.core import crypto, vault
from pensionportal.exchange.streaming import VaultWriter
from tests.factories import make_org, make_user

from .conftest import stored_files
from .test_access import _file

pytestmark = pytest.mark.django_db


def test_the_writer_produces_the_vaults_format_and_never_the_plaintext(storage: Path) -> None:
    writer = VaultWriter()
    plaintext = b"SIN 046 454 286 " * 10_000
    for start in range(0, len(plaintext), 7000):
        writer.write(plaintext[start : start + 7000])
    blob = writer.finish()
    assert blob.size == len(plaintext)
    assert b"046 454 286" not in vault.raw_bytes(blob.name)
    assert vault.read_all(blob.name, blob.wrapped_key) == plaintext


def test_the_writer_stops_at_the_limit_and_leaves_nothing(storage: Path) -> None:
    writer = VaultWriter(max_size=100_000)
    writer.write(b"x" * 60_000)
    with pytest.raises(crypto.SizeLimitExceeded):
        writer.write(b"x" * 60_000)
    assert stored_files(storage) == []


def test_files_from_before_a_key_rotation_still_decrypt_and_can_be_rewrapped(
    settings: LazySettings,
) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old_key]
    org = make_org()
    upload = _file(org, make_user(org, [Role.FILE_UPLOAD]))

    settings.ENCRYPTION_KEYS = [new_key, old_key]
    assert vault.read_all(upload.storage_name, upload.wrapped_key) == b"content\n"

    call_command("rewrap_file_keys")
    upload.refresh_from_db()
    settings.ENCRYPTION_KEYS = [new_key]
    assert vault.read_all(upload.storage_name, upload.wrapped_key) == b"content\n"
