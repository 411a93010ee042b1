"""Reports settings, read from the environment with safe defaults (docs/reports.md)."""

from __future__ import annotations

import os

_MB = 1024 * 1024


def max_report_file_size() -> int:
    """Largest report file staff may publish through the page, in bytes (default 50 MB)."""
    raw = os.environ.get("PORTAL_REPORTS_MAX_FILE_MB", "").strip()
    try:
        value = int(raw) if raw else 50
    except ValueError:
        value = 50
    return (value if value > 0 else 50) * _MB
