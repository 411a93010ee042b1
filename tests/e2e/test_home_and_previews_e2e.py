"""Issue 16 in headless Chromium, axe-core clean at 1280 and 390 px: a clerk sees their
to-dos on signing in; staff preview "Run detection now" and then issue the
missed-contributions invoice it showed."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import get_resolver
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Role, StaffRole
from pensionportal.missed.models import Case
from pensionportal.remittances.models import Invoice, InvoiceKind
from pensionportal.submissions.models import Source, Status, Submission
from tests.factories import enrol_totp, make_member, make_org, make_staff, make_user
from tests.missed.helpers import cycles, rates

from .conftest import check_accessibility, sign_in, visit


@pytest.fixture(autouse=True)
def _urls_loaded() -> None:
    """Import the URL configuration here, not in the live server's first request, which
    on a loaded machine can outlast the browser's 15-second navigation timeout."""
    assert get_resolver().url_patterns


def _both_widths(page: Page, name: str, where: Path) -> None:
    """axe-clean and no sideways page scroll at both widths; screenshots kept in
    $PORTAL_SCREENSHOTS when set (to look at), else in the test's temporary directory."""
    where = Path(os.environ.get("PORTAL_SCREENSHOTS", str(where)))
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        check_accessibility(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(where / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.django_db(transaction=True)
def test_a_clerk_sees_their_to_dos_on_signing_in(
    live_server: LiveServer, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    today = timezone.localdate()
    org = make_org("To-do Employer Ltd.")
    clerk = make_user(org, [Role.FILE_UPLOAD, Role.PAYROLL_MANAGER])
    Submission.objects.create(
        organization=org,
        template="PAY",
        source=Source.UPLOAD,
        status=Status.REJECTED,
        filename="PAY_rejected.csv",
        sha256="1" * 64,
        submitted_by=clerk,
        pay_cycle="bi-weekly",
        pay_date=today - dt.timedelta(days=3),
    )
    Invoice.objects.create(
        organization=org,
        kind=InvoiceKind.BUYBACK_SHARE,
        invoice_date=today - dt.timedelta(days=20),
        due_date=today - dt.timedelta(days=4),
        total=Decimal("125.00"),
    )
    sign_in(page, live_server.url, clerk.email)
    assert page.get_by_role("heading", name="To do for To-do Employer Ltd.").is_visible()
    rejected = page.get_by_role("link", name="Files rejected: errors to fix")
    assert rejected.is_visible()
    row = page.get_by_role("row", name="Unpaid invoices")
    assert "overdue" in row.inner_text()
    _both_widths(page, "home-clerk", tmp_path)
    rejected.click()
    page.wait_for_url("**/submissions/?status=rejected*")
    visit(page, page.url)
    assert page.get_by_text("PAY_rejected.csv").first.is_visible()


@pytest.mark.django_db(transaction=True)
def test_staff_preview_then_issue_a_missed_contributions_invoice(
    live_server: LiveServer, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    org = make_org("Preview Employer Ltd.")
    member = make_member(org, "P1", last_name="Tremblay", membership_date=dt.date(2025, 1, 1))
    cycles(org, [member], 5, skip={(0, 1), (0, 2)})
    rates()
    staff = make_staff([StaffRole.DATA_MANAGEMENT], mfa=False)
    secret = enrol_totp(staff)
    sign_in(page, live_server.url, staff.email, totp_secret=secret)
    assert page.get_by_role("heading", name="Your queues").is_visible()
    _both_widths(page, "home-staff", tmp_path)
    visit(page, f"{live_server.url}/missed/employers/{org.pk}/")
    page.get_by_role("link", name="Run detection now").click()
    page.wait_for_url(f"**/missed/employers/{org.pk}/run/")
    assert page.get_by_text("Nothing has been issued yet").is_visible()
    table = page.get_by_role("table", name="Periods the invoice would hold (2)")
    assert table.get_by_text("P1 Pat Tremblay").count() == 2
    _both_widths(page, "missed-preview", tmp_path)
    assert Case.objects.count() == 0
    page.get_by_role("button", name="Issue invoice of", exact=False).click()
    page.wait_for_url(f"**/missed/employers/{org.pk}/")
    case = Case.objects.get()
    assert page.get_by_text(f"Invoice {case.number} issued").is_visible()
    assert case.findings.count() == 2
    visit(page, page.url)
