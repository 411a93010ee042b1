from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import LazySettings


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: LazySettings, tmp_path: Path) -> None:
    # Argon2 is the production hasher (tested in tests/accounts/test_passwords.py); tests
    # use a fast one so the suite stays quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGE_DIR = tmp_path / "storage"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tasks run at once in tests; tests of the worker itself use the database backend.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }
