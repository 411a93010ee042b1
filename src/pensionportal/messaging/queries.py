"""Listing, unread marks and search over the threads a user may see.

Search by words decrypts subjects and bodies of the user's *visible*, already filtered
threads and keeps those containing every word (bodies are encrypted at rest, so the
database cannot search them; at a pension portal's scale this is fast enough).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from pensionportal.accounts.access import AnyUser
from pensionportal.rules.deadlines import inquiry_escalation_date

from .access import visible_threads
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
    return with_unread(side_filter(visible_threads(user), user, archived=archived), user).filter(
        **{"is_unread": True}
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
    if search.reference:
        threads = threads.filter(reference__icontains=search.reference.strip())
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
    if search.words.strip():
        threads = threads.filter(pk__in=_containing_words(threads, search.words))
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


def _containing_words(threads: QuerySet[Thread], words: str) -> list[int]:
    wanted = [word.casefold() for word in words.split()]
    texts: dict[int, list[str]] = {}
    for pk, subject in threads.values_list("pk", "subject_encrypted"):
        texts[pk] = [Thread(subject_encrypted=subject).subject.casefold()]
    bodies = Message.objects.filter(thread_id__in=list(texts)).values_list(
        "thread_id", "body_encrypted"
    )
    for thread_id, body in bodies:
        texts[thread_id].append(Message(body_encrypted=body).body.casefold())
    return [
        pk for pk, parts in texts.items() if all(any(w in part for part in parts) for w in wanted)
    ]
