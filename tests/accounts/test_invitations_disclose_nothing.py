"""Invitations disclose nothing and join across organizations only on acceptance (issue 17,
finding 1 and "Must do" 1).

The probe: an employer administrator's invite form said whether an address already had an
account, silently added another organization's user to the administrator's organization,
after which the administrator could rename that account; re-sending an invitation
cancelled that user's pending ones elsewhere.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

from pensionportal.accounts.models import Invitation, Membership, Organization, Role, User
from pensionportal.audit.models import AuditEvent
from tests.factories import make_org, make_staff, make_user

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _invite(client: Client, org: Organization, email: str, roles: list[str]) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/users/invite/",
            {
                "email": email,
                "first_name": "Typed",
                "last_name": "Name",
                "organization": org.pk,
                "roles": roles,
            },
            follow=True,
        )
    return response


def _answer(response: Any, email: str) -> tuple[int, list[tuple[str, int]], str]:
    """What the administrator sees, with the address itself taken out."""
    body = response.content.decode()
    body = body.replace(email, "EMAIL")
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r"/users/invitations/\d+/", "/users/invitations/N/", body)
    body = re.sub(r'id="invitation-\d+"', 'id="invitation-N"', body)
    body = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "WHEN", body)
    chain = [(url, status) for url, status in response.redirect_chain]
    return response.status_code, chain, body


@pytest.fixture
def two_employers() -> tuple[Organization, Organization, User]:
    mine, theirs = make_org("Mine Inc."), make_org("Theirs Ltd.")
    admin = make_user(mine, [Role.ADMINISTRATOR])
    return mine, theirs, admin


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    two_employers: tuple[Organization, Organization, User],
) -> None:
    mine, theirs, admin = two_employers
    of_another_org = make_user(theirs, [Role.COMMUNICATIONS], email="known@example.com")
    staff = make_staff(email="staffer@example.com")
    without_org = make_user(None, email="loner@example.com")
    answers = {}
    for email in (
        "brand.new@example.com",
        of_another_org.email,
        staff.email,
        without_org.email,
    ):
        # A fresh client each time: the flash message is the only per-request state; and
        # the earlier invitation is put aside, so the pending list holds this one alone.
        answers[email] = _answer(_invite(_client(admin), mine, email, ["communications"]), email)
        Invitation.objects.update(cancelled_at=timezone.now())
    first = next(iter(answers.values()))
    for email, answer in answers.items():
        assert answer[0] == first[0] == 200, email
        assert answer[1] == first[1], email
        assert answer[2] == first[2], f"the page for {email} differs"
    assert "staff account" not in first[2]
    assert "already had an account" not in first[2]


def test_inviting_another_organizations_user_changes_nothing_until_they_accept(
    two_employers: tuple[Organization, Organization, User],
) -> None:
    mine, theirs, admin = two_employers
    person = make_user(theirs, [Role.COMMUNICATIONS], email="person@example.com")
    _invite(_client(admin), mine, person.email.upper(), ["payroll_manager"])
    # Nothing changed: no membership, and the administrator cannot reach the account.
    assert list(person.memberships.values_list("organization", flat=True)) == [theirs.pk]
    assert _client(admin).get(f"/users/{person.pk}/").status_code == 404
    assert (
        person.email
        not in _client(admin).get("/users/").content.decode().split("Pending invitations")[0]
    )
    # The person is asked, by e-mail, to sign in and answer; no password link for an account.
    sent = [m for m in mail.outbox if m.to == [person.email]]
    assert len(sent) == 1
    assert "/invitation/" not in str(sent[0].body)
    assert "/invitations/" in str(sent[0].body)
    assert "Mine Inc." in str(sent[0].body)
    # Signed in, they see the request and accept it: only now do they join, with its roles.
    own = _client(person)
    page = own.get("/invitations/").content.decode()
    assert "Mine Inc." in page
    invitation = Invitation.objects.get(user=person, organization=mine)
    assert own.post(f"/invitations/{invitation.pk}/accept/").status_code == 302
    joined = Membership.objects.get(user=person, organization=mine)
    assert joined.roles == {Role.PAYROLL_MANAGER}
    assert AuditEvent.objects.filter(
        action="membership.invitation_accepted", actor_id=person.pk
    ).exists()
    # The invitation is spent.
    assert own.post(f"/invitations/{invitation.pk}/accept/").status_code == 404


def test_a_declined_invitation_adds_nothing(
    two_employers: tuple[Organization, Organization, User],
) -> None:
    mine, theirs, admin = two_employers
    person = make_user(theirs, [Role.COMMUNICATIONS])
    _invite(_client(admin), mine, person.email, ["communications"])
    invitation = Invitation.objects.get(user=person, organization=mine)
    own = _client(person)
    assert own.post(f"/invitations/{invitation.pk}/decline/").status_code == 302
    assert not Membership.objects.filter(user=person, organization=mine).exists()
    assert own.post(f"/invitations/{invitation.pk}/accept/").status_code == 404


def test_nobody_else_can_answer_an_invitation(
    two_employers: tuple[Organization, Organization, User],
) -> None:
    mine, theirs, admin = two_employers
    person = make_user(theirs, [Role.COMMUNICATIONS])
    _invite(_client(admin), mine, person.email, ["administrator"])
    invitation = Invitation.objects.get(user=person, organization=mine)
    intruder = make_user(theirs, [Role.ADMINISTRATOR])
    for who in (admin, intruder, make_staff()):
        assert _client(who).post(f"/invitations/{invitation.pk}/accept/").status_code == 404
    assert not Membership.objects.filter(user=person, organization=mine).exists()


def test_a_staff_address_is_never_added_to_an_organization(
    two_employers: tuple[Organization, Organization, User],
) -> None:
    mine, _, admin = two_employers
    staff = make_staff()
    _invite(_client(admin), mine, staff.email, ["administrator"])
    invitation = Invitation.objects.get(user=staff, organization=mine)
    assert _client(staff).post(f"/invitations/{invitation.pk}/accept/").status_code == 404
    assert not staff.memberships.exists()


def test_an_employer_administrator_cannot_rename_an_account(
    two_employers: tuple[Organization, Organization, User],
) -> None:
    mine, theirs, admin = two_employers
    shared = make_user(mine, [Role.COMMUNICATIONS])
    Membership.objects.create(user=shared, organization=theirs, communications=True)
    before = (shared.first_name, shared.last_name, shared.email)
    response = _client(admin).post(
        f"/users/{shared.pk}/", {"first_name": "Renamed", "last_name": "Everywhere"}
    )
    assert response.status_code == 403
    shared.refresh_from_db()
    assert (shared.first_name, shared.last_name, shared.email) == before
    # The page shows the name without a form to change it.
    page = _client(admin).get(f"/users/{shared.pk}/").content.decode()
    assert "Save name" not in page
    # Account administration staff still can.
    staff = _client(make_staff())
    assert (
        staff.post(f"/users/{shared.pk}/", {"first_name": "A", "last_name": "B"}).status_code == 302
    )


def test_an_employer_administrator_changes_only_their_organizations_memberships(
    two_employers: tuple[Organization, Organization, User],
) -> None:
    mine, theirs, admin = two_employers
    shared = make_user(mine, [Role.COMMUNICATIONS])
    elsewhere = Membership.objects.create(user=shared, organization=theirs, communications=True)
    client = _client(admin)
    page = client.get(f"/users/{shared.pk}/").content.decode()
    assert "Theirs Ltd." not in page
    assert (
        client.post(
            f"/memberships/{elsewhere.pk}/roles/", {f"m{elsewhere.pk}-roles": ["administrator"]}
        ).status_code
        == 404
    )
    assert client.post(f"/memberships/{elsewhere.pk}/remove/").status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.roles == {Role.COMMUNICATIONS}


def test_sending_again_never_touches_another_organizations_invitations(
    two_employers: tuple[Organization, Organization, User],
) -> None:
    mine, theirs, admin = two_employers
    other_admin = make_user(theirs, [Role.ADMINISTRATOR])
    email = "wanted@example.com"
    _invite(_client(other_admin), theirs, email, ["communications"])
    theirs_link = re.search(r"/invitation/(\S+)/", str(mail.outbox[-1].body))
    assert theirs_link is not None
    _invite(_client(admin), mine, email, ["communications"])
    mine_invitation = Invitation.objects.get(user__email=email, organization=mine)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert (
            _client(admin).post(f"/users/invitations/{mine_invitation.pk}/resend/").status_code
            == 302
        )
    theirs_invitation = Invitation.objects.get(user__email=email, organization=theirs)
    assert theirs_invitation.is_open()
    # The other organization's link still works.
    assert Client().get(f"/invitation/{theirs_link.group(1)}/", follow=True).status_code == 200
    # And the administrator cannot resend or cancel the other organization's invitation.
    assert (
        _client(admin).post(f"/users/invitations/{theirs_invitation.pk}/resend/").status_code == 404
    )
    assert (
        _client(admin).post(f"/users/invitations/{theirs_invitation.pk}/cancel/").status_code == 404
    )
    theirs_invitation.refresh_from_db()
    assert theirs_invitation.is_open()


def test_a_new_person_joins_when_they_set_their_password(
    two_employers: tuple[Organization, Organization, User],
) -> None:
    mine, _, admin = two_employers
    _invite(_client(admin), mine, "first.timer@example.com", ["file_upload"])
    person = User.objects.get(email="first.timer@example.com")
    assert not person.memberships.exists()  # nothing until they accept
    link = re.search(r"http://\S+(/invitation/\S+/)", str(mail.outbox[-1].body))
    assert link is not None
    client = Client()
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    form_url = page.request["PATH_INFO"]
    response = client.post(form_url, {"password1": "Fresh!Start9", "password2": "Fresh!Start9"})
    assert response.status_code == 302
    assert Membership.objects.get(user=person, organization=mine).roles == {Role.FILE_UPLOAD}
    assert (
        Client()
        .post("/accounts/login/", {"login": person.email, "password": "Fresh!Start9"})
        .status_code
        == 302
    )
