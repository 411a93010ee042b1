from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pensionportal.accounts.models import Role
from pensionportal.audit.models import AuditEvent
from pensionportal.exchange import actions
from pensionportal.exchange.models import Status
from tests.factories import make_org, make_staff, make_user
from tests.stored import exists

from .test_access import _file

CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
pytestmark = [pytest.mark.django_db, pytest.mark.storage]


def test_staff_delete_with_a_reason_purges_the_bytes_and_keeps_the_record(
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    org = make_org()
    employer = make_user(org, [Role.FILE_UPLOAD])
    upload = _file(org, employer)
    stored = upload.file
    staff = make_staff()
    client = Client()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exchange:delete", args=[upload.pk]), {"reason": "Sent to the wrong plan"}
        )
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == Status.DELETED
    assert upload.deletion_reason == "Sent to the wrong plan"
    assert upload.deleted_by == staff
    assert upload.file is not None
    assert upload.file.state == "purged"
    assert upload.file.wrapped_key == ""
    assert not exists(stored)
    event = AuditEvent.objects.get(action="exchange.file_deleted")
    assert event.details["reason"] == "Sent to the wrong plan"
    # The employer still sees the record, marked deleted, and cannot download it.
    employer_client = Client()
    employer_client.force_login(employer)
    page = employer_client.get(reverse("exchange:detail", args=[upload.pk])).content.decode()
    assert "Sent to the wrong plan" in page
    assert "Deleted" in page
    download = employer_client.get(reverse("exchange:download", args=[upload.pk]))
    assert download.status_code == 302


def test_it_refuses_a_deletion_without_a_reason() -> None:
    org = make_org()
    upload = _file(org, make_user(org, [Role.FILE_UPLOAD]))
    client = Client()
    client.force_login(make_staff())
    response = client.post(reverse("exchange:delete", args=[upload.pk]), {"reason": "  "})
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode()
    upload.refresh_from_db()
    assert upload.status == Status.RECEIVED
    assert exists(upload.file)


def test_the_delete_action_refuses_an_employer_and_a_second_deletion() -> None:
    org = make_org()
    employer = make_user(org, [Role.ADMINISTRATOR])
    upload = _file(org, employer)
    with pytest.raises(Exception, match="staff"):
        actions.delete_file(employer, upload, "because")
    staff = make_staff()
    actions.delete_file(staff, upload, "duplicate")
    with pytest.raises(actions.ExchangeError, match="already deleted"):
        actions.delete_file(staff, upload, "again")


def test_each_download_is_written_to_the_audit_trail() -> None:
    org = make_org()
    employer = make_user(org, [Role.FILE_UPLOAD])
    upload = _file(org, employer)
    client = Client()
    client.force_login(employer)
    response = client.get(reverse("exchange:download", args=[upload.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"content\n"  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/octet-stream"
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="exchange.file_downloaded")
    assert event.actor_id == employer.pk
    assert event.target == upload.reference
