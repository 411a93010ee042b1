"""Listing, unread marks and search over the threads a user may see.

Search by words and by a group of a reference goes through the blind index of
`search_index.py` (keyed hashes of the words, within the user's organizations): an indexed
query, nothing is decrypted to match. Only the threads shown on the page have their
subjects decrypted, for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from pensionportal.accounts.access import AnyUser
from pensionportal.core.keyset import KeysetPage
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


def unread_count(user: AnyUser, *, at_most: int | None = None) -> int:
    """Unread threads not archived on the user's side (the Messages badge); with `at_most`,
    no more than that many are counted (the badge's cap, so that its cost does not grow with
    a staff member's unread rows)."""
    if not user.is_authenticated:
        return 0
    threads = unread_threads(user)
    if at_most is not None:
        threads = threads.order_by()[:at_most]
    return threads.count()


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
    """Every thread of the user matching `search`, newest activity first, with `is_unread`
    (a list page shows one page of it with `search_page`)."""
    parts = _search_parts(user, search)
    threads = parts.threads
    if parts.terms:
        threads = search_index.matching(threads, parts.scope, parts.terms)
    return _for_display(threads, user)


@dataclass(frozen=True)
class _SearchParts:
    threads: QuerySet[Thread]  # every filter but the index's terms
    terms: list[str]  # every one must be in the thread
    scope: search_index.Scope


def _search_parts(user: AnyUser, search: ThreadSearch) -> _SearchParts:
    threads = side_filter(visible_threads(user), user, archived=search.archived)
    terms: list[str] = []
    nothing = _SearchParts(threads.none(), [], search_index.Scope(()))
    if search.reference.strip():
        wanted = search_index.parse_reference_query(search.reference)
        if wanted is None:
            return nothing
        if wanted.reference:
            threads = threads.filter(reference=wanted.reference)
        else:
            terms.append(f"g:{wanted.group}")
    if search.words.strip():
        terms.extend(search_index.query_terms(search.words))
        if not terms:
            return nothing
    scope = search_scope(user, search.organization) if terms else search_index.Scope(())
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
    return _SearchParts(threads, terms, scope)


def _for_display(threads: QuerySet[Thread], user: AnyUser) -> QuerySet[Thread]:
    return (
        with_unread(threads, user)
        .select_related("organization", "mailbox", "assigned_to")
        .order_by("-last_message_at", "-id")
    )


def uses_index(search: ThreadSearch) -> bool:
    """The search asks the blind index (words, or one group of a reference)."""
    if search.words.strip():
        return True
    wanted = search_index.parse_reference_query(search.reference)
    return wanted is not None and not wanted.reference


# --- One page of results, without counting them (issue 18) -----------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class ThreadCursor:
    """A place in the list, newest activity first: a thread's last activity and its id
    (`?before=` / `?after=` carry it as "<microseconds since 1970>.<id>")."""

    at: datetime
    id: int

    @classmethod
    def of(cls, thread: Thread) -> ThreadCursor:
        return cls(thread.last_message_at, thread.pk)

    def __str__(self) -> str:
        return f"{(self.at - _EPOCH) // _MICROSECOND}.{self.id}"

    @classmethod
    def parse(cls, raw: str | None) -> ThreadCursor | None:
        """None for anything but two whole numbers of sensible size (the first page)."""
        micros, dot, pk = (raw or "").strip().partition(".")
        if not (dot and micros.isdigit() and pk.isdigit() and len(micros) < 18 and len(pk) < 19):
            return None
        return cls(_EPOCH + int(micros) * _MICROSECOND, int(pk))

    def older(self) -> Q:
        return Q(last_message_at__lt=self.at) | Q(last_message_at=self.at, id__lt=self.id)

    def newer(self) -> Q:
        return Q(last_message_at__gt=self.at) | Q(last_message_at=self.at, id__gt=self.id)


def search_page(
    user: AnyUser, search: ThreadSearch, params: Mapping[str, str], per_page: int
) -> KeysetPage[Thread]:
    """One page of `search`'s threads, newest activity first, from the cursor in `params`
    (`before` or `after`), with no total count: it says only whether there are older (and
    newer) threads. Every part of it is an indexed read of about one page, or of the
    threads of a rare word (search_index.Matcher); the subjects of the page's
    threads are the only text decrypted, when shown."""
    parts = _search_parts(user, search)
    before = ThreadCursor.parse(params.get("before"))
    after = ThreadCursor.parse(params.get("after")) if before is None else None

    matcher = search_index.Matcher(parts.scope, parts.terms) if parts.terms else None

    def first(threads: QuerySet[Thread], limit: int, *, newest_first: bool = True) -> list[int]:
        order = ("-last_message_at", "-id") if newest_first else ("last_message_at", "id")
        ordered = threads.order_by(*order)
        if matcher is not None:
            return matcher.first(ordered, limit)
        return list(ordered.values_list("pk", flat=True)[:limit])

    if after is not None:
        ids = first(parts.threads.filter(after.newer()), per_page + 1, newest_first=False)
        has_newer, ids = len(ids) > per_page, ids[:per_page]
        has_older = bool(first(parts.threads.filter(~after.newer()), 1))
    else:
        scoped = parts.threads.filter(before.older()) if before is not None else parts.threads
        ids = first(scoped, per_page + 1)
        has_older, ids = len(ids) > per_page, ids[:per_page]
        has_newer = before is not None and bool(
            first(parts.threads.filter(~before.older()), 1, newest_first=False)
        )
    rows = list(_for_display(Thread.objects.filter(pk__in=ids), user)) if ids else []
    return KeysetPage(rows, params, has_older=has_older, has_newer=has_newer, cursor=_cursor_of)


def _cursor_of(thread: Thread) -> str:
    return str(ThreadCursor.of(thread))


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
