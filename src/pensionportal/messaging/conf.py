"""Messaging settings, read from the environment with safe defaults (docs/messaging.md).

A Django setting of the same name wins over the environment (tests use that).
"""

from __future__ import annotations

from django.conf import settings

from pensionportal.core.env import whole_number

MB = 1024 * 1024


def max_attachment_bytes() -> int:
    """Issue 4, "Attachments": 25 MB a file by default."""
    configured = getattr(settings, "MESSAGING_MAX_ATTACHMENT_BYTES", None)
    if configured:
        return int(configured)
    return whole_number("PORTAL_MESSAGING_MAX_ATTACHMENT_MB", 25) * MB


def max_attachments_per_message() -> int:
    configured = getattr(settings, "MESSAGING_MAX_ATTACHMENTS", None)
    if configured:
        return int(configured)
    return whole_number("PORTAL_MESSAGING_MAX_ATTACHMENTS", 10)


PAGE_SIZE = 25
SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20_000
