"""The Reports section in headless Chromium, axe-core clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Role
from pensionportal.reports.actions import ReportFileInput, publish_report
from pensionportal.reports.models import ReportKind
from tests.factories import enrol_totp, make_org, make_staff, make_user

from .conftest import sign_in, visit


@pytest.mark.django_db(transaction=True)
def test_a_payroll_manager_opens_and_downloads_a_report(
    live_server: LiveServer, browser_page: Page
) -> None:
    page = browser_page
    org = make_org("Reports Employer Ltd.")
    manager = make_user(org, [Role.PAYROLL_MANAGER])
    report = publish_report(
        org,
        "Missed mandatory contributions",
        ReportKind.MISSED_MANDATORY_CONTRIBUTIONS,
        [ReportFileInput("mmc.csv", "text/csv", b"Employee ID,Period\nC1,2026-01\n")],
        published_by=None,
        period="January 2026",
    )
    sign_in(page, live_server.url, manager.email)
    visit(page, f"{live_server.url}/reports/")
    # Issue 15, item 14: a payroll manager cannot send secure messages, so is not told to.
    assert page.get_by_text("This section only receives reports.").is_visible()
    assert not page.get_by_text("attach it to a secure message").count()
    page.get_by_role("link", name="Missed mandatory contributions", exact=True).click()
    page.wait_for_url(f"**/reports/{report.pk}/")
    visit(page, page.url)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download mmc.csv").click()
    assert download.value.suggested_filename == "mmc.csv"


@pytest.mark.django_db(transaction=True)
def test_staff_see_the_publish_page(live_server: LiveServer, browser_page: Page) -> None:
    staff = make_staff(mfa=False)
    secret = enrol_totp(staff)
    sign_in(browser_page, live_server.url, staff.email, totp_secret=secret)
    visit(browser_page, f"{live_server.url}/reports/")
    visit(browser_page, f"{live_server.url}/reports/publish/")
