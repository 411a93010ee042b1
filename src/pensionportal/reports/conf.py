"""Reports settings, read from the environment with safe defaults (docs/reports.md)."""

from __future__ import annotations

from pensionportal.core.env import whole_number

_MB = 1024 * 1024


def max_report_file_size() -> int:
    """Largest report file staff may publish through the page, in bytes (default 50 MB)."""
    return whole_number("PORTAL_REPORTS_MAX_FILE_MB", 50) * _MB
