"""Missed mandatory contributions settings, read from the environment with safe defaults
(docs/missed.md)."""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation

DEFAULT_SHORT_TOLERANCE = Decimal("0.05")
DEFAULT_MINIMUM_SHORTFALL = Decimal("1.00")


def _decimal(name: str, default: Decimal, low: Decimal, high: Decimal) -> Decimal:
    raw = os.environ.get(name, "").strip()
    try:
        value = Decimal(raw) if raw else default
    except InvalidOperation:
        return default
    return value if value.is_finite() and low <= value <= high else default


def short_tolerance() -> Decimal:
    """A period is short when less than (1 - this) of the expected contributions arrived
    (PORTAL_MMC_SHORT_TOLERANCE, a fraction; default 0.05 covers payrolls that divide the
    annual salary by 26 or 27 rather than the plan's 365.25/14)."""
    return _decimal(
        "PORTAL_MMC_SHORT_TOLERANCE", DEFAULT_SHORT_TOLERANCE, Decimal(0), Decimal("0.5")
    )


def minimum_shortfall() -> Decimal:
    """Smallest shortfall, in dollars, reported for a period (PORTAL_MMC_MINIMUM_SHORTFALL)."""
    return _decimal(
        "PORTAL_MMC_MINIMUM_SHORTFALL", DEFAULT_MINIMUM_SHORTFALL, Decimal(0), Decimal(1000)
    )
