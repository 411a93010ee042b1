"""The notice to the regulator (PDF) and the list of notices (CSV, XLSX) in the form an
administrator files: plan and registration number, employer, pay period, the deduction
(pay) date and the due date, what was owed and paid by the due date, what was unpaid then
by kind, when it was paid in full, and the filing record. fpdf2 core fonts (Latin-1);
spreadsheet cells go through `safe_text` (no formula runs)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font

from pensionportal.datafiles.escaping import safe_text

from . import conf
from .models import RegulatorNotice

ADMINISTRATOR = "OPSEU Pension Trust (OPTrust), plan administrator"
HEADINGS = (
    "Notice",
    "Status",
    "Plan",
    "Plan Registration Number",
    "Employer",
    "Pay Date (Deduction Date)",
    "Pay Period Start",
    "Pay Period End",
    "Contributions Due",
    "Amount Due",
    "Paid By Due Date",
    "Member Contributions Unpaid At Due Date",
    "Employer Contributions Unpaid At Due Date",
    "LTIP Contributions Unpaid At Due Date",
    "Paid In Full On",
    "Days Late",
    "Drafted On",
    "Reviewed On",
    "Filed On",
    "Filing Reference",
)
MONEY_COLUMNS = (10, 11, 12, 13, 14)


def _latin1(text: str) -> str:
    return text.replace("\u2013", "-").encode("latin-1", "replace").decode("latin-1")


def days_late(notice: RegulatorNotice, today: dt.date) -> int:
    """Days from the due date to the day paid in full (or to today while unpaid)."""
    until = notice.paid_in_full_on or today
    return max((until - notice.due_date).days, 0)


def _registration() -> str:
    return conf.plan_registration_number() or "not configured (PORTAL_PLAN_REGISTRATION_NUMBER)"


def cells(notice: RegulatorNotice, today: dt.date) -> list[object]:
    advice = notice.advice
    return [
        notice.reference,
        notice.get_status_display(),
        notice.organization.get_plan_display(),
        _registration(),
        notice.organization.name,
        advice.pay_date.isoformat(),
        advice.period_start.isoformat(),
        advice.period_end.isoformat(),
        notice.due_date.isoformat(),
        notice.amount_due,
        notice.paid_by_due,
        notice.member_unpaid,
        notice.employer_unpaid,
        notice.ltip_unpaid,
        notice.paid_in_full_on.isoformat() if notice.paid_in_full_on else "not yet",
        days_late(notice, today),
        notice.detected_on.isoformat(),
        notice.reviewed_on.isoformat() if notice.reviewed_on else "",
        notice.filed_on.isoformat() if notice.filed_on else "",
        notice.filing_reference,
    ]


def list_csv(notices: Sequence[RegulatorNotice], today: dt.date) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for notice in notices:
        writer.writerow(
            [
                f"{c:.2f}" if isinstance(c, Decimal) else safe_text(str(c))
                for c in cells(notice, today)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def list_xlsx(notices: Sequence[RegulatorNotice], today: dt.date) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Notices to regulator"
    sheet.append([safe_text(f"Contributions not paid when due - {ADMINISTRATOR}")])
    sheet.append(list(HEADINGS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for notice in notices:
        sheet.append(
            [c if isinstance(c, Decimal | int) else safe_text(str(c)) for c in cells(notice, today)]
        )
        for column in MONEY_COLUMNS:
            sheet.cell(row=sheet.max_row, column=column).number_format = "#,##0.00"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def notice_pdf(notice: RegulatorNotice, today: dt.date) -> bytes:
    advice = notice.advice
    pdf = FPDF()
    pdf.set_title(f"Notice of contributions not paid when due {notice.reference}")
    pdf.set_author(ADMINISTRATOR)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(
        0,
        8,
        "Notice to the Financial Services Regulatory Authority of Ontario (FSRA)",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(
        0,
        7,
        "Contributions not paid when due (Pension Benefits Act)",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", size=10)
    facts = [
        ("Notice", f"{notice.reference} ({notice.get_status_display()})"),
        ("Administrator", ADMINISTRATOR),
        ("Plan", notice.organization.get_plan_display()),
        ("Plan registration number", _registration()),
        ("Employer", notice.organization.name),
        ("Pay period", f"{advice.period_start:%Y-%m-%d} to {advice.period_end:%Y-%m-%d}"),
        ("Deduction (pay) date", f"{advice.pay_date:%Y-%m-%d}"),
        ("Contributions due", f"{notice.due_date:%Y-%m-%d} (5 business days after the deduction)"),
        ("Remittance reference", advice.payment_reference),
        ("Amount due", f"${notice.amount_due:,.2f}"),
        ("Paid by the due date", f"${notice.paid_by_due:,.2f}"),
        ("Unpaid on the due date", f"${notice.unpaid_at_due:,.2f}"),
        (
            "  member contributions",
            f"${notice.member_unpaid:,.2f} (held in trust from the deduction)",
        ),
        ("  employer contributions", f"${notice.employer_unpaid:,.2f}"),
        ("  LTIP contributions", f"${notice.ltip_unpaid:,.2f}"),
        (
            "Paid in full on",
            f"{notice.paid_in_full_on:%Y-%m-%d}"
            if notice.paid_in_full_on
            else "not yet paid in full",
        ),
        ("Days late", str(days_late(notice, today))),
        ("Drafted on", f"{notice.detected_on:%Y-%m-%d}"),
    ]
    if notice.reviewed_on:
        facts.append(("Reviewed on", f"{notice.reviewed_on:%Y-%m-%d}"))
    if notice.filed_on:
        facts.append(("Filed on", f"{notice.filed_on:%Y-%m-%d} {notice.filing_reference}".strip()))
    for label, value in facts:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(62, 6, _latin1(label))
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 6, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(
        0,
        5,
        _latin1(
            "The administrator notifies the regulator that the contributions above were not "
            "paid when due. Member contributions are due within five business days of the "
            "deduction from pay; employer contributions with them. Interest on late "
            "contributions is invoiced to the employer; the regulator may apply administrative "
            "monetary penalties for delinquent contributions."
        ),
    )
    return bytes(pdf.output())
