"""The problem report of a submission, as CSV and XLSX, with the original rows.

Spreadsheet formulas are never exported live: a cell that starts with = + - @ or a tab or
carriage return is prefixed with a single quote (OWASP "CSV injection"), in both formats.
A SIN in the original rows is masked, as everywhere else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from openpyxl import Workbook

from pensionportal.datafiles.model import ParsedFile

from .models import Submission

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADINGS = ["Row", "Column", "Value as given", "Severity", "Rule", "Problem"]


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _original_rows(submission: Submission) -> tuple[list[str], dict[int, list[str]]]:
    from .pipeline import read_submission

    parsed = read_submission(submission)
    if not isinstance(parsed, ParsedFile):
        return [], {}
    sin_positions = {i for i, f in enumerate(parsed.template.fields) if f.sensitive}
    labels = list(parsed.columns)
    sensitive_labels = {parsed.template.fields[i].label for i in sin_positions}
    masked = {i for i, label in enumerate(labels) if label in sensitive_labels}
    rows: dict[int, list[str]] = {}
    for number, raw in zip(parsed.rows.numbers, parsed.rows.raw, strict=True):
        rows[number] = [
            ("***" + str(cell)[-3:] if i in masked and cell else str(cell))
            for i, cell in enumerate(raw)
        ]
    return labels, rows


def _lines(submission: Submission) -> Iterator[list[str]]:
    labels, rows = _original_rows(submission)
    yield [*HEADINGS, *(f"Original: {label}" for label in labels)]
    for problem in submission.problems.all().order_by("row", "id"):
        original: Sequence[str] = rows.get(problem.row, []) if problem.row is not None else []
        yield [
            safe_cell(x)
            for x in (
                "" if problem.row is None else problem.row,
                problem.column,
                problem.value,
                problem.get_severity_display(),
                problem.rule,
                problem.message,
                *original,
            )
        ]


def problem_report_csv(submission: Submission) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in _lines(submission):
        writer.writerow(line)
    return out.getvalue().encode("utf-8-sig")


def problem_report_xlsx(submission: Submission) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Problems")
    for line in _lines(submission):
        # Strings are written as text cells: openpyxl would treat a leading "=" as a formula.
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
