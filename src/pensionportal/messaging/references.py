"""Human-readable thread reference numbers (seed: "Each message has a unique reference
number assigned to the message thread").

Shape ``SM-XXXX-XXXX`` from an alphabet without look-alikes (no 0/O, 1/I/L), random so
that a reference reveals nothing about how many threads exist.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PATTERN = re.compile(r"^SM-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"SM-{chars[:4]}-{chars[4:]}"


def normalize(raw: str) -> str | None:
    """The reference in canonical form, or None if `raw` cannot be one."""
    value = raw.strip().upper()
    return value if PATTERN.match(value) else None
