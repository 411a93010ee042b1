"""The report "Missed mandatory contributions" (PDF, CSV, XLSX) and the member letters (PDF).

Seeds: secure-employer-portal.txt ("Missed mandatory contributions details periods where
mandatory member contributions were missed"); reporting-pension-data.txt "Procedures" 1
(the 90 days, the letter to the member, the 45 days, closing without credit). PDFs through
the product's one PDF writer (Unicode font, wrapping cells); XLSX cells typed; CSV values
machine-readable (ISO dates, amounts without a currency sign), text through `safe_text`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.core.issuer import issuer
from pensionportal.datafiles.escaping import safe_text
from pensionportal.presentation import formatting as fmt
from pensionportal.presentation.pdf import Column, Document
from pensionportal.presentation.spreadsheet import (
    DATE,
    MONEY,
    TEXT,
    append_typed,
    captioned_sheet,
)
from pensionportal.rules import parameters

HEADINGS = (
    "Case",
    "Employee ID",
    "Last Name",
    "First Name",
    "Pay Period Start",
    "Pay Period End",
    "Pay Date",
    "Cause",
    "Member Contributions Owed",
    "Employer Contributions Owed",
    "Interest",
    "Total Owed",
    "Interest To",
    "Employer Deadline",
    "Stage",
    "Note",
)


@dataclass(frozen=True)
class ReportLine:
    case: str
    employee_id: str
    last_name: str
    first_name: str
    period_start: dt.date
    period_end: dt.date
    pay_date: dt.date
    cause: str
    member_owed: Decimal
    employer_owed: Decimal
    interest: Decimal
    interest_to: dt.date | None
    deadline: dt.date | None
    stage: str
    note: str

    @property
    def total(self) -> Decimal:
        return self.member_owed + self.employer_owed + self.interest

    def cells(self) -> list[object]:
        return [
            self.case,
            self.employee_id,
            self.last_name,
            self.first_name,
            self.period_start,
            self.period_end,
            self.pay_date,
            self.cause,
            self.member_owed,
            self.employer_owed,
            self.interest,
            self.total,
            self.interest_to,
            self.deadline,
            self.stage,
            self.note,
        ]


KINDS = (
    TEXT,
    TEXT,
    TEXT,
    TEXT,
    DATE,
    DATE,
    DATE,
    TEXT,
    MONEY,
    MONEY,
    MONEY,
    MONEY,
    DATE,
    DATE,
    TEXT,
    TEXT,
)
TITLE = "Missed mandatory contributions"

NOTE = (
    "The employer remits both the member and the employer share of missed mandatory "
    "contributions, with interest, through the pay-cycle data file (contribution type R or "
    "A, with the pay period missed) or as OPTrust directs; OPTrust cannot accept payment from "
    "the member. If the contributions are not remitted by the employer deadline, interest is "
    "recalculated and OPTrust writes to the member."
)


def _csv_cell(value: object) -> str:
    if isinstance(value, Decimal):
        return fmt.money_plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text("" if value is None else str(value))


def report_csv(lines: Sequence[ReportLine]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for line in lines:
        writer.writerow([_csv_cell(cell) for cell in line.cells()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(organization: str, pay_date: dt.date, lines: Sequence[ReportLine]) -> bytes:
    workbook, sheet = captioned_sheet(
        "Missed contributions",
        f"{TITLE}: {organization}, pay cycle of {pay_date.isoformat()}",
        HEADINGS,
    )
    for line in lines:
        append_typed(sheet, line.cells(), KINDS)
    for column, width in zip(
        "ABCDEFGHIJKLMNOP",
        (11, 12, 16, 14, 12, 12, 12, 48, 14, 14, 11, 12, 12, 12, 18, 40),
        strict=True,
    ):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    sheet.append([])
    sheet.append([safe_text(NOTE)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


REPORT_COLUMNS = (
    Column("Case", 1.75),
    Column("Employee", 1.45),
    Column("Name", 1.9),
    Column("Pay period", 2.2),
    Column("Pay date", 1.15),
    Column("Cause", 3.9),
    Column("Member", 1.2, align="R"),
    Column("Employer", 1.2, align="R"),
    Column("Interest", 1.1, align="R"),
    Column("Total", 1.2, align="R"),
    Column("Employer deadline", 1.25),
)


def report_pdf(organization: str, pay_date: dt.date, lines: Sequence[ReportLine]) -> bytes:
    who = issuer()
    doc = Document(
        f"{TITLE}: {organization}",
        author=who.name,
        landscape=True,
        footer=f"{TITLE} · {organization} · pay cycle of {pay_date.isoformat()}",
    )
    doc.title(TITLE)
    total = sum((line.total for line in lines), Decimal("0.00"))
    doc.facts(
        [
            ("Employer", organization),
            ("Pay cycle", f"pay date {pay_date.isoformat()}"),
            ("Periods outstanding", str(len(lines))),
            ("Total owed", fmt.money(total)),
            ("From", f"{who.name}{' · ' + who.contact() if who.contact() else ''}"),
        ],
        label_width=45,
    )
    doc.table(
        REPORT_COLUMNS,
        [
            [
                line.case,
                line.employee_id,
                f"{line.last_name}, {line.first_name}",
                fmt.period(line.period_start, line.period_end),
                fmt.iso_date(line.pay_date),
                line.cause,
                fmt.money(line.member_owed),
                fmt.money(line.employer_owed),
                fmt.money(line.interest),
                fmt.money(line.total),
                fmt.iso_date(line.deadline),
            ]
            for line in lines
        ],
        size=7.5,
        total=["Total", "", "", "", "", "", "", "", "", fmt.money(total), ""],
    )
    notes = [f"{line.case} {line.employee_id}: {line.note}" for line in lines if line.note]
    if notes:
        doc.heading("Notes", size=10)
        for note in notes:
            doc.paragraph(note, size=8)
    doc.paragraph(NOTE, size=8.5)
    return doc.output()


@dataclass(frozen=True)
class LetterPeriod:
    period_start: dt.date
    period_end: dt.date
    cause: str
    amount: Decimal


def member_letter_pdf(
    *,
    member_name: str,
    address: Sequence[str],
    employer: str,
    case_number: str,
    letter_date: dt.date,
    due_date: dt.date | None,
    periods: Sequence[LetterPeriod],
    closing: bool,
) -> bytes:
    """The letter to the member: a request for payment within 45 days, or the notice that
    the case is closed and no credit is allocated (reporting-pension-data.txt 'Procedures')."""
    who = issuer()
    doc = Document(f"{TITLE} {case_number}", author=who.name, footer=f"Reference {case_number}")
    doc.lines([who.name, *who.address, who.contact()], bold_first=True)
    doc.space(4)
    doc.lines([fmt.iso_date(letter_date)])
    doc.space(4)
    doc.lines([member_name, *address])
    doc.space(4)
    doc.title(
        f"{TITLE}: case closed without credit" if closing else f"{TITLE}: request for payment",
        size=13,
    )
    doc.facts([("Reference", case_number), ("Employer", employer)], label_width=30)
    total = sum((p.amount for p in periods), Decimal("0.00"))
    member_days = parameters.load("missed_mandatory_member_days").int_at(letter_date)
    employer_days = parameters.load("missed_mandatory_employer_days").int_at(letter_date)
    if closing:
        body = (
            "We wrote to you about mandatory pension contributions that were not remitted for "
            f"the periods listed below. The payment was not received within {member_days} days. "
            "We have closed the case: you will not be allocated pension credit for these "
            "periods."
        )
    else:
        body = (
            "Mandatory pension contributions were not remitted to the Plan for the periods "
            f"listed below, and your employer did not remit them within the {employer_days} days "
            "allowed. "
            f"Please arrange payment of {fmt.money(total)} to the Plan by "
            f"{fmt.iso_date(due_date)} ({member_days} days from this letter). If the "
            "payment is not received by then, the case will be closed and you will not be "
            "allocated pension credit for these periods."
        )
    doc.paragraph(body, size=10)
    doc.table(
        (Column("Pay period", 2.2), Column("Cause", 5), Column("Amount", 1.3, align="R")),
        [[fmt.period(p.period_start, p.period_end), p.cause, fmt.money(p.amount)] for p in periods],
        size=9,
        total=["Total", "", fmt.money(total)],
    )
    if who.contact():
        doc.paragraph(f"Questions: {who.contact()}, quoting {case_number}.")
    return doc.output()
