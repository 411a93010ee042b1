"""Issue 4 "Tests": the visibility matrix. Another organization's user gets 404 for every
thread endpoint, by id or by reference; anonymous users go to sign in; a payroll-manager-only
user cannot use Messages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pensionportal.accounts.models import Role
from pensionportal.messaging.models import Attachment, Message, Thread, ThreadRead
from tests.factories import add_membership, make_user

from .conftest import World

THREAD_POSTS = ["reply", "archive", "unarchive", "mark_unread", "assign", "status"]


def _download_url(thread: Thread) -> str:
    file = Attachment.objects.get(message__thread=thread)
    return reverse("messaging:download", args=[thread.reference, file.pk])


def test_it_hides_another_organizations_thread_from_the_list(client: Client, world: World) -> None:
    client.force_login(world.alice)
    page = client.get(reverse("messaging:index"))
    assert world.thread_a.reference in page.content.decode()
    assert world.thread_b.reference not in page.content.decode()
    found = client.get(reverse("messaging:index"), {"reference": world.thread_b.reference})
    assert "No threads match your search." in found.content.decode()


def test_it_answers_404_for_another_organizations_thread_by_reference_or_id(
    client: Client, world: World
) -> None:
    client.force_login(world.alice)
    b = world.thread_b
    assert client.get(reverse("messaging:thread", args=[b.reference])).status_code == 404
    assert client.get(reverse("messaging:thread_by_id", args=[b.pk])).status_code == 404
    assert client.get(reverse("messaging:thread", args=["SM-ZZZZ-ZZZZ"])).status_code == 404
    assert client.get("/messages/not-a-reference/").status_code == 404


@pytest.mark.parametrize("name", THREAD_POSTS)
def test_it_refuses_changes_to_another_organizations_thread(
    client: Client, world: World, name: str
) -> None:
    client.force_login(world.alice)
    before = (Message.objects.count(), ThreadRead.objects.count())
    response = client.post(
        reverse(f"messaging:{name}", args=[world.thread_b.reference]),
        {"body": "Sneaky", "status": "closed"},
    )
    assert response.status_code in (403, 404) if name in ("assign", "status") else 404
    assert (Message.objects.count(), ThreadRead.objects.count()) == before
    world.thread_b.refresh_from_db()
    assert not world.thread_b.archived_by_organization


def test_it_answers_404_for_another_organizations_attachment(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get(_download_url(world.thread_b)).status_code == 404
    # An attachment of B's thread reached through A's own reference is not found either.
    b_file = Attachment.objects.get(message__thread=world.thread_b)
    url = reverse("messaging:download", args=[world.thread_a.reference, b_file.pk])
    assert client.get(url).status_code == 404


def test_staff_see_every_organizations_threads(client: Client, world: World) -> None:
    client.force_login(world.staff)
    page = client.get(reverse("messaging:index")).content.decode()
    assert world.thread_a.reference in page
    assert world.thread_b.reference in page
    assert (
        client.get(reverse("messaging:thread", args=[world.thread_b.reference])).status_code == 200
    )


def test_a_user_of_several_organizations_sees_all_of_theirs(client: Client, world: World) -> None:
    add_membership(world.alice, world.org_b, [Role.COMMUNICATIONS])
    client.force_login(world.alice)
    page = client.get(reverse("messaging:index")).content.decode()
    assert world.thread_a.reference in page
    assert world.thread_b.reference in page


def test_a_payroll_role_in_another_organization_grants_no_messages_there(
    client: Client, world: World
) -> None:
    add_membership(world.alice, world.org_b, [Role.PAYROLL_MANAGER])
    client.force_login(world.alice)
    assert (
        client.get(reverse("messaging:thread", args=[world.thread_b.reference])).status_code == 404
    )


def test_a_payroll_manager_only_user_cannot_use_messages(client: Client, world: World) -> None:
    payroll = make_user(world.org_a, [Role.PAYROLL_MANAGER])
    client.force_login(payroll)
    a = world.thread_a
    for url in (
        reverse("messaging:index"),
        reverse("messaging:archived"),
        reverse("messaging:compose"),
        reverse("messaging:thread", args=[a.reference]),
        _download_url(a),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("messaging:reply", args=[a.reference]), {"body": "x"})
    assert response.status_code == 403
    home = client.get("/").content.decode()
    assert reverse("messaging:index") not in home


def test_employers_cannot_use_the_staff_tools(client: Client, world: World) -> None:
    client.force_login(world.alice)
    a = world.thread_a
    response = client.post(reverse("messaging:status", args=[a.reference]), {"status": "closed"})
    assert response.status_code == 403
    response = client.post(
        reverse("messaging:assign", args=[a.reference]), {"assignee": world.staff.pk}
    )
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.status == "open"
    assert a.assigned_to is None


@pytest.mark.parametrize(
    "url_name",
    ["index", "archived", "compose"],
)
def test_anonymous_users_are_sent_to_sign_in_from_lists(
    client: Client, db: None, url_name: str
) -> None:
    response = client.get(reverse(f"messaging:{url_name}"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_users_are_sent_to_sign_in_from_thread_pages(
    client: Client, world: World
) -> None:
    a = world.thread_a
    urls = [
        reverse("messaging:thread", args=[a.reference]),
        reverse("messaging:thread_by_id", args=[a.pk]),
        _download_url(a),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    for name in THREAD_POSTS:
        response = client.post(reverse(f"messaging:{name}", args=[a.reference]), {"body": "x"})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
