"""Listing, unread marks and search over the threads a user may see.

Search by words and by a group of a reference goes through the blind index of
`search_index.py` (keyed hashes of the words, within the user's organizations): an indexed
query, nothing is decrypted to match. Only the threads shown on the page have their
subjects decrypted, for display.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from pensionportal.accounts.access import AnyUser
from pensionportal.rules.deadlines import inquiry_escalation_date

from . import search_index, unread
from .access import search_scope, visible_threads
from .models import Message, Thread, ThreadRead, ThreadStatus


def with_unread(threads: QuerySet[Thread], user: AnyUser) -> QuerySet[Thread]:
    """Annotate `is_unread`: the thread changed since this user last read it."""
    user_id = int(user.pk or 0)
    read_at = ThreadRead.objects.filter(thread=OuterRef("pk"), user_id=user_id).values("read_at")
    return threads.annotate(my_read_at=Subquery(read_at[:1])).annotate(
        is_unread=Case(
            When(
                Q(my_read_at__isnull=True) | Q(my_read_at__lt=F("last_message_at")),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def unread_threads(user: AnyUser, *, archived: bool = False) -> QuerySet[Thread]:
    """The user's unread threads, read from their unread rows (`unread.py`): as many rows as
    unread threads, however many threads there are. Same set as `with_unread`'s marks."""
    unread.ensure_covered(user)
    return side_filter(visible_threads(user), user, archived=archived).filter(
        unread_marks__user_id=int(user.pk or 0)
    )


def unread_count(user: AnyUser) -> int:
    """Unread threads not archived on the user's side (the Messages badge)."""
    if not user.is_authenticated:
        return 0
    return unread_threads(user).count()


def side_filter(threads: QuerySet[Thread], user: AnyUser, *, archived: bool) -> QuerySet[Thread]:
    """Staff and organizations each archive on their own side."""
    if user.is_authenticated and user.is_staff:
        return threads.filter(archived_by_staff=archived)
    return threads.filter(archived_by_organization=archived)


@dataclass
class ThreadSearch:
    reference: str = ""
    words: str = ""
    mailbox: str = ""  # slug
    organization: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str = ""
    overdue: bool = False
    assigned_to_me: bool = False
    archived: bool = False
    errors: list[str] = field(default_factory=list)


def search_threads(user: AnyUser, search: ThreadSearch) -> QuerySet[Thread]:
    """The user's threads matching `search`, newest activity first, with `is_unread`."""
    threads = side_filter(visible_threads(user), user, archived=search.archived)
    terms: list[str] = []
    if search.reference.strip():
        wanted = search_index.parse_reference_query(search.reference)
        if wanted is None:
            return with_unread(threads.none(), user)
        if wanted.reference:
            threads = threads.filter(reference=wanted.reference)
        else:
            terms.append(f"g:{wanted.group}")
    if search.words.strip():
        terms.extend(search_index.query_terms(search.words))
        if not terms:
            return with_unread(threads.none(), user)
    if terms:
        scope = search_scope(user, search.organization)
        threads = search_index.matching(threads, scope, terms)
    if search.mailbox:
        threads = threads.filter(mailbox__slug=search.mailbox)
    if search.organization is not None:
        threads = threads.filter(organization_id=search.organization)
    if search.date_from or search.date_to:
        # A thread matches when any of its messages falls within the range.
        in_range = Message.objects.all()
        if search.date_from:
            start = timezone.make_aware(datetime.combine(search.date_from, time.min))
            in_range = in_range.filter(created_at__gte=start)
        if search.date_to:
            end = timezone.make_aware(datetime.combine(search.date_to, time.max))
            in_range = in_range.filter(created_at__lte=end)
        threads = threads.filter(pk__in=in_range.values("thread_id"))
    if search.status:
        threads = threads.filter(status=search.status)
    if search.overdue:
        threads = overdue(threads)
    if search.assigned_to_me:
        threads = threads.filter(assigned_to_id=user.pk)
    return (
        with_unread(threads, user)
        .select_related("organization", "mailbox", "assigned_to")
        .order_by("-last_message_at", "-id")
    )


def overdue(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    """Open threads whose respond-by date has passed without a staff answer."""
    return threads.filter(
        status=ThreadStatus.OPEN,
        respond_by__isnull=False,
        respond_by__lt=timezone.localdate(),
    )


def escalation_date(thread: Thread) -> date | None:
    """select-employer-manual.txt Section 4: an inquiry of the administrator that is not
    answered or acknowledged within five business days may be escalated within the
    employer's organization. None unless the thread is open and waiting for the employer."""
    if thread.status != ThreadStatus.OPEN or not thread.last_message_from_staff:
        return None
    waiting_since = timezone.localdate(thread.last_message_at)
    return inquiry_escalation_date(waiting_since)
