"""The notice to the regulator (PDF) and the list of notices (CSV, XLSX) in the form an
administrator files: plan and registration number, employer, pay period, the deduction
(pay) date and the due date, what was owed and paid by the due date, what was unpaid then
by kind, when it was paid in full, and the filing record. Written with the presentation
package (one PDF writer, typed spreadsheet cells, machine-readable CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from pensionportal.core.issuer import issuer
from pensionportal.datafiles.escaping import safe_text
from pensionportal.presentation import formatting as fmt
from pensionportal.presentation.pdf import Document
from pensionportal.presentation.spreadsheet import (
    DATE,
    MONEY,
    NUMBER,
    TEXT,
    append_typed,
    captioned_sheet,
)
from pensionportal.rules import parameters

from . import conf
from .models import RegulatorNotice

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
KINDS = (
    TEXT,
    TEXT,
    TEXT,
    TEXT,
    TEXT,
    DATE,
    DATE,
    DATE,
    DATE,
    MONEY,
    MONEY,
    MONEY,
    MONEY,
    MONEY,
    DATE,
    NUMBER,
    DATE,
    DATE,
    DATE,
    TEXT,
)


def _remittance_days(pay_date: dt.date) -> int:
    return parameters.load("contribution_remittance_business_days").int_at(pay_date)


def days_late(notice: RegulatorNotice, today: dt.date) -> int:
    """Days from the due date to the day paid in full (or to today while unpaid)."""
    until = notice.paid_in_full_on or today
    return max((until - notice.due_date).days, 0)


def _registration() -> str:
    return conf.plan_registration_number() or "not configured (PORTAL_PLAN_REGISTRATION_NUMBER)"


def values(notice: RegulatorNotice, today: dt.date) -> list[object]:
    advice = notice.advice
    return [
        notice.reference,
        notice.get_status_display(),
        notice.organization.get_plan_display(),
        _registration(),
        notice.organization.name,
        advice.pay_date,
        advice.period_start,
        advice.period_end,
        notice.due_date,
        notice.amount_due,
        notice.paid_by_due,
        notice.member_unpaid,
        notice.employer_unpaid,
        notice.ltip_unpaid,
        notice.paid_in_full_on,
        days_late(notice, today),
        notice.detected_on,
        notice.reviewed_on,
        notice.filed_on,
        notice.filing_reference,
    ]


def _csv_cell(value: object, kind: object) -> str:
    if value is None:
        return ""
    if kind is MONEY:
        return fmt.money_plain(value)  # type: ignore[arg-type]
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(str(value))


def list_csv(notices: Sequence[RegulatorNotice], today: dt.date) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for notice in notices:
        writer.writerow(
            [_csv_cell(v, k) for v, k in zip(values(notice, today), KINDS, strict=True)]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def list_xlsx(notices: Sequence[RegulatorNotice], today: dt.date) -> bytes:
    workbook, sheet = captioned_sheet(
        "Notices to regulator", f"Contributions not paid when due - {issuer().name}", HEADINGS
    )
    for notice in notices:
        append_typed(sheet, values(notice, today), KINDS)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def notice_pdf(notice: RegulatorNotice, today: dt.date) -> bytes:
    advice = notice.advice
    who = issuer()
    title = "Notice of contributions not paid when due"
    doc = Document(f"{title} {notice.reference}", author=who.name, footer=notice.reference)
    doc.lines([who.name, *who.address, who.contact()], bold_first=True)
    doc.space(4)
    doc.title("Notice to the Financial Services Regulatory Authority of Ontario (FSRA)")
    doc.heading(f"{title} (Pension Benefits Act)")
    facts = [
        ("Notice", f"{notice.reference} ({notice.get_status_display()})"),
        ("Administrator", who.name),
        ("Plan", notice.organization.get_plan_display()),
        ("Plan registration number", _registration()),
        ("Employer", notice.organization.name),
        ("Pay period", fmt.period(advice.period_start, advice.period_end)),
        ("Deduction (pay) date", fmt.iso_date(advice.pay_date)),
        (
            "Contributions due",
            f"{fmt.iso_date(notice.due_date)} ({_remittance_days(advice.pay_date)} business days "
            "after the deduction)",
        ),
        ("Remittance reference", advice.payment_reference),
        ("Amount due", fmt.money(notice.amount_due)),
        ("Paid by the due date", fmt.money(notice.paid_by_due)),
        ("Unpaid on the due date", fmt.money(notice.unpaid_at_due)),
        (
            "  member contributions",
            f"{fmt.money(notice.member_unpaid)} (held in trust from the deduction)",
        ),
        ("  employer contributions", fmt.money(notice.employer_unpaid)),
        ("  LTIP contributions", fmt.money(notice.ltip_unpaid)),
        (
            "Paid in full on",
            fmt.iso_date(notice.paid_in_full_on)
            if notice.paid_in_full_on
            else "not yet paid in full",
        ),
        ("Days late", str(days_late(notice, today))),
        ("Drafted on", fmt.iso_date(notice.detected_on)),
    ]
    if notice.reviewed_on:
        facts.append(("Reviewed on", fmt.iso_date(notice.reviewed_on)))
    if notice.filed_on:
        facts.append(
            ("Filed on", f"{fmt.iso_date(notice.filed_on)} {notice.filing_reference}".strip())
        )
    doc.facts(facts, label_width=62)
    doc.paragraph(
        "The administrator notifies the regulator that the contributions above were not paid "
        "when due. Member contributions are due within five business days of the deduction "
        "from pay; employer contributions with them. Interest on late contributions is "
        "invoiced to the employer; the regulator may apply administrative monetary penalties "
        "for delinquent contributions."
    )
    return doc.output()
