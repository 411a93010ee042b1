"""Issue 15, items 2, 3 and 4: the online PAY form's Pay Cycle labels, a submission without
a PAY header, "start from the last pay period" on an unreadable file, and list filters that
validate their input instead of answering 500."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from pensionportal.accounts.models import Organization, Plan, Role, User
from pensionportal.submissions.models import Source, Status, Submission
from tests.factories import make_org, make_staff, make_user

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
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_the_pay_cycle_options_have_labels(clerk: User) -> None:
    body = _client(clerk).get("/submissions/online/PAY/").content.decode()
    select = re.search(r'<select id="h-pay_cycle".*?</select>', body, re.S)
    assert select is not None
    assert not re.search(r"<option[^>]*>\s*</option>", select.group(0))
    assert '<option value="bi-weekly">Bi-weekly (every two weeks)</option>' in select.group(0)


def _submission(org: Organization, user: User, **fields: object) -> Submission:
    values: dict[str, object] = dict(
        organization=org,
        template="PAY",
        source=Source.UPLOAD,
        status=Status.APPLIED,
        filename="PAY.csv",
        sha256="0" * 64,
        submitted_by=user,
        submitted_at=timezone.now(),
    )
    values.update(fields)
    return Submission.objects.create(**values)


def test_a_pay_submission_without_a_header_says_so(org: Organization, clerk: User) -> None:
    submission = _submission(org, clerk, status=Status.REJECTED)
    body = _client(clerk).get(f"/submissions/{submission.pk}/").content.decode()
    assert "None" not in body
    assert "to , paid" not in body
    assert "the file has no usable PAY header" in body


def test_start_from_last_pay_period_survives_a_file_that_cannot_be_read(
    org: Organization, clerk: User
) -> None:
    # The demo's SUB-000006 had this shape: applied, no stored file.
    last = _submission(org, clerk, pay_date=date(2026, 11, 6))
    response = _client(clerk).get(f"/submissions/online/PAY/?from_last=1&organization={org.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"The last applied pay file ({last.reference}) could not be read" in body


def test_start_from_last_pay_period_with_nothing_applied_says_so(clerk: User) -> None:
    body = _client(clerk).get("/submissions/online/PAY/?from_last=1").content.decode()
    assert "No pay file has been applied yet to start from." in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("pay_from=2026-02-30", "Pay date from: “2026-02-30” is not a date."),
        ("pay_to=2026-13-01", "Pay date to: “2026-13-01” is not a date."),
        ("pay_from=yesterday", "Pay date from: “yesterday” is not a date."),
        ("pay_from=2026-11-06&pay_to=2026-01-01", "Pay date from (2026-11-06) is after"),
        ("status=lost", "Status: “lost” is not one of the choices"),
        ("template=XYZ", "Template: “XYZ” is not one of the choices"),
        ("organization=abc", "Organization: “abc” is not one of the choices"),
    ],
)
def test_submission_filters_name_what_is_wrong_instead_of_failing(
    clerk: User, query: str, message: str
) -> None:
    response = _client(clerk).get(f"/submissions/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_audit_trail_filters_validate_dates_too() -> None:
    response = _client(make_staff()).get("/staff/audit/?from=2026-02-30&to=2026-13-01")
    assert response.status_code == 200
    body = response.content.decode()
    assert "From: “2026-02-30” is not a date." in body
    assert "To: “2026-13-01” is not a date." in body


@pytest.mark.parametrize(
    "url",
    [
        "/members/?status=gone&organization=x",
        "/buybacks/?status=gone&organization=x",
        "/users/?organization=x",
    ],
)
def test_other_list_filters_say_what_is_wrong(org: Organization, url: str) -> None:
    admin = make_user(org, [Role.ADMINISTRATOR, Role.FILE_UPLOAD])
    response = _client(admin).get(url)
    assert response.status_code == 200
    assert "Some filters were not applied" in response.content.decode()
