"""Per-user unread rows (issue 18, "Must do" 3): the Messages badge and the staff mailbox
counts read `ThreadUnread` rows, one per thread the user has not read since its last
message, instead of scanning every visible thread with a `ThreadRead` subquery.

The definition does not change: a thread is unread for a user who has no `ThreadRead` at or
after its last message; who may see it is `access.visible_threads` (applied when counting,
so a user who loses an organization stops counting its threads at once); archived threads
are left out on the archiving side (`queries.side_filter`, also when counting).

The rows are kept per user and organization: `UnreadCoverage(user, organization)` (None:
every organization) says the user's rows for that organization's threads are complete.
- A message (new thread or reply) writes a row for every user covered for its
  organization, except the sender, whose row goes (their read is the message itself).
- Reading a thread deletes the reader's row, unless a message came after the one read;
  marking it unread writes it back.
- A user who needs an organization they are not covered for (a new staff member, a user
  given a messaging role or a new organization) has their rows for it built from
  `ThreadRead` once, in `ensure_covered`, on the first page that counts.

Concurrency (PostgreSQL): every writer of read state (a message, a read, an unread mark)
holds a shared advisory lock on its organization and on "every organization" until it
commits; a build holds the exclusive lock of what it builds. So a build never misses a
message committed while it ran, and a message never misses a coverage row committed while
it ran. A message and a read of the same thread are ordered by the thread's row lock. On
SQLite (`make run`, one writer at a time) the locks are not needed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Exists, Q

from pensionportal.accounts.access import AnyUser
from pensionportal.accounts.models import Membership, StaffRoleGrant, User

from .access import visible_organizations
from .models import Thread, ThreadRead, ThreadUnread, UnreadCoverage

# pg_advisory_xact_lock(LOCK_SPACE, key): key 0 is "every organization", otherwise the
# organization's id.
LOCK_SPACE = 1803
EVERY = 0
_LOCK_SHARED = "SELECT pg_advisory_xact_lock_shared(%s, %s)"
_LOCK_EXCLUSIVE = "SELECT pg_advisory_xact_lock(%s, %s)"

_BUILD_EVERY = (
    "INSERT INTO messaging_threadunread (user_id, thread_id) "
    "SELECT %s, t.id FROM messaging_thread t WHERE NOT EXISTS ("
    "SELECT 1 FROM messaging_threadread r WHERE r.thread_id = t.id AND r.user_id = %s "
    "AND r.read_at >= t.last_message_at) ON CONFLICT DO NOTHING"
)
_BUILD_ORGANIZATION = (
    "INSERT INTO messaging_threadunread (user_id, thread_id) "
    "SELECT %s, t.id FROM messaging_thread t WHERE t.organization_id = %s AND NOT EXISTS ("
    "SELECT 1 FROM messaging_threadread r WHERE r.thread_id = t.id AND r.user_id = %s "
    "AND r.read_at >= t.last_message_at) ON CONFLICT DO NOTHING"
)


def _lock(keys: Iterable[int], *, shared: bool) -> None:
    if connection.vendor != "postgresql":
        return
    statement = _LOCK_SHARED if shared else _LOCK_EXCLUSIVE
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute(statement, [LOCK_SPACE, key])


def hold_for_writing(organization_id: int) -> None:
    """Before a change to read state in `organization_id` (inside its transaction)."""
    _lock((EVERY, organization_id), shared=True)


# --- Writers (inside the action's transaction) --------------------------------------------


def message_added(thread: Thread, sender_id: int) -> None:
    """A new message in `thread`: unread for every covered user but its sender."""
    hold_for_writing(thread.organization_id)
    covered = set(
        UnreadCoverage.objects.filter(
            Q(organization_id=thread.organization_id) | Q(organization__isnull=True)
        )
        .exclude(user_id=sender_id)
        .values_list("user_id", flat=True)
    )
    ThreadUnread.objects.bulk_create(
        [ThreadUnread(user_id=user_id, thread_id=thread.pk) for user_id in sorted(covered)],
        ignore_conflicts=True,
    )
    ThreadUnread.objects.filter(user_id=sender_id, thread_id=thread.pk).delete()


def read(user_id: int, thread: Thread) -> None:
    """The user read `thread` as it was loaded (its `last_message_at`): the read is
    recorded as of that message, and the thread stays unread if a later one came."""
    with transaction.atomic():
        hold_for_writing(thread.organization_id)
        latest = (
            Thread.objects.select_for_update()
            .filter(pk=thread.pk)
            .values_list("last_message_at", flat=True)
            .get()
        )
        ThreadRead.objects.update_or_create(
            thread=thread, user_id=user_id, defaults={"read_at": thread.last_message_at}
        )
        if latest <= thread.last_message_at:
            ThreadUnread.objects.filter(user_id=user_id, thread_id=thread.pk).delete()


def mark_unread(user_id: int, thread: Thread) -> None:
    with transaction.atomic():
        hold_for_writing(thread.organization_id)
        Thread.objects.select_for_update().filter(pk=thread.pk).values_list("pk").get()
        ThreadRead.objects.filter(thread=thread, user_id=user_id).delete()
        ThreadUnread.objects.bulk_create(
            [ThreadUnread(user_id=user_id, thread_id=thread.pk)], ignore_conflicts=True
        )


# --- Coverage -----------------------------------------------------------------------------


def ensure_covered(user: AnyUser) -> None:
    """Build the user's rows for the organizations they may see and are not covered for.
    Once per request (remembered on the user object)."""
    if not user.is_authenticated or getattr(user, "_portal_unread_covered", False):
        return
    user_id = int(user.pk or 0)
    organizations = visible_organizations(user)
    mine = UnreadCoverage.objects.filter(user_id=user_id)
    if organizations is None:
        if not mine.filter(organization__isnull=True).exists():
            build(user_id, None)
    else:
        # One query: the visible organizations not covered (none when covered for all).
        missing = set(
            organizations.exclude(Exists(mine.filter(organization__isnull=True)))
            .exclude(pk__in=mine.filter(organization__isnull=False).values("organization_id"))
            .values_list("pk", flat=True)
        )
        if missing:
            build(user_id, missing)
    user._portal_unread_covered = True  # type: ignore[attr-defined]


def visibility_granted(
    sender: object, instance: Membership | StaffRoleGrant, **kwargs: object
) -> None:
    """post_save of a membership or a staff role (messaging/apps.py)."""
    user = User.objects.filter(pk=instance.user_id).first()
    if user is not None:
        ensure_covered(user)


def build(user_id: int, organizations: set[int] | None) -> None:
    """The user's rows for `organizations` (None: every organization) from `ThreadRead`,
    replacing any left from an earlier coverage, and the coverage that says so."""
    with transaction.atomic():
        _lock((EVERY,) if organizations is None else organizations, shared=False)
        covered = set(
            UnreadCoverage.objects.filter(user_id=user_id).values_list("organization_id", flat=True)
        )
        if None in covered:
            return  # built meanwhile by another request of the same user
        with connection.cursor() as cursor:
            if organizations is None:
                ThreadUnread.objects.filter(user_id=user_id).delete()
                cursor.execute(_BUILD_EVERY, [user_id, user_id])
                UnreadCoverage.objects.filter(user_id=user_id).delete()
                UnreadCoverage.objects.create(user_id=user_id, organization=None)
                return
            todo = sorted(organizations - covered)
            ThreadUnread.objects.filter(user_id=user_id, thread__organization_id__in=todo).delete()
            for organization_id in todo:
                cursor.execute(_BUILD_ORGANIZATION, [user_id, organization_id, user_id])
        UnreadCoverage.objects.bulk_create(
            [UnreadCoverage(user_id=user_id, organization_id=o) for o in todo],
            ignore_conflicts=True,
        )
