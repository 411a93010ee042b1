"""What a user needs to recognise each of their sessions (issue 17, OWASP ASVS 5.0 7.5): the
browser and system from the User-Agent ("Firefox on Windows", only that summary kept), the
client address as the portal determines it (behind PORTAL_TRUSTED_PROXIES), and a public
id that is not the session key. Recorded when the session is saved, with no extra write."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pensionportal.accounts import devices, sessions
from pensionportal.accounts.models import UserSession
from pensionportal.accounts.session_store import SessionStore
from tests.factories import PASSWORD, make_org, make_user

pytestmark = pytest.mark.django_db

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


@pytest.mark.parametrize(
    ("user_agent", "described"),
    [
        (FIREFOX_WINDOWS, "Firefox on Windows"),
        (SAFARI_IPHONE, "Safari on iOS"),
        (CHROME_ANDROID, "Chrome on Android"),
        (SAFARI_MAC, "Safari on macOS"),
        (EDGE_WINDOWS, "Edge on Windows"),
        ("curl/8.5.0", "curl"),
        ("", "Unknown browser"),
        ("x" * 10_000, "Unknown browser"),
    ],
)
def test_a_user_agent_is_described_by_its_browser_and_system(
    user_agent: str, described: str
) -> None:
    assert devices.describe(user_agent) == described


def test_a_description_is_never_longer_than_its_column() -> None:
    long = "Mozilla/5.0 (Windows NT 10.0) " + "Z" * 300 + "/1.0"
    assert len(devices.describe(long)) <= UserSession._meta.get_field("device").max_length  # type: ignore[operator]


def _sign_in(client: Client, email: str, **headers: Any) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD}, **headers)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def _row(client: Client) -> UserSession:
    return UserSession.objects.get(session_key=client.session.session_key)


def test_the_sign_in_records_the_browser_and_address_of_the_request() -> None:
    user = make_user(make_org())
    client = Client()
    _sign_in(client, user.email, HTTP_USER_AGENT=FIREFOX_WINDOWS, REMOTE_ADDR="198.51.100.20")
    row = _row(client)
    assert (row.device, row.address) == ("Firefox on Windows", "198.51.100.20")
    # Only the summary is kept: the header itself is in neither the row nor its data.
    data = SessionStore().decode(row.session_data)
    assert data[sessions.DEVICE] == "Firefox on Windows"
    kept = [str(value) for value in data.values()] + [row.device]
    assert not [value for value in kept if "Gecko" in value or "rv:133" in value]


def test_behind_a_trusted_proxy_the_address_is_the_real_clients(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    user = make_user(make_org())
    client = Client()
    _sign_in(
        client,
        user.email,
        HTTP_USER_AGENT=SAFARI_IPHONE,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert (_row(client).device, _row(client).address) == ("Safari on iOS", "203.0.113.9")


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXIES = []
    user = make_user(make_org())
    client = Client()
    _sign_in(client, user.email, REMOTE_ADDR="198.51.100.30", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert _row(client).address == "198.51.100.30"


def test_a_later_request_updates_the_address_and_browser_in_the_same_write() -> None:
    user = make_user(make_org())
    client = Client()
    _sign_in(client, user.email, HTTP_USER_AGENT=FIREFOX_WINDOWS, REMOTE_ADDR="198.51.100.20")
    with CaptureQueriesContext(connection) as queries:
        client.get("/", HTTP_USER_AGENT=EDGE_WINDOWS, REMOTE_ADDR="198.51.100.21")
    row = _row(client)
    assert (row.device, row.address) == ("Edge on Windows", "198.51.100.21")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "accounts_usersession" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")
    ]
    assert len(writes) == 1, writes  # the save the idle timeout already made


def test_an_anonymous_visit_records_nothing_and_creates_no_session() -> None:
    before = UserSession.objects.count()
    Client().get("/accounts/login/", HTTP_USER_AGENT=FIREFOX_WINDOWS)
    assert UserSession.objects.filter(device__gt="").count() == 0
    assert UserSession.objects.count() == before


def test_the_public_id_is_a_keyed_hash_not_the_key_and_changes_with_the_key() -> None:
    user = make_user(make_org())
    client = Client()
    _sign_in(client, user.email)
    row = _row(client)
    assert row.public_id == sessions.public_id_of(row.session_key)
    assert row.public_id
    assert len(row.public_id) == 32
    assert row.session_key not in row.public_id
    assert row.public_id not in row.session_key
    client.get("/")
    assert _row(client).public_id == row.public_id  # stable while the key is
    other = Client()
    _sign_in(other, user.email)
    assert _row(other).public_id != row.public_id


def test_the_upgrade_names_the_sessions_alive_before_it() -> None:
    migration = importlib.import_module("pensionportal.accounts.migrations.0008_session_devices")
    user = make_user(make_org())
    client = Client()
    _sign_in(client, user.email)
    UserSession.objects.update(public_id=None)
    migration.name_live_sessions(apps, None)
    row = _row(client)
    assert row.public_id == sessions.public_id_of(row.session_key)
