"""Every list page staff and employers use answers with the same number of queries whatever
the number of employers and rows (issue 18, "Must do" 3). Each page is fetched at two data
sizes (2 and 6 employers, each with a member, a buyback, a message, a pay submission and its
ledger, a remittance advice, a payment, a missed-contributions case and audit rows); the
counts must be equal, so a per-row or per-employer query fails here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pensionportal.accounts.models import Organization, Role, User
from pensionportal.members.models import Member
from pensionportal.missed.models import Case, Cause, Finding
from pensionportal.remittances.models import AdviceSource, Payment, PaymentSource, RemittanceAdvice
from tests.buybacks.helpers import application, opseu_member, opseu_org
from tests.factories import make_staff, make_user, next_sin
from tests.messaging.helpers import start
from tests.pay_history import applied_pay, paid_row

pytestmark = pytest.mark.django_db

PAY_DATE = dt.date(2026, 3, 13)
ALL_ROLES = [Role.COMMUNICATIONS, Role.FILE_UPLOAD, Role.ADMINISTRATOR, Role.PAYROLL_MANAGER]


def _pay(org: Organization, clerk: User, member: Member, pay_date: dt.date, ref: str) -> None:
    submission = applied_pay(
        org, pay_date, ref, remittance_amount=Decimal("200.00"), submitted_by=clerk
    )
    paid_row(
        member,
        pay_date,
        ref,
        submission_id=submission.pk,
        row=2,
        employee_regular=Decimal("100.00"),
        employer_regular=Decimal("100.00"),
    )


def _employer(staff: User, n: int) -> tuple[Organization, User]:
    org = opseu_org(f"Employer {n:04d}")
    clerk = make_user(org, ALL_ROLES)
    member = opseu_member(org, sin=next_sin())
    application(staff, member)
    start(clerk, org, subject=f"Salary correction {n}")
    reference = f"EFT-{n:05d}"
    _pay(org, clerk, member, PAY_DATE, reference)
    advice = RemittanceAdvice.objects.create(
        organization=org,
        pay_date=PAY_DATE,
        period_start=PAY_DATE - dt.timedelta(days=19),
        period_end=PAY_DATE - dt.timedelta(days=6),
        payment_reference=reference,
        member_contributions=Decimal("100.00"),
        employer_regular=Decimal("100.00"),
        source=AdviceSource.ONLINE if hasattr(AdviceSource, "ONLINE") else AdviceSource.values[0],
        entered_by=clerk,
    )
    Payment.objects.create(
        organization=org,
        received_on=PAY_DATE,
        amount=Decimal("200.00"),
        reference=reference,
        source=PaymentSource.values[0],
        advice=advice,
        recorded_by=staff,
    )
    case = Case.objects.create(
        organization=org, invoice_date=PAY_DATE, employer_due_date=PAY_DATE + dt.timedelta(30)
    )
    zero = Decimal("0.00")
    Finding.objects.create(
        organization=org,
        member=member,
        case=case,
        period_start=PAY_DATE - dt.timedelta(days=19),
        period_end=PAY_DATE - dt.timedelta(days=6),
        pay_date=PAY_DATE,
        cause=Cause.values[0],
        expected_member=Decimal("70.00"),
        expected_employer=Decimal("70.00"),
        remitted_member=zero,
        remitted_employer=zero,
        member_owed=Decimal("70.00"),
        employer_owed=Decimal("70.00"),
        interest_member=zero,
        interest_employer=zero,
    )
    return org, clerk


STAFF_PAGES = [
    "/",
    "/messages/",
    "/messages/?words=salary",
    "/messages/archived/",
    "/files/",
    "/submissions/",
    "/members/",
    "/remittances/",
    "/buybacks/",
    "/missed/",
    "/staff/audit/",
    "/worklist/staff/",
    "/worklist/todo/",
    "/users/",
]
EMPLOYER_PAGES = [
    "/",
    "/messages/",
    "/messages/?words=salary",
    "/files/",
    "/submissions/",
    "/members/",
    "/remittances/org/{org}/",
    "/remittances/org/{org}/ledger/",
    "/buybacks/",
    "/worklist/todo/{org}/",
    "/users/",
]


def _counts(
    pages: list[str], client: Client, fresh: Callable[[], None], org: int = 0
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for page in pages:
        url = page.format(org=org)
        fresh()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[page] = len(queries)
    return counts


def _first_page(client: Client) -> None:
    """A user's first page builds their unread rows once (messaging/unread.py); the counts
    compared are those of every later page."""
    assert client.get("/").status_code == 200


def _grow(staff: User, start_at: int, count: int) -> list[tuple[Organization, User]]:
    return [_employer(staff, n) for n in range(start_at, start_at + count)]


def _no_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def test_staff_list_pages_make_the_same_number_of_queries_at_two_data_sizes() -> None:
    staff = make_staff()
    _grow(staff, 0, 2)
    client = Client()
    client.force_login(staff)
    _first_page(client)
    small = _counts(STAFF_PAGES, client, _no_cache)
    _grow(staff, 2, 4)
    large = _counts(STAFF_PAGES, client, _no_cache)
    assert large == small


def test_employer_list_pages_make_the_same_number_of_queries_at_two_data_sizes() -> None:
    staff = make_staff(mfa=False)
    (org, clerk), *_ = _grow(staff, 0, 2)
    client = Client()
    client.force_login(clerk)
    _first_page(client)
    small = _counts(EMPLOYER_PAGES, client, _no_cache, org.pk)
    # the clerk's own organization grows too, and other employers' data must not count
    for n in range(2, 5):
        member = opseu_member(org, sin=next_sin())
        application(staff, member)
        start(clerk, org, subject=f"Salary correction again {n}")
        _pay(org, clerk, member, PAY_DATE + dt.timedelta(days=14 * n), f"EFT-MORE-{n}")
    _grow(staff, 10, 4)
    large = _counts(EMPLOYER_PAGES, client, _no_cache, org.pk)
    assert large == small
