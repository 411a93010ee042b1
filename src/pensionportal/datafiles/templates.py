"""Downloadable templates, CSV and XLSX, each with the headings and one sample row.

The PAY template holds the header table, a blank row, then the detail table (the layout the
reader expects). The XLSX template formats dates as dates, keeps IDs, postal codes and
phone numbers as text (so leading zeros survive), offers the valid entries of code columns
as a drop-down list, and lists the fields on a second sheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from pensionportal.datafiles.dates import parse_date_text
from pensionportal.datafiles.fields import Field, Kind, TemplateSpec
from pensionportal.datafiles.specs import SPECS

# openpyxl is imported when a workbook is written (see report.py).
if TYPE_CHECKING:
    # openpyxl on first use: see the note at the top
    from openpyxl.worksheet.worksheet import Worksheet

TEXT_KINDS = frozenset(
    (
        Kind.TEXT,
        Kind.EMPLOYEE_ID,
        Kind.SIN,
        Kind.PHONE,
        Kind.PHONE_EXTENSION,
        Kind.POSTAL_CODE,
        Kind.CODE,
        Kind.EMAIL,
        Kind.PROVINCE,
        Kind.COUNTRY,
    )
)


def _spec(name: str) -> TemplateSpec:
    try:
        return SPECS[name.upper()]
    except KeyError:
        raise ValueError(f"unknown template {name!r}; choose {', '.join(SPECS)}") from None


def csv_template(name: str) -> bytes:
    """The template as UTF-8 CSV (with a byte-order mark, so Excel shows accents)."""
    spec = _spec(name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if spec.has_header:
        writer.writerow([f.label for f in spec.header_fields])
        writer.writerow([f.sample for f in spec.header_fields])
        writer.writerow([])
    writer.writerow([f.label for f in spec.fields])
    writer.writerow([f.sample for f in spec.fields])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _typed_sample(field: Field) -> object:
    if not field.sample:
        return None
    if field.kind is Kind.DATE:
        return parse_date_text(field.sample)
    if field.kind in (Kind.MONEY, Kind.HOURS, Kind.RATIO):
        return float(Decimal(field.sample))
    if field.kind in (Kind.YEAR, Kind.WHOLE_DOLLARS):
        return int(field.sample)
    return field.sample


def _number_format(field: Field) -> str:
    if field.kind is Kind.DATE:
        return "yyyy-mm-dd"
    if field.kind in (Kind.MONEY, Kind.HOURS):
        return "0.00"
    if field.kind is Kind.RATIO:
        return "0.00##"
    if field.kind in (Kind.YEAR, Kind.WHOLE_DOLLARS):
        return "0"
    return "@"


def _write_table(sheet: Worksheet, first_row: int, fields: Sequence[Field], rows: int) -> None:
    # openpyxl on first use: see the note at the top
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    for column, field in enumerate(fields, start=1):
        heading = sheet.cell(row=first_row, column=column, value=field.label)
        heading.font = bold
        sample = sheet.cell(row=first_row + 1, column=column, value=_typed_sample(field))
        sample.number_format = _number_format(field)
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = max(12, min(40, len(field.label) + 2))
        if field.choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(field.choice_codes()) + '"',
                allow_blank=not field.required,
            )
            validation.error = f"Valid entries: {', '.join(field.choice_codes())}"
            validation.showErrorMessage = True
            sheet.add_data_validation(validation)
            validation.add(f"{letter}{first_row + 1}:{letter}{first_row + rows}")


def _fields_sheet(sheet: Worksheet, spec: TemplateSpec) -> None:
    # openpyxl on first use: see the note at the top
    from openpyxl.styles import Font

    sheet.append(["Table", "Column", "Requirement", "Type", "Valid entries", "Description"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    tables = (
        [("Header", spec.header_fields), ("Detail", spec.fields)]
        if spec.has_header
        else [("Detail", spec.fields)]
    )
    for table, fields in tables:
        for field in fields:
            requirement = field.requirement
            if field.required_when is not None:
                requirement += " - mandatory when " + field.required_when.describe(spec.label)
            sheet.append(
                [
                    table,
                    field.label,
                    requirement,
                    field.kind.value,
                    ", ".join(field.choice_codes()),
                    field.description,
                ]
            )
    for letter, width in zip("ABCDEF", (8, 40, 30, 14, 30, 90), strict=True):
        sheet.column_dimensions[letter].width = width


def xlsx_template(name: str) -> bytes:
    """The template as an XLSX workbook: the template sheet first, then "Fields"."""
    # openpyxl on first use: see the note at the top
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    spec = _spec(name)
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = spec.code
    detail_row = 1
    if spec.has_header:
        _write_table(sheet, 1, spec.header_fields, 1)
        detail_row = 4
    _write_table(sheet, detail_row, spec.fields, 1000)
    _fields_sheet(workbook.create_sheet("Fields"), spec)
    out = io.BytesIO()
    workbook.properties.created = dt.datetime(2024, 1, 1)
    workbook.save(out)
    return out.getvalue()
