"""Buybacks in headless Chromium: staff create a buyback and the employer sees its
deduction direction; axe-core clean on every page visited."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Plan, Role
from tests.factories import enrol_totp, make_member, make_org, make_staff, make_user

from .conftest import check_accessibility, sign_in, visit


@pytest.mark.django_db(transaction=True)
def test_staff_create_a_buyback_and_the_employer_sees_its_deduction_direction(
    live_server: LiveServer, browser_page: Page
) -> None:
    import datetime as dt
    from decimal import Decimal

    page = browser_page
    org = make_org("Buyback Agency", plan=Plan.OPSEU)
    make_member(
        org,
        "E-42",
        hire_date=dt.date(2015, 1, 5),
        membership_date=dt.date(2025, 1, 1),
        pay_rate=Decimal("70000"),
    )
    employer = make_user(org, [Role.FILE_UPLOAD])
    staff = make_staff(mfa=False)
    secret = enrol_totp(staff)

    sign_in(page, live_server.url, staff.email, totp_secret=secret)
    visit(page, f"{live_server.url}/buybacks/")
    page.get_by_role("link", name="Enter an application").click()
    page.wait_for_url("**/buybacks/new/")
    check_accessibility(page)
    page.locator("#id_organization").select_option(label="Buyback Agency")
    page.get_by_label("Employee ID").fill("E-42")
    page.get_by_label("Date received").fill("2026-02-02")
    page.locator("#id_service_type").select_option("non-contributory")
    page.get_by_label("Period start").fill("2020-01-01")
    page.get_by_label("Period end (last day)").fill("2021-12-31")
    page.get_by_role("button", name="Record the application").click()
    page.wait_for_url("**/buybacks/*/")
    check_accessibility(page)

    page.get_by_label("Complete application received").fill("2026-02-02")
    page.get_by_label("Financing interest rate (% a year)").first.fill("5")
    page.get_by_label("Quote date").fill("2026-03-02")
    page.get_by_role("button", name="Issue the quote").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("Member cost").first.is_visible()

    page.get_by_label("Signed agreement received").fill("2026-03-16")
    page.locator("#id_option").select_option("financing")
    page.get_by_label("Member deduction per pay").fill("200")
    page.get_by_label("First deduction pay date").fill("2026-03-27")
    page.get_by_role("button", name="Record the agreement").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.locator(".field-errors, .form-errors").count() == 0, page.content()
    assert page.get_by_role("heading", name="Deduction direction (form 1016)").is_visible()
    buyback_url = page.url

    page.context.clear_cookies()
    sign_in(page, live_server.url, employer.email)
    visit(page, f"{live_server.url}/buybacks/")
    page.get_by_role("link", name="BB").first.click()
    page.wait_for_url(buyback_url)
    check_accessibility(page)
    assert page.get_by_role("heading", name="Deduction direction (form 1016)").is_visible()
    assert page.get_by_text("$200.00 (code 055)").is_visible()
    visit(page, f"{live_server.url}/files/")
    assert page.get_by_text("1016_BB").first.is_visible()
