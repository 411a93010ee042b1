"""Intake settings, from environment variables with safe defaults (see the README)."""

from __future__ import annotations

import os
from decimal import Decimal


def max_file_bytes() -> int:
    return int(os.environ.get("PORTAL_INTAKE_MAX_FILE_MB", "200")) * 1024 * 1024


def tolerance() -> Decimal:
    """Largest difference from the expected contribution without a warning (issue 6, 3)."""
    return Decimal(os.environ.get("PORTAL_INTAKE_TOLERANCE", "0.05"))
