"""The staff Operations page: undelivered e-mail and dead tasks (issue 14)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import LazySettings
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pensionportal.accounts.models import Role
from pensionportal.audit.models import AuditEvent
from pensionportal.core import outbox
from pensionportal.core.models import EmailStatus, OutgoingEmail
from pensionportal.operations.reaper import LOST_WORKER_CLASS
from tests.factories import make_org, make_staff, make_user

pytestmark = pytest.mark.django_db

PAGE = "/staff/operations/"


def _undelivered(to: str = "clerk@example.com") -> OutgoingEmail:
    [email] = outbox.queue([to], "Pension data SUB-000001: Applied", "SECRET-BODY-TEXT")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED,
        attempts=12,
        failed_at=timezone.now(),
        last_error="The mail server could not be reached (ConnectionRefusedError).",
    )
    return email


def _dead_task(settings: LazySettings, path_class: str = LOST_WORKER_CLASS) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from pensionportal.submissions.tasks import apply_submission

    result = apply_submission.enqueue(42)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="FAILED",
        finished_at=timezone.now() - dt.timedelta(minutes=5),
        exception_class_path=path_class,
        worker_ids=["w1"],
    )


def _staff_client() -> Client:
    client = Client()
    client.force_login(make_staff())
    return client


def test_staff_see_undelivered_email_and_dead_tasks_in_a_fixed_number_of_queries(
    settings: LazySettings,
) -> None:
    for n in range(3):
        _undelivered(f"clerk{n}@example.com")
        _dead_task(settings)
    _dead_task(settings, "builtins.ConnectionRefusedError")
    client = _staff_client()
    client.get(PAGE)  # session and user loaded once
    with CaptureQueriesContext(connection) as queries:
        page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "clerk2@example.com" in html
    assert "could not be reached" in html
    assert "apply_submission" in html
    assert "The worker was lost" in html
    assert "ConnectionRefusedError" in html
    assert "SECRET-BODY-TEXT" not in html  # the message itself is never shown
    count = len(queries)
    for n in range(3, 8):
        _undelivered(f"clerk{n}@example.com")
        _dead_task(settings)
    with CaptureQueriesContext(connection) as queries:
        client.get(PAGE)
    assert len(queries) == count  # no query per row


def test_staff_can_send_an_undelivered_email_again() -> None:
    from django.core import mail

    email = _undelivered()
    client = _staff_client()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"{PAGE}emails/{email.pk}/send-again/")
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert [m.to for m in mail.outbox] == [["clerk@example.com"]]
    assert AuditEvent.objects.filter(action="email.send_again").exists()
    again = client.post(f"{PAGE}emails/{email.pk}/send-again/", follow=True)
    assert "is not waiting to be sent again" in again.content.decode()


def test_employer_users_cannot_see_the_page_or_send_anything() -> None:
    email = _undelivered()
    client = Client()
    client.force_login(make_user(make_org(), [Role.ADMINISTRATOR]))
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}emails/{email.pk}/send-again/").status_code == 403
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sending_again_a_missing_email_is_404() -> None:
    assert _staff_client().post(f"{PAGE}emails/999999/send-again/").status_code == 404
