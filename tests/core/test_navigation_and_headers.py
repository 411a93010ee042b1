from __future__ import annotations

import pytest
from django.test import Client

from pensionportal.accounts.models import Role, User
from tests.factories import add_membership, make_org, make_staff, make_user

pytestmark = pytest.mark.django_db


def _nav(user: User) -> list[str]:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return [item.label for item in response.context["nav_items"]]


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (
            [Role.COMMUNICATIONS],
            ["Home", "Messages", "Security settings", "Signed-in sessions", "E-mail notifications"],
        ),
        (
            [Role.FILE_UPLOAD],
            [
                "Home",
                "To do",
                "Messages",
                "File Upload",
                "Pension data",
                "Members",
                "Remittances",
                "Buybacks",
                "Forms and Publications",
                "Security settings",
                "Signed-in sessions",
                "E-mail notifications",
            ],
        ),
        (
            [Role.ADMINISTRATOR],
            [
                "Home",
                "To do",
                "Messages",
                "File Upload",
                "Pension data",
                "Members",
                "Remittances",
                "Buybacks",
                "Forms and Publications",
                "Users",
                "Payroll connections",
                "Security settings",
                "Signed-in sessions",
                "E-mail notifications",
            ],
        ),
        (
            [Role.PAYROLL_MANAGER],
            [
                "Home",
                "To do",
                "Remittances",
                "Reports",
                "Security settings",
                "Signed-in sessions",
                "E-mail notifications",
            ],
        ),
    ],
)
def test_navigation_shows_only_what_the_roles_allow(roles: list[Role], expected: list[str]) -> None:
    assert _nav(make_user(make_org(), roles)) == expected


def test_a_user_of_two_organizations_gets_the_union_of_their_roles() -> None:
    user = make_user(make_org(), [Role.COMMUNICATIONS])
    add_membership(user, make_org(), [Role.PAYROLL_MANAGER])
    assert _nav(user) == [
        "Home",
        "To do",
        "Messages",
        "Remittances",
        "Reports",
        "Security settings",
        "Signed-in sessions",
        "E-mail notifications",
    ]


def test_staff_see_every_section() -> None:
    assert _nav(make_staff()) == [
        "Home",
        "Staff queue",
        "To do",
        "Messages",
        "File Upload",
        "Pension data",
        "Members",
        "Remittances",
        "Buybacks",
        "Forms and Publications",
        "Reports",
        "Users",
        "Payroll connections",
        "Organizations",
        "Missed contributions",
        "Audit trail",
        "Operations",
        "Security settings",
        "Signed-in sessions",
        "E-mail notifications",
    ]


@pytest.mark.parametrize(
    ("roles", "forbidden"),
    [
        ([Role.COMMUNICATIONS], ["/files/", "/reports/", "/users/"]),
        ([Role.PAYROLL_MANAGER], ["/messages/", "/files/", "/users/"]),
        ([Role.FILE_UPLOAD], ["/reports/", "/users/", "/organizations/", "/staff/audit/"]),
    ],
)
def test_a_section_the_user_lacks_answers_403(roles: list[Role], forbidden: list[str]) -> None:
    client = Client()
    client.force_login(make_user(make_org(), roles))
    for url in forbidden:
        assert client.get(url).status_code == 403, url


def test_an_inactive_organization_grants_nothing() -> None:
    org = make_org()
    user = make_user(org, [Role.COMMUNICATIONS])
    org.is_active = False
    org.save()
    assert _nav(user) == ["Home", "Security settings", "Signed-in sessions", "E-mail notifications"]


def test_security_headers_are_sent() -> None:
    client = Client()
    client.force_login(make_user(make_org(), [Role.COMMUNICATIONS]))
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert response.cookies.get("sessionid") is None or response.cookies["sessionid"]["httponly"]


def test_the_csrf_check_is_enforced() -> None:
    user = make_user(make_org(), [Role.ADMINISTRATOR])
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/users/invite/", {"email": "a@example.com"}).status_code == 403


@pytest.mark.django_db
def test_a_nul_character_in_the_query_string_is_a_clear_400_not_a_500() -> None:
    """PostgreSQL refuses NUL in text: /messages/new/?mailbox=%00 answered 500 there (found
    by the demo crawl's hostile query strings, issue 17)."""
    from django.test import Client

    from tests.factories import make_staff

    client = Client(raise_request_exception=False)
    client.force_login(make_staff())
    response = client.get("/messages/new/?mailbox=%00")
    assert response.status_code == 400
    assert "character" in response.content.decode()
    assert client.get("/messages/new/?mailbox=general").status_code != 400
