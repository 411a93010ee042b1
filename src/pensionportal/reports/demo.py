"""A demo missed mandatory contributions report, in CSV, XLSX and PDF, for Demo Employer."""

from __future__ import annotations

import io

from pensionportal.accounts.models import Organization
from pensionportal.core.demo import DEMO_EMPLOYER

from .models import Report, ReportKind
from .publishing import ReportFileInput, publish_report

ROWS = [
    (
        "Employee ID",
        "Last Name",
        "Pay Period Start",
        "Pay Period End",
        "Missed Member Contribution",
    ),
    ("C000002", "BLASTNAME", "2026-01-05", "2026-01-18", "93.00"),
]


def _csv() -> bytes:
    return "".join(",".join(row) + "\n" for row in ROWS).encode()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in ROWS:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 10, "Missed mandatory contributions - January 2026", new_x="LMARGIN", new_y="NEXT")
    for row in ROWS:
        pdf.cell(0, 8, "  ".join(row), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def load() -> None:
    organization = Organization.objects.get(name=DEMO_EMPLOYER)
    if Report.objects.filter(organization=organization).exists():
        return
    publish_report(
        organization,
        "Missed mandatory contributions",
        ReportKind.MISSED_MANDATORY_CONTRIBUTIONS,
        [
            ReportFileInput("missed-contributions-2026-01.pdf", "application/pdf", _pdf()),
            ReportFileInput("missed-contributions-2026-01.csv", "text/csv", _csv()),
            ReportFileInput("missed-contributions-2026-01.xlsx", "", _xlsx()),
        ],
        published_by=None,
        period="January 2026",
    )
