from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from pensionportal.remittances import actions
from pensionportal.remittances.models import InvoiceStatus, RateTable, RemittanceAdvice
from pensionportal.remittances.pdf import invoice_pdf
from pensionportal.rules.deadlines import contribution_due_date, data_due_date
from tests.factories import make_org, make_staff

from .helpers import pay_submission, rates

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.mark.parametrize(
    ("pay_date", "contributions_due", "data_due"),
    [
        # Christmas, Boxing Day observed on 28 December, New Year's Day
        (dt.date(2026, 12, 18), dt.date(2026, 12, 29), dt.date(2027, 1, 6)),
        (dt.date(2026, 6, 26), dt.date(2026, 7, 6), dt.date(2026, 7, 13)),  # Canada Day
        (dt.date(2024, 2, 23), dt.date(2024, 3, 1), dt.date(2024, 3, 8)),  # leap year, 29 Feb
        (dt.date(2026, 1, 30), dt.date(2026, 2, 6), dt.date(2026, 2, 13)),  # month end
        (dt.date(2026, 2, 6), dt.date(2026, 2, 13), dt.date(2026, 2, 23)),  # Family Day
    ],
)
def test_due_dates_skip_weekends_and_ontario_holidays(
    pay_date: dt.date, contributions_due: dt.date, data_due: dt.date
) -> None:
    assert contribution_due_date(pay_date) == contributions_due
    assert data_due_date(pay_date) == data_due


def _late_advice() -> RemittanceAdvice:
    org = make_org()
    advice = actions.on_pay_submission_applied(
        pay_submission(org, dt.date(2026, 4, 17), "LATE-1", D("1000.00"), D("1000.00"))
    )
    assert advice is not None
    rates(
        [
            (RateTable.FUND_EARNING, dt.date(2026, 1, 1), "0.02"),
            (RateTable.FUND_EARNING, dt.date(2026, 6, 1), "0.04"),
        ]
    )
    actions.record_payment(
        make_staff(), actions.PaymentInput(dt.date(2026, 6, 15), D("2000.00"), "LATE-1")
    )
    return advice


def test_interest_is_itemised_across_a_rate_change_and_printed_in_the_pdf() -> None:
    advice = _late_advice()
    invoice = actions.issue_invoice(make_staff(), advice, dt.date(2026, 6, 16))
    lines = [(x.start, x.end, x.days, x.rate, x.amount) for x in invoice.lines.all()]
    # member: delinquent from 2026-05-02 (15 days after 04-17) to 06-14;
    # pre-judgment 2.5 % beats the fund's 2 % until 05-31, then the fund's 4 %.
    # employer: delinquent from 2026-05-31 (end of the following month).
    assert lines == [
        (dt.date(2026, 5, 2), dt.date(2026, 5, 31), 30, D("0.025"), D("2.05")),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 14), 14, D("0.04"), D("1.53")),
        (dt.date(2026, 5, 31), dt.date(2026, 5, 31), 1, D("0.025"), D("0.07")),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 14), 14, D("0.04"), D("1.53")),
    ]
    assert invoice.total == D("5.18")
    assert invoice.due_date == dt.date(2026, 6, 30)  # 10 business days
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(invoice_pdf(invoice))).pages
    )
    assert invoice.number in text
    assert "Total $5.18" in text
    assert "2026-05-02 2026-05-31 30 2.500%" in " ".join(text.split())
    assert "2.500%" in text
    assert "4.000%" in text


def _pdf_text(invoice: object) -> str:
    pages = PdfReader(io.BytesIO(invoice_pdf(invoice))).pages  # type: ignore[arg-type]
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def test_an_accounts_payable_clerk_can_pay_from_the_invoice_pdf(
    settings: pytest.FixtureRequest,
) -> None:
    # Issue 15, item 6: issuer, addresses, number, due date, EFT details, the reference to
    # quote and a remittance slip; item 5: descriptions in full, names as written.
    settings.ISSUER_NAME = "Plan Administrator Trust"  # type: ignore[attr-defined]
    settings.ISSUER_ADDRESS = "1 Adelaide Street East, Suite 1200|Toronto, ON M5C 3A7"  # type: ignore[attr-defined]
    settings.EFT_BANK = "Example Bank"  # type: ignore[attr-defined]
    settings.EFT_INSTITUTION = "004"  # type: ignore[attr-defined]
    settings.EFT_TRANSIT = "12345"  # type: ignore[attr-defined]
    settings.EFT_ACCOUNT = "7654321"  # type: ignore[attr-defined]
    advice = _late_advice()
    org = advice.organization
    org.name = "Société Łódź Nguyễn Ltd."
    org.mailing_address = "Accounts payable\n200 Bay Street\nToronto, ON  M5J 2J2"
    org.save()
    invoice = actions.issue_invoice(make_staff(), advice, dt.date(2026, 6, 16))
    text = _pdf_text(invoice)
    for expected in (
        "Plan Administrator Trust",
        "1 Adelaide Street East, Suite 1200",
        "Bill to Société Łódź Nguyễn Ltd. Accounts payable 200 Bay Street Toronto, ON M5J 2J2",
        f"Invoice number {invoice.number}",
        "Due date 2026-06-30 (10 business days)",
        "Institution number 004",
        "Transit number 12345",
        "Account number 7654321",
        f"quoting {invoice.number} as the payment reference",
        "Remittance slip",
        f"Reference to quote {invoice.number}",
        "Amount due $5.18",
    ):
        assert expected in text, expected
    assert "?" not in text.replace("Questions:", "")
    for line in invoice.lines.all():
        assert " ".join(line.description.split()) in text, line.description
    descriptions = [line.description for line in invoice.lines.all()]
    assert len(set(descriptions)) == len(descriptions)


def test_recovery_costs_are_added_and_an_unpaid_invoice_is_recalculated() -> None:
    advice = _late_advice()
    invoice = actions.issue_invoice(
        make_staff(), advice, dt.date(2026, 6, 16), D("25.00"), "Collection letter"
    )
    assert invoice.total == D("30.18")
    with pytest.raises(actions.RemittanceError):
        actions.recalculate_invoice(make_staff(), invoice, dt.date(2026, 6, 30))
    replacement = actions.recalculate_invoice(make_staff(), invoice, dt.date(2026, 7, 1))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SUPERSEDED
    assert replacement.replaces == invoice
    # one more day of interest on the unpaid $30.18 at the fund's 4 %: $0.00 (rounded)
    assert replacement.total == invoice.total
    assert replacement.due_date == dt.date(2026, 7, 15)


def test_a_missing_rate_refuses_the_invoice() -> None:
    org = make_org()
    advice = actions.on_pay_submission_applied(pay_submission(org, dt.date(2025, 4, 17), "NO-RATE"))
    assert advice is not None
    actions.record_payment(
        make_staff(), actions.PaymentInput(dt.date(2025, 6, 15), D("200"), "NO-RATE")
    )
    with pytest.raises(actions.RemittanceError, match="interest rate is missing"):
        actions.issue_invoice(make_staff(), advice, dt.date(2025, 6, 16))


def test_a_payment_quoting_the_invoice_number_settles_it() -> None:
    advice = _late_advice()
    invoice = actions.issue_invoice(make_staff(), advice, dt.date(2026, 6, 16))
    actions.record_payment(
        make_staff(), actions.PaymentInput(dt.date(2026, 6, 20), D("5.18"), invoice.number)
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
