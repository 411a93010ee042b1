"""Sessions name their user (issue 18, "Must do" 5): signing a user out everywhere is one
indexed DELETE, never a decode of every live session."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.base import SessionBase
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from pensionportal.accounts import actions
from pensionportal.accounts.models import UserSession
from tests.factories import PASSWORD, make_org, make_staff, make_user

pytestmark = pytest.mark.django_db


def _signed_in(email: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_signed_in_session_records_its_user_and_when_it_began() -> None:
    user = make_user(make_org())
    client = _signed_in(user.email)
    row = UserSession.objects.get(session_key=client.session.session_key)
    assert row.user_id == user.pk
    assert row.signed_in_at is not None
    assert row.last_seen_at is not None


def test_an_anonymous_session_belongs_to_no_one() -> None:
    client = Client()
    session = client.session
    session["anything"] = 1
    session.save()
    assert UserSession.objects.get(session_key=session.session_key).user_id is None


def test_signing_out_everywhere_ends_only_that_users_sessions_and_decodes_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    org = make_org()
    leaving, staying = make_user(org), make_user(org)
    phone, laptop = _signed_in(leaving.email), _signed_in(leaving.email)
    other = _signed_in(staying.email)
    for _ in range(20):  # other people's live sessions must not be read at all
        _signed_in(make_user(org).email)

    def no_decoding(self: SessionBase, session_data: str) -> dict[str, object]:
        raise AssertionError("a session was decoded to find its user")

    monkeypatch.setattr(SessionBase, "decode", no_decoding)
    with CaptureQueriesContext(connection) as queries:
        actions._end_sessions(leaving)
    monkeypatch.undo()

    assert len(queries) <= 2  # the DELETE (and Django's cascade look-up, if any)
    assert not UserSession.objects.filter(user=leaving).exists()
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302
    assert other.get("/").status_code == 200


def test_deactivating_a_user_ends_their_sessions_through_the_record() -> None:
    org = make_org()
    user = make_user(org)
    client = _signed_in(user.email)
    staff = Client()
    staff.force_login(make_staff())
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert staff.post(f"/users/{user.pk}/active/", {"active": "0"}).status_code == 302
    assert not UserSession.objects.filter(user=user).exists()
    assert client.get("/").status_code == 302


def test_the_upgrade_carries_live_sessions_over_with_their_user() -> None:
    import importlib
    from datetime import timedelta

    from django.apps import apps
    from django.contrib.sessions.backends.db import SessionStore as OldStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    migration = importlib.import_module("pensionportal.accounts.migrations.0005_user_sessions")
    user = make_user(make_org())
    old = OldStore()
    live = Session.objects.create(
        session_key="a" * 32,
        session_data=old.encode({"_auth_user_id": str(user.pk)}),
        expire_date=timezone.now() + timedelta(minutes=5),
    )
    Session.objects.create(
        session_key="b" * 32,
        session_data=old.encode({"_auth_user_id": str(user.pk)}),
        expire_date=timezone.now() - timedelta(minutes=5),
    )
    migration.carry_live_sessions(apps, None)
    carried = UserSession.objects.get()
    assert (carried.session_key, carried.user_id) == (live.session_key, user.pk)
