"""/healthz, /readyz and the structured logs (issue 14, "Must do" 4)."""

from __future__ import annotations

import json
import logging

import pytest
from django.conf import LazySettings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pensionportal.core import health, logs
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database_or_a_sign_in() -> None:
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(queries) == 0


def test_readyz_checks_the_database_the_storage_and_the_queue(settings: LazySettings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "task_queue": "ok"},
    }
    assert not any(settings.STORAGE_DIR.rglob("*.probe"))  # the probe is removed


def test_readyz_answers_503_naming_what_is_unreachable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def storage_down() -> None:
        raise OSError("no route to the bucket")

    monkeypatch.setitem(health.CHECKS, "storage", storage_down)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["storage"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert "bucket" not in response.content.decode()  # no detail for an anonymous caller


def test_each_response_carries_a_request_id_and_a_well_formed_one_is_kept() -> None:
    client = Client()
    mine = client.get("/healthz", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert mine["X-Request-ID"] == "lb-0123456789abcdef"
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>\n"})
    assert forged["X-Request-ID"] != "<script>\n"
    assert len(forged["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_user_and_organization() -> None:
    from django.http import HttpRequest, HttpResponse
    from django.test import RequestFactory

    from pensionportal.audit.record import record

    org = make_org()
    user = make_user(org)
    lines: list[dict[str, object]] = []

    class Capture(logging.Handler):
        def emit(self, entry: logging.LogRecord) -> None:
            lines.append(json.loads(logs.JsonFormatter().format(entry)))

    def view(request: HttpRequest) -> HttpResponse:
        record("test.action", actor=user, organization=org)
        logging.getLogger("pensionportal.test").warning("done")
        return HttpResponse()

    logs.clear()
    request = RequestFactory().get("/somewhere")
    request.user = user
    handler = Capture()
    handler.addFilter(logs.ContextFilter())
    logging.getLogger("pensionportal.test").addHandler(handler)
    try:
        response = logs.RequestContextMiddleware(view)(request)
    finally:
        logging.getLogger("pensionportal.test").removeHandler(handler)
    [line] = lines
    assert line["message"] == "done"
    assert line["level"] == "WARNING"
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["user_id"], line["organization_id"]) == (user.pk, org.pk)
    assert logs.current() == {}  # nothing leaks into the next request


def test_the_production_log_lines_remove_anything_like_a_sin() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "file %s has %s", ("046 454 286.csv", 3), None
    )
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["message"] == "file [nine digits removed].csv has 3"
    assert record.getMessage() == "file 046 454 286.csv has 3"  # other handlers unaffected
    assert "046" not in logs.PlainFormatter("%(message)s").format(record)
    kept = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "submission SUB-000123 row 12345", None, None
    )
    assert json.loads(logs.JsonFormatter().format(kept))["message"] == kept.getMessage()


def test_production_settings_log_json_and_pool_connections() -> None:
    import subprocess
    import sys

    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "d = settings.DATABASES['default'];"
        "print(json.dumps([settings.LOGGING['handlers']['console']['formatter'],"
        " d['CONN_MAX_AGE'], sorted(d['OPTIONS']['pool'])]))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": "src",
        "DJANGO_SETTINGS_MODULE": "pensionportal.settings",
        "PORTAL_PRODUCTION": "1",
        "PORTAL_SECRET_KEY": "x" * 60,
        "PORTAL_ENCRYPTION_KEYS": "ZmFrZS1rZXktZm9yLXRlc3RzLW9ubHktMzJieXRlcyE=",
        "PORTAL_INDEX_KEY": "y" * 40,
        "PORTAL_AUDIT_KEYS": "t1:" + "z" * 40,
        "PORTAL_SEARCH_INDEX_KEYS": "s1:" + "w" * 40,
        "DATABASE_URL": "postgres://portal@127.0.0.1:5/portal",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == ["json", 0, ["max_size", "min_size", "timeout"]]


def test_a_database_away_for_a_moment_answers_503_saying_nothing_was_saved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import OperationalError

    from pensionportal.accounts.models import Membership

    user = make_user(make_org())
    client = Client(raise_request_exception=False)
    client.force_login(user)

    def away(*args: object, **kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Membership.objects, "filter", away)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "could not reach its database" in page
    assert "not saved" in page
    assert "server closed" not in page


def test_storage_away_answers_503_and_other_errors_answer_500() -> None:
    from django.test import RequestFactory

    from pensionportal.core.errors import server_error

    request = RequestFactory().get("/reports/1/files/2/")
    try:
        raise ConnectionRefusedError(111, "refused")
    except OSError:
        storage = server_error(request)
    assert storage.status_code == 503
    assert "its file storage" in storage.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        bug = server_error(request)
    assert bug.status_code == 500
    assert "Something went wrong" in bug.content.decode()
