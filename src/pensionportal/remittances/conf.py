"""Remittances settings, read from the environment with safe defaults (docs/remittances.md)."""

from __future__ import annotations

import os

# Not a plan rule: how early the portal reminds (REMITTANCE_REMINDER_LEAD_DAYS).
DEFAULT_REMINDER_LEAD_DAYS = 2


def reminder_lead_days() -> int:
    """Days before a contribution or data due date that the reminder is e-mailed."""
    raw = os.environ.get("PORTAL_REMINDER_LEAD_DAYS", "").strip()
    try:
        value = int(raw) if raw else DEFAULT_REMINDER_LEAD_DAYS
    except ValueError:
        value = DEFAULT_REMINDER_LEAD_DAYS
    return value if 0 <= value <= 60 else DEFAULT_REMINDER_LEAD_DAYS


def max_bank_file_bytes() -> int:
    return 5 * 1024 * 1024


def plan_registration_number() -> str:
    """The plan's registration number with the regulator (FSRA), printed on the notices of
    contributions not paid when due. No default: the seeds do not give it."""
    return os.environ.get("PORTAL_PLAN_REGISTRATION_NUMBER", "").strip()[:20]
