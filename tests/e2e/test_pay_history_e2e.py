"""Issue 16 "Checks from the payroll history" in the browser: a PAY file missing two members
who were paid last period is warned about by name, and a $9,999,999 pay is warned about;
the clerk confirms the warnings (every page axe-clean)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Plan, Role
from tests.factories import make_member, make_org, make_user
from tests.submissions.helpers import paid, pay_file, pay_row

from .conftest import check_accessibility, sign_in, visit


@pytest.mark.django_db(transaction=True)
def test_a_pay_file_missing_two_members_and_a_9999999_pay_is_warned_by_name(
    live_server: LiveServer, browser_page: Page, tmp_path: Path
) -> None:
    org = make_org(plan=Plan.SELECT)
    org.plan_participation_date = dt.date(2015, 1, 1)
    org.save()
    clerk = make_user(org, [Role.FILE_UPLOAD])
    people = (
        ("E1", "550911895", "Nguyen"),
        ("E2", "130692544", "Singh"),
        ("E3", "193456787", "Roy"),
        ("E4", "274561232", "MacDonald"),
    )
    for employee_id, sin, last_name in people:
        member = make_member(org, employee_id, sin=sin, last_name=last_name)
        paid(member, dt.date(2026, 2, 27), "2500.00")
    page = browser_page
    sign_in(page, live_server.url, clerk.email)

    data = tmp_path / "PAY_2026-03-13.csv"
    data.write_bytes(pay_file([pay_row("E1"), pay_row("E2", "9999999.00")]))
    visit(page, f"{live_server.url}/submissions/")
    page.get_by_label("CSV or Excel (.xlsx) file").set_input_files(str(data))
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("Awaiting your confirmation").first.is_visible()
    table = page.locator("table").filter(has_text="Value as given")
    for name in ("Pat Roy (Employee ID E3) was paid 2,500.00", "Pat MacDonald (Employee ID E4)"):
        assert table.get_by_text(name).first.is_visible()
    assert table.get_by_text("Pensionable Pay 9,999,999.00 for Employee ID E2").first.is_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"warned-{width}.png"), full_page=True)
    page.get_by_label("I have read the warnings and the data is correct").check()
    page.get_by_role("button", name="Confirm and apply").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("Applied", exact=True).first.is_visible()
