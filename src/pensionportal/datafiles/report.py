"""The problem report, CSV and XLSX: every problem with its row, column, value, rule and
message, beside the original row as given. Every cell goes through :func:`safe_text`
(no formula ever runs when the report is opened); SINs are masked.

CSV: one line per problem - Row, Severity, Column, Value, Rule, Message - followed by the
original row's cells under the file's own headings. XLSX: the same on a "Problems" sheet,
and a "File" sheet with every original row, a Problems column, and the cells at fault
filled red (error) or yellow (warning).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pensionportal.datafiles import layout, sin
from pensionportal.datafiles.escaping import safe_text, safe_xml_text
from pensionportal.datafiles.model import ParsedFile, Row, Unreadable
from pensionportal.datafiles.problems import Problem, Severity

# openpyxl is imported when a report is written, not with the intake that imports this
# module: some 20 MB a worker process that checks files and never writes a workbook.
if TYPE_CHECKING:
    # openpyxl on first use: see the note at the top
    from openpyxl.worksheet.worksheet import Worksheet

PROBLEM_HEADINGS = ("Row", "Severity", "Column", "Value", "Rule", "Message")
ERROR_COLOUR = "FFC7CE"
WARNING_COLOUR = "FFEB9C"


def _sensitive_positions(parsed: ParsedFile) -> set[int]:
    columns = layout.match_columns(parsed.columns, layout.lookup(parsed.template))
    return {i for i, field in enumerate(columns.fields) if field is not None and field.sensitive}


def _original(parsed: ParsedFile | Unreadable | None) -> tuple[list[str], dict[int, Row]]:
    if not isinstance(parsed, ParsedFile):
        return [], {}
    return list(parsed.columns), {row.number: row for row in parsed.rows}


def _masked(row: Row, sensitive: set[int]) -> list[str]:
    return [sin.mask(cell) if i in sensitive and cell else cell for i, cell in enumerate(row.raw)]


def _problem_cells(problem: Problem) -> list[object]:
    return [
        "" if problem.row is None else problem.row,
        problem.severity.value,
        problem.column or "",
        problem.value,
        problem.rule,
        problem.message,
    ]


def _lines(
    parsed: ParsedFile | Unreadable | None, problems: Sequence[Problem]
) -> tuple[list[str], list[list[object]]]:
    headings, rows = _original(parsed)
    sensitive = _sensitive_positions(parsed) if isinstance(parsed, ParsedFile) else set()
    lines: list[list[object]] = []
    for problem in problems:
        original: list[str] = []
        if problem.row is not None and problem.row in rows:
            original = _masked(rows[problem.row], sensitive)
        lines.append([*_problem_cells(problem), *original])
    return [*PROBLEM_HEADINGS, *headings], lines


def problems_csv(parsed: ParsedFile | Unreadable | None, problems: Sequence[Problem]) -> bytes:
    """The report as UTF-8 CSV with a byte-order mark (Excel opens it with accents intact)."""
    headings, lines = _lines(parsed, problems)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in headings])
    for line in lines:
        writer.writerow([c if isinstance(c, int) else safe_text(c) for c in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _put(sheet: Worksheet, row: int, column: int, value: object) -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, int):
        cell.value = value
    else:
        cell.value = safe_xml_text(value)
        cell.data_type = "s"  # never a formula, whatever the text


def problems_xlsx(parsed: ParsedFile | Unreadable | None, problems: Sequence[Problem]) -> bytes:
    """The report as an XLSX workbook: "Problems" and (for a readable file) "File"."""
    # openpyxl on first use: see the note at the top
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.worksheet import Worksheet

    error_fill = PatternFill("solid", fgColor=ERROR_COLOUR)
    warning_fill = PatternFill("solid", fgColor=WARNING_COLOUR)
    headings, lines = _lines(parsed, problems)
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Problems"
    for column, heading in enumerate(headings, start=1):
        _put(sheet, 1, column, heading)
        sheet.cell(row=1, column=column).font = Font(bold=True)
    for row_index, line in enumerate(lines, start=2):
        for column, value in enumerate(line, start=1):
            _put(sheet, row_index, column, value)
        fill = error_fill if line[1] == Severity.ERROR.value else warning_fill
        sheet.cell(row=row_index, column=2).fill = fill
    for letter, width in zip("ABCDEF", (6, 9, 28, 20, 26, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    if isinstance(parsed, ParsedFile):
        _file_sheet(workbook.create_sheet("File"), parsed, problems)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _file_sheet(sheet: Worksheet, parsed: ParsedFile, problems: Sequence[Problem]) -> None:
    # openpyxl on first use: see the note at the top
    from openpyxl.styles import Font, PatternFill

    error_fill = PatternFill("solid", fgColor=ERROR_COLOUR)
    warning_fill = PatternFill("solid", fgColor=WARNING_COLOUR)
    by_row: dict[int, list[Problem]] = {}
    for problem in problems:
        if problem.row is not None:
            by_row.setdefault(problem.row, []).append(problem)
    sensitive = _sensitive_positions(parsed)
    position = {label: i for i, label in enumerate(parsed.columns)}
    headings = ["Row", "Problems", *parsed.columns]
    for column, heading in enumerate(headings, start=1):
        _put(sheet, 1, column, heading)
        sheet.cell(row=1, column=column).font = Font(bold=True)
    for index, row in enumerate(parsed.rows, start=2):
        found = by_row.get(row.number, [])
        _put(sheet, index, 1, row.number)
        _put(sheet, index, 2, "; ".join(p.message for p in found))
        for column, value in enumerate(_masked(row, sensitive), start=3):
            _put(sheet, index, column, value)
        for problem in found:
            at = position.get(problem.column or "")
            if at is not None:
                fill = error_fill if problem.is_error else warning_fill
                sheet.cell(row=index, column=at + 3).fill = fill
