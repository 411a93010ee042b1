"""Adopting files stored the old way (a record's own `storage_name` and `wrapped_key`, bytes
under `PORTAL_STORAGE_DIR/ab/<40 hex>`) into the file layer.

The format of the bytes did not change, so adopting is a new `StoredFile` row per file
(the data migrations of each owner app call `adopt`); where the bytes must live elsewhere
(S3), `manage.py move_files_to_storage` copies them from the old folder.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from pensionportal.core.crypto import encrypt_text


def adopt(
    apps: Any,
    model: str,
    *,
    name_field: str,
    key_field: str,
    purpose: str,
    organization_id: Callable[[Any], int | None],
    filename_token: Callable[[Any], str],
    content_type: Callable[[Any], str],
) -> None:
    """For each row of `model`, a StoredFile for its bytes, linked through `row.file`."""
    stored_file = apps.get_model("files", "StoredFile")
    for row in apps.get_model(model).objects.all().iterator():
        name = getattr(row, name_field)
        key = getattr(row, key_field)
        kept = bool(name and key)
        stored = stored_file.objects.create(
            # A record whose bytes were purged keeps a placeholder name, never stored.
            name=name if kept else f"purged/{secrets.token_hex(20)}",
            wrapped_key=key if kept else "",
            size=getattr(row, "size", 0) or 0,
            sha256=getattr(row, "sha256", "") or "",
            filename_encrypted=filename_token(row),
            content_type=content_type(row) or "application/octet-stream",
            purpose=purpose,
            organization_id=organization_id(row),
            state="kept" if kept else "purged",
        )
        row.file_id = stored.pk
        row.save(update_fields=["file"])


def restore(apps: Any, model: str, *, name_field: str, key_field: str) -> None:
    """The reverse: put the name and key back on the owner row."""
    for row in apps.get_model(model).objects.exclude(file=None).select_related("file").iterator():
        purged = row.file.state == "purged"
        setattr(row, name_field, "" if purged else row.file.name)
        setattr(row, key_field, "" if purged else row.file.wrapped_key)
        row.save(update_fields=[name_field, key_field])


def encrypted(value: str) -> str:
    return encrypt_text(value)
