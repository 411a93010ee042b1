"""The signed-in sessions page in headless Chromium (issue 17, OWASP ASVS 5.0 7.5): a user
signed in in two browsers sees both, this one marked, reached from Security settings; ends
the other from the keyboard, and that browser is signed out at its next page. axe-core
clean at 1280 and 390 px, with no sideways scroll."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import get_resolver
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Role
from tests.factories import make_org, make_user

from .conftest import check_accessibility, sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def _ready() -> None:
    assert get_resolver().url_patterns  # loaded here, not in the live server's first request
    cache.clear()  # both sign-ins come from 127.0.0.1


def _both_widths(page: Page, name: str, where: Path) -> None:
    where = Path(os.environ.get("PORTAL_SCREENSHOTS", str(where)))
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        check_accessibility(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(where / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_user_ends_their_session_in_another_browser(
    live_server: LiveServer, browser_page: Page, chromium: Browser, tmp_path: Path
) -> None:
    base = live_server.url
    user = make_user(make_org("Sessions Employer Ltd."), [Role.COMMUNICATIONS])
    phone_context = chromium.new_context(user_agent=PHONE_AGENT)
    try:
        phone = phone_context.new_page()
        phone.set_default_timeout(15_000)
        sign_in(phone, base, user.email)
        page = browser_page
        sign_in(page, base, user.email)

        visit(page, f"{base}/accounts/2fa/")
        _both_widths(page, "security-settings", tmp_path)
        page.get_by_role("link", name="View your sessions").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Signed-in sessions", level=1).is_visible()
        cards = page.locator("section.card")
        assert cards.count() == 2
        assert "This device" in cards.first.inner_text()
        assert page.get_by_role("heading", name="Safari on iOS").is_visible()
        _both_widths(page, "signed-in-sessions", tmp_path)

        end = page.get_by_role("button", name="End session on Safari on iOS", exact=False)
        end.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        check_accessibility(page)
        assert page.get_by_text("The session on Safari on iOS is ended").is_visible()
        assert page.locator("section.card").count() == 1
        _both_widths(page, "signed-in-sessions-ended", tmp_path)

        phone.goto(f"{base}/")
        assert phone.url.startswith(f"{base}/accounts/login/")
    finally:
        phone_context.close()
