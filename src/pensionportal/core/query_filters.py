"""List filters read from a query string: every value is checked, a bad one is ignored and
named in a message a clerk understands ("Pay date from: “2026-02-30” is not a date …"),
never a server error (issue 15, item 4).

    found = QueryFilters(request.GET)
    day = found.date("pay_from", "Pay date from")
    status = found.choice("status", "Status", Status.choices)
    ... render(..., {"errors": found.errors})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

DATE_HINT = "Use YYYY-MM-DD, e.g. 2026-11-06."


class QueryFilters:
    def __init__(self, params: Mapping[str, str]) -> None:
        self.params = params
        self.errors: list[str] = []

    def text(self, name: str) -> str:
        return (self.params.get(name) or "").strip()

    def date(self, name: str, label: str) -> dt.date | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            if len(raw) != 10:
                raise ValueError(raw)
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.errors.append(f"{label}: “{raw}” is not a date. {DATE_HINT}")
            return None

    def date_range(
        self, start: str, end: str, start_label: str, end_label: str
    ) -> tuple[dt.date | None, dt.date | None]:
        first, last = self.date(start, start_label), self.date(end, end_label)
        if first is not None and last is not None and first > last:
            self.errors.append(
                f"{start_label} ({first.isoformat()}) is after {end_label.lower()} "
                f"({last.isoformat()}): nothing can match."
            )
        return first, last

    def choice(self, name: str, label: str, choices: Iterable[tuple[str, str]]) -> str:
        raw = self.text(name)
        if not raw:
            return ""
        options = dict(choices)
        if raw in options:
            return raw
        allowed = ", ".join(f"{text} ({value})" for value, text in options.items())
        self.errors.append(f"{label}: “{raw}” is not one of the choices: {allowed}.")
        return ""

    def ident(self, name: str, label: str, allowed: Iterable[int] | None = None) -> int | None:
        """An id from a drop-down (an organization): digits, and one the user may choose."""
        raw = self.text(name)
        if not raw:
            return None
        if raw.isdigit() and (allowed is None or int(raw) in set(allowed)):
            return int(raw)
        self.errors.append(f"{label}: “{raw}” is not one of the choices; showing all.")
        return None
