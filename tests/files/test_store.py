"""Storing, reading, keeping and purging through the file layer (files/store.py), on
whichever storage is configured: the local folder, or the real S3 server of
`make test-s3`."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from django.conf import LazySettings

from pensionportal.files import storage, store
from pensionportal.files.models import FileState, StoredFile
from tests.factories import make_org
from tests.stored import exists, plaintext, raw_bytes, stored_names

pytestmark = [pytest.mark.django_db, pytest.mark.storage]

MARKER = b"SIN-046-454-286-"


def test_a_stored_file_is_ciphertext_under_a_random_name_and_reads_back() -> None:
    org = make_org()
    content = MARKER * 50_000
    stored = store.store(
        [content[i : i + 100_000] for i in range(0, len(content), 100_000)],
        purpose="test.file",
        filename="Jane Doe SIN.csv",
        organization=org,
    )
    assert stored.state == FileState.KEPT
    assert stored.size == len(content)
    assert stored.filename == "Jane Doe SIN.csv"
    assert "Jane" not in stored.filename_encrypted
    assert "jane" not in stored.name.lower()
    assert MARKER not in raw_bytes(stored)
    assert plaintext(stored) == content
    assert stored_names() == [stored.name]


def test_the_seekable_reader_reads_a_range_without_the_rest() -> None:
    content = bytes(i % 199 for i in range(500_000))
    stored = store.store([content], purpose="test.file", filename="a.bin")
    with store.open_reader(stored) as reader:
        reader.seek(400_000)
        assert reader.read(1000) == content[400_000:401_000]


def test_an_over_size_file_stops_at_the_limit_and_leaves_nothing() -> None:
    writer = store.FileWriter(purpose="test.file", filename="big.csv", max_size=3_000_000)
    writer.write(b"x" * 2_000_000)
    with pytest.raises(store.SizeLimitExceeded):
        writer.write(b"x" * 2_000_000)
    assert stored_names() == []
    assert not StoredFile.objects.exists()


def test_an_aborted_file_leaves_nothing() -> None:
    writer = store.FileWriter(purpose="test.file", filename="a.csv")
    writer.write(b"x" * 3_000_000)
    writer.abort()
    writer.abort()
    assert stored_names() == []
    assert not StoredFile.objects.exists()


def test_a_pending_file_is_purged_with_its_record_a_kept_one_keeps_its_record() -> None:
    pending = store.store([b"a"], purpose="test.file", filename="a", keep_now=False)
    kept = store.store([b"b"], purpose="test.file", filename="b")
    store.discard_pending([pending, kept])
    assert not StoredFile.objects.filter(pk=pending.pk).exists()
    assert stored_names() == [kept.name]


def test_purging_a_kept_file_removes_its_bytes_after_commit_and_keeps_the_record(
    django_capture_on_commit_callbacks: object,
) -> None:
    kept = store.store([b"b"], purpose="test.file", filename="b")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        store.purge(kept)
    kept.refresh_from_db()
    assert kept.state == FileState.PURGED
    assert kept.wrapped_key == ""
    assert not exists(kept)
    with pytest.raises(FileNotFoundError):
        store.read_all(kept)


def test_a_copy_has_its_own_key_and_name() -> None:
    original = store.store([b"payroll"], purpose="test.file", filename="p.csv")
    copy = store.copy(original, purpose="test.copy")
    assert copy.name != original.name
    assert copy.wrapped_key != original.wrapped_key
    assert plaintext(copy) == b"payroll"


def test_names_not_made_by_the_layer_are_refused() -> None:
    for name in ("../etc/passwd", "ab/../../x", "/etc/x", "ab/cd"):
        with pytest.raises(ValueError, match="not a storage name"):
            storage.open_stream(name)


def test_the_store_says_it_is_reachable() -> None:
    assert storage.is_reachable() is True


def test_an_unreachable_store_says_so_and_never_raises(settings: LazySettings) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "pensionportal.files.backends.S3Storage",
            "OPTIONS": {
                "bucket_name": "portal",
                "endpoint_url": "http://127.0.0.1:9",
                # The discard port: nothing listens. One quick try, no back-off.
                "client_config": Config(connect_timeout=1, retries={"max_attempts": 1}),
                "access_key": "x",
                "secret_key": "y",
                "region_name": "us-east-1",
            },
        },
    }
    assert storage.is_reachable() is False
    with pytest.raises(store.StorageUnavailable):
        store.store([b"x" * 10], purpose="test.file", filename="a")
    assert not StoredFile.objects.exists()


def test_every_object_in_the_store_is_ciphertext_read_with_the_backend_s_own_client() -> None:
    """Looks at the bytes as the storage holds them (on S3: straight from the bucket with
    boto3, not through the file layer)."""
    secret = MARKER * 10_000
    names = [store.store([secret], purpose="test.file", filename="jane.csv").name for _ in range(3)]
    backend = storage.backend()
    for name in names:
        if hasattr(backend, "bucket"):
            s3: Any = backend
            raw = s3.bucket.Object(s3._normalize_name(name)).get()["Body"].read()
        else:
            with open(backend.path(name), "rb") as handle:
                raw = handle.read()
        assert raw.startswith(b"PPE1")
        assert MARKER not in raw
        assert b"jane" not in raw


def test_files_left_pending_by_a_killed_process_are_purged_by_the_periodic_sweep() -> None:
    import datetime as dt

    from django.utils import timezone

    old = store.store([b"a"], purpose="test.file", filename="a", keep_now=False)
    fresh = store.store([b"b"], purpose="test.file", filename="b", keep_now=False)
    kept = store.store([b"c"], purpose="test.file", filename="c")
    StoredFile.objects.filter(pk__in=[old.pk, kept.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=1)
    )
    assert store.purge_stale_pending() == 1
    assert sorted(stored_names()) == sorted([fresh.name, kept.name])
