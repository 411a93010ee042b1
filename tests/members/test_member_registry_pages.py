from __future__ import annotations

import pytest
from django.test import Client

from pensionportal.accounts.models import Role, User
from pensionportal.audit.models import AuditEvent
from pensionportal.members.models import MemberEvent, SinView
from tests.factories import make_member, make_org, make_staff, make_user

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_employers_see_only_their_own_members_with_the_sin_masked() -> None:
    mine, theirs = make_org(), make_org()
    clerk = make_user(mine, [Role.FILE_UPLOAD])
    # IDs with a hyphen: a bare "B1" was found inside the page's random CSRF token.
    own = make_member(mine, "OWN-A1", sin="046454286")
    other = make_member(theirs, "OTHER-B1")
    client = _client(clerk)
    listing = client.get("/members/").content.decode()
    assert "OWN-A1" in listing
    assert "OTHER-B1" not in listing
    assert "*** *** 286" in listing
    assert "046454286" not in listing
    assert "046 454 286" not in listing
    assert client.get(f"/members/{own.pk}/").status_code == 200
    assert client.get(f"/members/{other.pk}/").status_code == 404


def test_roles_without_file_access_cannot_use_members() -> None:
    org = make_org()
    for role in (Role.COMMUNICATIONS, Role.PAYROLL_MANAGER):
        assert _client(make_user(org, [role])).get("/members/").status_code == 403


def test_only_staff_reveal_a_sin_and_each_view_is_audited() -> None:
    org = make_org()
    member = make_member(org, sin="046454286")
    admin = make_user(org, [Role.ADMINISTRATOR])
    assert _client(admin).post(f"/members/{member.pk}/sin/", {"reason": "x"}).status_code == 403
    staff = make_staff()
    client = _client(staff)
    refused = client.post(f"/members/{member.pk}/sin/", {"reason": "  "})
    assert refused.status_code == 400
    assert "046 454 286" not in refused.content.decode()
    shown = client.post(f"/members/{member.pk}/sin/", {"reason": "Member called to confirm"})
    assert "046 454 286" in shown.content.decode()
    assert SinView.objects.filter(member=member, viewed_by=staff).count() == 1
    event = AuditEvent.objects.get(action="member.sin_viewed")
    assert "046" not in str(event.details) + event.target
    assert MemberEvent.objects.filter(member=member, kind="SIN_VIEWED").exists()


def test_the_sin_is_encrypted_at_rest() -> None:
    member = make_member(make_org(), sin="046454286")
    assert "046454286" not in member.sin_encrypted
    assert len(member.sin_index) == 64
