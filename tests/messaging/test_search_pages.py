"""One page of message search results (messaging/queries.search_page; issue 18, "Must do" 4):
the same threads, in the same order, as the whole search (`search_threads`, the semi-joins
the search always ran) on a varied data set, whichever way a page is found (a rare term's
threads read from the index, or the threads walked newest first and probed one by one);
pages by a cursor over (last activity, id) with ties, no total count, a fixed number of
queries, nothing decrypted to match."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest
from django.conf import LazySettings
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts.models import Organization, Role, User
from pensionportal.core.keyset import KeysetPage
from pensionportal.messaging import actions, search_index
from pensionportal.messaging.models import Message, SearchToken, Thread, ThreadStatus
from pensionportal.messaging.queries import (
    ThreadCursor,
    ThreadSearch,
    search_page,
    search_threads,
)
from tests.factories import add_membership, make_org, make_staff, make_user

from .helpers import ensure_standard_mailboxes, start

pytestmark = pytest.mark.django_db

VOCABULARY = ["salary", "leave", "unpaid", "buyback", "zoë", "cheque", "pension", "42"]
BOXES = ["data-management", "pension-partner", "buybacks", "member-services"]


@dataclass
class Varied:
    orgs: list[Organization]
    users: dict[str, User]
    threads: list[Thread]


@pytest.fixture
def varied(db: None) -> Varied:
    """36 threads in three organizations, words drawn from a small vocabulary (some in
    nearly every thread, some in a few), replies, references quoted in other threads,
    every mailbox, some archived or closed, and last activity in groups of three equal
    times (the cursor must order ties by id)."""
    ensure_standard_mailboxes()
    rng = random.Random(18)
    orgs = [make_org(f"Varied {n}") for n in range(3)]
    writers = [make_user(org, [Role.COMMUNICATIONS]) for org in orgs]
    staff = make_staff()
    both = make_user(orgs[0], [Role.COMMUNICATIONS])
    add_membership(both, orgs[2], [Role.FILE_UPLOAD])
    weights = [12, 6, 4, 3, 2, 2, 1, 1]

    def text(k: int) -> str:
        return " ".join(rng.choices(VOCABULARY, weights=weights, k=k))

    threads: list[Thread] = []
    for n in range(36):
        org = n % 3
        body = text(rng.randint(1, 4))
        if threads and rng.random() < 0.2:
            body += f" further to {rng.choice(threads).reference}"
        thread = start(writers[org], orgs[org], subject=text(2), body=body, box=BOXES[n % 4])
        for _ in range(rng.choice((0, 0, 1, 2))):
            actions.reply(staff, thread, body=text(rng.randint(1, 3)))
        threads.append(thread)
    base = timezone.now() - timedelta(days=40)
    for n, thread in enumerate(threads):
        Thread.objects.filter(pk=thread.pk).update(
            last_message_at=base + timedelta(days=n // 3),
            archived_by_organization=n % 7 == 3,
            archived_by_staff=n % 5 == 1,
            status=ThreadStatus.CLOSED if n % 4 == 2 else ThreadStatus.OPEN,
        )
    Message.objects.filter(thread__in=threads[:12]).update(created_at=base)
    users = {"staff": staff, "one organization": writers[1], "two organizations": both}
    return Varied(orgs, users, [Thread.objects.get(pk=t.pk) for t in threads])


def _searches(v: Varied) -> Iterator[dict[str, Any]]:
    for word in VOCABULARY:
        yield {"words": word}
    yield {"words": "salary leave"}
    yield {"words": "unpaid salary 42"}
    yield {"words": "salary nowhere"}
    yield {"words": "ZOE Salary"}
    for thread in v.threads[::7]:
        yield {"reference": thread.reference.split("-")[2]}
        yield {"words": thread.reference}
        yield {"words": f"salary {thread.reference}"}
    yield {"words": "salary", "mailbox": "buybacks"}
    yield {"words": "salary", "organization": v.orgs[2].pk}
    yield {"words": "leave", "status": ThreadStatus.CLOSED}
    yield {"words": "salary", "archived": True}
    yield {"words": "salary", "date_to": date.today() - timedelta(days=30)}
    yield {"words": "salary", "date_from": date.today() - timedelta(days=30)}


def _walk(user: User, search: ThreadSearch, per_page: int) -> list[list[str]]:
    """Every page, following the "older" link from the first; then back by "newer"."""
    pages: list[KeysetPage[Thread]] = [search_page(user, search, {}, per_page)]
    while pages[-1].has_older:
        params = dict(parse_qsl(pages[-1].older_url.lstrip("?")))
        pages.append(search_page(user, search, params, per_page))
        assert len(pages) < 50
    back = [pages[-1]]
    while back[-1].has_newer:
        params = dict(parse_qsl(back[-1].newer_url.lstrip("?")))
        back.append(search_page(user, search, params, per_page))
    refs = [[t.reference for t in page] for page in pages]
    assert [[t.reference for t in page] for page in reversed(back)] == refs
    assert not pages[0].has_newer
    return refs


@pytest.mark.parametrize(
    ("rare_rows", "max_probes"),
    [(2000, 3), (0, 3), (3, 1), (6, 3)],
    ids=["rare terms read from the index", "threads walked and probed", "mixed", "mixed 2"],
)
def test_pages_hold_exactly_the_whole_searchs_threads_in_order(
    varied: Varied, monkeypatch: pytest.MonkeyPatch, rare_rows: int, max_probes: int
) -> None:
    monkeypatch.setattr(search_index, "RARE_ROWS", rare_rows)
    monkeypatch.setattr(search_index, "MAX_PROBES", max_probes)
    checked = 0
    for user in varied.users.values():
        for fields in _searches(varied):
            search = ThreadSearch(**fields)
            expected = [t.reference for t in search_threads(user, search)]
            pages = _walk(user, search, per_page=4)
            assert [ref for page in pages for ref in page] == expected, fields
            assert all(len(page) == 4 for page in pages[:-1])
            checked += bool(expected)
    assert checked > 60  # the data set really matches most searches


def test_the_data_set_exercises_both_ways_and_ties(varied: Varied) -> None:
    """The test above would prove little if every term were rare, or no page ended inside
    a group of equal times."""
    staff = varied.users["staff"]
    rows = {
        word: SearchToken.objects.filter(
            token__in=search_index.tokens_for(
                [o.pk for o in varied.orgs], search_index.query_terms(word)[0]
            )
        ).count()
        for word in VOCABULARY
    }
    assert max(rows.values()) > 6 * min(rows.values()) > 0
    times = list(search_threads(staff, ThreadSearch(words="salary")).values_list("last_message_at"))
    assert len(set(times)) < len(times)


def test_a_cursor_is_two_whole_numbers_and_anything_else_is_the_first_page(
    varied: Varied,
) -> None:
    thread = varied.threads[5]
    cursor = ThreadCursor.of(thread)
    assert ThreadCursor.parse(str(cursor)) == cursor
    for bad in ("", "12", "x.1", "1.x", "-1.2", "1.2.3", "9" * 20 + ".1", " . "):
        assert ThreadCursor.parse(bad) is None, bad
    staff = varied.users["staff"]
    first = search_page(staff, ThreadSearch(words="salary"), {}, 4)
    assert [t.pk for t in search_page(staff, ThreadSearch(words="salary"), {"before": "x"}, 4)] == [
        t.pk for t in first
    ]


def test_no_total_is_counted_and_the_page_says_so(client: Client, varied: Varied) -> None:
    client.force_login(varied.users["staff"])
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("messaging:index"), {"words": "salary"})
    assert page.status_code == 200
    assert isinstance(page.context["page"], KeysetPage)
    assert "Threads matching your search, newest activity first" in page.content.decode()
    assert 'href="?words=salary&amp;before=' in page.content.decode()
    assert not [
        q["sql"]
        for q in captured.captured_queries
        if "COUNT(" in q["sql"] and "messaging_searchtoken" in q["sql"]
    ]
    # A list without words pages the same way (issue 18 "Must do" 3): no total, no OFFSET.
    for params in ({"mailbox": "buybacks"}, {}):
        with CaptureQueriesContext(connection) as listed:
            plain = client.get(reverse("messaging:index"), params)
        assert isinstance(plain.context["page"], KeysetPage)
        assert plain.context["page"].items
        counted = [
            q["sql"]
            for q in listed.captured_queries
            if 'SELECT COUNT(*) AS "__count" FROM "messaging_thread"' in q["sql"]
            and "messaging_threadunread" not in q["sql"]  # the badge counts unread rows
        ]
        assert not counted
        assert not [q["sql"] for q in listed.captured_queries if "OFFSET" in q["sql"]]
    assert "Threads, newest activity first" in plain.content.decode()


def _queries(user: User, search: ThreadSearch, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        page = search_page(user, search, params, 4)
    assert page.items
    return len(captured)


@pytest.mark.parametrize("rare_rows", [2000, 0], ids=["read from the index", "walked"])
def test_a_page_costs_the_same_queries_whatever_the_data(
    varied: Varied, monkeypatch: pytest.MonkeyPatch, rare_rows: int
) -> None:
    monkeypatch.setattr(search_index, "RARE_ROWS", rare_rows)
    searches = [ThreadSearch(words="salary"), ThreadSearch(words="leave salary")]
    older = {"before": str(ThreadCursor.of(varied.threads[30]))}
    cases = [(u, s, p) for u in varied.users.values() for s in searches for p in ({}, older)]
    [_queries(*case) for case in cases]  # warm caches
    before = [_queries(*case) for case in cases]
    for n in range(4):
        org = make_org(f"More {n}")
        writer = make_user(org, [Role.COMMUNICATIONS])
        for _ in range(3):
            thread = start(writer, org, body="Salary leave again")
            actions.reply(varied.users["staff"], thread, body="The salary is on leave")
        start(varied.users["two organizations"], varied.orgs[0], body="salary leave")
    assert [_queries(*case) for case in cases] == before
    # The scope, the probes (one a term here), the page's ids and rows; + the user's roles
    # for an employer's user, + "are there newer?" when paging.
    assert max(before) <= 1 + 2 + 2 + 2 + 1


def test_matching_decrypts_nothing(varied: Varied, decryptions: list[int]) -> None:
    decryptions[0] = 0
    for user in varied.users.values():
        for fields in list(_searches(varied))[:12]:
            search_page(user, ThreadSearch(**fields), {}, 4)
    assert decryptions[0] == 0


def test_an_old_keys_messages_are_found_by_the_walk_too(
    settings: LazySettings, varied: Varied, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threads probed one by one ask for the term's token under every key."""
    monkeypatch.setattr(search_index, "RARE_ROWS", 0)
    staff = varied.users["staff"]
    expected = [t.reference for t in search_threads(staff, ThreadSearch(words="salary"))]
    settings.SEARCH_INDEX_KEYS = ["k2027:" + "b" * 40, settings.SEARCH_INDEX_KEYS[0]]
    assert [r for page in _walk(staff, ThreadSearch(words="salary"), 5) for r in page] == expected


def test_the_token_of_each_threads_organization_dense_or_sparse(varied: Varied) -> None:
    """TokenInOrganization picks, per row, the token of the row's own organization: by an
    array subscript when the ids are dense, by a search in the ids when they are not (the
    same SQL on PostgreSQL; a CASE elsewhere)."""
    key = search_index.current_key()
    a, b = varied.orgs[0].pk, varied.orgs[1].pk

    def found(per_org: dict[int, int]) -> set[int]:
        condition = search_index.TokenInOrganization(F("token"), F("organization_id"), [per_org])
        return set(SearchToken.objects.filter(condition).values_list("organization_id", flat=True))

    salary_a = search_index.token(key, a, "w:salary")
    salary_b = search_index.token(key, b, "w:salary")
    assert found({a: salary_a, b: salary_b}) == {a, b}
    assert found({a: salary_b, b: salary_a}) == set()  # another organization's token
    assert found({a: salary_a, b: salary_b, 10**9: 1}) == {a, b}  # sparse ids
    assert found({b: salary_b, 10**9: salary_a}) == {b}
