"""Each role against each File Upload URL; another organization's files answer 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pensionportal.accounts.models import Organization, Role, User
from pensionportal.exchange.models import Category, Direction, ExchangedFile, Status
from pensionportal.files.store import store
from tests.factories import make_org, make_staff, make_user
from tests.stored import exists

pytestmark = pytest.mark.django_db


def _file(org: Organization, sender: User) -> ExchangedFile:
    blob = store([b"content\n"], purpose="exchange.file", filename="a.csv", organization=org)
    return ExchangedFile.objects.create(
        organization=org,
        direction=Direction.TO_ADMINISTRATOR,
        category=Category.OTHER_UPLOAD,
        name="a.csv",
        size=blob.size,
        sha256=blob.sha256,
        file=blob,
        sent_by=sender,
        status=Status.RECEIVED,
    )


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


SECTION_URLS = ["exchange:index", "exchange:receipt"]
FILE_URLS = ["exchange:detail", "exchange:download"]


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([Role.FILE_UPLOAD], 200),
        ([Role.ADMINISTRATOR], 200),
        ([Role.COMMUNICATIONS], 403),
        ([Role.PAYROLL_MANAGER], 403),
    ],
)
def test_the_section_is_for_the_file_upload_and_administrator_roles(
    roles: list[Role], expected: int
) -> None:
    org = make_org()
    user = make_user(org, roles)
    upload = _file(org, user)
    client = _client(user)
    for name in SECTION_URLS:
        assert client.get(reverse(name)).status_code == expected, name
    for name in FILE_URLS:
        assert client.get(reverse(name, args=[upload.pk])).status_code == expected, name
    assert client.post(reverse("exchange:upload")).status_code in {302, 403}
    if expected == 403:
        assert client.post(reverse("exchange:upload")).status_code == 403


def test_staff_see_every_organization_and_their_inbox() -> None:
    org = make_org()
    upload = _file(org, make_user(org, [Role.FILE_UPLOAD]))
    client = _client(make_staff())
    for name in [*SECTION_URLS, "exchange:inbox"]:
        assert client.get(reverse(name)).status_code == 200, name
    for name in FILE_URLS:
        assert client.get(reverse(name, args=[upload.pk])).status_code == 200, name
    assert client.get(reverse("exchange:delete", args=[upload.pk])).status_code == 200


def test_another_organizations_files_answer_404() -> None:
    mine, theirs = make_org(), make_org()
    user = make_user(mine, [Role.ADMINISTRATOR])
    upload = _file(theirs, make_user(theirs, [Role.FILE_UPLOAD]))
    client = _client(user)
    for name in FILE_URLS:
        assert client.get(reverse(name, args=[upload.pk])).status_code == 404, name
    assert client.get(reverse("exchange:receipt") + f"?ids={upload.pk}").status_code == 404
    assert upload.name not in client.get(reverse("exchange:index")).content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/files/",
        "/files/upload/",
        "/files/deliver/",
        "/files/receipt/",
        "/files/new/",
        "/files/1/",
        "/files/1/download/",
        "/files/1/delete/",
    ],
)
def test_an_anonymous_user_is_sent_to_sign_in(url: str) -> None:
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_employers_cannot_reach_the_staff_pages() -> None:
    org = make_org()
    user = make_user(org, [Role.ADMINISTRATOR])
    upload = _file(org, user)
    client = _client(user)
    assert client.get(reverse("exchange:inbox")).status_code == 403
    assert client.post(reverse("exchange:deliver")).status_code == 403
    response = client.post(reverse("exchange:delete", args=[upload.pk]), {"reason": "mine"})
    assert response.status_code == 403
    upload.refresh_from_db()
    assert upload.status == Status.RECEIVED
    assert exists(upload.file)
    assert (
        "Delete the file"
        not in client.get(reverse("exchange:detail", args=[upload.pk])).content.decode()
    )


def test_an_unknown_file_answers_404_to_staff() -> None:
    client = _client(make_staff())
    assert client.get(reverse("exchange:detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_file_upload_opens_for_a_pension_partner_without_the_submissions_section() -> None:
    """Found by the generated matrix (issue 17): the index asked for the intake status of
    each upload through the submissions helper, which refused pension partners (403)."""
    from django.test import Client

    from pensionportal.accounts.models import StaffRole
    from tests.factories import make_staff

    client = Client()
    client.force_login(make_staff([StaffRole.PENSION_PARTNER]))
    assert client.get("/files/").status_code == 200
