"""Key rotation cannot lose data (core/rotation.py, `manage.py rotate_keys`): every
registered encrypted thing is brought under the newest key, the old key can then be
dropped and every file and field still reads, and `--check` says how much is left."""

from __future__ import annotations

import io
import secrets
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import LazySettings
from django.core.management import CommandError, call_command

from pensionportal.accounts.models import Role
from pensionportal.core import crypto, rotation
from pensionportal.files import store
from pensionportal.files.models import StoredFile
from pensionportal.members.models import Member
from pensionportal.messaging.models import Attachment, Message, Thread
from pensionportal.submissions.registry_db import DatabaseRegistry
from tests.factories import make_member, make_org, make_user
from tests.messaging.helpers import PDF_BYTES, attachment, ensure_standard_mailboxes, start

pytestmark = [pytest.mark.django_db, pytest.mark.storage]


def _check() -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("rotate_keys", "--check", stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


@pytest.fixture
def old_keys(settings: LazySettings) -> tuple[str, str]:
    key, index_key = Fernet.generate_key().decode(), secrets.token_urlsafe(32)
    settings.ENCRYPTION_KEYS = [key]
    settings.INDEX_KEYS = [index_key]
    return key, index_key


def _world() -> dict[str, Any]:
    ensure_standard_mailboxes()
    org = make_org()
    member = make_member(org, "E1", sin="046454286")
    author = make_user(org, [Role.COMMUNICATIONS])
    thread = start(
        author,
        org,
        subject="SIN of Jane Doe",
        body="Her SIN is 046 454 286.",
        files=[attachment("jane.pdf", PDF_BYTES)],
    )
    files = [
        store.store([f"file {n}\n".encode() * 1000], purpose="test.file", filename=f"{n}.csv")
        for n in range(5)
    ]
    return {"org": org, "member": member, "thread": thread, "files": files}


def _everything_reads(world: dict[str, Any]) -> None:
    member = Member.objects.get(pk=world["member"].pk)
    assert crypto.decrypt_text(member.sin_encrypted) == "046454286"
    thread = Thread.objects.get(pk=world["thread"].pk)
    assert thread.subject == "SIN of Jane Doe"
    assert Message.objects.get(thread=thread).body == "Her SIN is 046 454 286."
    attached = Attachment.objects.get(message__thread=thread)
    assert attached.filename == "jane.pdf"
    assert attached.file is not None
    assert store.read_all(attached.file) == PDF_BYTES
    for n, stored in enumerate(world["files"]):
        fresh = StoredFile.objects.get(pk=stored.pk)
        assert store.read_all(fresh) == f"file {n}\n".encode() * 1000
        assert fresh.filename == f"{n}.csv"
    # Duplicate-SIN detection finds the member.
    assert DatabaseRegistry(world["org"]).sin_owners(["046454286"]) == {"046454286": "E1"}


def test_rotate_then_drop_the_old_keys_and_every_file_and_field_still_reads(
    settings: LazySettings, old_keys: tuple[str, str]
) -> None:
    old, old_index = old_keys
    world = _world()
    new, new_index = Fernet.generate_key().decode(), secrets.token_urlsafe(32)
    settings.ENCRYPTION_KEYS = [new, old]
    settings.INDEX_KEYS = [new_index, old_index]

    done, report = _check()
    assert not done
    assert f"Still under key 2 ({crypto.key_fingerprint(old)}): " in report
    assert "Still under key 2 (" + crypto.key_fingerprint(old) + "): 0" not in report
    assert "SINs (members.Member.sin_encrypted): key 1: 0, key 2: 1" in report
    assert "Blind indexes still to re-compute: 1" in report
    # Before re-indexing, duplicate detection still finds the member under the old index.
    assert DatabaseRegistry(world["org"]).sin_owners(["046454286"]) == {"046454286": "E1"}

    call_command("rotate_keys", stdout=io.StringIO())
    done, report = _check()
    assert done, report
    assert "Still under key 2 (" + crypto.key_fingerprint(old) + "): 0" in report

    settings.ENCRYPTION_KEYS = [new]
    settings.INDEX_KEYS = [new_index]
    _everything_reads(world)
    done, report = _check()
    assert done, report


def test_without_rotation_dropping_the_old_key_would_lose_the_data(
    settings: LazySettings, old_keys: tuple[str, str]
) -> None:
    """The test above can fail: the same world without `rotate_keys` is unreadable."""
    world = _world()
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError):
        _everything_reads(world)
    done, report = _check()
    assert not done
    assert "cannot be read with any configured key" in report


def test_an_interrupted_rotation_is_finished_by_running_it_again(
    settings: LazySettings, old_keys: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    old, _ = old_keys
    world = _world()
    new = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new, old]
    calls = {"n": 0}
    real = crypto.rotate_token

    def failing(token: str) -> str:
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("the machine went down")
        return real(token)

    monkeypatch.setattr(crypto, "rotate_token", failing)
    with pytest.raises(RuntimeError):
        call_command("rotate_keys", "--batch-size", "2", stdout=io.StringIO())
    monkeypatch.setattr(crypto, "rotate_token", real)
    assert not _check()[0]
    call_command("rotate_keys", "--batch-size", "2", stdout=io.StringIO())
    settings.ENCRYPTION_KEYS = [new]
    _everything_reads(world)


def test_every_encrypted_looking_field_of_every_model_is_registered_for_rotation() -> None:
    registered = {(entry.model, entry.field) for entry in rotation.encrypted_fields()}
    indexes = {(entry.model, entry.field) for entry in rotation.blind_index_fields()}
    for model in apps.get_models():
        label = f"{model._meta.app_label}.{model.__name__}"
        for field in model._meta.concrete_fields:
            if field.name.endswith("_encrypted") or field.name == "wrapped_key":
                assert (label, field.name) in registered, f"{label}.{field.name} not registered"
            if field.name.endswith("_index") and model.__module__.startswith("pensionportal"):
                assert (label, field.name) in indexes, f"{label}.{field.name} not registered"


def test_the_index_key_is_its_own_setting_not_the_secret_key(settings: LazySettings) -> None:
    settings.INDEX_KEYS = ["index-key-one"]
    first = crypto.blind_index("046454286", "sin")
    settings.SECRET_KEY = "another-secret-key-entirely-" + "x" * 30
    assert crypto.blind_index("046454286", "sin") == first
    settings.INDEX_KEYS = ["index-key-two"]
    assert crypto.blind_index("046454286", "sin") != first
