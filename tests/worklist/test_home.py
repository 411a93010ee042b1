"""The home page is a to-do list (issue 16, Must do 1): an employer user sees, per
organization and only within their roles, what is due or waiting, each linked to where it
is done; staff see their queues with counts and the oldest date; the page's query count
does not grow with the number of items or organizations."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pensionportal.accounts.models import Membership, Organization, Role, StaffRole, User
from pensionportal.members.models import OptionalMember
from pensionportal.messaging import actions as messaging
from pensionportal.missed.models import Case
from pensionportal.remittances.models import Invoice, InvoiceKind
from pensionportal.rules import deadlines
from pensionportal.submissions.models import Source, Status, Submission
from pensionportal.worklist import home
from pensionportal.worklist.models import Audience, Task
from tests.factories import make_org, make_staff, make_user
from tests.messaging.helpers import mailbox

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


def _submission(org: Organization, user: User, status: str, **fields: object) -> Submission:
    n = next(_seq)
    values: dict[str, object] = {
        "organization": org,
        "template": "PAY",
        "source": Source.UPLOAD,
        "status": status,
        "filename": f"PAY_{n}.csv",
        "sha256": f"{n:064d}",
        "submitted_by": user,
        "pay_cycle": "bi-weekly",
        "pay_date": dt.date(2026, 1, 2) + dt.timedelta(days=14 * n),
        "payment_reference": f"EFT-{n}",
    }
    values.update(fields)
    return Submission.objects.create(**values)


def _fill(org: Organization, clerk: User, staff: User, size: int, today: dt.date) -> None:
    """``size`` of each kind of item for ``org``."""
    for _ in range(size):
        _submission(org, clerk, Status.REJECTED)
        _submission(org, clerk, Status.AWAITING_CONFIRMATION)
        Case.objects.create(
            organization=org, invoice_date=today, employer_due_date=today + dt.timedelta(days=80)
        )
        Invoice.objects.create(
            organization=org,
            kind=InvoiceKind.BUYBACK_SHARE,
            invoice_date=today - dt.timedelta(days=20),
            due_date=today - dt.timedelta(days=5),
            total=Decimal("10.00"),
        )
        OptionalMember.objects.create(
            organization=org,
            employee_id=f"OPT{next(_seq)}",
            notice_due_date=today + dt.timedelta(days=5),
        )
        thread = messaging.start_thread(
            staff,
            organization=org,
            mailbox=mailbox(),
            subject="Please confirm the hire date",
            body="Please confirm.",
            attachments=(),
        )
        assert thread.last_message_from_staff
        Task.objects.create(
            key=f"t-{next(_seq)}",
            kind="prior_service_data",
            category="Prior service data",
            audience=Audience.EMPLOYER,
            organization=org,
            title="Send the prior service data",
            due_date=today + dt.timedelta(days=10),
            listed_from=today,
            source="test",
        )
    # the pay schedule: the last applied PAY file's cycle
    _submission(org, clerk, Status.APPLIED, pay_date=today - dt.timedelta(days=7))


def _clerk(org: Organization) -> User:
    return make_user(
        org,
        [Role.FILE_UPLOAD, Role.PAYROLL_MANAGER, Role.ADMINISTRATOR],
    )


def test_a_clerk_sees_each_kind_of_to_do_with_its_date_and_link() -> None:
    today = timezone.localdate()
    org = make_org("Home Employer")
    clerk = _clerk(org)
    staff = make_staff()
    _fill(org, clerk, staff, 2, today)
    [entry] = home.employer_home(clerk, today)
    assert entry.organization == org
    found = {item.label: item for item in entry.items}
    assert found["Files rejected: errors to fix"].count == 2
    assert found["Files rejected: errors to fix"].url.endswith(
        f"?status=rejected&organization={org.pk}"
    )
    assert found["Files waiting for your confirmation of warnings"].count == 2
    assert found["Missed mandatory contributions to remit (90-day window)"].count == 2
    unpaid = found["Unpaid invoices"]
    assert (unpaid.count, unpaid.date, unpaid.overdue) == (2, today - dt.timedelta(days=5), True)
    assert found["Optional members: 60-day notice of the right to join"].count == 2
    waiting = found["Inquiries of the plan administrator waiting for your answer"]
    assert waiting.count == 2
    assert waiting.date == deadlines.inquiry_escalation_date(today)
    assert found["Unread secure messages"].count == 2
    assert found["Prior service data"].count == 2
    next_pay = today - dt.timedelta(days=7) + dt.timedelta(days=14)
    contributions = found[f"Contributions for the pay date {next_pay:%Y-%m-%d}"]
    assert contributions.date == deadlines.for_pay_date(next_pay).contributions_due
    data = found[f"Pension data (PAY file) for the pay date {next_pay:%Y-%m-%d}"]
    assert data.date == deadlines.for_pay_date(next_pay).data_due
    assert entry.items[0].overdue  # overdue first


def test_a_clerk_sees_only_what_their_roles_include() -> None:
    today = timezone.localdate()
    org = make_org("Roles Employer")
    clerk = _clerk(org)
    _fill(org, clerk, make_staff(), 1, today)
    communications = make_user(org, [Role.COMMUNICATIONS])
    labels = {item.label for item in home.employer_home(communications, today)[0].items}
    assert labels == {
        "Unread secure messages",
        "Inquiries of the plan administrator waiting for your answer",
    }
    uploader = make_user(org, [Role.FILE_UPLOAD])
    labels = {item.label for item in home.employer_home(uploader, today)[0].items}
    assert "Files rejected: errors to fix" in labels
    assert "Unpaid invoices" in labels
    assert "Missed mandatory contributions to remit (90-day window)" not in labels
    other = make_org("Someone Else")
    stranger = make_user(other, [Role.PAYROLL_MANAGER, Role.FILE_UPLOAD])
    [entry] = home.employer_home(stranger, today)
    assert entry.organization == other
    assert entry.items == []


def test_staff_see_their_queues_with_counts_and_the_oldest_date() -> None:
    today = timezone.localdate()
    org = make_org("Queue Employer")
    clerk = _clerk(org)
    _fill(org, clerk, make_staff(), 2, today)
    messaging.start_thread(
        clerk, organization=org, mailbox=mailbox(), subject="Help", body="?", attachments=()
    )
    staff = make_staff()
    found = {item.label: item for item in home.staff_home(staff, today)}
    assert found["Invoices past due"].count == 2
    assert found["Invoices past due"].date == today - dt.timedelta(days=5)
    assert found["Inquiries waiting for an answer, not assigned"].count == 1
    assert found["Submissions waiting for the employer's confirmation"].count == 2
    data_only = make_staff([StaffRole.DATA_MANAGEMENT])
    labels = {item.label for item in home.staff_home(data_only, today)}
    assert "Invoices past due" not in labels  # finance's queue


def _home_queries(client: Client, user: User) -> int:
    client.force_login(user)
    client.get("/")  # the first page builds the user's unread rows once (messaging/unread.py)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries)


def test_the_home_page_costs_the_same_queries_for_few_or_many_items_and_organizations(
    client: Client,
) -> None:
    today = timezone.localdate()
    staff = make_staff()
    small_org = make_org("Small")
    small = _clerk(small_org)
    _fill(small_org, small, staff, 1, today)
    big_org = make_org("Big")
    big = _clerk(big_org)
    _fill(big_org, big, staff, 6, today)
    for n in range(3):
        extra = make_org(f"Big {n}")
        Membership.objects.create(
            user=big, organization=extra, file_upload=True, payroll_manager=True
        )
        _fill(extra, big, staff, 2, today)
    assert len(home.employer_home(big, today)) == 4
    assert _home_queries(client, small) == _home_queries(client, big)
    assert b"To do for Big 0" in client.get("/").content
    assert _home_queries(client, staff) > 0
