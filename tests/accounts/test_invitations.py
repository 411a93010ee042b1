from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

from pensionportal.accounts.models import Invitation, Role, User
from pensionportal.audit.models import AuditEvent
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Fresh!Start9"


def _invite(client: Client, org_id: int, email: str = "new.person@example.com") -> str:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/users/invite/",
            {
                "email": email,
                "first_name": "New",
                "last_name": "Person",
                "organization": org_id,
                "roles": [Role.COMMUNICATIONS.value],
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    link = re.search(r"http://\S+/invitation/(\S+)/", str(mail.outbox[-1].body))
    assert link is not None
    return link.group(1)


def _open_link(token: str) -> Client:
    """A browser that followed the e-mailed link: the token is now in its session and the
    page it shows is /invitation/ (issue 17, "Must do" 6)."""
    client = Client()
    response = client.get(f"/invitation/{token}/")
    assert response.status_code == 302
    assert response["Location"] == "/invitation/"
    return client


@pytest.fixture
def admin_client() -> tuple[Client, int]:
    org = make_org()
    admin = make_user(org, [Role.ADMINISTRATOR])
    client = Client()
    client.force_login(admin)
    return client, org.pk


def test_an_invitation_lets_the_new_user_set_a_password_once(
    admin_client: tuple[Client, int],
) -> None:
    client, org_id = admin_client
    token = _invite(client, org_id)
    user = User.objects.get(email="new.person@example.com")
    assert not user.has_usable_password()
    assert not user.memberships.exists()  # joins on acceptance

    browser = _open_link(token)
    page = browser.get("/invitation/")
    assert page.status_code == 200
    assert token not in page.content.decode()
    response = browser.post("/invitation/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.memberships.get().organization_id == org_id
    assert AuditEvent.objects.filter(action="account.invitation_accepted").exists()

    reused = _open_link(token).post(
        "/invitation/", {"password1": "Other!Pass77", "password2": "Other!Pass77"}
    )
    assert reused.status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_invitation_expires_after_72_hours(admin_client: tuple[Client, int]) -> None:
    client, org_id = admin_client
    token = _invite(client, org_id)
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.created_at == timedelta(hours=72)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _open_link(token).post(
        "/invitation/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 410
    assert not User.objects.get(email="new.person@example.com").has_usable_password()


def test_the_invitation_page_applies_the_password_rules(admin_client: tuple[Client, int]) -> None:
    client, org_id = admin_client
    token = _invite(client, org_id)
    response = _open_link(token).post("/invitation/", {"password1": "short", "password2": "short"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "at least 8 characters" in body
    assert "upper-case letter" in body
    assert not User.objects.get(email="new.person@example.com").has_usable_password()


def test_a_new_invitation_replaces_the_old_link(admin_client: tuple[Client, int]) -> None:
    client, org_id = admin_client
    first = _invite(client, org_id)
    invitation = Invitation.objects.get(user__email="new.person@example.com")
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/users/invitations/{invitation.pk}/resend/")
    assert _open_link(first).get("/invitation/").status_code == 410
    second = re.search(r"/invitation/(\S+)/", str(mail.outbox[-1].body))
    assert second is not None
    assert _open_link(second.group(1)).get("/invitation/").status_code == 200


def test_an_unknown_invitation_token_is_refused() -> None:
    assert _open_link("not-a-real-token").get("/invitation/").status_code == 410
    assert Client().get("/invitation/").status_code == 410  # no link followed at all


def test_the_token_is_not_stored_in_clear(admin_client: tuple[Client, int]) -> None:
    client, org_id = admin_client
    token = _invite(client, org_id)
    assert not Invitation.objects.filter(token_hash=token).exists()
