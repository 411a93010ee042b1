"""An employer's payroll clerk sends a PAY file with three errors, sees them by row,
downloads the report, fixes the file, confirms the remaining warning and sees it applied."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Plan, Role
from pensionportal.members.models import Contribution
from tests.factories import make_member, make_org, make_user
from tests.submissions.helpers import pay_file, pay_row

from .conftest import check_accessibility, sign_in, visit


def _send(page: Page, base: str, path: Path) -> None:
    visit(page, f"{base}/submissions/")
    page.get_by_label("CSV or Excel (.xlsx) file").set_input_files(str(path))
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_load_state()
    check_accessibility(page)


@pytest.mark.django_db(transaction=True)
def test_a_clerk_fixes_a_pay_file_and_sees_it_applied(
    live_server: LiveServer, browser_page: Page, tmp_path: Path
) -> None:
    org = make_org(plan=Plan.SELECT)
    org.plan_participation_date = date(2015, 1, 1)
    org.save()
    clerk = make_user(org, [Role.FILE_UPLOAD])
    for employee_id, sin in (("E1", "550911895"), ("E2", "130692544"), ("E3", "193456787")):
        make_member(org, employee_id, sin=sin)
    page = browser_page
    sign_in(page, live_server.url, clerk.email)

    bad = tmp_path / "PAY_bad.csv"
    bad.write_bytes(
        pay_file(
            [
                pay_row("E1"),
                pay_row("E999"),
                pay_row("E2", contribution_type="X"),
                pay_row("E3", service_type="ABC"),
            ]
        )
    )
    _send(page, live_server.url, bad)
    assert page.get_by_text("Rejected: errors to fix").first.is_visible()
    table = page.locator("table").filter(has_text="Value as given")
    for value in ("E999", "X", "ABC"):
        assert table.get_by_text(value, exact=True).first.is_visible()
    assert "3 errors" in table.locator("caption").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    report = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "E999" in report
    assert "Employee ID" in report
    assert "not an enrolled member" in report

    fixed = tmp_path / "PAY_fixed.csv"
    fixed.write_bytes(
        pay_file(
            [pay_row("E1"), pay_row("E2"), pay_row("E3", employee_regular="70.00")],
            reference="EFT-FIXED",
        )
    )
    _send(page, live_server.url, fixed)
    assert page.get_by_text("Awaiting your confirmation").first.is_visible()
    page.get_by_label("I have read the warnings and the data is correct").check()
    page.get_by_role("button", name="Confirm and apply").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("Applied", exact=True).first.is_visible()
    assert Contribution.objects.filter(organization=org).count() == 3
