from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.conf import LazySettings
from django.core import mail
from django.test import Client
from django.urls import reverse

from pensionportal.accounts.models import Organization, Role, User
from pensionportal.audit.models import AuditEvent
from pensionportal.files.content import XLSX_MAIN
from pensionportal.reports.actions import PublishError, ReportFileInput, publish_report
from pensionportal.reports.models import Report, ReportKind, ReportRead
from tests.exchange.helpers import post_files
from tests.factories import make_org, make_staff, make_user
from tests.messaging.helpers import ooxml
from tests.stored import plaintext, raw_bytes, stored_names

CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
pytestmark = [pytest.mark.django_db, pytest.mark.storage]
MMC = ReportKind.MISSED_MANDATORY_CONTRIBUTIONS


def _publish(org: Organization, by: User | None = None) -> Report:
    return publish_report(
        org,
        "Missed mandatory contributions",
        MMC,
        [
            ReportFileInput("mmc.csv", "text/csv", b"Employee ID,Period\nC1,2026-01\n"),
            ("mmc.pdf", "application/pdf", [b"%PDF-1.4\n", b"fake but non-empty\n"]),
        ],
        published_by=by,
        period="January 2026",
    )


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_scheduled_job_publishes_and_payroll_managers_are_notified(
    settings: LazySettings, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    org = make_org()
    manager = make_user(org, [Role.PAYROLL_MANAGER])
    make_user(org, [Role.FILE_UPLOAD])
    with django_capture_on_commit_callbacks(execute=True):
        report = _publish(org)
    assert report.published_by is None
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "C1" not in mail.outbox[0].body
    event = AuditEvent.objects.get(action="reports.published")
    assert event.actor_email == "system:scheduled-job"
    csv_file = report.files.get(format="csv")
    assert b"C1" not in raw_bytes(csv_file.file)
    assert plaintext(csv_file.file).startswith(b"Employee ID")
    assert csv_file.file is not None
    assert csv_file.file.name in stored_names()


def test_payroll_managers_view_and_download_and_each_download_is_audited() -> None:
    org = make_org()
    manager = make_user(org, [Role.PAYROLL_MANAGER])
    report = _publish(org)
    client = _client(manager)
    index = client.get(reverse("reports:index")).content.decode()
    assert "Missed mandatory contributions" in index
    assert "New" in index
    assert "This section only receives reports." in index  # no messages: no "attach" advice
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 200
    assert ReportRead.objects.filter(report=report, user=manager).exists()
    report_file = report.files.get(format="csv")
    response = client.get(reverse("reports:download", args=[report.pk, report_file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert b"".join(response.streaming_content).startswith(b"Employee ID")  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="reports.file_downloaded", actor_id=manager.pk).exists()


@pytest.mark.parametrize("roles", [[Role.FILE_UPLOAD], [Role.ADMINISTRATOR], [Role.COMMUNICATIONS]])
def test_the_section_is_for_the_payroll_manager_role_only(roles: list[Role]) -> None:
    org = make_org()
    report = _publish(org)
    client = _client(make_user(org, roles))
    assert client.get(reverse("reports:index")).status_code == 403
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 403
    file_id = report.files.first().pk  # type: ignore[union-attr]
    assert client.get(reverse("reports:download", args=[report.pk, file_id])).status_code == 403


def test_payroll_managers_cannot_publish() -> None:
    org = make_org()
    manager = make_user(org, [Role.PAYROLL_MANAGER])
    client = _client(manager)
    assert client.get(reverse("reports:publish")).status_code == 403
    response = post_files(
        client,
        reverse("reports:publish"),
        {"organization": str(org.pk), "title": "Mine", "kind": MMC},
        [("r.csv", b"x")],
    )
    assert response.status_code == 403
    assert not Report.objects.exists()
    with pytest.raises(Exception, match="staff"):
        _publish(org, by=manager)


def test_another_organizations_reports_answer_404() -> None:
    mine, theirs = make_org(), make_org()
    report = _publish(theirs)
    client = _client(make_user(mine, [Role.PAYROLL_MANAGER]))
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    file_id = report.files.first().pk  # type: ignore[union-attr]
    assert client.get(reverse("reports:download", args=[report.pk, file_id])).status_code == 404
    assert "Missed mandatory" not in client.get(reverse("reports:index")).content.decode()


@pytest.mark.parametrize(
    "url", ["/reports/", "/reports/publish/", "/reports/1/", "/reports/1/files/1/"]
)
def test_an_anonymous_user_is_sent_to_sign_in(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_publish_through_the_page(
    django_capture_on_commit_callbacks: CaptureCallbacks, settings: LazySettings
) -> None:
    org = make_org()
    manager = make_user(org, [Role.PAYROLL_MANAGER])
    client = _client(make_staff())
    assert client.get(reverse("reports:publish")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = post_files(
            client,
            reverse("reports:publish"),
            {"organization": str(org.pk), "title": "Missed contributions", "kind": MMC},
            [("mmc.csv", b"a,b\n1,2\n"), ("mmc.xlsx", ooxml(XLSX_MAIN))],
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert report.published_by is not None
    assert sorted(report.files.values_list("format", flat=True)) == ["csv", "xlsx"]
    assert [m.to for m in mail.outbox] == [[manager.email]]
    # Only the report's own two files remain: the staged copies were purged.
    assert len(stored_names()) == 2


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("notes.docx", b"x")], "not an accepted type"),
        ([("mmc.xlsx", b"PK\x03\x04 not really")], "not a valid XLSX file"),
        ([("empty.csv", b"")], "empty"),
        ([], "Choose at least one file"),
    ],
)
def test_the_publish_page_refuses_bad_files_and_stores_nothing(
    files: list[tuple[str, bytes]], message: str, settings: LazySettings
) -> None:
    org = make_org()
    client = _client(make_staff())
    response = post_files(
        client,
        reverse("reports:publish"),
        {"organization": str(org.pk), "title": "T", "kind": MMC},
        files,
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Report.objects.exists()
    assert stored_names() == []


def test_the_publishing_api_refuses_bad_input_and_stores_nothing(settings: LazySettings) -> None:
    org = make_org()
    with pytest.raises(PublishError, match="not allowed"):
        publish_report(org, "T", MMC, [("r.exe", "", b"x")], published_by=None)
    with pytest.raises(PublishError, match="empty"):
        publish_report(org, "T", MMC, [("r.csv", "", b"x"), ("r.pdf", "", b"")], published_by=None)
    with pytest.raises(PublishError, match="title"):
        publish_report(org, " ", MMC, [("r.csv", "", b"x")], published_by=None)
    with pytest.raises(PublishError, match="employers"):
        publish_report(make_org(vendor=True), "T", MMC, [("r.csv", "", b"x")], published_by=None)
    assert not Report.objects.exists()
    assert stored_names() == []
