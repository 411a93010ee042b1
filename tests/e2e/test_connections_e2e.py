"""Payroll connections in the browser (issue 19): an employer administrator creates an API
client from the keyboard and sees its secret once, adds an SSH key, and reads the API
reference; every page passes axe-core at desktop and phone widths."""

from __future__ import annotations

import asyncssh
import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Role
from pensionportal.integrations import actions
from pensionportal.integrations.models import ApiClient, SshKey
from tests.factories import enrol_totp, make_org, make_staff, make_user

from .conftest import check_accessibility, sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


# What sticks out past a phone's width (named in the failure), boxes that scroll aside.
WIDEST = """Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > 392 && e.closest('.table-scroll') === null)
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def _both_widths(page: Page, url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    visit(page, url)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDEST)
    assert width <= 390, f"{url} is {width} px wide at 390 px: {wide}"
    page.set_viewport_size({"width": 1280, "height": 900})
    visit(page, url)


def test_an_administrator_creates_a_client_adds_a_key_and_reads_the_reference(
    live_server: LiveServer, browser_page: Page
) -> None:
    org = make_org("Lakeside Payroll Co.")
    admin = make_user(org, [Role.ADMINISTRATOR])
    secret = enrol_totp(admin)
    actions.approve_sftp(make_staff(), org)
    actions.host_key()
    page = browser_page
    sign_in(page, live_server.url, admin.email, totp_secret=secret)
    page.get_by_role("navigation").get_by_role("link", name="Payroll connections").click()
    page.wait_for_load_state()
    check_accessibility(page)
    _both_widths(page, f"{live_server.url}/connections/{org.pk}/")

    page.get_by_role("link", name="Create an API client").click()
    page.wait_for_load_state()
    check_accessibility(page)
    page.get_by_label("Name").fill("WIN payroll")
    page.get_by_label("Send pension data files and read their results").check()
    page.get_by_label("Allowed addresses").fill("203.0.113.0/24")
    page.get_by_role("button", name="Create the client").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_accessibility(page)
    client = ApiClient.objects.get(organization=org)
    assert page.get_by_text(client.client_id).first.is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    visit(page, f"{live_server.url}/connections/{org.pk}/")
    key = asyncssh.generate_private_key("ssh-ed25519", comment="payroll server")
    page.get_by_label("Public key").fill(key.export_public_key("openssh").decode())
    with page.expect_navigation():
        page.get_by_role("button", name="Add the key").click()
    check_accessibility(page)
    stored = SshKey.objects.get()
    assert page.get_by_text(stored.fingerprint).first.is_visible()

    page.get_by_role("link", name="API reference").first.click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_role("heading", name="Pension data submissions").first.is_visible()
    _both_widths(page, f"{live_server.url}/api/v1/reference/")
