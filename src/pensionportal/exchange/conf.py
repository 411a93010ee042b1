"""File Upload settings, read from the environment with safe defaults (docs/exchange.md)."""

from __future__ import annotations

import os

from pensionportal.core.env import whole_number

_MB = 1024 * 1024


def max_file_size() -> int:
    """Largest file accepted, in bytes (issue 5 "Must do" 1: 200 MB a file by default)."""
    return whole_number("PORTAL_EXCHANGE_MAX_FILE_MB", 200) * _MB


def max_files_per_upload() -> int:
    """How many files one upload may carry."""
    return whole_number("PORTAL_EXCHANGE_MAX_FILES", 10)


DEFAULT_EXTENSIONS = "csv,tsv,txt,dat,xls,xlsx,xml,pdf,doc,docx,zip"


def allowed_extensions() -> frozenset[str]:
    """File types employers may send; anything else is refused as "not allowed"."""
    raw = os.environ.get("PORTAL_EXCHANGE_ALLOWED_EXTENSIONS", "") or DEFAULT_EXTENSIONS
    return frozenset(part.strip().lower().lstrip(".") for part in raw.split(",") if part.strip())
