"""Issue 15, item 11: `make run` is an installation, not a debugger — DEBUG off unless
PORTAL_DEBUG=1, static files served by WhiteNoise, error pages in the portal's layout, no
traceback logged for an expected 403, and a favicon."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from django.test import Client

from pensionportal.accounts.models import Role
from pensionportal.core.logs import ExpectedRefusalFilter
from tests.core.test_settings_production import REPO, _production_env
from tests.factories import make_org, make_user


def _debug_with(**env: str | None) -> str:
    environment = _production_env(PORTAL_PRODUCTION=None, **env)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DEBUG, 'whitenoise.middleware.WhiteNoiseMiddleware' in "
            "settings.MIDDLEWARE)",
        ],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_debug_is_off_by_default_and_on_only_when_asked() -> None:
    assert _debug_with(PORTAL_DEBUG=None) == "False True"
    assert _debug_with(PORTAL_DEBUG="1") == "True True"
    # Never in production, whatever PORTAL_DEBUG says.
    environment = _production_env(PORTAL_DEBUG="1")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DEBUG)",
        ],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "False"


@pytest.mark.django_db
def test_an_unknown_url_gets_the_portals_own_page_not_a_list_of_url_patterns() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "Employer Portal" in body
    assert "URL patterns" not in body
    assert "urlpatterns" not in body


@pytest.mark.django_db
def test_static_files_and_the_favicon_are_served_without_debug() -> None:
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/portal/favicon.svg"' in page
    for path in ("/static/portal/favicon.svg", "/static/portal/portal.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_an_expected_403_is_logged_once_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = Client()
    client.force_login(make_user(make_org(), [Role.COMMUNICATIONS]))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/staff/audit/")
    assert response.status_code == 403
    refusals = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert len(refusals) == 1
    assert refusals[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_the_filter_keeps_the_traceback_of_a_real_fault() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        info = sys.exc_info()
    fault = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), info)
    fault.status_code = 500
    assert ExpectedRefusalFilter().filter(fault)
    assert fault.exc_info is info
