"""Buyback pages: who sees what (404 for another organization), staff entry, bad input,
PDFs (tested by extracting their text)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from pensionportal.accounts.models import Role, User
from pensionportal.audit.models import AuditEvent
from pensionportal.buybacks import actions
from pensionportal.buybacks.models import Buyback, DeductionProblem
from pensionportal.files.models import StoredFile
from tests.factories import make_staff, make_user

from .helpers import financed, opseu_member, opseu_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> tuple[User, User, User, Buyback]:
    org = opseu_org("Buyback Employer Ltd.")
    staff = make_staff()
    employer = make_user(org, [Role.FILE_UPLOAD])
    stranger = make_user(opseu_org(), [Role.ADMINISTRATOR])
    buyback = financed(staff, opseu_member(org, employee_id="E77", last_name="Okafor"))
    return staff, employer, stranger, buyback


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


URLS = ["detail", "direction_pdf"]


@pytest.mark.parametrize("name", URLS)
def test_another_organizations_user_gets_404(
    client: Client, world: tuple[User, User, User, Buyback], name: str
) -> None:
    _, _, stranger, buyback = world
    client.force_login(stranger)
    assert (
        client.get(f"/buybacks/{buyback.pk}/" + ("1016.pdf" if "pdf" in name else "")).status_code
        == 404
    )


@pytest.mark.parametrize(
    "path", ["/buybacks/", "/buybacks/new/", "/buybacks/1/", "/buybacks/1/1016.pdf"]
)
def test_anonymous_users_are_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_employer_sees_its_deduction_direction_without_the_sin(
    client: Client, world: tuple[User, User, User, Buyback]
) -> None:
    _, employer, stranger, buyback = world
    client.force_login(employer)
    listing = client.get("/buybacks/").content.decode()
    assert buyback.reference in listing
    page = client.get(f"/buybacks/{buyback.pk}/").content.decode()
    assert "Deduction direction (form 1016)" in page
    assert "*** *** 286" in page
    assert "046454286" not in page
    assert "046 454 286" not in page
    assert "Record the signed agreement" not in page
    client.force_login(stranger)
    assert buyback.reference not in client.get("/buybacks/").content.decode()


def test_the_1016_pdf_holds_the_direction(
    client: Client, world: tuple[User, User, User, Buyback]
) -> None:
    _, employer, _, buyback = world
    client.force_login(employer)
    response = client.get(f"/buybacks/{buyback.pk}/1016.pdf")
    text = _pdf_text(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    direction = buyback.direction
    assert direction is not None
    assert "OPTrust 1016" in text
    assert f"{direction.start_date:%Y-%m-%d}" in text
    assert f"${direction.member_amount:,.2f} (code 055)" in text
    assert "(code 056)" in text
    assert str(direction.number_of_payments) in text
    # The form as delivered (the stored file), and the download is audited.
    event = AuditEvent.objects.get(action="buybacks.direction_downloaded")
    assert event.actor == employer
    assert event.organization == buyback.organization
    assert event.details["what"] == "exchange.file"


def test_the_1017_pdf_holds_cost_options_and_45_day_deadline(
    client: Client, world: tuple[User, User, User, Buyback]
) -> None:
    staff, employer, _, buyback = world
    client.force_login(staff)
    response = client.get(f"/buybacks/{buyback.pk}/1017.pdf")
    assert response.status_code == 200, response.headers
    text = _pdf_text(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert "Agreement to Purchase Credit" in text
    assert f"${buyback.member_cost:,.2f}" in text
    assert "Payroll deductions" in text
    assert "Combined" in text
    assert f"{buyback.response_deadline:%Y-%m-%d} (45 days)" in text
    event = AuditEvent.objects.get(action="buybacks.agreement_downloaded")
    assert (event.actor, event.organization) == (staff, buyback.organization)
    given = StoredFile.objects.get(purpose="buybacks.agreement_1017")
    assert given.sha256 == event.details["sha256"]
    client.force_login(employer)
    assert client.get(f"/buybacks/{buyback.pk}/1017.pdf").status_code == 403


def test_staff_enter_an_application(client: Client) -> None:
    staff = make_staff()
    member = opseu_member(employee_id="E5")
    client.force_login(staff)
    assert client.get("/buybacks/new/").status_code == 200
    response = client.post(
        "/buybacks/new/",
        {
            "organization": member.organization.pk,
            "employee_id": "E5",
            "form": "1036",
            "received_date": "2026-02-02",
            "service_type": "non-contributory",
            "service_start": "2020-01-01",
            "service_end": "2021-12-31",
            "share": "1",
            "limit_kind": "general",
        },
    )
    buyback = Buyback.objects.get(member=member)
    assert response["Location"] == f"/buybacks/{buyback.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Issue the quote" in page


def test_bad_application_input_is_explained_beside_the_field(client: Client) -> None:
    staff = make_staff()
    member = opseu_member(employee_id="E6")
    client.force_login(staff)
    response = client.post(
        "/buybacks/new/",
        {
            "organization": member.organization.pk,
            "employee_id": "NOPE",
            "form": "1036",
            "received_date": "2026-02-02",
            "service_type": "non-contributory",
            "service_start": "2021-01-01",
            "service_end": "2020-12-31",
            "share": "1",
            "limit_kind": "general",
        },
    )
    assert response.status_code == 200
    assert "No member with this employee ID" in response.content.decode()
    assert not Buyback.objects.exists()


def test_employers_cannot_enter_applications_or_quote(
    client: Client, world: tuple[User, User, User, Buyback]
) -> None:
    _, employer, _, buyback = world
    client.force_login(employer)
    assert client.get("/buybacks/new/").status_code == 403
    assert client.post(f"/buybacks/{buyback.pk}/stop/", {"reason": "death"}).status_code == 403


def test_a_bad_quote_shows_the_reason_and_changes_nothing(client: Client) -> None:
    staff = make_staff()
    buyback = actions.create_application(
        staff,
        opseu_member(),
        actions.ApplicationInput(
            "1036", "other-plan", dt.date(2010, 1, 1), dt.date(2012, 1, 1), dt.date(2026, 2, 2)
        ),
    )
    client.force_login(staff)
    response = client.post(f"/buybacks/{buyback.pk}/quote/", {"complete_date": "2026-02-10"})
    assert response.status_code == 400
    assert "enter the member&#x27;s cost" in response.content.decode()
    buyback.refresh_from_db()
    assert buyback.quote_date is None


def test_the_problem_report_upload_lists_row_errors(
    client: Client, world: tuple[User, User, User, Buyback]
) -> None:
    staff, employer, _, buyback = world
    actions.set_deduction_file(staff, buyback.organization, True)
    actions.produce_deduction_file(staff, buyback.organization, dt.date(2026, 3, 27))
    client.force_login(employer)
    bad = (
        b"Pay Date,Buyback Reference,Deduction Code,Amount Deducted,Problem,Comment\nx,y,z,1,NO,\n"
    )
    response = client.post(
        "/buybacks/problem-report/",
        {"organization": buyback.organization.pk, "file": SimpleUploadedFile("p.csv", bad)},
    )
    assert response.status_code == 400
    assert "Row 2, Pay Date" in response.content.decode()
    good = (
        "Pay Date,Buyback Reference,Deduction Code,Amount Deducted,Problem,Comment\n"
        f"2026-03-27,{buyback.reference},055,0,NOT_PAID,\n"
    ).encode()
    response = client.post(
        "/buybacks/problem-report/",
        {"organization": buyback.organization.pk, "file": SimpleUploadedFile("p.csv", good)},
    )
    assert response.status_code == 302
    assert DeductionProblem.objects.count() == 1
    assert "NOT_PAID" in client.get(f"/buybacks/{buyback.pk}/").content.decode()
