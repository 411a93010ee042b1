from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from pensionportal.datafiles import Unreadable, problems_csv, problems_xlsx, read
from pensionportal.datafiles.escaping import safe_text
from tests.datafiles.helpers import PAY_ROW, check, parse, pay_csv, registry, template_csv

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("value", HOSTILE)
def test_it_escapes_formula_triggers(value: str) -> None:
    assert safe_text(value) == "'" + value


def test_it_leaves_ordinary_text_alone() -> None:
    assert safe_text("Smith") == "Smith"
    assert safe_text(None) == ""


def _hostile_file() -> bytes:
    rows = [{**PAY_ROW, "Last Name": value, "Contribution Type": value} for value in HOSTILE]
    return pay_csv(rows)


def test_the_csv_report_holds_problems_and_original_rows_escaped() -> None:
    data = _hostile_file()
    parsed = parse(data)
    report = problems_csv(parsed, check(data, registry("C000002")))
    assert report.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(report.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Row", "Severity", "Column", "Value", "Rule", "Message"]
    assert rows[0][6] == "Employee ID"
    cells = [cell for row in rows for cell in row]
    for value in HOSTILE:
        assert value not in cells
        assert "'" + value in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_the_xlsx_report_never_holds_a_formula() -> None:
    data = _hostile_file()
    parsed = parse(data)
    report = problems_xlsx(parsed, check(data, registry("C000002")))
    workbook = openpyxl.load_workbook(io.BytesIO(report))
    assert workbook.sheetnames == ["Problems", "File"]
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    problems = workbook["Problems"]
    found = list(problems.iter_rows(min_row=2, values_only=True))
    assert found[1][:3] == (5, "error", "Contribution Type")
    assert found[1][3] == "'" + HOSTILE[0]


def test_the_report_masks_sins() -> None:
    data = template_csv("ENROL", sin="130692545")
    parsed = parse(data)
    report = problems_csv(parsed, check(data, registry())).decode("utf-8-sig")
    assert "130692545" not in report
    assert "*** *** 545" in report


def test_a_report_for_an_unreadable_file_has_the_problems_only() -> None:
    result = read(b"Name,Salary\r\nBob,1\r\n", "x.csv")
    assert isinstance(result, Unreadable)
    report = problems_csv(result, result.problems).decode("utf-8-sig")
    assert "file.template_unknown" in report
    workbook = openpyxl.load_workbook(io.BytesIO(problems_xlsx(result, result.problems)))
    assert workbook.sheetnames == ["Problems"]


def test_control_characters_cannot_break_the_xlsx_report() -> None:
    data = pay_csv([{**PAY_ROW, "Contribution Type": "\x01\x02bad"}])
    parsed = parse(data)
    report = problems_xlsx(parsed, check(data, registry("C000002")))
    assert openpyxl.load_workbook(io.BytesIO(report))["Problems"]["A2"].value == 5
