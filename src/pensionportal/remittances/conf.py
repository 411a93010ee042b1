"""Remittances settings, read from the environment with safe defaults (docs/remittances.md)."""

from __future__ import annotations

import os

from pensionportal.core.env import whole_number

# Not a plan rule: how early the portal reminds (REMITTANCE_REMINDER_LEAD_DAYS).
DEFAULT_REMINDER_LEAD_DAYS = 2


def reminder_lead_days() -> int:
    """Days before a contribution or data due date that the reminder is e-mailed."""
    return whole_number("PORTAL_REMINDER_LEAD_DAYS", DEFAULT_REMINDER_LEAD_DAYS, low=0, high=60)


def max_bank_file_bytes() -> int:
    return 5 * 1024 * 1024


def plan_registration_number() -> str:
    """The plan's registration number with the regulator (FSRA), printed on the notices of
    contributions not paid when due. No default: the seeds do not give it."""
    return os.environ.get("PORTAL_PLAN_REGISTRATION_NUMBER", "").strip()[:20]
