"""Generated, not hand-listed (issue 17, finding 7 and "Must do" 4 and 7): every URL
pattern of the URL configuration, for every staff role and every employer role, answers
403 exactly where the role matrix of docs/security.md says the role lacks the section;
every page declares its section (a new pattern without one fails here); the code's matrix
is the documented one, cell by cell; and CSRF is enforced on every POST URL.

Another organization's object answering 404, for every pattern that takes an object (web,
API, SFTP outbox names), is tests/security/test_object_matrix.py; anonymous visitors are
sent to sign in on every pattern (tests/core/test_url_walk.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from pensionportal.accounts.access import (
    CAPABILITY_LABELS,
    ROLES_GRANTING,
    STAFF_ROLES_GRANTING,
    Capability,
)
from pensionportal.accounts.models import Role, StaffRole, User
from pensionportal.accounts.sections import Audience, Section, section_of
from tests.core.test_url_walk import ANONYMOUS_ALLOWED
from tests.factories import make_org, make_staff, make_user

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
# Ids no test object has, so an allowed request finds nothing (404) and changes nothing.
MISSING = "987654"


def _documented(marker: str) -> dict[str, set[str]]:
    """Section label -> the role labels marked "yes" in the table between the markers."""
    text = DOC.read_text()
    body = text.split(f"<!-- {marker} -->", 1)[1].split(f"<!-- /{marker} -->", 1)[0]
    rows = [line for line in body.strip().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    table: dict[str, set[str]] = {}
    for row in rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        table[cells[0]] = {header[i] for i in range(1, len(cells)) if cells[i] == "yes"}
    return table


STAFF_DOC = _documented("staff-matrix")
EMPLOYER_DOC = _documented("employer-matrix")


def _documented_allows(capability: Capability, role: StaffRole | Role) -> bool:
    table = STAFF_DOC if isinstance(role, StaffRole) else EMPLOYER_DOC
    return role.label in table[CAPABILITY_LABELS[capability]]


@pytest.mark.parametrize("role", list(StaffRole))
@pytest.mark.parametrize("capability", list(Capability))
def test_the_staff_matrix_cell_is_the_documented_one(
    capability: Capability, role: StaffRole
) -> None:
    assert (role in STAFF_ROLES_GRANTING[capability]) == _documented_allows(capability, role)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("capability", list(Capability))
def test_the_employer_matrix_cell_is_the_documented_one(capability: Capability, role: Role) -> None:
    assert (role in ROLES_GRANTING[capability]) == _documented_allows(capability, role)


def test_the_documented_matrices_name_every_section() -> None:
    labels = set(CAPABILITY_LABELS.values())
    assert set(STAFF_DOC) == labels
    assert set(EMPLOYER_DOC) == labels


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Any]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else entry.lookup_str
            yield prefix + str(entry.pattern), name, entry.callback


def _url(pattern: str) -> str:
    def sample(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        if converter == "uuid":
            return "00000000-0000-0000-0000-000000987654"
        return MISSING

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", sample, pattern)


def _portal_pages() -> list[tuple[str, str, Callable[..., Any]]]:
    pages = []
    for pattern, name, callback in _patterns(get_resolver()):
        if pattern.startswith("admin/") or "(?P<" in pattern or pattern.startswith("^"):
            continue  # Django's admin (superusers only) and allauth's regex patterns
        if pattern.startswith("api/v1/") and name != "api:reference":
            continue  # the REST API: bearer tokens, no session, no CSRF (tests/api)
        pages.append((_url(pattern), name, callback))
    return sorted(pages, key=lambda page: page[0])


PAGES = _portal_pages()
PUBLIC = ANONYMOUS_ALLOWED | {"core:healthz", "core:readyz"}


def test_every_page_declares_its_section_or_is_public() -> None:
    undeclared = [
        f"{url} ({name})"
        for url, name, callback in PAGES
        if name not in PUBLIC
        and not name.startswith("mfa_")
        and section_of(callback) is None
        and not name.startswith("account_")
    ]
    assert not undeclared, "pages without @section(...): " + ", ".join(undeclared)


def test_the_matrix_covers_every_section() -> None:
    declared = {section.capability for _, _, cb in PAGES if (section := section_of(cb))}
    assert set(Capability) <= declared | {None}, set(Capability) - declared


def _expected_allowed(section: Section, role: StaffRole | Role | None) -> bool:
    """From the documented matrix (not from the code under test)."""
    staff = isinstance(role, StaffRole) or role is None
    if section.audience is Audience.STAFF and not staff:
        return False
    if section.audience is Audience.EMPLOYERS and staff:
        return False
    if section.capability is None:
        return True
    if role is None:
        return False
    return any(_documented_allows(capability, role) for capability in section.capabilities)


def _identity(role: StaffRole | Role | None) -> User:
    if isinstance(role, Role):
        return make_user(make_org(), [role], mfa=True)
    return make_staff([role] if role is not None else [])


IDENTITIES: list[StaffRole | Role | None] = [*StaffRole, *Role, None]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", IDENTITIES, ids=[getattr(r, "value", "staff-without-roles") for r in IDENTITIES]
)
def test_every_page_answers_403_exactly_where_the_role_lacks_the_section(
    role: StaffRole | Role | None,
) -> None:
    client = Client()
    client.force_login(_identity(role))
    wrong = []
    for url, name, callback in PAGES:
        section = section_of(callback)
        if section is None:
            continue
        response = client.get(url)
        method = "GET"
        if response.status_code == 405:
            response = client.post(url, {})
            method = "POST"
        allowed = _expected_allowed(section, role)
        if (response.status_code == 403) == allowed:
            wrong.append(
                f"{method} {url} ({name}, {section.capability}, {section.audience}): "
                f"{response.status_code}, expected {'not ' if allowed else ''}403"
            )
    assert not wrong, "\n".join(wrong)


def csrf_refused(request: HttpRequest, reason: str = "") -> HttpResponse:
    return HttpResponse(f"CSRF: {reason}", status=419)


@pytest.mark.django_db
def test_csrf_is_enforced_on_every_post_url(settings: Any) -> None:
    """A POST without the CSRF token is refused on every URL: by the CSRF check (419 here)
    for someone the page is for; a page with uploads checks CSRF after signing in and the
    section check (files/uploads.py), so there anyone else is refused first (sign-in,
    403) and the CSRF check is proven by the identity the page is for."""
    settings.CSRF_FAILURE_VIEW = "tests.security.test_access_matrix.csrf_refused"
    identities = [make_staff(list(StaffRole)), make_user(make_org(), list(Role), mfa=True)]
    clients = []
    for user in identities:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        clients.append(client)
    anonymous = Client(enforce_csrf_checks=True)
    unprotected = []
    for url, name, _ in PAGES:
        if name in {"core:healthz", "core:readyz"}:
            continue  # probes: GET only, no session, no state (tests/core)
        answers = [client.post(url, {"x": "1"}).status_code for client in clients]
        if 419 not in answers or not set(answers) <= {419, 403}:
            unprotected.append(f"POST {url} ({name}) signed in: {answers}")
        response = anonymous.post(url, {"x": "1"})
        to_sign_in = response.status_code == 302 and response["Location"].startswith(
            "/accounts/login/"
        )
        if response.status_code != 419 and not to_sign_in:
            unprotected.append(f"POST {url} ({name}) anonymous: {response.status_code}")
    assert not unprotected, "\n".join(unprotected)
