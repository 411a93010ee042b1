"""Issue 20 "Tests": an employer fills a 1025ER in headless Chromium, a member signs it
through the link e-mailed to them (read from the test mail outbox), the sealed PDF
validates with pyHanko, and the leave appears on the member's record. axe-core checks
every page on the way."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import LazySettings
from django.core import mail
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Role
from pensionportal.members.models import Leave
from pensionportal.signedforms import certificates, pades
from tests.factories import enrol_totp, make_member, make_org, make_user

from .conftest import check_accessibility, sign_in, visit


def _next_period_code(secret: str) -> str:
    """The code used at sign-in cannot sign (a fresh step-up): the next period's code, which
    the server accepts with a tolerance of one period (set by the test, not waited for)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + 1
    return str(format_hotp_value(hotp_value(secret, counter)))


def _mail_matching(pattern: str, to: str) -> str:
    for _ in range(50):
        for message in reversed(mail.outbox):
            found = re.search(pattern, str(message.body), re.S)
            if to in message.to and found:
                return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no e-mail to {to} matching {pattern}")


@pytest.mark.django_db(transaction=True)
def test_an_employer_fills_a_1025er_and_the_member_signs_it_through_the_e_mailed_link(
    live_server: LiveServer,
    browser_page: Page,
    chromium: Browser,
    tmp_path: Path,
    settings: LazySettings,
) -> None:
    settings.MFA_TOTP_TOLERANCE = 1
    page = browser_page
    org = make_org("Signing Employer Ltd.")
    clerk = make_user(org, [Role.FILE_UPLOAD])
    secret = enrol_totp(clerk)
    member = make_member(
        org,
        "S-501",
        first_name="Noor",
        last_name="Haddad",
        birth_date=dt.date(1991, 6, 30),
        email="noor.haddad@example.com",
        pay_rate=Decimal("64000"),
    )
    sign_in(page, live_server.url, clerk.email, totp_secret=secret)
    visit(page, f"{live_server.url}/forms/")
    page.get_by_role("link", name="Fill in 1025ER online").click()
    page.wait_for_url("**/forms/catalogue/1025ER/new/")
    check_accessibility(page)
    page.get_by_label("Member's employee ID").fill("S-501")
    page.get_by_role("button", name="Start the form").click()
    page.wait_for_url("**/edit/")
    check_accessibility(page)
    page.get_by_label("Leave type").select_option("ESA_PAR")
    page.get_by_label("First day of the leave").fill("2026-04-06")
    page.get_by_label("Expected last day of the leave").fill("2026-10-04")
    page.get_by_label("Expected last day of the leave").fill("2026-01-01")  # before the start
    page.get_by_role("button", name="Save your part").click()
    assert page.get_by_text("The leave cannot end before it starts.").is_visible()
    check_accessibility(page)
    page.get_by_label("Expected last day of the leave").fill("2026-10-04")
    page.get_by_role("button", name="Save your part").click()
    page.wait_for_url(re.compile(r".*/forms/\d+/$"))
    check_accessibility(page)
    page.get_by_role("link", name="Review and sign").click()
    page.wait_for_url("**/sign/")
    check_accessibility(page)
    page.get_by_label("The member was granted this unpaid leave.").check()
    page.get_by_label("Code from your authenticator app").fill(_next_period_code(secret))
    page.get_by_role("button", name="Sign the form").click()
    page.wait_for_url(re.compile(r".*/forms/\d+/$"))
    assert page.get_by_text("The signing link was e-mailed to the member.").is_visible()
    check_accessibility(page)
    form_url = page.url

    # The member, in another browser, from the e-mail: birth date, e-mailed code, sign.
    path = _mail_matching(r"http\S+?(/forms/sign/[A-Za-z0-9_-]+/)", "noor.haddad@example.com")
    token_url = live_server.url + path  # the e-mail names PORTAL_BASE_URL
    member_context = chromium.new_context()
    member_page = member_context.new_page()
    member_page.set_default_timeout(15_000)
    visit(member_page, token_url)
    assert member_page.url.endswith("/forms/signing/")  # the token left the address at once
    assert member_page.get_by_text("Signing Employer Ltd. asks you to sign").is_visible()
    member_page.get_by_label("Your date of birth").fill("1991-06-30")
    member_page.get_by_role("button", name="Continue").click()
    member_page.wait_for_url("**/code/")
    check_accessibility(member_page)
    code = _mail_matching(r"is:\s+(\d{6})", "noor.haddad@example.com")
    member_page.get_by_label("Code").fill(code)
    member_page.get_by_role("button", name="Continue").click()
    member_page.wait_for_url("**/form/")
    check_accessibility(member_page)
    assert member_page.get_by_text("2026-04-06").first.is_visible()
    member_page.get_by_label("I have read this notice", exact=False).check()
    member_page.get_by_role("button", name="Sign the form").click()
    member_page.wait_for_load_state()
    assert member_page.get_by_text("is signed").first.is_visible()
    check_accessibility(member_page)
    visit(member_page, token_url)  # the link is single-use
    assert member_page.get_by_text("This link has already been used").is_visible()
    member_context.close()

    # The employer: sealed, valid, downloadable; the leave on the member's record.
    visit(page, form_url)
    assert page.get_by_text("Signature valid").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the sealed PDF", exact=False).click()
    pdf = Path(download.value.path()).read_bytes()
    assert pades.verify(pdf).valid
    saved = tmp_path / "1025ER.pdf"
    saved.write_bytes(pdf)
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "pyhanko"),
            "sign",
            "validate",
            "--trust-replace",
            "--trust",
            str(certificates.configured().chain[0]),
            "--no-revocation-check",
            "--executive-summary",
            str(saved),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith(":VALID")
    leave = Leave.objects.get(member=member)
    assert (leave.leave_type, leave.start_date) == ("ESA_PAR", dt.date(2026, 4, 6))
    page.get_by_role("link", name="Pension data submission", exact=False).click()
    page.wait_for_load_state()
    check_accessibility(page)
    visit(page, f"{live_server.url}/members/{member.pk}/")
    assert page.get_by_text("2026-04-06").first.is_visible()
