"""Recognising a pension data file's template (issue 5 "Must do" 7).

Templates: select-employer-manual.txt Section 2 ("PAY", "ENROL", "TER", "PERCHG", "EMCHG",
"LOA", "RTW", "PRIORSVC", "OPTN", "PA"). A file is recognised by its header row when it has
one (the columns named in the manual's tables), otherwise by a template code standing alone
in its name (e.g. `PAY_2026-01-15.csv`, `acme-enrol-jan.xlsx`). Validation and loading are
the intake pipeline's job, not this module's.
"""

from __future__ import annotations

import csv
import io
import re

TEMPLATES = ("PAY", "ENROL", "TER", "PERCHG", "EMCHG", "LOA", "RTW", "PRIORSVC", "OPTN", "PA")

# Columns that only the template's table in Section 2 names together; checked in this order,
# the most specific first.
HEADER_SIGNATURES: list[tuple[str, frozenset[str]]] = [
    ("PAY", frozenset({"contribution type", "pensionable pay", "employee regular contribution"})),
    ("PAY", frozenset({"pay cycle", "pay date", "remittance amount"})),
    ("ENROL", frozenset({"sin", "date of birth", "plan membership date"})),
    ("PRIORSVC", frozenset({"year", "hours worked", "annual pensionable pay"})),
    ("OPTN", frozenset({"electronic consent", "hire date"})),
    ("OPTN", frozenset({"optional status end date"})),
    ("TER", frozenset({"termination date", "termination reason"})),
    ("EMCHG", frozenset({"effective date", "event type"})),
    ("LOA", frozenset({"leave type", "leave start date"})),
    ("RTW", frozenset({"leave end date"})),
    ("PERCHG", frozenset({"new sin"})),
    ("PA", frozenset({"employee id", "year", "amount"})),
]

_TOKEN = re.compile(r"[A-Za-z]+")


def _normalise(column: str) -> str:
    return " ".join(column.strip().strip('"').lower().split())


def template_from_header(head: bytes) -> str:
    """The template whose columns the first line names, or "" (binary or unknown files)."""
    if not head or b"\x00" in head[:1024]:
        return ""
    text = head.decode("utf-8-sig", errors="replace")
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max([",", "\t", ";", "|"], key=first_line.count)
    try:
        row = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
    except csv.Error:
        return ""
    columns = {_normalise(column) for column in row}
    for template, signature in HEADER_SIGNATURES:
        if signature <= columns:
            return template
    return ""


def template_from_name(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    for token in _TOKEN.findall(stem.upper()):
        if token in TEMPLATES:
            return str(token)
    return ""


def detect_template(name: str, head: bytes) -> str:
    """Header first (it says what the content is), then the name."""
    found: str = template_from_header(head) or template_from_name(name)
    return found
