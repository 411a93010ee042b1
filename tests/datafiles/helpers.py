"""Builders for test files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence

from pensionportal.datafiles import (
    SPECS,
    InMemoryRegistry,
    MemberFacts,
    ParsedFile,
    Problem,
    Unreadable,
    ValidationContext,
    read,
    validate,
)

PAY_HEADER = {
    "Pay Cycle": "bi-weekly",
    "Pay Date": "2024-01-12",
    "Pay Period Start Date": "2023-12-24",
    "Pay Period End Date": "2024-01-06",
    "Payment Reference Number": "EFT-1",
    "Remittance Amount": "180.00",
}
PAY_ROW = {
    "Employee ID": "C000002",
    "Last Name": "ALASTNAME",
    "First Name": "ALEX",
    "Contribution Type": "N",
    "Service Type": "REG",
    "Pensionable Hours": "75.00",
    "Pensionable Pay": "3000.00",
    "Employee Regular Contribution": "90.00",
    "Employer Regular Contribution": "90.00",
}
HIRED = dt.date(2019, 1, 1)


def csv_bytes(rows: Sequence[Sequence[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def table(rows: Sequence[Mapping[str, str]]) -> list[list[str]]:
    headings = list(rows[0])
    return [headings, *([row.get(h, "") for h in headings] for row in rows)]


def pay_csv(
    rows: Sequence[Mapping[str, str]] = (PAY_ROW,), header: Mapping[str, str] | None = None
) -> bytes:
    head = {**PAY_HEADER, **(header or {})}
    return csv_bytes([list(head), list(head.values()), [], *table(rows)])


def template_csv(code: str, **values: str) -> bytes:
    """The template's sample row, with some values replaced (by field key)."""
    spec = SPECS[code]
    row = {f.label: values.get(f.key, f.sample) for f in spec.fields}
    if spec.has_header:
        head = {f.label: values.get("header_" + f.key, f.sample) for f in spec.header_fields}
        return csv_bytes([list(head), list(head.values()), [], *table([row])])
    return csv_bytes(table([row]))


def registry(*ids: str, **facts: MemberFacts) -> InMemoryRegistry:
    known = {i: MemberFacts(hire_date=HIRED, membership_date=HIRED) for i in ids}
    known.update(facts)
    return InMemoryRegistry(facts=known)


def parse(data: bytes, filename: str = "file.csv", template: str | None = None) -> ParsedFile:
    parsed = read(data, filename, template)
    assert isinstance(parsed, ParsedFile), parsed
    return parsed


def check(
    data: bytes,
    reg: InMemoryRegistry | None = None,
    filename: str = "file.csv",
    context: ValidationContext | None = None,
) -> list[Problem]:
    parsed = read(data, filename)
    if isinstance(parsed, Unreadable):
        return list(parsed.problems)
    return validate(parsed, reg if reg is not None else registry("C000002"), context)


def rules_of(problems: Sequence[Problem]) -> list[str]:
    return [p.rule for p in problems]
