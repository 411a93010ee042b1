"""In the browser, each kind of user sees exactly the sections their roles allow, can open
each of them, and gets 403 for the others; MFA enrolment and sign-out behave as a user sees
them (issue: Foundation, Navigation and MFA)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.core.cache import cache
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Role, User
from tests.factories import (
    PASSWORD,
    add_membership,
    enrol_totp,
    make_org,
    make_staff,
    make_user,
    totp_code,
)

from .conftest import check_accessibility, sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN = "/accounts/login/"
MFA_AUTHENTICATE = "/accounts/2fa/authenticate/"
MFA_SETUP = "/accounts/2fa/totp/activate/"
REAUTHENTICATE = "/accounts/reauthenticate/"

EMPLOYER_FILES = frozenset({Role.FILE_UPLOAD, Role.ADMINISTRATOR})


@dataclass(frozen=True)
class Section:
    """A section of the main navigation and who sees it (DESIGN.md, "People"): `roles`
    grant it in any organization; staff (with every staff role) see every section."""

    label: str
    path: str
    roles: frozenset[Role] = frozenset()
    everyone: bool = False


# Every section of the main navigation, in its order. A new section is one line here.
SECTIONS = (
    Section("Home", "/", everyone=True),
    Section("Staff queue", "/worklist/staff/"),
    Section("To do", "/worklist/todo/", EMPLOYER_FILES | {Role.PAYROLL_MANAGER}),
    Section("Messages", "/messages/", EMPLOYER_FILES | {Role.COMMUNICATIONS}),
    Section("File Upload", "/files/", EMPLOYER_FILES),
    Section("Pension data", "/submissions/", EMPLOYER_FILES),
    Section("Members", "/members/", EMPLOYER_FILES),
    Section("Remittances", "/remittances/", EMPLOYER_FILES | {Role.PAYROLL_MANAGER}),
    Section("Buybacks", "/buybacks/", EMPLOYER_FILES),
    Section("Forms and Publications", "/forms/", EMPLOYER_FILES),
    Section("Reports", "/reports/", frozenset({Role.PAYROLL_MANAGER})),
    Section("Users", "/users/", frozenset({Role.ADMINISTRATOR})),
    Section("Payroll connections", "/connections/", frozenset({Role.ADMINISTRATOR})),
    Section("Organizations", "/organizations/"),
    Section("Missed contributions", "/missed/"),
    Section("Audit trail", "/staff/audit/"),
    Section("Operations", "/staff/operations/"),
    Section("Security settings", "/accounts/2fa/", everyone=True),
    Section("Signed-in sessions", "/sessions/", everyone=True),
    Section("E-mail notifications", "/notifications/", everyone=True),
)
PATHS = {section.label: section.path for section in SECTIONS}


@dataclass(frozen=True)
class Account:
    user: User
    totp_secret: str | None  # set when the account has MFA: signing in asks for a code
    organizations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], Account]
    roles: frozenset[Role] = frozenset()  # across all of the user's organizations
    staff: bool = False

    def navigation(self) -> list[str]:
        return [
            section.label
            for section in SECTIONS
            if section.everyone or self.staff or section.roles & self.roles
        ]


def _member(roles: tuple[Role, ...], *, vendor: bool = False) -> Account:
    org = make_org(vendor=vendor)
    # make_user enrols administrators with a secret it does not return: enrol here instead.
    user = make_user(org, roles, mfa=False)
    secret = enrol_totp(user) if Role.ADMINISTRATOR in roles else None
    return Account(user, secret, (org.name,))


def _multi_org() -> Account:
    vendor, employer = make_org(vendor=True), make_org()
    user = make_user(vendor, (Role.COMMUNICATIONS,))
    add_membership(user, employer, (Role.PAYROLL_MANAGER,))
    return Account(user, None, (vendor.name, employer.name))


def _staff() -> Account:
    user = make_staff(mfa=False)  # every staff role
    return Account(user, enrol_totp(user))


def _case(name: str, *roles: Role, vendor: bool = False) -> Case:
    return Case(name, lambda: _member(roles, vendor=vendor), frozenset(roles))


CASES = [
    _case("communications (vendor)", Role.COMMUNICATIONS, vendor=True),
    _case("file upload", Role.FILE_UPLOAD),
    _case("administrator", Role.ADMINISTRATOR),
    _case("payroll manager", Role.PAYROLL_MANAGER),
    Case(
        "communications in a vendor, payroll manager in an employer",
        _multi_org,
        frozenset({Role.COMMUNICATIONS, Role.PAYROLL_MANAGER}),
    ),
    Case("staff", _staff, staff=True),
]


@pytest.fixture(autouse=True)
def _no_sign_in_throttling() -> None:
    # The sign-in rate limits count per address in the shared cache, which a transactional
    # test does not empty; every sign-in here comes from 127.0.0.1.
    cache.clear()


def _path(url: str) -> str:
    return urlsplit(url).path


def _fresh_code(secret: str) -> str:
    """A one-time code with a few seconds of life left: the server accepts only the code of
    the current 30-second step, and a loaded CI machine can be slow to submit it."""
    left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left < 5:
        time.sleep(left + 0.2)
    return totp_code(secret)


def _sign_in(page: Page, base: str, account: Account) -> None:
    """The real sign-in form, then the one-time code page when the account has MFA."""
    sign_in(page, base, account.user.email)  # stops at the code page, checked by axe-core
    if account.totp_secret is not None:
        assert _path(page.url) == MFA_AUTHENTICATE
        page.get_by_label("Code").fill(_fresh_code(account.totp_secret))
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
        check_accessibility(page)


def _in_section(path: str, section: str) -> bool:
    return path == section if section == "/" else path.startswith(section)


def _main_navigation(page: Page) -> list[tuple[str, str]]:
    links = page.locator("nav[aria-label=Main] a")
    return [
        (
            " ".join(links.nth(i).inner_text().split()),
            _path(links.nth(i).get_attribute("href") or ""),
        )
        for i in range(links.count())
    ]


def _open(page: Page, url: str) -> int:
    """Navigate like a user, check the page with axe-core, and return the HTTP status."""
    response = page.goto(url)
    assert response is not None, url
    check_accessibility(page)
    return response.status


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_user_sees_exactly_the_sections_their_roles_allow(
    live_server: LiveServer, browser_page: Page, case: Case
) -> None:
    account = case.build()
    page, base = browser_page, live_server.url
    allowed = case.navigation()

    _sign_in(page, base, account)

    assert _path(page.url) == "/"
    assert page.get_by_role("heading", name="Welcome").is_visible()
    for name in account.organizations:
        assert page.get_by_role("cell", name=name, exact=True).is_visible()
    shown = _main_navigation(page)
    unknown = [label for label, _ in shown if label not in PATHS]
    assert not unknown, f"sections missing from SECTIONS in this file: {unknown}"
    assert shown == [(label, PATHS[label]) for label in allowed]

    for label in allowed:
        url = base + PATHS[label]
        assert _open(page, url) == 200, f"{label} at {url}"
        # A section may forward within itself (to the one organization, say), not out of it.
        assert _in_section(_path(page.url), PATHS[label]), f"{label} sent to {page.url}"
        current = page.locator("nav[aria-label=Main] a[aria-current=page]")
        assert current.inner_text().strip() == label

    for label in PATHS:
        if label not in allowed:
            response = page.request.get(base + PATHS[label], max_redirects=0)
            assert response.status == 403, f"{label} answered {response.status}"


def test_a_section_the_user_lacks_shows_an_accessible_403_page(
    live_server: LiveServer, browser_page: Page
) -> None:
    user = make_user(make_org(), (Role.PAYROLL_MANAGER,))
    page, base = browser_page, live_server.url
    sign_in(page, base, user.email)

    assert _open(page, base + PATHS["Messages"]) == 403


def _confirm_password_if_asked(page: Page) -> None:
    """allauth asks for the password again before adding an authenticator unless the user
    confirmed it in the last few minutes; a fresh sign-in does not count as confirming."""
    if _path(page.url) != REAUTHENTICATE:
        return
    page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    check_accessibility(page)


def test_a_user_who_needs_mfa_must_set_up_an_authenticator_before_anything_else(
    live_server: LiveServer, browser_page: Page
) -> None:
    user = make_user(make_org(), (Role.ADMINISTRATOR,), mfa=False)
    page, base = browser_page, live_server.url

    sign_in(page, base, user.email)
    _confirm_password_if_asked(page)

    assert _path(page.url) == MFA_SETUP
    assert _open(page, base + "/") == 200
    assert _path(page.url) == MFA_SETUP, "Home was reachable without MFA"
    for label in ("Home", "Messages", "File Upload", "Users"):
        response = page.request.get(base + PATHS[label], max_redirects=0)
        assert response.status == 302, label
        assert _path(response.headers["location"]) == MFA_SETUP, label

    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(_fresh_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert is_mfa_enabled(user, [Authenticator.Type.TOTP])

    assert _open(page, base + "/") == 200
    assert _path(page.url) == "/"
    assert page.get_by_role("heading", name="Welcome").is_visible()


def test_signing_out_ends_the_session(live_server: LiveServer, browser_page: Page) -> None:
    user = make_user(make_org(), (Role.FILE_UPLOAD,))
    page, base = browser_page, live_server.url
    sign_in(page, base, user.email)
    visit(page, base + PATHS["File Upload"])

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert _path(page.url) == LOGIN

    page.go_back()
    page.wait_for_load_state()
    check_accessibility(page)
    assert _path(page.url) == LOGIN, "the previous page was shown after signing out"
    assert page.get_by_role("heading", name="Sign in").is_visible()

    for label in ("Home", "File Upload"):
        assert _open(page, base + PATHS[label]) == 200
        assert _path(page.url) == LOGIN, f"{label} was reachable after signing out"
    response = page.request.get(base + PATHS["File Upload"], max_redirects=0)
    assert response.status == 302
    assert _path(response.headers["location"]) == LOGIN
