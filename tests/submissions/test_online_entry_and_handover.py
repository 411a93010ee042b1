from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from pensionportal.accounts.models import Organization, Plan, Role, User
from pensionportal.members.models import Contribution, Member
from pensionportal.submissions.models import Source, Status, Submission
from tests.factories import make_member, make_org, make_user

from .helpers import enrol_row, pay_file, pay_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Organization:
    organization = make_org(plan=Plan.SELECT)
    organization.plan_participation_date = date(2015, 1, 1)
    organization.save()
    return organization


@pytest.fixture
def clerk(org: Organization) -> User:
    return make_user(org, [Role.FILE_UPLOAD])


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_online_entry_goes_through_the_same_pipeline(org: Organization, clerk: User) -> None:
    row = enrol_row("E500", "550911895")
    data = {"organization": str(org.pk), "row_count": "2", "action": "submit"}
    data.update({f"r1-{key}": value for key, value in row.items()})
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _client(clerk).post("/submissions/online/ENROL/", data)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.source == Source.ONLINE
    assert submission.status == Status.APPLIED, list(
        submission.problems.values_list("message", flat=True)
    )
    assert Member.objects.filter(employee_id="E500").exists()


def test_online_entry_reports_problems_by_row(org: Organization, clerk: User) -> None:
    data = {"organization": str(org.pk), "row_count": "3", "action": "submit"}
    data.update({"r2-employee_id": "E1", "r2-leave_type": "NOPE", "r2-leave_start": "04/08/2026"})
    with TestCase.captureOnCommitCallbacks(execute=True):
        _client(clerk).post("/submissions/online/LOA/", data)
    submission = Submission.objects.get()
    assert submission.status == Status.REJECTED
    assert submission.problems.filter(row=2).exists()  # the form's own row number
    assert not submission.problems.filter(row=1).exists()  # a blank row is skipped
    messages = " ".join(submission.problems.values_list("message", flat=True))
    assert "NOPE" in messages


def test_online_entry_refuses_a_forged_organization(org: Organization, clerk: User) -> None:
    other = make_org()
    data = {
        "organization": str(other.pk),
        "row_count": "1",
        "action": "submit",
        "r1-employee_id": "E1",
    }
    response = _client(clerk).post("/submissions/online/PA/", data)
    assert response.status_code == 200
    assert "Choose one of your organizations" in response.content.decode()
    assert not Submission.objects.exists()


def test_adding_rows_keeps_what_was_typed(org: Organization, clerk: User) -> None:
    data = {
        "organization": str(org.pk),
        "row_count": "1",
        "action": "more",
        "r1-employee_id": "KEEP1",
    }
    body = _client(clerk).post("/submissions/online/PA/", data).content.decode()
    assert 'value="KEEP1"' in body
    assert 'name="r6-employee_id"' in body


def test_start_from_last_pay_period_prefills_the_rows(org: Organization, clerk: User) -> None:
    from .helpers import submit

    make_member(org, "E1", sin="046454286")
    assert submit(clerk, org, pay_file([pay_row("E1")])).status == Status.APPLIED
    body = (
        _client(clerk)
        .get(f"/submissions/online/PAY/?from_last=1&organization={org.pk}")
        .content.decode()
    )
    assert 'value="E1"' in body
    assert 'value="75.00"' in body


def test_a_pension_data_file_sent_through_file_upload_becomes_a_submission(
    org: Organization, clerk: User
) -> None:
    make_member(org, "E1", sin="046454286")
    upload = SimpleUploadedFile("PAY_2026-03-13.csv", pay_file([pay_row("E1")]), "text/csv")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _client(clerk).post("/files/upload/", {"organization": org.pk, "files": upload})
    assert response.status_code in (200, 302)
    submission = Submission.objects.get()
    assert submission.upload_id is not None
    assert submission.status == Status.APPLIED, list(
        submission.problems.values_list("message", flat=True)
    )
    assert Contribution.objects.count() == 1


def test_staff_cannot_send_employer_data(org: Organization) -> None:
    from tests.factories import make_staff

    staff = make_staff()
    assert _client(staff).get("/submissions/online/PAY/").status_code == 403
