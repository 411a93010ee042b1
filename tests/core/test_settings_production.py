"""Production settings: `PORTAL_PRODUCTION=1` passes Django's deployment checklist, and a
production process without its secrets refuses to start.

Each case runs `manage.py` in a fresh interpreter, because settings are read once, at import.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[2]
MANAGE = REPO / "manage.py"


def _production_env(**overrides: str | None) -> dict[str, str]:
    """The test process's environment without any portal or Django setting (the end-to-end
    tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly rejects), plus a
    complete production configuration; an override of None removes that variable."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORTAL_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        {
            "PYTHONPATH": str(REPO / "src"),
            "DJANGO_SETTINGS_MODULE": "pensionportal.settings",
            "PORTAL_PRODUCTION": "1",
            "PORTAL_SECRET_KEY": secrets.token_urlsafe(64),
            "PORTAL_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "PORTAL_INDEX_KEY": secrets.token_urlsafe(48),
            "PORTAL_AUDIT_KEYS": "t1:" + secrets.token_urlsafe(40),
            "PORTAL_SEARCH_INDEX_KEYS": "s1:" + secrets.token_urlsafe(40),
            "PORTAL_ALLOWED_HOSTS": "portal.example.org",
            "PORTAL_ISSUER_NAME": "Plan Administrator Inc.",
            "PORTAL_ISSUER_ADDRESS": "1 Main Street|Toronto, ON  M5C 3A7",
            "PORTAL_EFT_INSTITUTION": "001",
            "PORTAL_EFT_TRANSIT": "12345",
            "PORTAL_EFT_ACCOUNT": "7654321",
        }
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist() -> None:
    result = _manage(_production_env(), "check", "--deploy", "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_the_deployment_checklist_flags_development_settings() -> None:
    # The check above is not vacuous: without PORTAL_PRODUCTION the same command fails.
    env = _production_env(PORTAL_PRODUCTION=None, PORTAL_DEBUG="1")

    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("PORTAL_SECRET_KEY", "PORTAL_SECRET_KEY must be set when PORTAL_PRODUCTION=1."),
        ("PORTAL_ENCRYPTION_KEYS", "PORTAL_ENCRYPTION_KEYS must be set when PORTAL_PRODUCTION=1."),
        ("PORTAL_INDEX_KEY", "PORTAL_INDEX_KEY must be set when PORTAL_PRODUCTION=1."),
        (
            "PORTAL_SEARCH_INDEX_KEYS",
            "PORTAL_SEARCH_INDEX_KEYS must be set when PORTAL_PRODUCTION=1.",
        ),
    ],
)
def test_production_refuses_to_start_without_its_secrets(missing: str, message: str) -> None:
    result = _manage(_production_env(**{missing: None}), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_an_empty_secret_key_counts_as_missing_in_production() -> None:
    result = _manage(_production_env(PORTAL_SECRET_KEY=""), "check")

    assert result.returncode != 0
    assert "PORTAL_SECRET_KEY must be set when PORTAL_PRODUCTION=1." in result.stderr


def test_the_deployment_checklist_asks_for_the_issuer_and_its_eft_details() -> None:
    # Issue 15: an invoice must name whom to pay and how; production has no demo defaults.
    result = _manage(
        _production_env(PORTAL_ISSUER_NAME=None, PORTAL_EFT_ACCOUNT=None),
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "pensionportal.W001" in output
    assert "PORTAL_ISSUER_NAME, PORTAL_EFT_ACCOUNT" in output
