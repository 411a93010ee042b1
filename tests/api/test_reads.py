"""What a payroll system fetches: delivered files and reports, remittances, members."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from pensionportal.audit.models import AuditEvent
from pensionportal.exchange.actions import delete_file
from pensionportal.exchange.models import Category
from pensionportal.integrations import ratelimit
from pensionportal.integrations.models import Scope
from tests.factories import make_staff

from .helpers import bearer, make_client, token_for
from .world import World, build, more_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build()


@pytest.fixture
def token(world: World) -> str:
    return token_for(Client(), make_client(world.org))


def get(token: str, url: str) -> Any:
    answer = Client().get(url, headers=bearer(token))
    assert answer.status_code == 200, answer.content
    return json.loads(answer.content)


def test_delivered_files_are_listed_and_downloaded_with_an_audit_row(
    world: World, token: str
) -> None:
    listed = get(token, "/api/v1/deliveries")
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["category"] == Category.BUYBACK_DEDUCTIONS
    assert item["reference"] == world.delivery.reference
    content = Client().get(item["content"], headers=bearer(token))
    assert content.status_code == 200
    assert b"".join(content.streaming_content) == b"member,amount\r\nE1,10.00\r\n"  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(
        action="exchange.file_downloaded", target=world.delivery.reference
    )
    assert event.actor_email.endswith(".invalid")
    filtered = get(token, "/api/v1/deliveries?category=letter")
    assert filtered["count"] == 0


def test_the_employers_own_uploads_and_deleted_files_are_not_deliveries(
    world: World, token: str
) -> None:
    delete_file(make_staff(), world.delivery, "Sent to the wrong employer")
    assert get(token, "/api/v1/deliveries")["count"] == 0
    gone = Client().get(f"/api/v1/deliveries/{world.delivery.pk}/content", headers=bearer(token))
    assert gone.status_code == 404


def test_reports_are_listed_with_their_files_and_downloaded(world: World, token: str) -> None:
    listed = get(token, "/api/v1/reports?kind=missed_mandatory_contributions")
    assert listed["count"] == 1
    report = listed["items"][0]
    assert report["kind_label"] == "Missed mandatory contributions"
    (item,) = report["files"]
    assert item["format"] == "csv"
    content = Client().get(item["content"], headers=bearer(token))
    assert b"".join(content.streaming_content).startswith(b"member,period")  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="reports.file_downloaded").exists()


def test_remittance_advices_carry_due_dates_paid_and_lateness(world: World, token: str) -> None:
    listed = get(token, "/api/v1/remittances/advices")
    # The applied PAY file made an advice of its own beside the one entered online.
    (advice,) = [a for a in listed["items"] if a["payment_reference"] == "EFT-API-1"]
    assert advice["payment_reference"] == "EFT-API-1"
    assert advice["total"] == "200.00"
    assert advice["contributions_due"] > advice["pay_date"]
    assert advice["data_due"] >= advice["contributions_due"]
    assert advice["paid"] == "0.00"
    assert advice["remittance_late"] is True
    assert advice["allocation"]["member_contributions"] == "100.00"


def test_invoices_their_pdf_and_the_balance(world: World, token: str) -> None:
    (invoice,) = get(token, "/api/v1/remittances/invoices")["items"]
    assert invoice["number"] == world.invoice.number
    assert invoice["total"] == "3.21"
    assert invoice["balance"] == "3.21"
    assert invoice["lines"][0]["rate"] == "0.034500"
    pdf = Client().get(invoice["pdf"], headers=bearer(token))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"  # type: ignore[attr-defined]
    balance = get(token, "/api/v1/remittances/balance")
    assert balance["balance"] == "3.21"
    assert balance["outstanding_invoices"] == 1
    assert balance["ledger"][0]["reference"] == world.invoice.number
    due = get(token, "/api/v1/remittances/due-dates")
    assert "items" in due
    assert due["today"]


def test_an_invoice_without_a_remittance_advice_is_listed(world: World, token: str) -> None:
    """The quarterly employer share of buyback payments (buybacks.txt 'Buyback procedures'
    step 4) has no advice and no payment reference."""
    import datetime as dt
    from decimal import Decimal

    from pensionportal.remittances.models import Invoice, InvoiceKind

    share = Invoice.objects.create(
        organization=world.org,
        kind=InvoiceKind.BUYBACK_SHARE,
        period_label="2026-Q1",
        invoice_date=dt.date(2026, 4, 1),
        due_date=dt.date(2026, 4, 15),
        total=Decimal("50.00"),
    )
    items = get(token, "/api/v1/remittances/invoices")["items"]
    found = next(item for item in items if item["id"] == share.pk)
    assert found["kind"] == "buyback_share"
    assert found["period_label"] == "2026-Q1"
    assert found["advice_id"] is None
    assert found["payment_reference"] is None
    assert get(token, f"/api/v1/remittances/invoices/{share.pk}")["total"] == "50.00"


def test_members_are_listed_with_the_sin_masked(world: World, token: str) -> None:
    listed = get(token, "/api/v1/members")
    (member,) = listed["items"]
    assert member["employee_id"] == "E1"
    assert member["sin"] == "*** *** 286"
    raw = Client().get("/api/v1/members", headers=bearer(token)).content.decode()
    assert "046454286" not in raw
    assert "sin_encrypted" not in raw
    assert get(token, "/api/v1/members?employee_id=E1")["count"] == 1
    assert get(token, "/api/v1/members?employee_id=E9")["count"] == 0
    one = get(token, f"/api/v1/members/{world.member.pk}")
    assert one["sin"] == "*** *** 286"


def test_me_names_the_client_its_organization_and_scopes(world: World) -> None:
    credential = make_client(world.org, [Scope.READ_MEMBERS])
    me = get(token_for(Client(), credential), "/api/v1/me")
    assert me == {
        "client_id": credential.client.client_id,
        "name": "Payroll sync",
        "organization": world.org.name,
        "scopes": ["read_members"],
        "rate_limit_per_minute": 120,
        "expires_at": None,
    }


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/members",
        "/api/v1/deliveries",
        "/api/v1/reports",
        "/api/v1/remittances/invoices",
    ],
)
@pytest.mark.usefixtures("one_rate_window")
def test_lists_make_as_many_queries_for_many_items_as_for_one(
    world: World, token: str, url: str, django_assert_max_num_queries: Any
) -> None:
    http = Client()
    http.get(url, headers=bearer(token))  # opens the rate-limit window
    with django_assert_max_num_queries(20) as one:
        http.get(url, headers=bearer(token))
    more_of(world)
    with django_assert_max_num_queries(len(one.captured_queries)):
        answer = http.get(url, headers=bearer(token))
    assert json.loads(answer.content)["count"] >= 2


def test_a_new_rate_limit_minute_costs_more_queries_than_an_open_one(
    world: World, token: str, django_assert_max_num_queries: Any
) -> None:
    """Why the query-count tests hold the rate-limit minute still (`one_rate_window`)."""
    credential = make_client(world.org)
    minute = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    ratelimit.take(credential.client, now=minute)
    with django_assert_max_num_queries(50) as same:
        ratelimit.take(credential.client, now=minute + dt.timedelta(seconds=30))
    with django_assert_max_num_queries(50) as next_minute:
        ratelimit.take(credential.client, now=minute + dt.timedelta(seconds=61))
    assert len(next_minute.captured_queries) > len(same.captured_queries)
