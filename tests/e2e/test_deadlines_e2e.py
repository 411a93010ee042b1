"""The staff queue, a lapsed quote re-issued, a notice to the regulator reviewed and filed,
and the employer's to-do page, in headless Chromium, axe-core clean on every page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Plan, Role
from pensionportal.buybacks import lapsing
from pensionportal.buybacks.models import Buyback, Status
from pensionportal.memberevents import sync
from pensionportal.members.models import MemberEvent, MemberStatus
from pensionportal.remittances import actions as remittances
from pensionportal.remittances import regulator
from pensionportal.remittances.models import NoticeStatus, RegulatorNotice
from tests.buybacks.helpers import QUOTE_DATE, opseu_member, opseu_org, quoted
from tests.factories import enrol_totp, make_member, make_org, make_staff, make_user, next_sin
from tests.remittances.helpers import pay_submission

from .conftest import check_accessibility, sign_in, visit


def _staff_page(page: Page, base: str) -> None:
    staff = make_staff(mfa=False)
    secret = enrol_totp(staff)
    sign_in(page, base, staff.email, totp_secret=secret)


@pytest.mark.django_db(transaction=True)
def test_staff_work_the_queue_reissue_a_lapsed_quote_and_file_a_notice(
    live_server: LiveServer, browser_page: Page
) -> None:
    page = browser_page
    today = timezone.localdate()
    org = make_org("Queue Employer Ltd.")
    member = make_member(
        org,
        "Q1",
        sin=next_sin(),
        status=MemberStatus.TERMINATED,
        termination_date=today,
        termination_reason="TER",
    )
    MemberEvent.objects.create(member=member, kind="TER", effective_date=today, summary="Ended")
    sync.refresh(org, today)
    staff = make_staff(mfa=False)
    buyback = quoted(staff, opseu_member(opseu_org("Buyback Employer Ltd.")))
    lapsing.lapse_quotes(QUOTE_DATE + dt.timedelta(days=46))
    advice = remittances.on_pay_submission_applied(
        pay_submission(org, dt.date(2026, 4, 17), "E2E-LATE", Decimal("500"), Decimal("500"))
    )
    assert advice is not None
    regulator.draft_notices(dt.date(2026, 4, 25))
    _staff_page(page, live_server.url)

    visit(page, f"{live_server.url}/worklist/staff/")
    assert page.get_by_text("Send the statement of benefits and options").is_visible()
    row = page.locator("tr", has_text="Send the statement of benefits and options")
    row.get_by_label("What was done").fill("Statement mailed")
    row.get_by_role("button", name="Mark done").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert "Done: Send the statement of benefits and options" in page.locator(".flash").inner_text()

    visit(page, f"{live_server.url}/buybacks/{buyback.pk}/")
    assert page.get_by_text("The quote lapsed: no signed agreement").is_visible()
    page.get_by_label("New quote date (the cost is as of this date)").fill(today.isoformat())
    page.get_by_role("button", name="Issue the new quote").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert Buyback.objects.get(pk=buyback.pk).status == Status.QUOTED

    notice = RegulatorNotice.objects.get()
    visit(page, f"{live_server.url}/remittances/regulator/")
    page.get_by_role("link", name=notice.reference).click()
    page.wait_for_load_state()
    check_accessibility(page)
    page.get_by_label("Checked: ready to file with the regulator").check()
    page.get_by_role("button", name="Record the review").click()
    page.wait_for_load_state()
    check_accessibility(page)
    page.get_by_label("Filed with the regulator on").fill(today.isoformat())
    page.get_by_label("Regulator's reference or confirmation number (optional)").fill("E2E-1")
    page.get_by_role("button", name="Record the filing").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert RegulatorNotice.objects.get().status == NoticeStatus.FILED


@pytest.mark.django_db(transaction=True)
def test_the_employer_sees_its_to_dos_and_records_a_notice_of_intent_to_retire(
    live_server: LiveServer, browser_page: Page
) -> None:
    page = browser_page
    today = timezone.localdate()
    org = make_org("To Do Employer Ltd.", plan=Plan.SELECT)
    member = make_member(org, "R1")
    sync.refresh(org, today)  # the prior service data, due 30 days after participation
    user = make_user(org, [Role.FILE_UPLOAD])
    sign_in(page, live_server.url, user.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="To do").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("Send the prior service data (PRIORSVC)").is_visible()
    visit(page, f"{live_server.url}/members/{member.pk}/")
    page.get_by_role("link", name="Record a notice of intent to retire").click()
    page.wait_for_load_state()
    check_accessibility(page)
    page.get_by_label("Notice of intent received on").fill(today.isoformat())
    page.get_by_label("Retirement date").fill((today + dt.timedelta(days=150)).isoformat())
    page.get_by_role("button", name="Record the notice").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_role("cell", name="Four to six months before").is_visible()
    visit(page, f"{live_server.url}/worklist/todo/{org.pk}/")
    assert page.get_by_text("in the TER data").first.is_visible()
