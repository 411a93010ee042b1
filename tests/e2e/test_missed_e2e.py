"""Missed mandatory contributions in headless Chromium, axe-core clean on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Role
from pensionportal.missed import actions
from tests.factories import enrol_totp, make_member, make_org, make_staff, make_user
from tests.missed.helpers import cycles, rates

from .conftest import sign_in, visit

TODAY = dt.date(2026, 6, 15)


def _employer_with_findings() -> tuple[object, object]:
    org = make_org("Playwright Employer Ltd.")
    member = make_member(org, "P1", membership_date=dt.date(2025, 1, 1))
    cycles(org, [member], 5, skip={(0, 1), (0, 2)})
    rates()
    actions.run_for_organization(org, TODAY)
    return org, member


@pytest.mark.django_db(transaction=True)
def test_a_payroll_manager_opens_and_downloads_the_report(
    live_server: LiveServer, browser_page: Page
) -> None:
    page = browser_page
    org, _ = _employer_with_findings()
    report = actions.publish_list(org, TODAY)  # type: ignore[arg-type]
    assert report is not None
    manager = make_user(org, [Role.PAYROLL_MANAGER])  # type: ignore[arg-type]
    sign_in(page, live_server.url, manager.email)
    visit(page, f"{live_server.url}/reports/")
    page.get_by_role("link", name="Missed mandatory contributions").first.click()
    page.wait_for_url(f"**/reports/{report.pk}/")
    visit(page, page.url)
    names = sorted(report.files.values_list("name", flat=True))
    assert [n.rsplit(".", 1)[1] for n in names] == ["csv", "pdf", "xlsx"]
    for name in names:
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Download {name}").click()
        assert download.value.suggested_filename == name
    with open(download.value.path(), "rb") as downloaded:
        assert downloaded.read(4) == b"PK\x03\x04"  # the last one, the XLSX workbook


@pytest.mark.django_db(transaction=True)
def test_a_communications_user_of_the_same_organization_cannot_reach_reports(
    live_server: LiveServer, browser_page: Page
) -> None:
    page = browser_page
    org, _ = _employer_with_findings()
    actions.publish_list(org, TODAY)  # type: ignore[arg-type]
    comms = make_user(org, [Role.COMMUNICATIONS])  # type: ignore[arg-type]
    sign_in(page, live_server.url, comms.email)
    assert page.get_by_role("link", name="Reports").count() == 0
    response = page.goto(f"{live_server.url}/reports/")
    assert response is not None
    assert response.status == 403
    visit(page, page.url)


@pytest.mark.django_db(transaction=True)
def test_staff_review_findings_record_an_election_and_publish(
    live_server: LiveServer, browser_page: Page
) -> None:
    page = browser_page
    org, member = _employer_with_findings()
    staff = make_staff(mfa=False)
    secret = enrol_totp(staff)
    sign_in(page, live_server.url, staff.email, totp_secret=secret)
    visit(page, f"{live_server.url}/missed/")
    page.get_by_role("link", name="Playwright Employer Ltd.").first.click()
    page.wait_for_url("**/missed/employers/*/")
    visit(page, page.url)
    page.get_by_role("link", name="MMC-", exact=False).first.click()
    page.wait_for_url("**/missed/cases/*/")
    visit(page, page.url)
    visit(page, f"{live_server.url}/missed/members/{member.pk}/elections/new/")  # type: ignore[attr-defined]
    page.locator("#id_form").select_option("1025")
    page.locator("#id_choice").select_option("not_contribute")
    page.locator("#id_applies_from").fill("2026-03-01")
    page.locator("#id_received_date").fill("2026-03-20")
    page.get_by_role("button", name="Record the election").click()
    page.wait_for_url("**/members/*/")
    check = page.get_by_text("Not contribute during the leave")
    assert check.is_visible()
    visit(page, page.url)
    visit(page, f"{live_server.url}/missed/employers/{org.pk}/")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Publish the report now").click()
    page.wait_for_url("**/missed/employers/*/")
    assert page.get_by_text("published to the payroll managers").is_visible()
    visit(page, page.url)
