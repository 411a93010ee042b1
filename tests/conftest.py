from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: LazySettings, tmp_path: Path) -> None:
    # Argon2 is the production hasher (tested in tests/accounts/test_passwords.py); tests
    # use a fast one so the suite stays quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGE_DIR = tmp_path / "storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_settings(tmp_path / "storage"),
        "audit": storage_settings(tmp_path / "audit-checkpoints", prefix="audit"),
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # One development signing certificate per test process (made on first use).
    settings.SIGNING_DIR = _signing_dir(tmp_path)
    settings.DEMO_SFTP_KEY_DIR = tmp_path / "demo-sftp"
    # Tasks run at once in tests; tests of the worker itself use the database backend.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }


_SIGNING: list[Path] = []


def _signing_dir(tmp_path: Path) -> Path:
    if not _SIGNING:
        _SIGNING.append(tmp_path.parent.parent / f"signing-{os.getpid()}")
    return _SIGNING[0]


def s3_under_test() -> bool:
    """`make test-s3` (scripts/ci_s3.sh) runs the storage tests against a real S3 server."""
    return bool(os.environ.get("PORTAL_TEST_S3_BUCKET"))


def storage_settings(local: Path, prefix: str = "test") -> dict[str, object]:
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
            "location": f"{prefix}-{secrets.token_hex(6)}",
        },
    }


# --- The log of the whole run carries no SIN (issue 14, "Must do" 4) -----------------------
# Every worker writes every log record of the run, as the production JSON lines but without
# the production redaction of SIN-like numbers, so that what the code itself logs is what is
# checked. At the end the controlling process reads every line and
# fails the run if one holds a number that is a valid SIN.

_LOG_DIR = "PORTAL_TEST_LOG_DIR"


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        import tempfile

        directory = tempfile.mkdtemp(prefix="portal-test-log-")
        os.environ[_LOG_DIR] = directory
        config.stash[_log_dir_key] = Path(directory)


_log_dir_key = pytest.StashKey[Path]()
_log_scan_key = pytest.StashKey[str]()


@pytest.fixture(scope="session", autouse=True)
def _log_every_record_to_a_file(request: pytest.FixtureRequest) -> Iterator[None]:
    from pensionportal.core.logs import ContextFilter, JsonFormatter

    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    handler = logging.FileHandler(Path(os.environ[_LOG_DIR]) / f"{worker}.jsonl")
    handler.setFormatter(JsonFormatter(redact=False))
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    # Proves the handler receives the portal's records, so that a run of pure-core tests
    # (which log nothing themselves) still scans a log known to be working.
    logging.getLogger("pensionportal.tests").warning("log scan: handler attached")
    yield
    root.removeHandler(handler)
    handler.close()


def _valid_sin(digits: str) -> bool:
    """The SIN check digit (Luhn), as the portal checks it; the tests' SINs include the
    CRA's sample 046 454 286, which python-stdnum refuses for its leading 0."""
    from stdnum import luhn

    return len(digits) == 9 and luhn.is_valid(digits)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    directory = session.config.stash.get(_log_dir_key, None)
    if directory is None or hasattr(session.config, "workerinput"):
        return
    from pensionportal.core.logs import SIN_LIKE

    lines = 0
    found: list[str] = []
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8", errors="replace") as log_file:
            for line in log_file:
                lines += 1
                for match in SIN_LIKE.finditer(line):
                    if _valid_sin(re.sub(r"\D", "", match.group())):
                        found.append(f"{path.name}: {line.strip()[:300]}")
    shutil.rmtree(directory, ignore_errors=True)
    if found:
        session.config.stash[_log_scan_key] = (
            f"LOG SCAN FAILED: {len(found)} log line(s) hold a SIN:\n" + "\n".join(found[:20])
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif lines == 0 and session.testscollected > 0:
        session.config.stash[_log_scan_key] = (
            "LOG SCAN FAILED: the log handler received nothing, not even its own first line"
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        session.config.stash[_log_scan_key] = f"log scan: {lines} log lines, no SIN"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    message = config.stash.get(_log_scan_key, None)
    if message:
        terminalreporter.write_line(message, red=message.startswith("LOG SCAN FAILED"))
