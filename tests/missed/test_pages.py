"""Pages: staff overview, employer page, case, letters, elections; access and bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from pensionportal.accounts.models import Organization, Role
from pensionportal.audit.models import AuditEvent
from pensionportal.members.models import Member
from pensionportal.missed import actions
from pensionportal.missed.models import Case, Election, MemberLetter
from pensionportal.reports.models import Report, ReportKind
from tests.factories import make_member, make_org, make_staff, make_user
from tests.stored import plaintext

from .helpers import cycles, rates

pytestmark = pytest.mark.django_db
Setup = tuple[Organization, Member, Case]
TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def setup() -> Setup:
    org = make_org("Alpha Employer")
    member = make_member(org, "A1", last_name="Tremblay", membership_date=dt.date(2025, 1, 1))
    cycles(org, [member], 6, skip={(0, 2)})
    rates()
    actions.run_detection(org, TODAY)
    case = actions.open_case(org, TODAY)
    assert case is not None
    return org, member, case


def test_staff_see_the_overview_the_employer_page_and_the_case(
    client: Client, setup: Setup
) -> None:
    org, _, case = setup
    client.force_login(make_staff())
    page = client.get("/missed/")
    assert page.status_code == 200
    assert b"Alpha Employer" in page.content
    assert client.get(f"/missed/employers/{org.pk}/").status_code == 200
    detail = client.get(f"/missed/cases/{case.pk}/")
    assert detail.status_code == 200
    assert case.number.encode() in detail.content


def test_employers_cannot_reach_the_staff_overview(client: Client, setup: Setup) -> None:
    org, _, _ = setup
    client.force_login(make_user(org, [Role.PAYROLL_MANAGER]))
    assert client.get("/missed/").status_code == 403
    assert client.get(f"/missed/employers/{org.pk}/").status_code == 403


def test_a_payroll_manager_sees_their_case_and_another_organization_gets_404(
    client: Client, setup: Setup
) -> None:
    org, _, case = setup
    client.force_login(make_user(org, [Role.PAYROLL_MANAGER]))
    assert client.get(f"/missed/cases/{case.pk}/").status_code == 200
    other = make_org()
    client.force_login(make_user(other, [Role.PAYROLL_MANAGER]))
    assert client.get(f"/missed/cases/{case.pk}/").status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client: Client, setup: Setup) -> None:
    org, member, case = setup
    for url in (
        "/missed/",
        f"/missed/employers/{org.pk}/",
        f"/missed/cases/{case.pk}/",
        f"/missed/members/{member.pk}/elections/new/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_staff_publish_the_report_on_demand_in_three_formats(client: Client, setup: Setup) -> None:
    org, _, case = setup
    client.force_login(make_staff())
    response = client.post(f"/missed/employers/{org.pk}/publish/")
    assert response.status_code == 302
    report = Report.objects.get(organization=org)
    assert report.kind == ReportKind.MISSED_MANDATORY_CONTRIBUTIONS
    files = {f.format: plaintext(f.file) for f in report.files.all()}
    assert set(files) == {"pdf", "csv", "xlsx"}
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    assert rows[0][:3] == ["Case", "Employee ID", "Last Name"]
    assert rows[1][0] == case.number
    assert rows[1][1] == "A1"
    assert rows[1][4] == "2026-02-01"  # period start of the missed cycle
    assert "Administrative error" in rows[1][7]
    assert rows[1][8] == rows[1][9] == "68.99"
    assert rows[1][13] == case.employer_due_date.isoformat()
    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files["pdf"])).pages)
    assert "Missed mandatory contributions" in pdf
    assert "A1" in pdf
    assert case.number in pdf
    sheet = load_workbook(io.BytesIO(files["xlsx"])).active
    assert sheet is not None
    assert sheet.cell(row=3, column=2).value == "A1"


def test_another_organizations_publish_or_run_answers_404(client: Client) -> None:
    client.force_login(make_staff())
    vendor = make_org(vendor=True)
    assert client.post(f"/missed/employers/{vendor.pk}/publish/").status_code == 404
    assert client.post("/missed/run/", {"organization": "nope"}).status_code == 404


def test_staff_run_detection_for_one_employer(client: Client) -> None:
    org = make_org()
    member = make_member(org, "B1", membership_date=dt.date(2025, 1, 1))
    cycles(org, [member], 3, skip={(0, 1)})
    client.force_login(make_staff())
    preview = client.get(f"/missed/employers/{org.pk}/run/").context["preview"]
    response = client.post(
        "/missed/run/",
        {"organization": str(org.pk), "fingerprint": preview.fingerprint},
        follow=True,
    )
    assert b"Detection found 1 periods" in response.content


def test_staff_record_an_election_that_the_employer_then_sees(client: Client, setup: Setup) -> None:
    org, member, _ = setup
    client.force_login(make_staff())
    response = client.post(
        f"/missed/members/{member.pk}/elections/new/",
        {
            "form": "1025",
            "choice": "not_contribute",
            "applies_from": "2026-03-01",
            "applies_to": "2026-09-30",
            "received_date": "2026-03-15",
        },
    )
    assert response.status_code == 302
    election = Election.objects.get(member=member)
    assert election.received_late
    client.force_login(make_user(org, [Role.FILE_UPLOAD]))
    page = client.get(f"/members/{member.pk}/")
    assert b"Not contribute during the leave" in page.content
    assert b"earlier periods stay mandatory" in page.content
    assert b"Record a written election" not in page.content


def test_a_bad_election_is_refused_beside_the_field_and_nothing_is_stored(
    client: Client, setup: Setup
) -> None:
    _, member, _ = setup
    client.force_login(make_staff())
    response = client.post(
        f"/missed/members/{member.pk}/elections/new/",
        {
            "form": "1030",
            "choice": "not_contribute",
            "applies_from": "2026-03-01",
            "applies_to": "2026-02-01",
            "received_date": "not a date",
        },
    )
    assert response.status_code == 400
    assert b"That choice does not belong to this form." in response.content
    assert b"The last day cannot be before the first day." in response.content
    assert not Election.objects.exists()


def test_an_election_for_another_organizations_member_answers_404(
    client: Client, setup: Setup
) -> None:
    _, member, _ = setup
    other = make_org()
    client.force_login(make_user(other, [Role.ADMINISTRATOR]))
    assert client.get(f"/members/{member.pk}/").status_code == 404
    assert client.get(f"/missed/members/{member.pk}/elections/new/").status_code == 403


def test_staff_download_a_member_letter_and_employers_cannot(client: Client, setup: Setup) -> None:
    org, _, case = setup
    actions.advance_case(case, case.employer_due_date + dt.timedelta(days=1))
    letter = MemberLetter.objects.get(case=case)
    client.force_login(make_staff())
    response = client.get(f"/missed/letters/{letter.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert "request for payment" in PdfReader(io.BytesIO(body)).pages[0].extract_text()
    event = AuditEvent.objects.get(action="missed.member_letter_downloaded")
    assert event.organization == org
    assert event.details["what"] == "missed.member_letter"
    client.force_login(make_user(org, [Role.PAYROLL_MANAGER]))
    assert client.get(f"/missed/letters/{letter.pk}/").status_code == 403
    client.force_login(make_staff())
    assert client.get("/missed/letters/999999/").status_code == 404
