"""Writes docs/datafiles.md from the specs: ``python -m pensionportal.datafiles.docs``.

Everything above the marker line is hand-written and kept as it is; everything below is
generated. ``--check`` exits 1 when the file is not current (a test does the same).
"""

from __future__ import annotations

import sys
from pathlib import Path

from pensionportal.datafiles import limits
from pensionportal.datafiles.fields import Field, Kind, TemplateSpec
from pensionportal.datafiles.problems import RULES
from pensionportal.datafiles.specs import SPECS

MARKER = "<!-- Generated below by `python -m pensionportal.datafiles.docs`; do not edit. -->"
DEFAULT_PATH = Path(__file__).resolve().parents[3] / "docs" / "datafiles.md"

FORMATS = {
    Kind.TEXT: "text",
    Kind.EMPLOYEE_ID: "letters, digits, . _ / - (no spaces)",
    Kind.CODE: "code",
    Kind.DATE: "date: YYYY-MM-DD, D-Mon-YYYY or an Excel date",
    Kind.MONEY: "amount, at most 2 decimals",
    Kind.WHOLE_DOLLARS: "whole dollars",
    Kind.HOURS: "hours, at most 2 decimals",
    Kind.RATIO: "number, at most 4 decimals",
    Kind.YEAR: "four-digit year",
    Kind.SIN: "9 digits, valid check digit",
    Kind.EMAIL: "e-mail address",
    Kind.PHONE: "10 digits",
    Kind.PHONE_EXTENSION: "1-6 digits",
    Kind.POSTAL_CODE: "A9A9A9 (Canada)",
    Kind.PROVINCE: "2 letters",
    Kind.COUNTRY: "3 letters",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _requirement(field: Field, spec: TemplateSpec) -> str:
    if field.required_when is not None:
        return "conditional: mandatory when " + field.required_when.describe(spec.label)
    return field.requirement


def _format(field: Field) -> str:
    parts = [FORMATS[field.kind]]
    if field.choices:
        parts = [", ".join(f"`{c.code}` {c.meaning}" for c in field.choices)]
    if field.max_length:
        parts.append(f"max {field.max_length} characters")
    if field.minimum is not None or field.maximum is not None:
        low = (
            ""
            if field.minimum is None
            else (f"> {field.minimum}" if field.minimum_exclusive else f">= {field.minimum}")
        )
        high = "" if field.maximum is None else f"<= {field.maximum}"
        parts.append(" and ".join(p for p in (low, high) if p))
    return "; ".join(parts)


def _table(fields: tuple[Field, ...], spec: TemplateSpec) -> list[str]:
    lines = [
        "| Column | Key | Requirement | Format and valid entries | Description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for field in fields:
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    field.label,
                    f"`{field.key}`",
                    _requirement(field, spec),
                    _format(field),
                    field.description + (f" (sample: `{field.sample}`)" if field.sample else ""),
                )
            )
            + " |"
        )
    return lines


def generated() -> str:
    lines = ["", MARKER, "", "## Templates", ""]
    for spec in SPECS.values():
        lines += [f"### {spec.code} - {spec.title}", "", spec.description, ""]
        lines.append(f"Source: {spec.source}. One row per {spec.one_row_per}.")
        if not spec.online_transmission:
            lines.append(
                "The manual sends this file through the contact form, not the data "
                "transmission site; the portal reads it all the same."
            )
        lines.append("")
        if spec.has_header:
            lines += ["Header table (first heading row, then one row of values):", ""]
            lines += _table(spec.header_fields, spec)
            lines += ["", "Detail table (after the header; its heading row holds Employee ID):", ""]
        lines += _table(spec.fields, spec)
        extra = []
        for pair in spec.pairs:
            extra.append(
                f"{spec.label(pair.type_key)} and {spec.label(pair.value_key)}: both or neither."
            )
        for order in spec.date_orders:
            extra.append(f"{spec.label(order.earlier)} on or before {spec.label(order.later)}.")
        for group in spec.address_groups:
            extra.append(
                "Address: all or nothing ("
                + ", ".join(spec.label(k) for k in group.field_keys())
                + "); "
                "province and postal code checked as Canadian when the country is CAN or blank."
            )
        if len(spec.unique_key) and not spec.has_header:
            extra.append(
                "No two rows with the same "
                + ", ".join(spec.label(k) for k in spec.unique_key)
                + "."
            )
        extra += list(spec.notes)
        if extra:
            lines += ["", *(f"- {_cell(e)}" for e in extra)]
        lines.append("")
    lines += ["## Rules", "", "| Rule | Severity | Checks | Source |", "| --- | --- | --- | --- |"]
    for code, rule in RULES.items():
        lines.append(
            f"| `{code}` | {rule.severity.value} | {_cell(rule.summary)} | {_cell(rule.source)} |"
        )
    lines += ["", "## Limits", "", "| Limit | Value |", "| --- | --- |"]
    for name in (
        "MAX_FILE_BYTES",
        "MAX_ROWS",
        "MAX_COLUMNS",
        "MAX_ZIP_ENTRIES",
        "MAX_XLSX_UNCOMPRESSED_BYTES",
        "MAX_COMPRESSION_RATIO",
    ):
        lines.append(f"| `{name}` | {getattr(limits, name):,} |")
    return "\n".join(lines) + "\n"


def render(current: str) -> str:
    """The whole document: the hand-written part of ``current`` plus the generated part."""
    head = current.split(MARKER, 1)[0].rstrip("\n") if MARKER in current else current.rstrip("\n")
    return head + "\n" + generated()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    path = Path(paths[0]) if paths else DEFAULT_PATH
    current = path.read_text(encoding="utf-8") if path.exists() else "# Pension data files\n"
    wanted = render(current)
    if check:
        if wanted != current:
            print(f"{path} is not current: run python -m pensionportal.datafiles.docs")
            return 1
        return 0
    path.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
