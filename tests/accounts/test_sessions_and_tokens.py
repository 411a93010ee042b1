"""Sessions and tokens (issue 17, finding 6 and "Must do" 6): an absolute session lifetime
besides the idle timeout; Permissions-Policy and Cross-Origin-Opener-Policy headers;
invitation and reset links move their token out of the URL at once, and logs (the access
log included) never show a token path."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.test import Client

from pensionportal.accounts import sessions
from pensionportal.core import logs
from tests.factories import PASSWORD, make_org, make_user

pytestmark = pytest.mark.django_db


def _signed_in_client(ip: str = "192.0.2.50") -> tuple[Client, Any]:
    user = make_user(make_org())
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, REMOTE_ADDR=ip)
    assert "_auth_user_id" in client.session
    return client, user


def _age_session(client: Client, seconds: float) -> None:
    session = client.session
    session[sessions.SIGNED_IN_AT] = time.time() - seconds
    session.save()


def test_the_absolute_lifetime_is_twelve_hours_by_default(settings: Any) -> None:
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600


def test_an_active_session_ends_after_the_absolute_lifetime() -> None:
    client, _ = _signed_in_client()
    _age_session(client, 12 * 3600 + 60)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    # It says why, on the sign-in page.
    page = client.get(response["Location"]).content.decode()
    assert "signed in for 12 hours" in page


def test_a_session_within_its_lifetime_carries_on() -> None:
    client, _ = _signed_in_client()
    _age_session(client, 11 * 3600)
    assert client.get("/").status_code == 200
    assert "_auth_user_id" in client.session


def test_the_end_of_a_session_by_its_lifetime_is_audited() -> None:
    from pensionportal.audit.models import AuditEvent

    client, user = _signed_in_client()
    _age_session(client, 13 * 3600)
    client.get("/")
    row = AuditEvent.objects.filter(action="auth.session_expired").first()
    assert row is not None
    assert row.actor_id == user.pk


def test_pages_send_permissions_policy_and_cross_origin_opener_policy() -> None:
    client, _ = _signed_in_client()
    for path in ["/", "/accounts/login/"]:
        response = client.get(path, follow=False)
        policy = response["Permissions-Policy"]
        for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"]:
            assert feature in policy
        # Passkeys need the WebAuthn features on the portal's own origin.
        assert "publickey-credentials-get=(self)" in policy
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    anonymous = Client().get("/accounts/login/")
    assert "Permissions-Policy" in anonymous


def test_a_password_reset_link_moves_its_key_out_of_the_url() -> None:
    user = make_user(make_org())
    key = default_token_generator.make_token(user)
    uid = user_pk_to_url_str(user)
    response = Client().get(f"/accounts/password/reset/key/{uid}-{key}/")
    assert response.status_code == 302
    assert key not in response["Location"]


def test_an_invitation_link_moves_its_token_out_of_the_url() -> None:
    response = Client().get("/invitation/some-long-token-value/")
    assert response.status_code == 302
    assert response["Location"] == "/invitation/"


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/invitation/AbC-123_xyz/", "/invitation/[token]/"),
        ("/accounts/password/reset/key/4-c3a1b2-9f8e7d/", "/accounts/password/reset/key/[token]/"),
        ("/accounts/confirm-email/MQ:1v:abc/", "/accounts/confirm-email/[token]/"),
        ("/forms/sign/Zx9-token_1/code/", "/forms/sign/[token]/code/"),
        ("/forms/12/sign/", "/forms/12/sign/"),
        ("/forms/signing/code/", "/forms/signing/code/"),  # the member's token-free pages
        ("/members/12/", "/members/12/"),
    ],
)
def test_token_paths_are_redacted_in_logs(path: str, shown: str) -> None:
    assert logs.redact_paths(path) == shown
    assert logs.redact(f"GET {path} 302") == f"GET {shown} 302"


def test_the_access_log_redacts_token_paths() -> None:
    from pensionportal import gunicorn_conf

    class Response:
        status = "302 Found"
        sent = 0
        headers: list[tuple[str, str]] = []

    class Request:
        headers: list[tuple[str, str]] = []

    class Elapsed:
        seconds = 0
        microseconds = 1500

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/invitation/secret-token-9/?x=1",
        "PATH_INFO": "/invitation/secret-token-9/",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    logger = gunicorn_conf.logger_class.__new__(gunicorn_conf.logger_class)
    atoms = gunicorn_conf.logger_class.atoms(logger, Response(), Request(), environ, Elapsed())
    assert "secret-token-9" not in str(atoms)
    assert atoms["U"] == "/invitation/[token]/"
    assert atoms["r"] == "GET /invitation/[token]/?x=1 HTTP/1.1"


def test_a_refused_token_path_is_logged_redacted(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        Client().get("/accounts/password/reset/key/zz-not-a-real-key-123/")
    formatter = logs.PlainFormatter("%(message)s")
    for record in caplog.records:
        assert not re.search(r"not-a-real-key", formatter.format(record))


def test_staff_can_be_required_to_add_a_passkey(settings: Any) -> None:
    from allauth.mfa.models import Authenticator

    from tests.factories import make_staff

    staff = make_staff()  # with an authenticator app
    client = Client()
    client.force_login(staff)
    assert client.get("/").status_code == 200  # not required by default
    settings.STAFF_PASSKEY_REQUIRED = True
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/webauthn/add/"
    Authenticator.objects.create(user=staff, type=Authenticator.Type.WEBAUTHN, data={})
    assert client.get("/").status_code == 200
    # Employers are not asked.
    employer = Client()
    employer.force_login(make_user(make_org()))
    assert employer.get("/").status_code == 200
