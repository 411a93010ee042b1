"""PORTAL_STORAGE_URL and PORTAL_S3_* choose the storage (settings are read once, at import,
so each case runs in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, django; django.setup(); from django.conf import settings; "
    "d = settings.STORAGES['default']; o = dict(d.get('OPTIONS', {})); o.pop('client_config', 0); "
    "print(json.dumps({'backend': d['BACKEND'], **{k: str(v) for k, v in o.items()}}))"
)


def _storage(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DJANGO_"))}
    clean.update(
        {"PYTHONPATH": str(REPO / "src"), "DJANGO_SETTINGS_MODULE": "pensionportal.settings"}
    )
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", SHOW], env=clean, capture_output=True, text=True, check=True
    )
    shown: dict[str, str] = json.loads(result.stdout.strip().splitlines()[-1])
    return shown


def test_the_embedded_default_is_the_local_folder() -> None:
    shown = _storage(PORTAL_STORAGE_DIR="/srv/portal-files")
    assert shown["backend"] == "django.core.files.storage.FileSystemStorage"
    assert shown["location"] == "/srv/portal-files"


def test_a_storage_url_points_every_file_at_s3() -> None:
    shown = _storage(
        PORTAL_STORAGE_URL="s3://portal-files/prod?endpoint=https://minio.example.org:9000"
        "&region=ca-central-1&addressing=path",
        PORTAL_S3_ACCESS_KEY_ID="AKIA",
        PORTAL_S3_SECRET_ACCESS_KEY="secret",
    )
    assert shown["backend"] == "pensionportal.files.backends.S3Storage"
    assert shown["bucket_name"] == "portal-files"
    assert shown["location"] == "prod"
    assert shown["endpoint_url"] == "https://minio.example.org:9000"
    assert shown["region_name"] == "ca-central-1"
    assert shown["addressing_style"] == "path"
    assert shown["access_key"] == "AKIA"
    assert shown["querystring_auth"] == "False"
    assert shown["file_overwrite"] == "False"


def test_the_separate_s3_settings_work_without_a_url_aws_style() -> None:
    shown = _storage(PORTAL_S3_BUCKET="portal-aws", PORTAL_S3_REGION="ca-central-1")
    assert shown["backend"] == "pensionportal.files.backends.S3Storage"
    assert shown["bucket_name"] == "portal-aws"
    assert shown["endpoint_url"] == "None"
    assert shown["access_key"] == "None"  # boto3's own chain: environment, instance role
