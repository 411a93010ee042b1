"""Notices to the regulator (FSRA) for contributions not paid when due, and the fees and
expenses of recovering contributions as invoice lines (remittance-timing.txt 'Late
Remittance', 'Notice to Regulator'; select-employer-manual.txt §1)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pensionportal.accounts.models import Role
from pensionportal.audit.models import AuditEvent
from pensionportal.remittances import actions, regulator, regulator_documents
from pensionportal.remittances.models import (
    InvoiceKind,
    LineKind,
    NoticeStatus,
    RateTable,
    RegulatorNotice,
    RemittanceAdvice,
)
from pensionportal.worklist.models import Task, TaskStatus
from tests.factories import make_org, make_staff, make_user

from .helpers import pay_submission, rates

pytestmark = pytest.mark.django_db
D = Decimal
PAY_DATE = dt.date(2026, 4, 17)
DUE = dt.date(2026, 4, 24)  # five business days after the deduction


def _advice(reference: str = "REG-1") -> RemittanceAdvice:
    advice = actions.on_pay_submission_applied(
        pay_submission(make_org(), PAY_DATE, reference, D("1000.00"), D("1000.00"))
    )
    assert advice is not None
    return advice


def test_a_notice_is_drafted_the_day_after_the_due_date_not_on_it() -> None:
    advice = _advice()
    assert regulator.draft_notices(DUE) == 0
    assert regulator.draft_notices(DUE + dt.timedelta(days=1)) == 1
    notice = RegulatorNotice.objects.get(advice=advice)
    assert notice.status == NoticeStatus.DRAFT
    assert notice.due_date == DUE
    assert (notice.amount_due, notice.paid_by_due) == (D("2000.00"), D("0.00"))
    assert (notice.member_unpaid, notice.employer_unpaid) == (D("1000.00"), D("1000.00"))
    assert regulator.draft_notices(DUE + dt.timedelta(days=2)) == 0  # one per pay period
    task = Task.objects.get(key=f"regulator-notice:{notice.pk}")
    assert task.status == TaskStatus.OPEN
    assert AuditEvent.objects.filter(action="remittances.regulator_notice_drafted").count() == 1


def test_a_period_paid_in_full_by_the_due_date_gets_no_notice() -> None:
    advice = _advice("ON-TIME")
    actions.record_payment(make_staff(), actions.PaymentInput(DUE, D("2000.00"), "ON-TIME"))
    assert regulator.draft_notices(DUE + dt.timedelta(days=30)) == 0
    assert not RegulatorNotice.objects.filter(advice=advice).exists()


def test_a_partial_payment_is_applied_to_member_contributions_first() -> None:
    advice = _advice("PART")
    actions.record_payment(make_staff(), actions.PaymentInput(DUE, D("1200.00"), "PART"))
    regulator.draft_notices(DUE + dt.timedelta(days=1))
    notice = RegulatorNotice.objects.get(advice=advice)
    assert (notice.member_unpaid, notice.employer_unpaid) == (D("0.00"), D("800.00"))
    actions.record_payment(
        make_staff(), actions.PaymentInput(dt.date(2026, 5, 4), D("800.00"), "PART")
    )
    regulator.draft_notices(dt.date(2026, 5, 5))
    notice.refresh_from_db()
    assert notice.paid_in_full_on == dt.date(2026, 5, 4)
    assert regulator_documents.days_late(notice, dt.date(2026, 6, 1)) == 10


def test_staff_review_then_record_the_filing() -> None:
    _advice()
    regulator.draft_notices(DUE + dt.timedelta(days=1))
    notice = RegulatorNotice.objects.get()
    staff = make_staff()
    with pytest.raises(regulator.NoticeError, match="Review the notice"):
        regulator.record_filing(staff, notice, filed_on=dt.date(2026, 5, 1), reference="")
    regulator.review_notice(staff, notice, withdraw=False, note="Checked the bank file.")
    notice.refresh_from_db()
    with pytest.raises(regulator.NoticeError, match="before the review"):
        regulator.record_filing(staff, notice, filed_on=dt.date(2026, 4, 1), reference="")
    filed = regulator.record_filing(
        staff, notice, filed_on=notice.reviewed_on or dt.date.today(), reference="FSRA-2026-17"
    )
    assert filed.status == NoticeStatus.FILED
    assert filed.filing_reference == "FSRA-2026-17"
    assert Task.objects.get(key=f"regulator-notice:{notice.pk}").status == TaskStatus.DONE


def test_a_withdrawal_needs_a_reason() -> None:
    _advice()
    regulator.draft_notices(DUE + dt.timedelta(days=1))
    notice = RegulatorNotice.objects.get()
    with pytest.raises(regulator.NoticeError, match="why"):
        regulator.review_notice(make_staff(), notice, withdraw=True, note=" ")
    regulator.review_notice(make_staff(), notice, withdraw=True, note="Paid on time, matched late.")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.WITHDRAWN
    assert Task.objects.get(key=f"regulator-notice:{notice.pk}").status == TaskStatus.CANCELLED


def test_the_notice_pdf_and_the_list_in_csv_and_excel(client: Any) -> None:
    _advice()
    regulator.draft_notices(DUE + dt.timedelta(days=1))
    notice = RegulatorNotice.objects.get()
    client.force_login(make_staff())
    pdf = client.get(f"/remittances/regulator/{notice.pk}/pdf/")
    text = " ".join(
        " ".join(
            page.extract_text()
            for page in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
        ).split()
    )
    assert "Financial Services Regulatory Authority of Ontario" in text
    assert "2026-04-24" in text
    assert "$2,000.00" in text
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get("/remittances/regulator/list.csv").streaming_content).decode()
            )
        )
    )
    assert rows[0][0] == "\ufeffNotice"
    assert rows[1][0] == notice.reference
    assert rows[1][rows[0].index("Contributions Due")] == "2026-04-24"
    book = load_workbook(
        io.BytesIO(b"".join(client.get("/remittances/regulator/list.xlsx").streaming_content))
    )
    sheet = book.active
    assert sheet is not None
    assert sheet.cell(row=3, column=1).value == notice.reference
    assert client.get("/remittances/regulator/list.pdf").status_code == 404
    page = client.get("/remittances/regulator/").content.decode()
    assert notice.reference in page


def test_the_notice_pages_are_for_staff(client: Any) -> None:
    advice = _advice()
    regulator.draft_notices(DUE + dt.timedelta(days=1))
    notice = RegulatorNotice.objects.get()
    client.force_login(make_user(advice.organization, [Role.FILE_UPLOAD]))
    for url in (
        "/remittances/regulator/",
        f"/remittances/regulator/{notice.pk}/",
        f"/remittances/regulator/{notice.pk}/pdf/",
        "/remittances/regulator/list.csv",
    ):
        assert client.get(url).status_code == 403, url
    client.logout()
    assert client.get(f"/remittances/regulator/{notice.pk}/").status_code == 302


def test_staff_review_and_file_through_the_page(client: Any) -> None:
    _advice()
    regulator.draft_notices(DUE + dt.timedelta(days=1))
    notice = RegulatorNotice.objects.get()
    client.force_login(make_staff())
    url = f"/remittances/regulator/{notice.pk}/"
    assert client.post(url, {"step": "review", "decision": "reviewed"}).status_code == 302
    today = dt.date.today().isoformat()
    bad = client.post(url, {"step": "file", "filed_on": "2999-01-01"})
    assert bad.status_code == 400
    ok = client.post(url, {"step": "file", "filed_on": today, "reference": "R-1"})
    assert ok.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FILED


# --- recovery fees and expenses -------------------------------------------------------------


def _late() -> RemittanceAdvice:
    advice = _advice("LATE-R")
    rates(
        [
            (RateTable.PREJUDGMENT, dt.date(2026, 4, 1), "0.025"),
            (RateTable.FUND_EARNING, dt.date(2026, 1, 1), "0.04"),
        ]
    )
    actions.record_payment(
        make_staff(), actions.PaymentInput(dt.date(2026, 6, 15), D("2000.00"), "LATE-R")
    )
    return advice


def test_recovery_fees_and_expenses_are_their_own_invoice_lines() -> None:
    advice = _late()
    invoice = actions.issue_invoice(
        make_staff(),
        advice,
        dt.date(2026, 6, 16),
        recovery_lines=[
            actions.RecoveryLine(LineKind.RECOVERY_FEE, "Collection fee", D("50.00")),
            actions.RecoveryLine(LineKind.RECOVERY_EXPENSE, "Registered mail", D("12.40")),
        ],
    )
    kinds = list(invoice.lines.values_list("kind", "amount"))
    assert (LineKind.RECOVERY_FEE, D("50.00")) in kinds
    assert (LineKind.RECOVERY_EXPENSE, D("12.40")) in kinds
    interest = sum(a for k, a in kinds if k == LineKind.INTEREST)
    assert invoice.total == interest + D("62.40")
    # kept when the unpaid invoice is recalculated
    replacement = actions.recalculate_invoice(make_staff(), invoice, dt.date(2026, 7, 2))
    assert replacement.lines.filter(kind=LineKind.RECOVERY_EXPENSE).count() == 1


def test_later_recovery_costs_get_their_own_invoice() -> None:
    advice = _late()
    actions.issue_invoice(make_staff(), advice, dt.date(2026, 6, 16))
    later = actions.invoice_recovery_costs(
        make_staff(),
        advice,
        dt.date(2026, 7, 6),
        [actions.RecoveryLine(LineKind.RECOVERY_EXPENSE, "Legal letter", D("150.00"))],
    )
    assert later.kind == InvoiceKind.RECOVERY
    assert later.total == D("150.00")
    assert later.due_date == dt.date(2026, 7, 20)
    with pytest.raises(actions.RemittanceError, match="carries interest"):
        actions.recalculate_invoice(make_staff(), later, dt.date(2026, 8, 1))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (actions.RecoveryLine(LineKind.RECOVERY_FEE, "Fee", D("0")), "more than \\$0"),
        (actions.RecoveryLine(LineKind.RECOVERY_FEE, " ", D("5")), "describe"),
        (actions.RecoveryLine(LineKind.INTEREST, "Sneaky", D("5")), "fee or an expense"),
    ],
)
def test_a_bad_recovery_line_refuses_the_invoice(line: actions.RecoveryLine, message: str) -> None:
    advice = _late()
    with pytest.raises(actions.RemittanceError, match=message):
        actions.issue_invoice(make_staff(), advice, dt.date(2026, 6, 16), recovery_lines=[line])
    assert not advice.invoices.exists()


def test_an_invoice_preview_that_no_longer_holds_issues_nothing(client: Any) -> None:
    advice = _late()
    staff = make_staff()
    preview = actions.preview_invoice(staff, advice, dt.date(2026, 6, 16))
    assert not advice.invoices.exists()
    with pytest.raises(actions.RemittanceError, match="changed since your preview"):
        actions.issue_invoice(staff, advice, dt.date(2026, 6, 17), previewed=preview.fingerprint)
    assert not advice.invoices.exists()
    invoice = actions.issue_invoice(
        staff, advice, dt.date(2026, 6, 16), previewed=preview.fingerprint
    )
    assert invoice.total == preview.total
    with pytest.raises(actions.RemittanceError, match="already has an invoice"):
        actions.issue_invoice(staff, advice, dt.date(2026, 6, 16), previewed=preview.fingerprint)


def test_the_invoice_form_takes_recovery_lines(client: Any) -> None:
    advice = _late()
    client.force_login(make_staff())
    response = client.post(
        f"/remittances/advice/{advice.pk}/invoice/",
        {
            "invoice_date": "2026-06-16",
            "recovery_kind_1": "recovery_fee",
            "recovery_description_1": "Collection fee",
            "recovery_amount_1": "50.00",
        },
    )
    assert response.status_code == 200  # the preview: nothing issued yet
    assert not advice.invoices.exists()
    preview = response.context["preview"]
    assert "Collection fee" in response.content.decode()
    response = client.post(
        f"/remittances/advice/{advice.pk}/invoice/",
        {**dict(response.context["posted"]), "fingerprint": preview.fingerprint},
    )
    assert response.status_code == 302
    invoice = advice.invoices.get()
    assert invoice.total == preview.total
    assert invoice.lines.filter(kind=LineKind.RECOVERY_FEE).count() == 1
    half = client.post(
        f"/remittances/advice/{advice.pk}/recovery-invoice/",
        {"invoice_date": "2026-07-06", "recovery_kind_1": "recovery_fee"},
        follow=True,
    )
    assert "leave all three empty" in half.content.decode()
