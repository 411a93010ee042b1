"""Message search through the blind index (messaging/search_index.py; issue 18, "Must do"
4): by word and by reference, casefolded and accent-folded, AND of words, never another
organization's message, nothing decrypted to match, keys rotated without a gap, and a
query count that does not grow with the data."""

from __future__ import annotations

import io
import secrets
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pensionportal.accounts.models import Role, User
from pensionportal.messaging import actions, search_index
from pensionportal.messaging.forms import SearchForm
from pensionportal.messaging.models import Message, SearchToken, Thread
from pensionportal.messaging.queries import ThreadSearch, search_threads
from tests.factories import make_org, make_staff, make_user

from .conftest import World
from .helpers import start

pytestmark = pytest.mark.django_db

KEY_2026 = "k2026:" + "a" * 40
KEY_2027 = "k2027:" + "b" * 40


def _refs(user: User, **search: Any) -> list[str]:
    return [t.reference for t in search_threads(user, ThreadSearch(**search))]


# --- What matches ----------------------------------------------------------------------


def test_a_word_of_the_subject_or_of_any_message_of_the_thread_matches(world: World) -> None:
    a = world.thread_a  # subject "Salary correction", body "Please correct the salary."
    actions.reply(world.staff, a, body="The pensionable earnings were updated.")
    assert _refs(world.alice, words="correction") == [a.reference]  # subject
    assert _refs(world.alice, words="pensionable") == [a.reference]  # a reply's body
    assert _refs(world.alice, words="pension") == []  # whole words, not prefixes
    assert _refs(world.alice, words="nowhere") == []


def test_words_are_matched_whatever_their_capitals_and_accents(world: World) -> None:
    thread = start(world.alice, world.org_a, subject="Dossier", body="Cotisations de Zoë Bélanger")
    for query in ("zoe", "ZOË", "Zoé belanger", "BÉLANGER", "cotisations"):
        assert _refs(world.alice, words=query) == [thread.reference], query


def test_several_words_must_all_be_in_the_thread(world: World) -> None:
    thread = start(world.alice, world.org_a, subject="Leave", body="Unpaid leave from March")
    actions.reply(world.staff, thread, body="Report the leave as a LOA segment")
    assert _refs(world.alice, words="unpaid segment") == [thread.reference]  # two messages
    assert _refs(world.alice, words="unpaid leave march") == [thread.reference]
    assert _refs(world.alice, words="unpaid holiday") == []
    # "salary" is in thread_a only; "leave" in the new thread only: no thread has both.
    assert _refs(world.alice, words="salary leave") == []


def test_numbers_and_punctuation_split_the_same_way_in_messages_and_searches(
    world: World,
) -> None:
    thread = start(
        world.alice, world.org_a, subject="Deduction", body="Deduct $125.00 from pay 2026-05"
    )
    assert _refs(world.alice, words="125.00") == [thread.reference]
    assert _refs(world.alice, words="2026-05 deduct") == [thread.reference]


def test_a_thread_is_found_by_its_whole_reference_or_one_group_of_it(world: World) -> None:
    a = world.thread_a.reference
    _sm, first, second = a.split("-")
    assert _refs(world.staff, reference=a.lower()) == [a]
    assert _refs(world.staff, reference=a.replace("-", "")) == [a]
    assert _refs(world.staff, reference=second.lower()) == [a]
    assert _refs(world.staff, reference=f"SM-{first}") == [a]
    # A reference typed among the words, and a reference quoted in another thread's body.
    quoting = start(world.alice, world.org_a, subject="Follow-up", body=f"Further to {a}, thanks")
    assert _refs(world.alice, words=f"{a}") == [quoting.reference, a]
    assert _refs(world.alice, words=f"thanks {a.lower()}") == [quoting.reference]


def test_search_combines_with_the_other_filters_and_the_archive(world: World) -> None:
    a = world.thread_a
    assert _refs(world.staff, words="salary", organization=world.org_a.pk) == [a.reference]
    actions.set_archived(world.alice, a, True)
    assert _refs(world.alice, words="salary") == []
    assert _refs(world.alice, words="salary", archived=True) == [a.reference]


# --- Organizations ---------------------------------------------------------------------


def test_another_organizations_message_never_matches(world: World) -> None:
    # Both threads say "salary"; each employer finds only its own.
    assert _refs(world.alice, words="salary") == [world.thread_a.reference]
    assert _refs(world.bob, words="salary") == [world.thread_b.reference]
    # Asking for the other organization (a hand-made URL) finds nothing.
    assert _refs(world.alice, words="salary", organization=world.org_b.pk) == []
    assert _refs(world.alice, reference=world.thread_b.reference) == []
    group = world.thread_b.reference.split("-")[2]
    assert _refs(world.alice, reference=group) == []
    # Staff see both.
    assert set(_refs(world.staff, words="salary")) == {
        world.thread_a.reference,
        world.thread_b.reference,
    }


def test_the_same_word_gives_unrelated_tokens_in_two_organizations(world: World) -> None:
    def tokens(thread: Thread) -> set[int]:
        return set(SearchToken.objects.filter(thread=thread).values_list("token", flat=True))

    # Same body in both threads: no token in common, so equality leaks only within one.
    assert Message.objects.get(thread=world.thread_a).body == "Please correct the salary."
    assert Message.objects.get(thread=world.thread_b).body == "Please correct the salary."
    assert tokens(world.thread_a).isdisjoint(tokens(world.thread_b))
    assert (
        SearchToken.objects.filter(thread=world.thread_a).exclude(organization=world.org_a).count()
        == 0
    )


def test_a_forged_token_of_another_organization_is_not_matched(world: World) -> None:
    """Even a token row placed under B's organization that equals A's token for a word (a
    copied row) is not returned to A's users: the query is limited to their organizations."""
    key = search_index.current_key()
    stolen = search_index.token(key, world.org_a.pk, "w:salary")
    b_message = Message.objects.get(thread=world.thread_b)
    SearchToken.objects.filter(message=b_message).delete()
    SearchToken.objects.create(
        message=b_message, thread=world.thread_b, organization=world.org_a, token=stolen
    )
    # The row claims org A but the thread is B's: visible_threads removes it.
    assert _refs(world.alice, words="salary") == [world.thread_a.reference]


def test_the_index_holds_no_text(world: World) -> None:
    row = SearchToken.objects.filter(thread=world.thread_a).values().first()
    assert row is not None
    assert set(row) == {"message_id", "thread_id", "organization_id", "token"}
    assert isinstance(row["token"], int)


# --- Nothing decrypted to match ---------------------------------------------------------


def test_searching_decrypts_nothing(world: World, decryptions: list[int]) -> None:
    for n in range(5):
        start(world.alice, world.org_a, subject=f"Other {n}", body="Nothing relevant here")
    decryptions[0] = 0
    found = list(search_threads(world.staff, ThreadSearch(words="salary correct")))
    assert {t.reference for t in found} == {world.thread_a.reference, world.thread_b.reference}
    list(search_threads(world.alice, ThreadSearch(reference=world.thread_a.reference[-4:])))
    assert decryptions[0] == 0


def test_the_search_page_decrypts_only_the_subjects_it_shows(
    client: Client, world: World, decryptions: list[int]
) -> None:
    for n in range(6):
        start(world.alice, world.org_a, subject=f"Other {n}", body="Nothing relevant here")
    client.force_login(world.alice)
    decryptions[0] = 0
    page = client.get(reverse("messaging:index"), {"words": "salary"})
    assert page.status_code == 200
    assert world.thread_a.reference in page.content.decode()
    # One matching thread: its subject is decrypted to be shown; the six others are not.
    assert decryptions[0] == 1


# --- Query counts ------------------------------------------------------------------------


def _queries(user: User, **search: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        list(search_threads(user, ThreadSearch(**search)))
    return len(captured)


def test_the_query_count_does_not_grow_with_threads_or_organizations(world: World) -> None:
    searches: list[dict[str, Any]] = [
        {"words": "salary correct"},
        {"words": "salary", "reference": world.thread_a.reference.split("-")[1]},
        {"reference": world.thread_a.reference},
    ]
    [_queries(u, **s) for u in (world.staff, world.alice) for s in searches]  # warm caches
    before = [_queries(u, **s) for u in (world.staff, world.alice) for s in searches]
    for n in range(4):
        org = make_org(f"More {n}")
        user = make_user(org, [Role.COMMUNICATIONS])
        for _ in range(3):
            thread = start(user, org, body="Salary to correct")
            actions.reply(world.staff, thread, body="The salary is corrected")
        start(world.alice, world.org_a, body="Another salary to correct")
    after = [_queries(u, **s) for u in (world.staff, world.alice) for s in searches]
    assert after == before
    # Staff: the scope (organization ids), then the threads; an employer also checks its
    # messaging role twice (visible_threads and the scope).
    assert max(after) <= 4


def test_the_search_page_query_count_does_not_grow(client: Client, world: World) -> None:
    client.force_login(world.alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("messaging:index"), {"words": "salary"}).status_code == 200
        return len(captured)

    count()  # the first page a user loads builds their unread rows once (unread.py)
    first = count()
    for _ in range(5):
        start(world.alice, world.org_a, body="Another salary question")
    assert count() == first


# --- Keys: rotation and rebuild ------------------------------------------------------------


def _index_check() -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("index_messages", "--check", stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


def test_rotating_the_search_key_keeps_search_working_throughout(
    settings: LazySettings, world: World
) -> None:
    settings.SEARCH_INDEX_KEYS = [KEY_2026]
    call_command("index_messages", "--all", stdout=io.StringIO())
    a = world.thread_a.reference
    assert _refs(world.alice, words="salary") == [a]

    # A new key in front: nothing re-indexed yet, the old key still answers.
    settings.SEARCH_INDEX_KEYS = [KEY_2027, KEY_2026]
    assert _refs(world.alice, words="salary") == [a]
    fresh = start(world.alice, world.org_a, subject="New", body="Salary under the new key")
    assert set(Message.objects.filter(thread=fresh).values_list("search_key", flat=True)) == {
        "k2027"
    }
    assert _refs(world.alice, words="salary") == [fresh.reference, a]
    done, report = _index_check()
    assert not done
    assert "Messages not indexed under the newest search key (k2027): 2" in report

    # rotate_keys --check counts them too; --index-only rebuilds them.
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("rotate_keys", "--check", stdout=out)
    assert (
        "message search index (PORTAL_SEARCH_INDEX_KEYS): 2 not under the newest key"
        in out.getvalue()
    )
    out = io.StringIO()
    call_command("rotate_keys", "--index-only", stdout=out)
    assert "message search index: 2 brought under the newest key" in out.getvalue()
    assert _index_check()[0]

    # The old key can go: everything is found under the new one alone.
    settings.SEARCH_INDEX_KEYS = [KEY_2027]
    assert _refs(world.alice, words="salary") == [fresh.reference, a]
    assert _refs(world.bob, words="salary") == [world.thread_b.reference]
    assert _refs(world.alice, reference=a.split("-")[1]) == [a]


def test_without_re_indexing_dropping_the_old_key_would_lose_the_matches(
    settings: LazySettings, world: World
) -> None:
    """The test above can fail: the same rotation without the rebuild finds nothing."""
    settings.SEARCH_INDEX_KEYS = [KEY_2026]
    call_command("index_messages", "--all", stdout=io.StringIO())
    settings.SEARCH_INDEX_KEYS = [KEY_2027]
    assert _refs(world.alice, words="salary") == []


def test_an_interrupted_rebuild_is_finished_by_running_it_again(
    settings: LazySettings, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(4):
        start(world.alice, world.org_a, subject=f"More {n}", body="Salary again")
    settings.SEARCH_INDEX_KEYS = [KEY_2027, settings.SEARCH_INDEX_KEYS[0]]
    real = search_index.message_terms
    calls = [0]

    def failing(*args: Any, **kwargs: Any) -> set[str]:
        calls[0] += 1
        if calls[0] == 4:
            raise RuntimeError("the machine went down")
        return real(*args, **kwargs)

    monkeypatch.setattr(search_index, "message_terms", failing)
    with pytest.raises(RuntimeError):
        call_command("index_messages", "--batch-size", "2", stdout=io.StringIO())
    monkeypatch.setattr(search_index, "message_terms", real)
    # The first batch was swapped in; the failed one kept its old tokens: all still found.
    assert len(_refs(world.alice, words="salary")) == 5
    assert not _index_check()[0]
    call_command("index_messages", "--batch-size", "2", stdout=io.StringIO())
    assert _index_check()[0]
    settings.SEARCH_INDEX_KEYS = [KEY_2027]
    assert len(_refs(world.alice, words="salary")) == 5


def test_messages_from_before_the_index_are_found_once_indexed(world: World) -> None:
    # As the backfill migration finds them: no tokens, no key.
    SearchToken.objects.all().delete()
    Message.objects.update(search_key="")
    assert _refs(world.alice, words="salary") == []
    assert not _index_check()[0]
    out = io.StringIO()
    call_command("index_messages", stdout=out)
    assert "2 messages indexed" in out.getvalue()
    assert _refs(world.alice, words="salary") == [world.thread_a.reference]
    assert _refs(world.alice, reference=world.thread_a.reference.split("-")[2]) == [
        world.thread_a.reference
    ]


def test_a_malformed_search_key_is_refused_with_the_setting_named(settings: LazySettings) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.SEARCH_INDEX_KEYS = ["k1:short"]
    with pytest.raises(ImproperlyConfigured, match="PORTAL_SEARCH_INDEX_KEYS: the secret"):
        search_index.current_key()
    settings.SEARCH_INDEX_KEYS = ["k1:" + secrets.token_urlsafe(40)]
    assert search_index.current_key().id == "k1"


# --- The form -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reference": "SM-12"}, "reference", "SM-12 is not a reference"),
        ({"reference": "SM-ABCD-EFGH-1"}, "reference", "is not a reference"),
        ({"words": "-- ?"}, "words", "Enter words made of letters or digits"),
        ({"words": " ".join(f"w{n}" for n in range(11))}, "words", "at most 10 words"),
    ],
)
def test_a_search_that_cannot_be_run_says_why(
    data: dict[str, str], field: str, message: str
) -> None:
    user = make_staff()
    form = SearchForm(user, data)
    assert not form.is_valid()
    assert message in " ".join(str(error) for error in form.errors[field])


def test_the_list_page_shows_a_bad_reference_beside_its_field(client: Client, world: World) -> None:
    client.force_login(world.alice)
    page = client.get(reverse("messaging:index"), {"reference": "12"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "12 is not a reference" in content
    # Not the whole list presented as "matching your search".
    assert world.thread_a.reference not in content
