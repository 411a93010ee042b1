"""Threads: references, per-user unread state, ordering, archive, search, notifications and
the staff side's respond-by date. Seeds: secure-employer-portal.txt "Secure messages";
select-employer-manual.txt Section 4."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pensionportal.accounts.models import Role, User
from pensionportal.audit.models import AuditEvent
from pensionportal.messaging import actions, references
from pensionportal.messaging.models import Message, Thread, ThreadStatus
from pensionportal.messaging.queries import (
    ThreadSearch,
    escalation_date,
    search_threads,
    unread_count,
)
from tests.factories import make_staff, make_user

from .conftest import World
from .helpers import mailbox, start

TORONTO = ZoneInfo("America/Toronto")


def _refs(user: User, **search: object) -> list[str]:
    return [t.reference for t in search_threads(user, ThreadSearch(**search))]  # type: ignore[arg-type]


def _unread(user: User, thread: Thread) -> bool:
    return bool(search_threads(user, ThreadSearch()).get(pk=thread.pk).is_unread)  # type: ignore[attr-defined]


def test_a_new_thread_gets_a_unique_readable_reference(world: World) -> None:
    assert references.normalize(world.thread_a.reference) == world.thread_a.reference
    assert world.thread_a.reference != world.thread_b.reference
    assert references.normalize(" sm-abcd-efgh ") == "SM-ABCD-EFGH"
    assert references.normalize("SM-0000-0000") is None


def test_replies_keep_the_threads_reference(client: Client, world: World) -> None:
    client.force_login(world.staff)
    a = world.thread_a
    response = client.post(reverse("messaging:reply", args=[a.reference]), {"body": "Done."})
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:thread", args=[a.reference])
    a.refresh_from_db()
    assert a.message_count == 2
    assert Thread.objects.count() == 2
    assert list(a.messages.values_list("from_staff", flat=True)) == [False, True]


def test_unread_state_is_kept_per_user(client: Client, world: World) -> None:
    carol = make_user(world.org_a, [Role.ADMINISTRATOR])
    other_staff = make_staff()
    a = world.thread_a
    assert not _unread(world.alice, a)  # her own message
    assert _unread(carol, a)
    assert _unread(world.staff, a)
    assert unread_count(world.staff) == 2

    client.force_login(world.staff)
    client.get(reverse("messaging:thread", args=[a.reference]))
    assert not _unread(world.staff, a)
    assert _unread(other_staff, a)
    assert unread_count(world.staff) == 1

    actions.reply(world.staff, a, body="Answer")
    assert _unread(world.alice, a)
    assert _unread(carol, a)
    assert not _unread(world.staff, a)


def test_the_list_marks_unread_and_replied_threads_with_text_alternatives(
    client: Client, world: World
) -> None:
    actions.reply(world.staff, world.thread_a, body="Answer")
    client.force_login(world.alice)
    page = client.get(reverse("messaging:index")).content.decode()
    assert 'aria-label="Unread"' in page
    assert 'aria-label="Has replies"' in page
    assert 'aria-label="1 unread"' in page  # the Messages badge in the navigation


def test_mark_as_unread_brings_the_mark_back(client: Client, world: World) -> None:
    client.force_login(world.staff)
    a = world.thread_a
    client.get(reverse("messaging:thread", args=[a.reference]))
    client.post(reverse("messaging:mark_unread", args=[a.reference]))
    assert _unread(world.staff, a)


def test_threads_are_listed_newest_activity_first(world: World) -> None:
    # thread_b was started after thread_a; a reply to thread_a brings it to the top.
    assert _refs(world.staff) == [world.thread_b.reference, world.thread_a.reference]
    actions.reply(world.alice, world.thread_a, body="More")
    assert _refs(world.staff) == [world.thread_a.reference, world.thread_b.reference]


def test_archived_threads_leave_the_list_and_stay_searchable(client: Client, world: World) -> None:
    a = world.thread_a
    client.force_login(world.alice)
    assert client.post(reverse("messaging:archive", args=[a.reference])).status_code == 302
    assert _refs(world.alice) == []
    assert _refs(world.alice, archived=True) == [a.reference]
    assert _refs(world.alice, archived=True, words="salary") == [a.reference]
    archived_page = client.get(reverse("messaging:archived")).content.decode()
    assert a.reference in archived_page
    # The staff side is separate.
    assert a.reference in _refs(world.staff)
    assert AuditEvent.objects.filter(
        action="messaging.thread_archived", target=a.reference
    ).exists()
    client.post(reverse("messaging:unarchive", args=[a.reference]))
    assert _refs(world.alice) == [a.reference]


def test_a_new_message_brings_an_archived_thread_back(world: World) -> None:
    a = world.thread_a
    actions.set_archived(world.alice, a, True)
    actions.set_archived(world.staff, a, True)
    actions.reply(world.staff, a, body="News")
    a.refresh_from_db()
    assert not a.archived_by_organization
    assert not a.archived_by_staff


def test_nothing_can_be_deleted(client: Client, world: World) -> None:
    for name in ("thread", "archive"):
        url = reverse(f"messaging:{name}", args=[world.thread_a.reference])
        client.force_login(world.staff)
        assert client.delete(url).status_code == 405
    assert Message.objects.count() == 2


def test_search_by_reference_words_mailbox_dates_and_organization(world: World) -> None:
    buyback = start(
        world.alice,
        world.org_a,
        subject="Deduction direction",
        body="Member SIN 046 454 286",
        box="buybacks",
    )
    staff = world.staff
    a, b = world.thread_a.reference, world.thread_b.reference
    assert _refs(staff, reference=a.lower()) == [a]
    assert _refs(staff, words="046 454") == [buyback.reference]  # words in the encrypted body
    assert _refs(staff, words="SALARY correct") == [b, a]  # subject or body
    assert _refs(staff, words="salary nowhere") == []
    assert _refs(staff, mailbox="buybacks") == [buyback.reference]
    assert _refs(staff, organization=world.org_b.pk) == [b]
    today = date.today()
    assert len(_refs(staff, date_from=today, date_to=today)) == 3
    assert _refs(staff, date_to=date(2000, 1, 1)) == []


def test_the_list_page_reports_bad_dates_beside_the_field(client: Client, world: World) -> None:
    client.force_login(world.alice)
    page = client.get(reverse("messaging:index"), {"date_from": "31/12/2025"})
    assert page.status_code == 200
    assert "Enter the from date as YYYY-MM-DD." in page.content.decode()
    page = client.get(
        reverse("messaging:index"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert "The to date must be on or after the from date." in page.content.decode()


def test_bodies_subjects_and_filenames_are_encrypted_at_rest(world: World) -> None:
    thread = start(world.alice, world.org_a, subject="SIN 046454286", body="SIN 046454286")
    thread.refresh_from_db()
    message = thread.messages.get()
    assert "046454286" not in thread.subject_encrypted
    assert "046454286" not in message.body_encrypted
    assert thread.subject == "SIN 046454286"
    assert message.body == "SIN 046454286"


@pytest.mark.django_db(transaction=True)
def test_notifications_say_only_that_a_message_is_waiting() -> None:
    from tests.factories import make_org

    org = make_org()
    alice = make_user(org, [Role.COMMUNICATIONS])
    colleague = make_user(org, [Role.FILE_UPLOAD])
    payroll_only = make_user(org, [Role.PAYROLL_MANAGER])
    keeper = make_staff()
    mailbox("data-management").keepers.add(keeper)

    thread = start(alice, org, subject="Secret subject", body="SIN 046 454 286")
    assert [m.to for m in mail.outbox] == [[keeper.email]]
    mail.outbox.clear()

    actions.reply(keeper, thread, body="Salary 123456 confirmed")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([alice.email, colleague.email])
    assert payroll_only.email not in recipients
    for message in mail.outbox:
        text = f"{message.subject} {message.body}"
        assert thread.reference in text
        assert reverse("messaging:thread", args=[thread.reference]) in message.body
        for secret in ("Secret subject", "046", "Salary", "123456"):
            assert secret not in text


def test_respond_by_is_two_ontario_business_days_after_the_employers_message(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Thursday 2 April 2026; Good Friday (3 April) is an Ontario holiday, Easter Monday is not.
    moment = datetime(2026, 4, 2, 15, 0, tzinfo=TORONTO)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    thread = start(world.alice, world.org_a)
    assert thread.respond_by == date(2026, 4, 7)
    actions.reply(world.staff, thread, body="Answer")
    thread.refresh_from_db()
    assert thread.respond_by is None
    actions.reply(world.alice, thread, body="Follow-up")
    thread.refresh_from_db()
    assert thread.respond_by == date(2026, 4, 7)


def test_overdue_open_threads_are_marked_for_staff(client: Client, world: World) -> None:
    a = world.thread_a
    Thread.objects.filter(pk=a.pk).update(respond_by=date(2020, 1, 2))
    assert _refs(world.staff, overdue=True) == [a.reference]
    client.force_login(world.staff)
    assert "Overdue" in client.get(reverse("messaging:index")).content.decode()
    assert "Overdue" in client.get(reverse("messaging:thread", args=[a.reference])).content.decode()
    client.post(reverse("messaging:status", args=[a.reference]), {"status": "closed"})
    assert _refs(world.staff, overdue=True) == []
    a.refresh_from_db()
    assert a.status == ThreadStatus.CLOSED
    # An employer's new message reopens it.
    actions.reply(world.alice, a, body="Still waiting")
    a.refresh_from_db()
    assert a.status == ThreadStatus.OPEN


def test_staff_assign_a_thread_and_see_per_mailbox_unread_counts(
    client: Client, world: World
) -> None:
    other = make_staff()
    client.force_login(world.staff)
    a = world.thread_a
    response = client.post(reverse("messaging:assign", args=[a.reference]), {"assignee": other.pk})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.assigned_to == other
    assert AuditEvent.objects.filter(
        action="messaging.thread_assigned", target=a.reference
    ).exists()
    forged = client.post(
        reverse("messaging:assign", args=[a.reference]), {"assignee": world.alice.pk}
    )
    assert "Choose a member of the administrator" in forged.content.decode()
    a.refresh_from_db()
    assert a.assigned_to == other
    page = client.get(reverse("messaging:index")).content.decode()
    assert "Data Management Group" in page
    assert "2 unread" in page
    assert _refs(other, assigned_to_me=True) == [a.reference]


def test_staff_see_when_an_unanswered_inquiry_may_be_escalated(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Staff ask on Monday 29 June 2026; Canada Day (Wednesday 1 July) is not a business day.
    moment = datetime(2026, 6, 29, 10, 0, tzinfo=TORONTO)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    thread = actions.start_thread(
        world.staff,
        organization=world.org_a,
        mailbox=mailbox("data-management"),
        subject="Missing data",
        body="Please send the missing pay period.",
    )
    assert escalation_date(thread) == date(2026, 7, 7)
    client.force_login(world.staff)
    page = client.get(reverse("messaging:thread", args=[thread.reference])).content.decode()
    assert "Escalate after" in page
    assert "2026-07-07" in page
    actions.reply(world.alice, thread, body="Sent.")
    thread.refresh_from_db()
    assert escalation_date(thread) is None


def test_the_badge_counts_at_most_its_cap_and_says_more(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A staff member who leaves other mailboxes unread may hold hundreds of thousands of
    # unread rows (issue 18, "Must do" 3): the badge reads no more than its cap + 1 of them.
    from pensionportal.core import context_processors

    monkeypatch.setattr(context_processors, "BADGE_MOST", 2)
    start(world.alice, world.org_a, subject="Third")  # staff: thread_a, thread_b and this
    client.force_login(world.staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("messaging:index")).content.decode()
    assert 'aria-label="more than 2 unread">2+</span>' in page
    badge_counts = [
        q["sql"] for q in queries if "COUNT(*)" in q["sql"] and "threadunread" in q["sql"]
    ]
    assert badge_counts
    assert all("LIMIT 3" in sql for sql in badge_counts), badge_counts

    monkeypatch.setattr(context_processors, "BADGE_MOST", 3)
    page = client.get(reverse("messaging:index")).content.decode()
    assert 'aria-label="3 unread">3</span>' in page
