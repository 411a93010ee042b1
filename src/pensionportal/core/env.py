"""Reading a whole-number setting from the environment: the default when the variable is
unset, not a whole number, or outside the range the setting allows (a typo never stops the
portal or turns a limit off)."""

from __future__ import annotations

import os


def whole_number(name: str, default: int, *, low: int = 1, high: int | None = None) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        return default
    if value < low or (high is not None and value > high):
        return default
    return value
