"""Templates never write a rule's number of days, weeks, months or years: a page shows the
parameter's value in force (`{{ days }} business days`), so it cannot go stale when the
plan changes the rule (docs/architecture.md "Parameters")."""

from __future__ import annotations

import re

from .source import PACKAGE_DIR

DAY_COUNT = re.compile(
    r"\b\d+\s*(?:-\s*)?(?:business\s+|calendar\s+|working\s+)?(?:days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)


def day_counts(text: str) -> list[str]:
    return [match.group(0) for match in DAY_COUNT.finditer(text)]


def test_no_template_writes_a_day_count() -> None:
    found: list[str] = []
    for path in sorted(PACKAGE_DIR.rglob("templates/**/*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found.extend(
                f"{path.relative_to(PACKAGE_DIR)}:{number} {c!r}" for c in day_counts(line)
            )
    assert found == [], "Show the parameter's value instead:\n" + "\n".join(found)


def test_the_scan_sees_the_ways_a_count_is_written() -> None:
    assert day_counts("within 10 business days, 90 days, a 24-month window, 3 Years") == [
        "10 business days",
        "90 days",
        "24-month",
        "3 Years",
    ]
    assert day_counts("within {{ days }} business days of {{ due|isodate }}") == []
