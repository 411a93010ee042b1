"""Notifications a person can control (issue 16, Must do 6): each user chooses which
e-mails they receive, by organization; every kind is on by default; every e-mail passes
the one check in core.notify; e-mails stay content-free."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from pensionportal.accounts import notifications
from pensionportal.accounts.models import Membership, NotificationPreference, Role
from pensionportal.audit.models import AuditEvent
from pensionportal.core import notify
from pensionportal.core.models import OutgoingEmail
from pensionportal.core.notify import Notice
from pensionportal.messaging import actions as messaging
from tests.factories import make_org, make_staff, make_user
from tests.messaging.helpers import mailbox

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src" / "pensionportal"


def test_every_kind_is_on_by_default_and_a_message_e_mail_says_nothing_of_the_message() -> None:
    org = make_org("Default Employer")
    clerk = make_user(org, [Role.COMMUNICATIONS])
    staff = make_staff()
    messaging.start_thread(
        staff,
        organization=org,
        mailbox=mailbox(),
        subject="Salary of Jane",
        body="Secret body text",
        attachments=(),
    )
    [email] = OutgoingEmail.objects.filter(to=clerk.email)
    assert "Secure message" in email.subject
    assert "Jane" not in email.subject
    rows = notifications.choices_of(clerk)
    assert [row.organization for row in rows] == [org]
    assert all(rows[0].values.values())


def test_turning_messages_off_for_one_organization_keeps_the_other_and_the_other_kinds() -> None:
    first = make_org("First Employer")
    second = make_org("Second Employer")
    clerk = make_user(first, [Role.COMMUNICATIONS, Role.PAYROLL_MANAGER])
    Membership.objects.create(user=clerk, organization=second, communications=True)
    NotificationPreference.objects.create(
        user=clerk, organization=first, kind=Notice.MESSAGE, enabled=False
    )
    address = [clerk.email.upper()]  # addresses compare without case
    assert notify.recipients_for(address, Notice.MESSAGE, first.pk) == []
    assert notify.recipients_for(address, Notice.MESSAGE, second.pk) == address
    assert notify.recipients_for(address, Notice.INVOICE, first.pk) == address
    # a choice for all organizations applies where none was made for the organization
    NotificationPreference.objects.create(
        user=clerk, organization=None, kind=Notice.REPORT, enabled=False
    )
    assert notify.recipients_for(address, Notice.REPORT, second.pk) == []
    NotificationPreference.objects.create(
        user=clerk, organization=second, kind=Notice.REPORT, enabled=True
    )
    assert notify.recipients_for(address, Notice.REPORT, second.pk) == address


def test_a_turned_off_kind_is_not_queued_and_other_people_still_get_it() -> None:
    org = make_org("Quiet Employer")
    quiet = make_user(org, [Role.COMMUNICATIONS])
    loud = make_user(org, [Role.COMMUNICATIONS])
    NotificationPreference.objects.create(
        user=quiet, organization=org, kind=Notice.MESSAGE, enabled=False
    )
    messaging.start_thread(
        make_staff(), organization=org, mailbox=mailbox(), subject="Hi", body="x", attachments=()
    )
    assert set(OutgoingEmail.objects.values_list("to", flat=True)) == {loud.email}


def test_members_addresses_and_signing_codes_are_always_sent() -> None:
    org = make_org("Member Employer")
    clerk = make_user(org, [Role.COMMUNICATIONS])
    for kind in notify.CHOOSABLE:
        NotificationPreference.objects.create(
            user=clerk, organization=org, kind=kind, enabled=False
        )
    assert notify.recipients_for(["member@home.example"], Notice.REPORT, org.pk) == [
        "member@home.example"
    ]
    assert notify.recipients_for([clerk.email], Notice.ALWAYS, org.pk) == [clerk.email]


def test_the_page_saves_each_persons_choices_by_organization_and_audits_them(
    client: Client,
) -> None:
    org = make_org("Page Employer")
    clerk = make_user(org, [Role.FILE_UPLOAD])
    client.force_login(clerk)
    page = client.get("/notifications/")
    assert page.status_code == 200
    assert "Page Employer" in page.content.decode()
    ticked = {f"n-{org.pk}-{kind.value}": "on" for kind in notify.CHOOSABLE}
    del ticked[f"n-{org.pk}-report"]
    done = client.post("/notifications/", ticked, follow=True)
    assert "1 changed" in done.content.decode()
    assert notify.recipients_for([clerk.email], Notice.REPORT, org.pk) == []
    assert notify.recipients_for([clerk.email], Notice.FILE_RESULT, org.pk) == [clerk.email]
    event = AuditEvent.objects.get(action="accounts.notifications_changed")
    assert event.details["changed"] == [f"{org.pk}:report=off"]
    # another person's choices are untouched
    other = make_user(org, [Role.FILE_UPLOAD])
    assert notify.recipients_for([other.email], Notice.REPORT, org.pk) == [other.email]


def test_staff_choose_once_for_all_organizations(client: Client) -> None:
    staff = make_staff()
    client.force_login(staff)
    page = client.get("/notifications/")
    assert "All organizations" in page.content.decode()
    client.post("/notifications/", {"n-all-file_result": "on"})
    org = make_org("Any Employer")
    assert notify.recipients_for([staff.email], Notice.MESSAGE, org.pk) == []
    assert notify.recipients_for([staff.email], Notice.FILE_RESULT, org.pk) == [staff.email]


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_every_e_mail_goes_through_the_one_preference_check() -> None:
    """Only core.notify queues notifications; the account e-mails (allauth's password
    reset and sign-in notices, invitations) are not notifications and are always sent."""
    allowed = {
        "core/notify.py",
        "accounts/adapters.py",  # allauth's account e-mails
        "accounts/actions.py",  # the invitation to join an organization
    }
    queuing = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"\boutbox\.queue\(|\bsend_mail\(|EmailMessage\(", path.read_text())
        and "management" not in path.parts
    }
    assert queuing - {"core/sending.py"} <= allowed, queuing - allowed
    for path in SRC.rglob("*.py"):
        for call in re.finditer(r"notify_on_commit\((.*?)\n    \)", path.read_text(), re.S):
            assert "kind=" in call.group(1), f"{path}: notify_on_commit without a kind"
