"""Issue 16 "Done when": a clerk corrects a rejected PAY file in the browser (the D1O03
case: the Employee ID mistyped for D1003), accepting the "did you mean", and sees the
corrected file applied as a new submission; every page axe-clean at 1280 and 390 px."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Plan, Role
from pensionportal.members.models import Contribution
from pensionportal.submissions.models import Status, Submission
from tests.factories import make_member, make_org, make_user
from tests.submissions.helpers import pay_file, pay_row

from .conftest import check_accessibility, sign_in, visit


@pytest.mark.django_db(transaction=True)
def test_a_clerk_corrects_d1o03_in_the_browser_and_sees_it_applied(
    live_server: LiveServer, browser_page: Page, tmp_path: Path
) -> None:
    org = make_org(plan=Plan.SELECT)
    org.plan_participation_date = dt.date(2015, 1, 1)
    org.save()
    clerk = make_user(org, [Role.FILE_UPLOAD])
    for employee_id, sin in (
        ("D1001", "550911895"),
        ("D1002", "130692544"),
        ("D1003", "193456787"),
    ):
        make_member(org, employee_id, sin=sin)
    page = browser_page
    sign_in(page, live_server.url, clerk.email)

    data = tmp_path / "PAY_2026-03-13.csv"
    data.write_bytes(pay_file([pay_row("D1001"), pay_row("D1002"), pay_row("D1O03")]))
    visit(page, f"{live_server.url}/submissions/")
    page.get_by_label("CSV or Excel (.xlsx) file").set_input_files(str(data))
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("Rejected: errors to fix").first.is_visible()
    assert page.get_by_text("Did you mean D1003?").first.is_visible()

    page.get_by_role("link", name="Correct online").click()
    page.wait_for_load_state()
    check_accessibility(page)
    cell = page.locator('input[name="c-6-employee_id"]')
    assert cell.input_value() == "D1O03"
    assert cell.get_attribute("aria-invalid") == "true"
    assert page.locator('input[name="c-4-employee_id"]').count() == 0  # problem rows only
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        check_accessibility(page)
        page.screenshot(path=str(tmp_path / f"correct-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Keyboard: focus the suggestion and press Enter (one action accepts it).
    page.get_by_role("button", name="Use D1003").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.locator('input[name="c-6-employee_id"]').input_value() == "D1003"
    assert page.get_by_text("D1003 accepted").first.is_visible()

    page.get_by_role("button", name="Check again").first.click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("No errors left").first.is_visible()
    page.screenshot(path=str(tmp_path / "checked-1280.png"), full_page=True)

    page.get_by_role("button", name="Send the corrected file").first.click()
    page.wait_for_load_state()
    check_accessibility(page)
    original = Submission.objects.get(filename="PAY_2026-03-13.csv")
    corrected = Submission.objects.get(replaces=original)
    assert page.get_by_text("Applied", exact=True).first.is_visible()
    assert page.get_by_text(f"this file replaces {original.reference}").first.is_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        check_accessibility(page)
        page.screenshot(path=str(tmp_path / f"applied-{width}.png"), full_page=True)
    corrected.refresh_from_db()
    assert corrected.status == Status.APPLIED
    assert Contribution.objects.filter(member__employee_id="D1003").count() == 1
    original.refresh_from_db()
    assert original.status == Status.REJECTED

    page.goto(f"{live_server.url}/submissions/{original.pk}/")
    check_accessibility(page)
    assert page.get_by_text(f"Corrected online as {corrected.reference}").first.is_visible()


@pytest.mark.django_db(transaction=True)
def test_online_pay_starts_from_the_next_period_and_a_clean_test_is_applied_now(
    live_server: LiveServer, browser_page: Page, tmp_path: Path
) -> None:
    """Issue 16 Must do 4 in the browser: the next period's dates and reference filled, the
    expected contributions beside the figures, test mode, then "Apply this file now"."""
    org = make_org(plan=Plan.SELECT)
    org.plan_participation_date = dt.date(2015, 1, 1)
    org.save()
    clerk = make_user(org, [Role.FILE_UPLOAD])
    make_member(org, "D1001", sin="550911895")
    page = browser_page
    sign_in(page, live_server.url, clerk.email)
    data = tmp_path / "PAY_2026-03-13.csv"
    data.write_bytes(pay_file([pay_row("D1001")]))
    visit(page, f"{live_server.url}/submissions/")
    page.get_by_label("CSV or Excel (.xlsx) file").set_input_files(str(data))
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("Applied", exact=True).first.is_visible()

    visit(page, f"{live_server.url}/submissions/")
    page.get_by_role("link", name="start from the last pay period").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.locator("#h-pay_date").input_value() == "2026-03-27"
    assert page.locator("#h-period_start").input_value() == "2026-03-08"
    assert page.locator("#h-period_end").input_value() == "2026-03-21"
    assert page.locator("#h-payment_reference").input_value() == "EFT-2026-002"
    assert page.get_by_text("Matches the plan's formula ($75.00)").first.is_visible()
    page.locator("#h-remittance_amount").fill("150.00")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        check_accessibility(page)
        page.screenshot(path=str(tmp_path / f"online-pay-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Check without applying (test mode)").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("Validated (test mode, not applied)").first.is_visible()
    page.get_by_role("button", name="Apply this file now").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("Applied", exact=True).first.is_visible()
    page.screenshot(path=str(tmp_path / "applied-now-1280.png"), full_page=True)
    assert Contribution.objects.filter(pay_date=dt.date(2026, 3, 27)).count() == 1
