"""Sending pension data files through the API: the same pipeline, checks and words as the
Pension data page; idempotent retries; problems page by page; the problem report."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from pensionportal.accounts.models import Organization
from pensionportal.audit.models import AuditEvent
from pensionportal.files.models import StoredFile
from pensionportal.files.uploads import FileRefusedError, receive
from pensionportal.members.models import Contribution
from pensionportal.submissions.models import Status, Submission
from pensionportal.submissions.uploads import upload_policy
from tests.factories import make_member
from tests.files.samples import WINDOWS_PROGRAM
from tests.submissions.helpers import enrol_row, file_of, pay_file, pay_row

from .helpers import bearer, make_client, token_for
from .world import employer

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Organization:
    organization = employer()
    make_member(organization, "E1")
    return organization


@pytest.fixture
def token(org: Organization) -> str:
    return token_for(Client(), make_client(org))


def send(
    token: str,
    content: bytes,
    name: str = "PAY_2026-03-13.csv",
    *,
    key: str | None = None,
    **fields: str,
) -> Any:
    headers = bearer(token)
    if key is not None:
        headers["Idempotency-Key"] = key
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client().post(
            "/api/v1/submissions",
            {"file": SimpleUploadedFile(name, content), **fields},
            headers=headers,
        )


def checked(token: str, content: bytes, name: str = "PAY_2026-03-13.csv", **fields: str) -> Any:
    """Send the file, let the worker check it (at once in tests), and read it again: the
    201 answer says `received`, the check runs after the upload's transaction."""
    sent = send(token, content, name, **fields)
    assert sent.status_code == 201, sent.content
    assert json.loads(sent.content)["status"] == Status.RECEIVED
    again = Client().get(json.loads(sent.content)["links"]["self"], headers=bearer(token))
    return json.loads(again.content)


def test_a_retry_with_the_same_key_returns_the_first_submission(token: str) -> None:
    data = pay_file([pay_row("E1")])
    first = send(token, data, key="pay-2026-03-13")
    files_after_first = StoredFile.objects.count()
    again = send(token, data, key="pay-2026-03-13")
    assert (first.status_code, again.status_code) == (201, 200)
    assert json.loads(first.content)["id"] == json.loads(again.content)["id"]
    assert Submission.objects.count() == 1
    assert StoredFile.objects.count() == files_after_first  # the retry's copy was removed
    assert Contribution.objects.count() == 1


def test_the_same_key_with_another_file_is_refused_and_nothing_is_stored(token: str) -> None:
    send(token, pay_file([pay_row("E1")]), key="k1")
    files = StoredFile.objects.count()
    answer = send(token, pay_file([pay_row("E1", "2600.00")]), key="k1")
    assert answer.status_code == 422
    body = json.loads(answer.content)
    assert body["type"].endswith("/idempotency-key-reused")
    assert body["field"] == "Idempotency-Key"
    assert "SUB-" in body["detail"]
    assert Submission.objects.count() == 1
    assert StoredFile.objects.count() == files


def test_the_same_key_in_test_mode_is_another_upload(token: str) -> None:
    data = pay_file([pay_row("E1")])
    send(token, data, key="k2", test_mode="true")
    assert send(token, data, key="k2").status_code == 422


def test_without_a_key_each_upload_is_a_new_submission_flagged_as_a_duplicate(token: str) -> None:
    data = pay_file([pay_row("E1")])
    send(token, data)
    second = checked(token, data)
    assert Submission.objects.count() == 2
    assert second["status"] == Status.REJECTED
    problems = json.loads(
        Client().get(f"/api/v1/submissions/{second['id']}/problems", headers=bearer(token)).content
    )
    assert any("duplicate" in p["rule"] for p in problems["items"])


def test_test_mode_checks_without_applying(token: str) -> None:
    body = checked(token, pay_file([pay_row("E1")]), test_mode="true")
    assert body["status"] == Status.VALIDATED_TEST
    assert body["test_mode"] is True
    assert not Contribution.objects.exists()


def test_problems_are_paged_with_row_column_value_severity_rule_and_message(token: str) -> None:
    rows = [enrol_row(f"E{n}", "550911896") for n in range(100, 105)]
    submission = checked(token, file_of("ENROL", rows), "ENROL.csv")
    assert submission["status"] == Status.REJECTED
    http = Client()
    first = json.loads(
        http.get(
            f"/api/v1/submissions/{submission['id']}/problems?page_size=2", headers=bearer(token)
        ).content
    )
    assert first["count"] == submission["errors"] + submission["warnings"] >= 5
    assert len(first["items"]) == 2
    assert first["page"] == 1
    assert first["previous"] is None
    problem = first["items"][0]
    assert set(problem) == {"row", "column", "value", "severity", "rule", "message"}
    assert problem["row"] == 2
    assert problem["column"]
    assert problem["severity"] == "error"
    assert all("550911896" not in p["value"] for p in first["items"])  # SINs masked
    second = json.loads(http.get(first["next"], headers=bearer(token)).content)
    assert second["page"] == 2
    assert second["items"] != first["items"]
    stored = Submission.objects.get(pk=submission["id"]).problems.order_by("row", "id")[2]
    assert second["items"][0]["message"] == stored.message


def test_the_problem_report_downloads_as_csv_and_xlsx_and_is_audited(token: str) -> None:
    submission = checked(token, pay_file([pay_row("NOBODY")], amount="1.00"))
    http = Client()
    report = http.get(submission["links"]["problem_report_csv"], headers=bearer(token))
    assert report.status_code == 200
    assert report["Content-Type"].startswith("text/csv")
    text = b"".join(report.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "NOBODY" in text
    assert list(csv.reader(io.StringIO(text)))
    xlsx = http.get(submission["links"]["problem_report_xlsx"], headers=bearer(token))
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]
    assert (
        AuditEvent.objects.filter(
            action="submissions.problem_report_downloaded", target=submission["reference"]
        ).count()
        == 2
    )


def test_a_report_is_not_ready_while_the_file_is_being_checked(org: Organization) -> None:
    token = token_for(Client(), make_client(org))
    answer = Client().post(  # no on-commit callbacks run: the check never starts
        "/api/v1/submissions",
        {"file": SimpleUploadedFile("PAY.csv", pay_file([pay_row("E1")]))},
        headers=bearer(token),
    )
    body = json.loads(answer.content)
    assert body["status"] == Status.RECEIVED
    late = Client().get(body["links"]["problem_report_csv"], headers=bearer(token))
    assert late.status_code == 404
    assert json.loads(late.content)["type"].endswith("/not-ready")


def test_a_refused_file_gets_the_same_words_as_the_page_and_nothing_is_stored(token: str) -> None:
    with pytest.raises(FileRefusedError) as on_the_page:
        receive(upload_policy(), "PAY.csv", [WINDOWS_PROGRAM])
    files = StoredFile.objects.count()
    answer = send(token, WINDOWS_PROGRAM, "PAY.csv")
    assert answer.status_code == 422
    body = json.loads(answer.content)
    assert body["detail"] == on_the_page.value.reason
    assert body["field"] == "file"
    assert StoredFile.objects.count() == files
    assert not Submission.objects.exists()


def test_a_file_of_a_kind_not_accepted_is_refused(token: str) -> None:
    answer = send(token, b"%PDF-1.4 not data", "PAY.pdf")
    assert answer.status_code == 422
    assert "PAY.pdf" in json.loads(answer.content)["detail"]


def test_an_upload_larger_than_the_limit_is_413_before_it_is_read(
    token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_INTAKE_MAX_FILE_MB", "1")
    files = StoredFile.objects.count()
    answer = Client().post(
        "/api/v1/submissions",
        b"x" * 10,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(3 * 1024 * 1024),
        headers=bearer(token),
    )
    assert answer.status_code == 413
    assert answer["Content-Type"] == "application/problem+json"
    assert json.loads(answer.content)["status"] == 413
    assert StoredFile.objects.count() == files


def test_a_file_over_the_limit_streamed_without_a_length_is_cut_and_not_kept(
    token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_INTAKE_MAX_FILE_MB", "1")
    big = b"employee_id\r\n" + b"E1\r\n" * (400 * 1024)
    answer = send(token, big, "PAY.csv")
    assert answer.status_code in (413, 422)
    assert "too large" in json.loads(answer.content)["detail"] or answer.status_code == 413
    assert not Submission.objects.exists()
    assert not StoredFile.objects.filter(state="pending").exists()


def test_a_body_that_is_not_multipart_is_415(token: str) -> None:
    answer = Client().post(
        "/api/v1/submissions", b"employee_id\r\n", content_type="text/csv", headers=bearer(token)
    )
    assert answer.status_code == 415
    assert json.loads(answer.content)["field"] == "file"


def test_no_file_field_is_400_naming_the_field(token: str) -> None:
    answer = Client().post(
        "/api/v1/submissions",
        {"upload": SimpleUploadedFile("PAY.csv", b"x")},
        headers=bearer(token),
    )
    assert answer.status_code == 400
    body = json.loads(answer.content)
    assert body["field"] == "file"
    assert body["detail"].startswith("No file arrived.")
    assert not StoredFile.objects.filter(state="pending").exists()


def test_a_test_mode_that_is_not_true_or_false_is_400(token: str) -> None:
    answer = send(token, pay_file([pay_row("E1")]), test_mode="maybe")
    assert answer.status_code == 400
    assert json.loads(answer.content)["field"] == "test_mode"
    assert not Submission.objects.exists()


def test_a_malformed_parameter_is_a_problem_document_naming_it(token: str) -> None:
    answer = Client().get("/api/v1/submissions?page=0", headers=bearer(token))
    assert answer.status_code == 400
    body = json.loads(answer.content)
    assert body["field"] == "page"
    assert body["type"].endswith("/invalid-request")
    answer = Client().get("/api/v1/submissions?template=XYZ", headers=bearer(token))
    assert answer.status_code == 400
    assert json.loads(answer.content)["field"] == "template"


def test_warnings_are_confirmed_through_the_api(token: str) -> None:
    row = pay_row("E1", employee_regular="70.00")  # expected 75.00
    body = checked(token, pay_file([row]))
    assert body["status"] == Status.AWAITING_CONFIRMATION
    with TestCase.captureOnCommitCallbacks(execute=True):
        confirmed = Client().post(body["links"]["self"] + "/confirm", headers=bearer(token))
    assert confirmed.status_code == 200
    assert json.loads(confirmed.content)["status"] == Status.ACCEPTED  # applied after commit
    applied = Client().get(body["links"]["self"], headers=bearer(token))
    assert json.loads(applied.content)["status"] == Status.APPLIED
    again = Client().post(body["links"]["self"] + "/confirm", headers=bearer(token))
    assert again.status_code == 422
    assert (
        json.loads(again.content)["detail"] == "This submission is not waiting for a confirmation."
    )


def test_the_list_filters_by_status_and_pages(token: str) -> None:
    send(token, pay_file([pay_row("E1")]), key="a")
    send(token, pay_file([pay_row("NOBODY")], reference="R2"), key="b")
    http = Client()
    rejected = json.loads(
        http.get("/api/v1/submissions?status=rejected", headers=bearer(token)).content
    )
    assert rejected["count"] == 1
    assert rejected["items"][0]["status"] == "rejected"
    every = json.loads(http.get("/api/v1/submissions?page_size=1", headers=bearer(token)).content)
    assert every["count"] == 2
    assert every["pages"] == 2
    assert every["next"]


@pytest.mark.usefixtures("one_rate_window")
def test_the_list_makes_the_same_number_of_queries_for_more_submissions(
    token: str, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        send(token, pay_file([pay_row("E1")], reference=f"R{n}"), key=f"q{n}")
    with django_assert_max_num_queries(14):
        Client().get("/api/v1/submissions", headers=bearer(token))
    for n in range(3, 8):
        send(token, pay_file([pay_row("E1")], reference=f"R{n}"), key=f"q{n}")
    with django_assert_max_num_queries(14):
        answer = Client().get("/api/v1/submissions", headers=bearer(token))
    assert json.loads(answer.content)["count"] == 8


def test_the_schema_lists_exactly_the_ten_templates() -> None:
    from typing import get_args

    from pensionportal.api.schemas import TemplateCode
    from pensionportal.datafiles.specs import SPECS

    assert set(get_args(TemplateCode)) == set(SPECS)
