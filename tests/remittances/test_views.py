from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from pensionportal.accounts.models import Organization, Role, User
from pensionportal.audit.models import AuditEvent
from pensionportal.files.models import StoredFile
from pensionportal.remittances import actions
from pensionportal.remittances.models import Payment, RateTable, RemittanceAdvice
from tests.factories import make_org, make_staff, make_user
from tests.stored import plaintext

from .helpers import pay_submission, rates

pytestmark = pytest.mark.django_db
D = Decimal


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _world() -> tuple[Organization, dict[str, str]]:
    org = make_org()
    advice = actions.on_pay_submission_applied(
        pay_submission(org, dt.date(2026, 4, 17), "V-1", D("1000"), D("1000"))
    )
    assert advice is not None
    rates([(RateTable.FUND_EARNING, dt.date(2026, 1, 1), "0.02")])
    actions.record_payment(
        make_staff(), actions.PaymentInput(dt.date(2026, 6, 15), D("1990"), "V-1")
    )
    invoice = actions.issue_invoice(make_staff(), advice, dt.date(2026, 6, 16))
    case = advice.case
    urls = {
        "dashboard": f"/remittances/org/{org.pk}/",
        "advice_new": f"/remittances/org/{org.pk}/advice/new/",
        "ledger": f"/remittances/org/{org.pk}/ledger/",
        "advice": f"/remittances/advice/{advice.pk}/",
        "invoice": f"/remittances/invoices/{invoice.pk}/",
        "invoice_pdf": f"/remittances/invoices/{invoice.pk}/pdf/",
        "case": f"/remittances/cases/{case.pk}/",
    }
    return org, urls


def test_the_employers_pages_answer_their_users_and_404_for_another_organization() -> None:
    org, urls = _world()
    own = make_user(org, [Role.PAYROLL_MANAGER])
    other = make_user(make_org(), [Role.ADMINISTRATOR])
    for name, url in urls.items():
        assert _client(own).get(url).status_code == 200, name
        assert _client(other).get(url).status_code == 404, name
        response = _client(None).get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/"), name


def test_staff_pages_render_and_refuse_employers() -> None:
    _, urls = _world()
    staff = make_staff()
    employer = make_user(make_org(), [Role.ADMINISTRATOR])
    payment = Payment.objects.first()
    assert payment is not None
    staff_urls = [
        "/remittances/",
        "/remittances/payments/new/",
        "/remittances/payments/import/",
        "/remittances/rates/",
        "/remittances/regulator/",
    ]
    for url in [*staff_urls, *urls.values()]:
        assert _client(staff).get(url).status_code == 200, url
    for url in staff_urls[1:]:
        assert _client(employer).get(url).status_code == 403, url
    assert _client(employer).get(f"/remittances/payments/{payment.pk}/match/").status_code == 403
    assert _client(None).get("/remittances/rates/").status_code == 302


def test_an_invoice_download_is_audited_and_its_copy_kept_encrypted() -> None:
    org, urls = _world()
    own = make_user(org, [Role.PAYROLL_MANAGER])
    response = _client(own).get(urls["invoice_pdf"])
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="remittances.invoice_downloaded")
    assert (event.actor, event.organization) == (own, org)
    given = StoredFile.objects.get(purpose="remittances.invoice")
    assert given.organization == org
    assert plaintext(given) == body


def test_a_communications_only_user_is_refused() -> None:
    org, urls = _world()
    assert _client(make_user(org, [Role.COMMUNICATIONS])).get(urls["dashboard"]).status_code == 403


def test_bad_advice_input_is_shown_beside_the_field_and_nothing_is_stored() -> None:
    org = make_org()
    user = make_user(org, [Role.FILE_UPLOAD])
    response = _client(user).post(
        f"/remittances/org/{org.pk}/advice/new/",
        {
            "pay_date": "2026-02-30",
            "period_start": "2026-01-01",
            "period_end": "2025-12-01",
            "payment_reference": "X",
            "payment_method": "cheque",
            "member_contributions": "-1",
            "employer_regular": "0",
            "employer_special": "0",
            "ltip": "0",
            "employer_leave_invoice": "0",
            "other": "5",
            "other_description": "",
        },
    )
    assert response.status_code == 400
    assert not RemittanceAdvice.objects.exists()
    body = response.content.decode()
    assert "Say what the Other amount is for." in body
    assert "The period must end on or after its start." in body


def test_the_bank_import_page_names_the_bad_row_and_imports_nothing() -> None:
    staff = make_staff()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bank.csv", b"date,amount,reference\n2026-11-10,-4,A\n")
    response = _client(staff).post("/remittances/payments/import/", {"file": upload})
    assert response.status_code == 400
    assert (
        "Row 2, column amount (value &#x27;-4&#x27;): must be more than zero"
        in response.content.decode()
    )
    assert not Payment.objects.exists()


def test_staff_add_a_rate_as_a_new_row_keeping_history() -> None:
    staff = make_staff()
    client = _client(staff)
    for percent in ("3.5", "3.0"):
        response = client.post(
            "/remittances/rates/",
            {
                "table": "prejudgment",
                "effective": "2026-07-01",
                "until": "2026-09-30",
                "percent": percent,
                "source": "CJA s.127 Q3 2026",
            },
        )
        assert response.status_code == 302
    from pensionportal.remittances.rates import rows_in_force

    rows = [r for r in rows_in_force(RateTable.PREJUDGMENT) if r.effective == dt.date(2026, 7, 1)]
    assert [r.rate for r in rows] == [D("0.03")]
    from pensionportal.remittances.models import InterestRate

    assert InterestRate.objects.filter(effective=dt.date(2026, 7, 1)).count() == 2
