"""The report "Missed mandatory contributions" (PDF, CSV, XLSX) and the member letters (PDF).

Seeds: secure-employer-portal.txt ("Missed mandatory contributions details periods where
mandatory member contributions were missed"); reporting-pension-data.txt "Procedures" 1
(the 90 days, the letter to the member, the 45 days, closing without credit). fpdf2 core
fonts: Latin-1 text only. Spreadsheet cells go through `safe_text` (no formula runs).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font

from pensionportal.datafiles.escaping import safe_text

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
            self.period_start.isoformat(),
            self.period_end.isoformat(),
            self.pay_date.isoformat(),
            self.cause,
            self.member_owed,
            self.employer_owed,
            self.interest,
            self.total,
            self.interest_to.isoformat() if self.interest_to else "",
            self.deadline.isoformat() if self.deadline else "",
            self.stage,
            self.note,
        ]


NOTE = (
    "The employer remits both the member and the employer share of missed mandatory "
    "contributions, with interest, through the pay-cycle data file (contribution type R or "
    "A, with the pay period missed) or as OPTrust directs; OPTrust cannot accept payment from "
    "the member. If the contributions are not remitted by the employer deadline, interest is "
    "recalculated and OPTrust writes to the member. To send a report to OPTrust, attach it to "
    "a secure message."
)


def _text(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return safe_text(str(value))


def report_csv(lines: Sequence[ReportLine]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for line in lines:
        writer.writerow([_text(cell) for cell in line.cells()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(organization: str, period: str, lines: Sequence[ReportLine]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Missed contributions"
    sheet.append([safe_text(f"Missed mandatory contributions - {organization} - {period}")])
    sheet.append(list(HEADINGS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append([c if isinstance(c, Decimal) else safe_text(str(c)) for c in line.cells()])
        for column in (9, 10, 11, 12):
            sheet.cell(row=sheet.max_row, column=column).number_format = "#,##0.00"
    sheet.append([])
    sheet.append([safe_text(NOTE)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def latin1(text: str) -> str:
    return (
        text.replace("\u2013", "-")
        .replace("\u2014", "-")
        .replace("\u2019", "'")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def report_pdf(organization: str, period: str, lines: Sequence[ReportLine]) -> bytes:
    pdf = FPDF(orientation="L")
    pdf.set_title("Missed mandatory contributions")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Missed mandatory contributions", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 5, latin1(f"Employer: {organization}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, latin1(f"Pay cycle: {period}"), new_x="LMARGIN", new_y="NEXT")
    total = sum((line.total for line in lines), Decimal("0.00"))
    pdf.cell(
        0, 5, f"Periods: {len(lines)}   Total owed: ${total:,.2f}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(2)
    widths = (20, 18, 30, 40, 18, 82, 18, 18, 16, 18)
    heads = (
        "Case",
        "Employee",
        "Name",
        "Pay period",
        "Pay date",
        "Cause",
        "Member",
        "Employer",
        "Interest",
        "Deadline",
    )
    pdf.set_font("Helvetica", "B", 7)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 5, head, border="B")
    pdf.ln()
    pdf.set_font("Helvetica", size=6.5)
    for line in lines:
        cells = (
            line.case,
            line.employee_id,
            latin1(f"{line.last_name}, {line.first_name}")[:22],
            f"{line.period_start.isoformat()} to {line.period_end.isoformat()}",
            line.pay_date.isoformat(),
            latin1(line.cause)[:70],
            f"{line.member_owed:,.2f}",
            f"{line.employer_owed:,.2f}",
            f"{line.interest:,.2f}",
            line.deadline.isoformat() if line.deadline else "",
        )
        for width, text in zip(widths, cells, strict=True):
            pdf.cell(width, 4.5, text)
        pdf.ln()
    pdf.ln(3)
    pdf.set_font("Helvetica", size=8)
    pdf.multi_cell(0, 4, latin1(NOTE))
    return bytes(pdf.output())


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
    pdf = FPDF()
    pdf.set_title(f"Missed mandatory contributions {case_number}")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 5, "OPSEU Pension Trust", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, letter_date.isoformat(), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for line in (member_name, *address):
        if line:
            pdf.cell(0, 5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    title = (
        "Missed mandatory contributions: case closed without credit"
        if closing
        else "Missed mandatory contributions: request for payment"
    )
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(
        0,
        6,
        latin1(f"Reference: {case_number}   Employer: {employer}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    total = sum((p.amount for p in periods), Decimal("0.00"))
    if closing:
        body = (
            "We wrote to you about mandatory pension contributions that were not remitted for "
            "the periods listed below. The payment was not received within 45 days. We have "
            "closed the case: you will not be allocated pension credit for these periods."
        )
    else:
        body = (
            "Mandatory pension contributions were not remitted to the Plan for the periods "
            "listed below, and your employer did not remit them within the 90 days allowed. "
            f"Please arrange payment of ${total:,.2f} to the Plan by "
            f"{due_date.isoformat() if due_date else ''} (45 days from this letter). If the "
            "payment is not received by then, the case will be closed and you will not be "
            "allocated pension credit for these periods."
        )
    pdf.multi_cell(0, 5, latin1(body))
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 9)
    for width, head in ((50, "Pay period"), (110, "Cause"), (0, "Amount")):
        pdf.cell(
            width,
            6,
            head,
            border="B",
            new_x="RIGHT" if width else "LMARGIN",
            new_y="TOP" if width else "NEXT",
        )
    pdf.set_font("Helvetica", size=8)
    for period in periods:
        pdf.cell(50, 5, f"{period.period_start.isoformat()} to {period.period_end.isoformat()}")
        pdf.cell(110, 5, latin1(period.cause)[:80])
        pdf.cell(0, 5, f"{period.amount:,.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 7, f"Total: ${total:,.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
