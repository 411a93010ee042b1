"""The unread rows (messaging/unread.py, issue 18 "Must do" 3) count exactly what the scan
they replace counted: every visible thread (`access.visible_threads`) not archived on the
user's side with no `ThreadRead` at or after its last message. Checked for every user after
each step of a varied story: reads, unread marks, archives on each side, a message from
oneself, a new staff member, a user removed from an organization and added back, a role
taken away and given back while messages arrive."""

from __future__ import annotations

from collections import Counter

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pensionportal.accounts.models import Membership, Role, StaffRole, User
from pensionportal.messaging import actions
from pensionportal.messaging.access import visible_threads
from pensionportal.messaging.models import Mailbox, Thread, ThreadUnread, UnreadCoverage
from pensionportal.messaging.queries import side_filter, unread_count, unread_threads, with_unread
from pensionportal.messaging.views import _mailbox_summary
from tests.factories import make_staff, make_user

from .conftest import World
from .helpers import mailbox, start


def _scan(user: User) -> set[int]:
    """The count as it was: every visible thread, its ThreadRead compared per thread."""
    threads = with_unread(side_filter(visible_threads(user), user, archived=False), user)
    return set(threads.filter(**{"is_unread": True}).values_list("pk", flat=True))


def _check(*users: User) -> None:
    for stale in users:
        user = User.objects.get(pk=stale.pk)  # a request's fresh user object
        expected = _scan(user)
        assert set(unread_threads(user).values_list("pk", flat=True)) == expected, user.email
        assert unread_count(User.objects.get(pk=user.pk)) == len(expected), user.email
        if user.is_staff:
            by_mailbox = Counter(
                Thread.objects.filter(pk__in=expected).values_list("mailbox_id", flat=True)
            )
            summary = _mailbox_summary(User.objects.get(pk=user.pk))
            assert {row["mailbox"].pk: row["unread"] for row in summary} == {
                m.pk: by_mailbox.get(m.pk, 0) for m in Mailbox.objects.all()
            }


def test_the_unread_rows_count_what_the_scan_counted(client: Client, world: World) -> None:
    carol = make_user(world.org_a, [Role.ADMINISTRATOR])
    dave = make_user(world.org_a, [Role.FILE_UPLOAD])
    Membership.objects.create(user=dave, organization=world.org_b, communications=True)
    payroll = make_user(world.org_a, [Role.PAYROLL_MANAGER])  # sees no messages
    everyone = [world.alice, world.bob, carol, dave, payroll, world.staff]
    _check(*everyone)
    assert unread_count(world.staff) == 2

    # A reply from staff: unread for A's users, read for the staff member who wrote it.
    actions.reply(world.staff, world.thread_a, body="Answer")
    _check(*everyone)
    assert unread_count(User.objects.get(pk=world.alice.pk)) == 1

    # Reading, and marking unread again.
    client.force_login(world.alice)
    client.get(reverse("messaging:thread", args=[world.thread_a.reference]))
    _check(*everyone)
    assert unread_count(User.objects.get(pk=world.alice.pk)) == 0
    client.post(reverse("messaging:mark_unread", args=[world.thread_a.reference]))
    _check(*everyone)

    # A message from oneself is read by its sender.
    own = start(carol, world.org_a, subject="Carol's question")
    _check(*everyone)
    assert own.pk not in _scan(User.objects.get(pk=carol.pk))

    # Archived on the organization's side: gone from A's counts, still unread for staff.
    actions.set_archived(world.alice, world.thread_a, True)
    _check(*everyone)
    # Archived on the staff side.
    actions.set_archived(world.staff, world.thread_b, True)
    _check(*everyone)
    # A new message brings an archived thread back on both sides.
    actions.reply(world.bob, world.thread_b, body="Any news?")
    _check(*everyone)

    # A new staff member, added to a mailbox: every thread they never read is unread.
    newcomer = make_staff([StaffRole.PENSION_PARTNER])
    mailbox("pension-partner").keepers.add(newcomer)
    everyone.append(newcomer)
    _check(*everyone)
    assert (
        unread_count(User.objects.get(pk=newcomer.pk))
        == Thread.objects.filter(archived_by_staff=False).count()
    )

    # Carol leaves organization A: A's threads stop counting for her at once.
    Membership.objects.filter(user=carol, organization=world.org_a).delete()
    _check(*everyone)
    assert unread_count(User.objects.get(pk=carol.pk)) == 0
    start(world.alice, world.org_a, subject="While Carol was away")
    # ... and comes back: the threads she never read count again, the new one included.
    Membership.objects.create(user=carol, organization=world.org_a, administrator=True)
    _check(*everyone)

    # Alice loses her messaging role, messages arrive, she gets it back (she never loaded a
    # page in between).
    Membership.objects.filter(user=world.alice, organization=world.org_a).update(
        communications=False, payroll_manager=True
    )
    actions.reply(world.staff, own, body="Carol's answer")
    start(carol, world.org_a, subject="Another one")
    Membership.objects.filter(user=world.alice, organization=world.org_a).update(
        communications=True
    )
    _check(*everyone)

    # The payroll manager is given a messaging role: A's threads appear, unread.
    Membership.objects.filter(user=payroll).update(communications=True)
    _check(*everyone)

    # A staff member who loses the roles that grant messages sees nothing.
    world.staff.staff_role_grants.filter(
        role__in=[StaffRole.PENSION_PARTNER, StaffRole.DATA_MANAGEMENT]
    ).delete()
    _check(*everyone)
    assert unread_count(User.objects.get(pk=world.staff.pk)) == 0


def test_rows_equal_the_definition_for_every_covered_organization(world: World) -> None:
    """The invariant behind the count: for a covered (user, organization), a row exists for
    exactly the threads the user has not read since their last message."""
    carol = make_user(world.org_a, [Role.ADMINISTRATOR])
    for user in (world.alice, world.bob, carol, world.staff):
        unread_count(User.objects.get(pk=user.pk))
    actions.reply(world.staff, world.thread_a, body="Answer")
    actions.mark_read(world.bob, world.thread_b)
    start(carol, world.org_a)
    for coverage in UnreadCoverage.objects.all():
        user = User.objects.get(pk=coverage.user_id)
        threads = Thread.objects.all()
        if coverage.organization_id is not None:
            threads = threads.filter(organization_id=coverage.organization_id)
        expected = set(
            with_unread(threads, user).filter(**{"is_unread": True}).values_list("pk", flat=True)
        )
        rows = set(
            ThreadUnread.objects.filter(user_id=user.pk, thread__in=threads).values_list(
                "thread_id", flat=True
            )
        )
        assert rows == expected, (user.email, coverage.organization_id)


def test_a_read_of_an_older_message_leaves_the_thread_unread(world: World) -> None:
    """The reader saw the thread as loaded; a reply that came after keeps it unread."""
    unread_count(User.objects.get(pk=world.staff.pk))
    seen = Thread.objects.get(pk=world.thread_a.pk)  # as the page loaded it
    actions.reply(world.alice, world.thread_a, body="One more thing")
    actions.mark_read(world.staff, seen)
    staff = User.objects.get(pk=world.staff.pk)
    assert world.thread_a.pk in _scan(staff)
    assert world.thread_a.pk in set(unread_threads(staff).values_list("pk", flat=True))


def test_the_badge_reads_rows_not_threads(client: Client, world: World) -> None:
    """Built once on the first page; then the count's query reads the user's unread rows
    (it joins them), and more threads do not add queries."""
    client.force_login(world.staff)
    client.get("/")
    assert UnreadCoverage.objects.filter(user=world.staff, organization=None).exists()
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    for n in range(3):
        start(world.alice, world.org_a, subject=f"More {n}")
    with CaptureQueriesContext(connection) as again:
        page = client.get("/").content.decode()
    assert len(again) == len(first)
    assert 'aria-label="5 unread"' in page
    counts = [q["sql"] for q in again.captured_queries if "messaging_threadunread" in q["sql"]]
    assert counts
    assert all("messaging_threadread" not in sql for sql in counts)
