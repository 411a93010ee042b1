from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from django.conf import LazySettings


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: LazySettings, tmp_path: Path) -> None:
    # Argon2 is the production hasher (tested in tests/accounts/test_passwords.py); tests
    # use a fast one so the suite stays quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGE_DIR = tmp_path / "storage"
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(tmp_path / "storage")}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tasks run at once in tests; tests of the worker itself use the database backend.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }


def s3_under_test() -> bool:
    """`make test-s3` (scripts/ci_s3.sh) runs the storage tests against a real S3 server."""
    return bool(os.environ.get("PORTAL_TEST_S3_BUCKET"))


def storage_settings(local: Path) -> dict[str, object]:
    if not s3_under_test():
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(local), "base_url": None},
        }
    return {
        "BACKEND": "pensionportal.files.backends.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["PORTAL_TEST_S3_BUCKET"],
            "endpoint_url": os.environ["PORTAL_TEST_S3_ENDPOINT"],
            "access_key": os.environ["PORTAL_TEST_S3_ACCESS_KEY"],
            "secret_key": os.environ["PORTAL_TEST_S3_SECRET_KEY"],
            "region_name": "us-east-1",
            "addressing_style": "path",
            "signature_version": "s3v4",
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": False,
            "max_memory_size": 0,
            # Each test its own prefix, so the bucket's content per test is its own.
            "location": f"test-{secrets.token_hex(6)}",
        },
    }
