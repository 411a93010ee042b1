from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from pensionportal.datafiles import ParsedFile, Unreadable, read, xlsx_template
from tests.datafiles.helpers import PAY_ROW, csv_bytes, parse, pay_csv, rules_of, table


def test_it_reads_a_pay_file_with_header_and_detail_tables() -> None:
    parsed = parse(pay_csv())
    assert parsed.code == "PAY"
    assert parsed.header is not None
    assert parsed.header.values["remittance_amount"] == Decimal("180.00")
    assert parsed.header.values["pay_cycle"] == "bi-weekly"
    [row] = parsed.rows
    assert row.number == 5  # header heading 1, values 2, blank 3, detail heading 4
    assert row.values["employee_regular"] == Decimal("90.00")
    assert row.raw[0] == "C000002"
    assert parsed.problems == ()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_it_reads_csv_in_the_encodings_excel_saves(encoding: str) -> None:
    data = csv_bytes(
        table(
            [
                {
                    "Employee ID": "C1",
                    "Last Name": "Lévesque",
                    "Termination Date": "2024-03-31",
                    "Termination Reason": "TER",
                }
            ]
        ),
        encoding,
    )
    parsed = parse(data)
    assert parsed.code == "TER"
    assert parsed.rows[0].values["last_name"] == "Lévesque"


def test_it_reports_bytes_that_are_no_known_encoding() -> None:
    # 0x81 is undefined in Windows-1252 and invalid UTF-8.
    result = read(b"Employee ID,Year,Amount\r\nC1,2023,\x81\r\n", "pa.csv")
    assert isinstance(result, Unreadable)
    assert rules_of(result.problems) == ["file.encoding"]


def test_it_reads_semicolon_separated_csv() -> None:
    parsed = parse(b"Employee ID;Year;Amount\r\nC1;2023;1257\r\n")
    assert parsed.code == "PA"
    assert parsed.rows[0].values["amount"] == 1257


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2011-08-04", dt.date(2011, 8, 4)),
        ("4-Aug-2011", dt.date(2011, 8, 4)),
        ("04-AUG-2011", dt.date(2011, 8, 4)),
        ("4 August 2011", dt.date(2011, 8, 4)),
    ],
)
def test_it_reads_iso_and_day_month_year_dates(text: str, expected: dt.date) -> None:
    parsed = parse(csv_bytes(table([{"Employee ID": "C1", "Leave End Date": text}])))
    assert parsed.rows[0].values["leave_end"] == expected


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("04/08/2011", "date.ambiguous"),
        ("8/4/2011", "date.ambiguous"),
        ("13/08/2011", "date.format"),
        ("2011/08/04", "date.format"),
        ("2023-02-30", "date.invalid"),
        ("4-Xyz-2011", "date.format"),
        ("1850-01-01", "date.invalid"),
    ],
)
def test_it_never_guesses_an_unclear_date(text: str, rule: str) -> None:
    parsed = parse(csv_bytes(table([{"Employee ID": "C1", "Leave End Date": text}])))
    assert rules_of(parsed.problems) == [rule]
    assert parsed.problems[0].value == text
    assert parsed.problems[0].row == 2
    assert parsed.rows[0].values["leave_end"] is None


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_it_reads_real_excel_dates_and_numbers_from_xlsx() -> None:
    data = _xlsx(
        [
            [
                "Employee ID",
                "Last Name",
                "Hire Date",
                "Plan Membership Date",
                "Year",
                "Hours Worked",
                "Standard Hours (Full-Time Weekly)",
                "Annual Pensionable Pay",
            ],
            [
                "C000002",
                "ALASTNAME",
                dt.date(2011, 8, 4),
                dt.datetime(2019, 1, 1),
                2012,
                2080,
                40,
                42931.8,
            ],
        ]
    )
    parsed = parse(data, "prior.xlsx")
    assert parsed.code == "PRIORSVC"
    values = parsed.rows[0].values
    assert values["hire_date"] == dt.date(2011, 8, 4)
    assert values["membership_date"] == dt.date(2019, 1, 1)
    assert values["year"] == 2012
    assert values["annual_pay"] == Decimal("42931.8")
    assert parsed.rows[0].raw[2] == "2011-08-04"
    assert parsed.problems == ()


def test_it_refuses_an_excel_date_serial_typed_as_a_number() -> None:
    data = _xlsx([["Employee ID", "Leave End Date"], ["C1", 40759]])
    parsed = parse(data, "rtw.xlsx")
    assert rules_of(parsed.problems) == ["date.format"]


def test_it_refuses_old_xls_files() -> None:
    result = read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls")
    assert isinstance(result, Unreadable)
    assert "xlsx" in result.problems[0].message


def test_it_reports_an_empty_file() -> None:
    for data in (b"", b"\r\n , ,\r\n"):
        result = read(data, "x.csv")
        assert isinstance(result, Unreadable)
        assert rules_of(result.problems) == ["file.empty"]


def test_it_reports_headings_that_match_no_template() -> None:
    result = read(b"Name,Salary\r\nBob,1\r\n", "x.csv")
    assert isinstance(result, Unreadable)
    assert rules_of(result.problems) == ["file.template_unknown"]
    assert result.problems[0].row == 1


def test_it_uses_the_file_name_when_headings_fit_several_templates() -> None:
    data = b"Employee ID,Last Name\r\nC1,Smith\r\n"
    ambiguous = read(data, "upload.csv")
    assert isinstance(ambiguous, Unreadable)
    assert "PERCHG" in ambiguous.problems[0].message
    assert parse(data, "acme_OPTN_2024.csv").code == "OPTN"
    assert parse(data, "x.csv", template="PERCHG").code == "PERCHG"


def test_it_matches_headings_ignoring_case_spaces_and_keys() -> None:
    parsed = parse(b"employee_id,YEAR, amount \r\nC1,2023,10\r\n")
    assert parsed.code == "PA"
    assert parsed.problems == ()


def test_it_reports_missing_unknown_and_duplicate_columns() -> None:
    parsed = parse(b"Employee ID,Year,Amount,Amount,Colour\r\nC1,2023,10,11,red\r\n", "PA.csv")
    assert sorted(rules_of(parsed.problems)) == ["column.duplicate", "column.unknown"]
    parsed = parse(b"Employee ID,Year,Last Name\r\nC1,2023,X\r\n", "PA.csv")
    assert rules_of(parsed.problems) == ["column.missing"]


def test_it_reports_values_beyond_the_last_heading() -> None:
    parsed = parse(b"Employee ID,Year,Amount\r\nC1,2023,10,oops\r\n")
    assert rules_of(parsed.problems) == ["row.extra_cells"]


def test_it_requires_exactly_one_pay_header_row() -> None:
    data = pay_csv()
    lines = data.split(b"\r\n")
    two_headers = b"\r\n".join([lines[0], lines[1], lines[1], *lines[2:]])
    assert "pay.header_rows" in rules_of(parse(two_headers).problems)
    detail_only = csv_bytes(table([PAY_ROW]))
    assert "pay.header_rows" in rules_of(parse(detail_only).problems)
    header_only = b"\r\n".join(lines[:2])
    assert rules_of(parse(header_only).problems) == ["pay.no_detail"]


def test_it_keeps_leading_zero_ids_from_the_xlsx_template() -> None:
    parsed = read(xlsx_template("PA"), "PA.xlsx")
    assert isinstance(parsed, ParsedFile)
    assert parsed.rows[0].values["employee_id"] == "C000002"
