"""End-to-end tests: real headless Chromium (Debian's package) driven by Playwright, with
axe-core checking every page a test visits.

Use the `browser_page` fixture with pytest-django's `live_server`, sign in with
`sign_in(page, live_server.url, email, totp_secret=...)` and call `check_accessibility(page)`
after every navigation (or use `visit`, which does both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from tests.factories import PASSWORD, totp_code

# Playwright's sync API runs an event loop in the test thread; Django's ORM then refuses to
# run there unless told that this is deliberate (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests empty the database, data migrations' rows included: put back the
    standard mailboxes and the public interest rates before each browser test."""
    if "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from pensionportal.core.reference_data import ensure

        ensure()


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


_axe = Axe()


def check_accessibility(page: Page) -> None:
    """Fail with axe-core's report if the current page has any WCAG 2.1 AA violation."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    if results.violations_count:
        pytest.fail(f"axe-core violations on {page.url}:\n{results.generate_report()}")


def visit(page: Page, url: str) -> None:
    page.goto(url)
    check_accessibility(page)


def sign_in(
    page: Page,
    base_url: str,
    email: str,
    *,
    password: str = PASSWORD,
    totp_secret: str | None = None,
) -> None:
    """Sign in through the real form (and the MFA code page when the account has MFA)."""
    visit(page, f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=False).first.fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    if totp_secret is not None:
        check_accessibility(page)
        page.get_by_label("Code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
    check_accessibility(page)
