"""Files stored the old way move into the file layer (issue 12 "Must do" 7), tested on the
demo data: the demo is loaded, the database is taken back to before the file layer (each
file's name and key on its owner's row, no StoredFile table), then migrated forward; every
file reads back exactly. Then `move_files_to_storage` moves local files into another
storage, verified."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pensionportal.exchange.models import ExchangedFile
from pensionportal.files.models import StoredFile
from pensionportal.files.store import read_all
from pensionportal.messaging.models import Attachment
from pensionportal.missed.models import MemberLetter
from pensionportal.reports.models import ReportFile
from pensionportal.submissions.models import Submission
from tests.conftest import s3_under_test

BEFORE_THE_FILE_LAYER = [
    ("exchange", "0001_initial"),
    ("messaging", "0003_threads"),
    ("missed", "0001_initial"),
    ("reports", "0001_initial"),
    ("submissions", "0002_row_offset"),
    ("remittances", "0002_seed_prejudgment_rates"),
    ("files", None),
]
OWNERS: list[Any] = [ExchangedFile, Attachment, MemberLetter, ReportFile, Submission]


def _options(settings: LazySettings) -> dict[str, Any]:
    options = cast(dict[str, Any], settings.STORAGES["default"]["OPTIONS"])
    return options


def _contents() -> dict[tuple[str, int], bytes]:
    found = {}
    for model in OWNERS:
        for row in model.objects.exclude(file=None).select_related("file"):
            if row.file.has_content:
                found[(model.__name__, row.pk)] = read_all(row.file)
    return found


@pytest.mark.skipif(s3_under_test(), reason="the old way was the local disk")
@pytest.mark.django_db(transaction=True)
def test_the_demos_files_stored_the_old_way_move_into_the_file_layer(
    settings: LazySettings,
) -> None:
    from pensionportal.core.reference_data import ensure

    ensure()  # an earlier transactional test may have emptied the migrations' rows
    call_command("load_demo_data", stdout=io.StringIO())
    before = _contents()
    kinds = {kind for kind, _ in before}
    # (The demo writes no member letter: its case is still in the employer window.)
    assert {"ExchangedFile", "Attachment", "ReportFile", "Submission"} <= kinds
    storage_dir = Path(_options(settings)["location"])

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_FILE_LAYER)
    with connection.cursor() as cursor:
        assert "files_storedfile" not in connection.introspection.table_names(cursor)
        cursor.execute("SELECT storage_name, wrapped_key FROM exchange_exchangedfile")
        old_rows = cursor.fetchall()
    assert old_rows
    for name, key in old_rows:
        assert key
        assert (storage_dir / name).is_file()  # the old layout: STORAGE_DIR/ab/<40 hex>

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    after = _contents()
    assert after == before
    assert StoredFile.objects.filter(state="kept").count() >= len(before)
    upload = ExchangedFile.objects.exclude(file=None).first()
    assert upload is not None
    assert upload.file is not None
    assert upload.file.organization == upload.organization
    assert upload.file.filename == upload.name


@pytest.mark.skipif(s3_under_test(), reason="moves from a local folder to another one")
@pytest.mark.django_db
def test_move_files_to_storage_copies_verifies_and_removes_the_local_copy(
    settings: LazySettings, tmp_path: Path
) -> None:
    from pensionportal.files.store import store

    old_dir = Path(_options(settings)["location"])
    files = [store([f"{n}".encode() * 5000], purpose="t", filename=f"{n}") for n in range(3)]
    new_dir = tmp_path / "new-storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(new_dir)},
        },
    }
    out = io.StringIO()
    call_command("move_files_to_storage", "--from", str(old_dir), stdout=out)
    assert "Moved 3, already there 0, missing 0." in out.getvalue()
    for n, stored in enumerate(files):
        assert read_all(stored) == f"{n}".encode() * 5000
        assert not (old_dir / stored.name).exists()
        assert (new_dir / stored.name).is_file()
    out = io.StringIO()
    call_command("move_files_to_storage", "--from", str(old_dir), stdout=out)
    assert "Moved 0, already there 3, missing 0." in out.getvalue()
