"""Issue 15, item 10: responsive layout. With the demo data, signed in as the staff member
and an employer clerk, the main pages never overflow sideways at 390 px (a phone) nor at
1280 px (a desktop); the navigation is a disclosure menu on the phone and open beside the
page on the desktop; wide tables scroll inside their own box; axe-core is clean at both."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.core.demo import DEMO_TOTP_SECRETS
from pensionportal.demo import load_demo_data
from pensionportal.missed.models import Case
from pensionportal.remittances.models import Invoice
from pensionportal.submissions.models import Status, Submission

from .conftest import check_accessibility, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = ((390, 844), (1280, 800))


def _overflow(page: Page) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def _check(page: Page, url: str) -> list[str]:
    problems = []
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        page.wait_for_load_state("load")
        extra = _overflow(page)
        if extra > 0:
            problems.append(f"{url} at {width} px is {extra} px too wide")
        menu = page.locator("details.nav-menu")
        if menu.count():
            is_open = menu.evaluate("element => element.open")
            if width < 800 and (is_open or not page.get_by_text("Menu").first.is_visible()):
                problems.append(f"{url} at {width} px: the menu is not a closed disclosure")
            if width >= 800 and not page.get_by_role("navigation", name="Main").is_visible():
                problems.append(f"{url} at {width} px: the navigation is not shown")
        check_accessibility(page)
    return problems


def test_main_pages_fit_a_phone_and_a_desktop(live_server: LiveServer, browser_page: Page) -> None:
    load_demo_data()
    invoice = Invoice.objects.order_by("id").first()
    case = Case.objects.order_by("id").first()
    rejected = Submission.objects.filter(status=Status.REJECTED, template="PAY").first()
    assert invoice is not None
    assert case is not None
    assert rejected is not None
    base = live_server.url
    problems: list[str] = []
    staff = "staff@demo.example"
    sign_in(
        browser_page, base, staff, password="Demo!Portal2026", totp_secret=DEMO_TOTP_SECRETS[staff]
    )
    for path in (
        "/",
        "/missed/",
        f"/missed/cases/{case.pk}/",
        "/remittances/",
        f"/remittances/invoices/{invoice.pk}/",
        f"/remittances/advice/{invoice.advice_id}/",
        "/remittances/rates/",
        "/members/",
        "/files/",
        "/staff/audit/",
        "/accounts/2fa/",
    ):
        problems += _check(browser_page, base + path)
    browser_page.context.clear_cookies()
    sign_in(browser_page, base, "upload@demo.example", password="Demo!Portal2026")
    for path in ("/submissions/", f"/submissions/{rejected.pk}/", "/submissions/online/PAY/"):
        problems += _check(browser_page, base + path)
    assert not problems, "\n".join(problems)


def test_the_phone_menu_opens_and_leads_to_a_section(
    live_server: LiveServer, browser_page: Page
) -> None:
    load_demo_data()
    browser_page.set_viewport_size({"width": 390, "height": 844})
    sign_in(browser_page, live_server.url, "upload@demo.example", password="Demo!Portal2026")
    navigation = browser_page.get_by_role("navigation", name="Main")
    assert not navigation.is_visible()
    browser_page.get_by_text("Menu").first.click()
    assert navigation.is_visible()
    navigation.get_by_role("link", name="Pension data").click()
    browser_page.wait_for_load_state("load")
    assert browser_page.url.endswith("/submissions/")
