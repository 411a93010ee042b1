"""Remittances in headless Chromium: an employer sees the dashboard chart and an invoice;
staff see the overview. axe-core clean on every page visited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Role
from pensionportal.remittances import actions
from pensionportal.remittances.models import RateTable
from tests.factories import enrol_totp, make_org, make_staff, make_user
from tests.remittances.helpers import pay_submission, rates

from .conftest import sign_in, visit

D = Decimal


@pytest.mark.django_db(transaction=True)
def test_an_employer_sees_the_chart_and_an_invoice(
    live_server: LiveServer, browser_page: Page
) -> None:
    page = browser_page
    org = make_org("Remitting Employer Ltd.")
    manager = make_user(org, [Role.PAYROLL_MANAGER])
    advice = actions.on_pay_submission_applied(
        pay_submission(org, dt.date(2026, 4, 17), "E2E-1", D("1000"), D("1000"))
    )
    assert advice is not None
    rates([(RateTable.FUND_EARNING, dt.date(2026, 1, 1), "0.02")])
    staff = make_staff(mfa=False)
    actions.record_payment(staff, actions.PaymentInput(dt.date(2026, 6, 15), D("2000"), "E2E-1"))
    invoice = actions.issue_invoice(staff, advice, dt.date(2026, 6, 16))
    sign_in(page, live_server.url, manager.email)
    visit(page, f"{live_server.url}/remittances/")
    assert page.get_by_role("img", name="Amounts remitted against amounts expected").is_visible()
    assert page.get_by_role(
        "table", name="Chart data: remitted against expected by pay period"
    ).is_visible()
    page.get_by_role("link", name=f"Invoice {invoice.number}").click()
    page.wait_for_url(f"**/remittances/invoices/{invoice.pk}/")
    visit(page, page.url)
    assert page.get_by_text(f"${invoice.total}").first.is_visible()
    with page.expect_download() as download:
        page.get_by_role(
            "link", name=f"Download invoice {invoice.number} with its remittance slip (PDF)"
        ).click()
    assert download.value.suggested_filename == f"{invoice.number}.pdf"
    visit(page, f"{live_server.url}/remittances/advice/{advice.pk}/")
    visit(page, f"{live_server.url}/remittances/org/{org.pk}/ledger/")
    visit(page, f"{live_server.url}/remittances/org/{org.pk}/advice/new/")


@pytest.mark.django_db(transaction=True)
def test_staff_see_the_overview_and_their_pages(
    live_server: LiveServer, browser_page: Page
) -> None:
    org = make_org("Short Payer Ltd.")
    actions.on_pay_submission_applied(pay_submission(org, dt.date(2026, 11, 6), "E2E-2"))
    staff = make_staff(mfa=False)
    secret = enrol_totp(staff)
    actions.record_payment(staff, actions.PaymentInput(dt.date(2026, 11, 10), D("150"), "E2E-2"))
    actions.record_payment(staff, actions.PaymentInput(dt.date(2026, 11, 10), D("9"), "NOTHING"))
    sign_in(browser_page, live_server.url, staff.email, totp_secret=secret)
    visit(browser_page, f"{live_server.url}/remittances/")
    assert browser_page.get_by_text("NOTHING").first.is_visible()
    browser_page.get_by_role("link", name="REC-").first.click()
    browser_page.wait_for_load_state()
    visit(browser_page, browser_page.url)
    for path in ("payments/new/", "payments/import/", "rates/", "regulator/"):
        visit(browser_page, f"{live_server.url}/remittances/{path}")
