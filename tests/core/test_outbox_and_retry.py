"""E-mail is queued with the action, sent by a task, retried with backoff while SMTP is down,
and recorded as undelivered when the last attempt fails (issue 14, "Must do" 1). The mail
server is a real one (aiosmtpd) on loopback, stopped for the outage."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
from django.conf import LazySettings
from django.db import OperationalError
from django.test import Client, TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pensionportal.accounts.models import Invitation, Role, User
from pensionportal.core import conf, outbox
from pensionportal.core.models import EmailStatus, OutgoingEmail
from pensionportal.core.notify import Notice, notify_on_commit
from pensionportal.core.retry import RetryPolicy, is_transient
from tests.factories import make_org, make_user
from tests.smtp_server import running_smtp

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _run_ready_tasks() -> int:
    """Run every task that is due, as `db_worker` does (claim, run, record each); its loop
    is not used because it closes the database connection between tasks."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        task = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
        if task is None:
            return ran
        task.claim("test-worker")
        worker.run_task(task)
        ran += 1


def _make_due() -> None:
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


# --- what counts as transient, and the backoff ------------------------------------------


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError(), True),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPResponseException(421, b"try later"), True),
        (smtplib.SMTPResponseException(554, b"refused for good"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.com": (450, b"busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"no such user")}), False),
        (OperationalError("could not connect to server"), True),
        (ValueError("a bug"), False),
        (KeyError("x"), False),
    ],
)
def test_only_failures_that_may_pass_are_retried(error: BaseException, transient: bool) -> None:
    assert is_transient(error) is transient


def test_the_backoff_doubles_up_to_its_cap_with_some_jitter() -> None:
    policy = RetryPolicy(max_attempts=6, base_delay=10, max_delay=60)
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (4, 60), (5, 60)]:
        delays = {policy.delay(attempt) for _ in range(50)}
        assert all(0.75 * ceiling <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jitter: failures together do not all come back together
    assert policy.total_wait() == 10 + 20 + 40 + 60 + 60


def test_the_default_email_policy_outlasts_a_long_smtp_outage() -> None:
    assert conf.email_retry().total_wait() > 5 * 3600


# --- the outbox ---------------------------------------------------------------------------


def test_an_email_is_queued_in_the_actions_transaction_and_encrypted_at_rest(
    settings: LazySettings,
) -> None:
    settings.TASKS = DB_TASKS
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        notify_on_commit(
            ["b@example.com", "a@example.com", ""],
            "Waiting",
            "Sign in: SECRET-LINK",
            kind=Notice.MESSAGE,
            organization_id=None,
        )
    emails = list(OutgoingEmail.objects.order_by("to"))
    assert [e.to for e in emails] == ["a@example.com", "b@example.com"]
    assert all("SECRET-LINK" not in e.body_encrypted for e in emails)
    assert DBTaskResult.objects.count() == 0  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_email").count() == 2


def test_a_rolled_back_action_queues_no_email() -> None:
    from django.db import transaction

    def action_that_fails() -> None:
        with transaction.atomic():
            notify_on_commit(
                ["a@example.com"], "Waiting", "body", kind=Notice.MESSAGE, organization_id=None
            )
            raise RuntimeError

    with pytest.raises(RuntimeError):
        action_that_fails()
    assert not OutgoingEmail.objects.exists()


def test_email_waits_out_an_smtp_outage_and_is_delivered_once_it_ends(
    settings: LazySettings,
) -> None:
    settings.TASKS = DB_TASKS
    with running_smtp(settings) as smtp:
        smtp.stop()  # the outage
        with TestCase.captureOnCommitCallbacks(execute=True):
            notify_on_commit(
                ["clerk@example.com"],
                "Waiting",
                "Sign in to see it.",
                kind=Notice.MESSAGE,
                organization_id=None,
            )
        assert _run_ready_tasks() == 1
        email = OutgoingEmail.objects.get()
        assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
        assert "could not be reached" in email.last_error
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.args_kwargs == {"args": [email.pk], "kwargs": {"attempt": 2}}
        assert retry.run_after > timezone.now() + dt.timedelta(seconds=20)  # 30 s, jittered
        assert email.next_attempt_at == pytest.approx(retry.run_after, abs=dt.timedelta(seconds=2))
        assert _run_ready_tasks() == 0  # not due yet: no busy loop

        smtp.start()  # the server is back
        _make_due()
        assert _run_ready_tasks() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 2, "")
    assert email.body_encrypted == ""  # nothing kept once sent
    [message] = smtp.mailbox.messages
    assert message["To"] == "clerk@example.com"
    assert message["Subject"] == "[Employer Portal] Waiting"
    assert "Sign in to see it." in message.get_payload()


def test_the_last_failed_attempt_is_recorded_and_staff_can_send_it_again(
    settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = DB_TASKS
    monkeypatch.setenv("PORTAL_EMAIL_MAX_ATTEMPTS", "2")
    with running_smtp(settings) as smtp:
        smtp.stop()
        with TestCase.captureOnCommitCallbacks(execute=True):
            notify_on_commit(
                ["clerk@example.com"], "Waiting", "body", kind=Notice.MESSAGE, organization_id=None
            )
        _run_ready_tasks()
        _make_due()
        _run_ready_tasks()
        email = OutgoingEmail.objects.get()
        assert (email.status, email.attempts) == (EmailStatus.FAILED, 2)
        assert email.failed_at is not None
        dead = DBTaskResult.objects.get(status="FAILED")
        assert dead.exception_class_path == "builtins.ConnectionRefusedError"
        smtp.start()
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert outbox.send_again(email)
        _run_ready_tasks()
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(smtp.mailbox.messages) == 1


def test_a_permanent_refusal_is_not_retried(
    settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = DB_TASKS

    def refuse(self: Any, *args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no such mailbox")})

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify_on_commit(
            ["x@example.com"], "Waiting", "body", kind=Notice.MESSAGE, organization_id=None
        )
    _run_ready_tasks()
    email = OutgoingEmail.objects.get()
    assert email.status == EmailStatus.FAILED
    assert email.last_error == "The mail server refused the recipient."
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_second_delivery_of_a_sent_email_sends_nothing(settings: LazySettings) -> None:
    from django.core import mail

    with TestCase.captureOnCommitCallbacks(execute=True):
        [email] = outbox.queue(["a@example.com"], "Subject", "body")
    assert len(mail.outbox) == 1
    assert outbox.deliver(email.pk) == "nothing to do: sent"
    assert len(mail.outbox) == 1


# --- the actions: SMTP down never turns a completed action into an error -------------------


def test_inviting_a_user_while_smtp_is_down_succeeds_and_the_invitation_waits(
    settings: LazySettings,
) -> None:
    settings.TASKS = DB_TASKS
    org = make_org()
    admin = make_user(org, [Role.ADMINISTRATOR])
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    with running_smtp(settings) as smtp:
        smtp.stop()
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(
                "/users/invite/",
                {
                    "email": "new.person@example.com",
                    "first_name": "New",
                    "last_name": "Person",
                    "organization": org.pk,
                    "roles": [Role.COMMUNICATIONS.value],
                },
            )
        assert response.status_code == 302
        user = User.objects.get(email="new.person@example.com")
        assert Invitation.objects.filter(user=user).exists()
        _run_ready_tasks()
        email = OutgoingEmail.objects.get(to="new.person@example.com")
        assert email.status == EmailStatus.QUEUED
        assert email.attempts == 1
        smtp.start()
        _make_due()
        _run_ready_tasks()
    [message] = smtp.mailbox.messages
    assert "/invitation/" in message.get_payload()


def test_a_password_reset_while_smtp_is_down_answers_as_usual(settings: LazySettings) -> None:
    settings.TASKS = DB_TASKS
    user = make_user(make_org())
    with running_smtp(settings) as smtp:
        smtp.stop()
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = Client(raise_request_exception=False).post(
                "/accounts/password/reset/", {"email": user.email}
            )
        assert response.status_code == 302
        _run_ready_tasks()
        assert OutgoingEmail.objects.get(to=user.email).status == EmailStatus.QUEUED
