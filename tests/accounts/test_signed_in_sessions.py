"""The signed-in sessions page (issue 17, OWASP ASVS 5.0 7.5: users can view and terminate
their active sessions). Each user sees only their own live sessions, this device marked,
named by a public id (the session key is a bearer secret and is on no page); ending one
signs that browser out at its next request, ending this device's signs this browser out;
"Sign out all other sessions" keeps this one; every end is audited; another user's session
is 404, anonymous visitors sign in first, and a POST without the CSRF token is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pensionportal.accounts.models import UserSession
from pensionportal.audit.models import AuditEvent
from tests.factories import PASSWORD, make_org, make_staff, make_user

pytestmark = pytest.mark.django_db

PAGE = "/sessions/"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def _signed_in(email: str, user_agent: str = FIREFOX, address: str = "198.51.100.1") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    return client


def _row(client: Client) -> UserSession:
    return UserSession.objects.get(session_key=client.session.session_key)


def _end_url(row: UserSession) -> str:
    return f"/sessions/{row.public_id}/end/"


def _listed(client: Client) -> list[str]:
    response = client.get(PAGE)
    assert response.status_code == 200
    return [row.public_id for row in response.context["rows"]]


def test_the_page_lists_only_the_users_own_live_sessions_most_recent_first() -> None:
    org = make_org()
    user, colleague = make_user(org), make_user(org)
    laptop = _signed_in(user.email, FIREFOX, "198.51.100.10")
    phone = _signed_in(user.email, IPHONE, "203.0.113.20")
    theirs = _signed_in(colleague.email, IPHONE, "192.0.2.99")
    expired, outlived = _signed_in(user.email), _signed_in(user.email)
    UserSession.objects.filter(pk=_row(expired).pk).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    UserSession.objects.filter(pk=_row(outlived).pk).update(
        signed_in_at=timezone.now() - timedelta(hours=13)
    )
    UserSession.objects.filter(pk=_row(phone).pk).update(
        last_seen_at=timezone.now() - timedelta(minutes=5)
    )

    response = laptop.get(PAGE)
    assert [row.public_id for row in response.context["rows"]] == [
        _row(laptop).public_id,  # this request's session was the last seen
        _row(phone).public_id,
    ]
    page = response.content.decode()
    assert "Firefox on Windows" in page
    assert "Safari on iOS" in page
    assert "203.0.113.20" in page
    assert page.count("This device") == 1
    assert "192.0.2.99" not in page  # the colleague's session
    assert str(_row(theirs).public_id) not in page


def test_the_session_key_is_on_no_page_or_form() -> None:
    user = make_user(make_org())
    laptop, phone = _signed_in(user.email), _signed_in(user.email, IPHONE)
    page = laptop.get(PAGE).content.decode()
    for client in (laptop, phone):
        row = _row(client)
        assert row.session_key not in page
        assert str(row.public_id) in page


def test_ending_another_session_signs_that_browser_out_at_its_next_request() -> None:
    user = make_user(make_org())
    laptop, phone = _signed_in(user.email), _signed_in(user.email, IPHONE, "203.0.113.20")
    target = _row(phone)

    response = laptop.post(_end_url(target), follow=True)

    assert response.redirect_chain[-1][0] == PAGE
    assert "The session on Safari on iOS is ended" in response.content.decode()
    assert not UserSession.objects.filter(pk=target.pk).exists()
    ended = phone.get("/")
    assert ended.status_code == 302
    assert ended["Location"].startswith("/accounts/login/")
    assert laptop.get("/").status_code == 200
    event = AuditEvent.objects.get(action="auth.session_ended")
    assert event.actor_id == user.pk
    assert event.details == {
        "session": target.public_id,
        "device": "Safari on iOS",
        "address": "203.0.113.20",
        "this_device": False,
    }


def test_ending_this_devices_session_signs_this_browser_out() -> None:
    user = make_user(make_org())
    laptop, phone = _signed_in(user.email), _signed_in(user.email, IPHONE)
    current = _row(laptop)

    response = laptop.post(_end_url(current))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not UserSession.objects.filter(pk=current.pk).exists()
    assert "_auth_user_id" not in laptop.session
    login = laptop.get("/accounts/login/").content.decode()
    assert "You ended the session on this device: you are signed out." in login
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 200
    event = AuditEvent.objects.get(action="auth.session_ended")
    assert event.details["this_device"] is True


def test_signing_out_all_other_sessions_keeps_this_one_and_no_one_elses() -> None:
    org = make_org()
    user, colleague = make_user(org), make_user(org)
    laptop = _signed_in(user.email)
    others = [_signed_in(user.email, IPHONE) for _ in range(3)]
    theirs = _signed_in(colleague.email)
    ended_ids = sorted(_row(client).public_id or "" for client in others)

    response = laptop.post("/sessions/end-others/", follow=True)

    assert "3 other sessions ended" in response.content.decode()
    assert list(UserSession.objects.filter(user=user).values_list("pk", flat=True)) == [
        _row(laptop).pk
    ]
    for client in others:
        assert client.get("/").status_code == 302
    assert laptop.get("/").status_code == 200
    assert theirs.get("/").status_code == 200
    event = AuditEvent.objects.get(action="auth.other_sessions_ended")
    assert event.actor_id == user.pk
    assert event.details["count"] == 3
    assert sorted(event.details["sessions"]) == ended_ids


def test_with_no_other_session_the_page_offers_no_sign_out_of_others() -> None:
    user = make_user(make_org())
    laptop = _signed_in(user.email)
    page = laptop.get(PAGE).content.decode()
    assert "Sign out all other sessions" not in page
    assert "No other browser is signed in" in page
    response = laptop.post("/sessions/end-others/", follow=True)
    assert "No other session was signed in" in response.content.decode()


def test_another_users_session_is_404_and_stays_signed_in() -> None:
    org = make_org()
    user, colleague = make_user(org), make_user(org)
    mine, theirs = _signed_in(user.email), _signed_in(colleague.email)
    target = _row(theirs)

    assert mine.post(_end_url(target)).status_code == 404
    assert mine.post("/sessions/not-a-session/end/").status_code == 404
    # The key itself is no name for a session either.
    assert mine.post(f"/sessions/{target.session_key}/end/").status_code == 404

    assert UserSession.objects.filter(pk=target.pk).exists()
    assert theirs.get("/").status_code == 200
    assert not AuditEvent.objects.filter(action="auth.session_ended").exists()


def test_an_expired_session_cannot_be_ended_again() -> None:
    user = make_user(make_org())
    laptop, phone = _signed_in(user.email), _signed_in(user.email, IPHONE)
    target = _row(phone)
    UserSession.objects.filter(pk=target.pk).update(expire_date=timezone.now())
    assert laptop.post(_end_url(target)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    user = make_user(make_org())
    target = _row(_signed_in(user.email))
    anonymous = Client()
    for method, url in [
        ("get", PAGE),
        ("post", _end_url(target)),
        ("post", "/sessions/end-others/"),
    ]:
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    assert UserSession.objects.filter(pk=target.pk).exists()


def test_a_post_without_the_csrf_token_is_refused_and_ends_nothing() -> None:
    user = make_user(make_org())
    phone = _signed_in(user.email, IPHONE)
    careful = Client(enforce_csrf_checks=True)
    careful.force_login(user)
    careful.get(PAGE)
    assert careful.post(_end_url(_row(phone))).status_code == 403
    assert careful.post("/sessions/end-others/").status_code == 403
    assert phone.get("/").status_code == 200
    assert UserSession.objects.filter(user=user).count() == 2


def test_staff_see_and_end_their_own_sessions_too() -> None:
    staff = make_staff()
    desk, elsewhere = Client(HTTP_USER_AGENT=FIREFOX), Client(HTTP_USER_AGENT=IPHONE)
    desk.force_login(staff)
    elsewhere.force_login(staff)
    elsewhere.get("/")  # a request notes its browser
    assert len(_listed(desk)) == 2
    assert desk.post(_end_url(_row(elsewhere))).status_code == 302
    assert elsewhere.get("/").status_code == 302
    assert _listed(desk) == [_row(desk).public_id]


def _queries_for_page(sessions: int) -> int:
    user = make_user(make_org())
    clients = [_signed_in(user.email) for _ in range(sessions)]
    clients[0].get(PAGE)  # warm: the first request of a client may differ
    with CaptureQueriesContext(connection) as queries:
        assert len(_listed(clients[0])) == sessions
    return len(queries)


def test_the_page_makes_the_same_number_of_queries_for_one_session_and_five() -> None:
    assert _queries_for_page(1) == _queries_for_page(5)


def test_security_settings_link_to_the_sessions_page(settings: Any) -> None:
    user = make_user(make_org())
    client = _signed_in(user.email)
    page = client.get("/accounts/2fa/").content.decode()
    assert 'href="/sessions/"' in page
    assert "Authenticator App" in page  # allauth's own page is still all there
