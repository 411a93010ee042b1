"""Message search benchmark (issue 18, "Must do" 4): the blind index at a plan's size.

Seeds ORGS employers (default 1,000) and MESSAGES secure messages (default 1,000,000, in
threads of 1-4 messages) on PostgreSQL by COPY: every subject and body really encrypted,
every message's tokens computed by the production code (`search_index.message_terms` and
`token`) from a generated text - words drawn from a Zipf-weighted vocabulary of plan words,
surnames and numbers. Then times, in one process, searches as the list page runs them
(`search_page`, the first page of 25 threads with their subjects decrypted for display;
no total count, as on the page) for a staff member (every organization) and for an employer's
user, over a mix of queries: a rare word (a surname), a common word, two words (AND), a
reference group (Reference box) and a whole reference typed among the words.

Peer, same run: a bare indexed lookup of one token on the token table (`SELECT thread_id
... WHERE token = %s AND organization_id = %s LIMIT 25`), the floor of any indexed search.
Context: the search as it was before the index (decrypt every visible subject and body)
for one employer's threads, and its cost per message extrapolated to a staff search.

    make bench-search                        # a throw-away PostgreSQL, 1,000,000 messages
    SEARCH_MESSAGES=100000 make bench-search # smaller, when seeding is too slow
    python bench/search.py                   # against DATABASE_URL

Target: search p95 <= 100 ms at 1,000,000 messages.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pensionportal.settings")
os.environ.setdefault("PORTAL_STORAGE_DIR", str(ROOT / "var" / "bench-storage"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from pensionportal.accounts.models import (  # noqa: E402
    Membership,
    Organization,
    OrganizationKind,
    Plan,
    Role,
    StaffRole,
    StaffRoleGrant,
    User,
)
from pensionportal.core import crypto  # noqa: E402
from pensionportal.messaging import search_index  # noqa: E402
from pensionportal.messaging.models import Mailbox, Message, SearchToken, Thread  # noqa: E402
from pensionportal.messaging.queries import ThreadSearch, search_page  # noqa: E402

MESSAGES = int(os.environ.get("SEARCH_MESSAGES", "1000000"))
ORGS = int(os.environ.get("SEARCH_ORGS", "1000"))
SEARCHES = int(os.environ.get("SEARCH_QUERIES", "60"))  # per kind of query and user
TARGET_MS = 100.0
PAGE = 25
PREFIX = "Search Bench Employer"

_PLAN_TEXT = (
    "salary correction pension contribution member leave unpaid maternity parental "
    "buyback deduction payroll period remittance invoice earnings pensionable service "
    "credit termination retirement transfer election enrolment hours rate adjustment "
    "file submission error record employer statement annual report reconciliation "
    "overtime vacation disability benefit spouse beneficiary estate cheque deposit "
    "amount balance interest cost direction letter form approval review question answer "
    "please thank you regarding attached following update request confirm received "
    "the a of to and for in on with is was be by as at from this that our your we"
)
PLAN_WORDS = _PLAN_TEXT.split()


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    consonants, vowels = "bcdfghjklmnprstvwz", "aeiouy"
    surnames = {
        "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))
        for _ in range(20_000)
    }
    accented = ["Bélanger", "Gagné", "Côté", "Lévesque", "Zoë", "Hélène", "François"]
    words = PLAN_WORDS + accented + sorted(surnames) + [str(n) for n in range(1, 5000)]
    # Zipf: the word of rank r is drawn with weight 1/r (plan words first: most frequent),
    # as cumulative weights so each draw is a bisection, not a sum over the vocabulary.
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(words))))
    return words, cumulative


def _say(text: str) -> None:
    print(f"[bench-search {time.strftime('%H:%M:%S')}] {text}", flush=True)


def _copy(table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def seed() -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    rng = random.Random(18)
    words, weights = _vocabulary(rng)
    Organization.objects.bulk_create(
        [
            Organization(
                name=f"{PREFIX} {n:04d}",
                kind=OrganizationKind.EMPLOYER,
                plan=Plan.SELECT,
                plan_participation_date=dt.date(2020, 1, 1),
            )
            for n in range(ORGS)
        ]
    )
    orgs = list(
        Organization.objects.filter(name__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    staff = User.objects.create_user("search-staff@bench.example", is_staff=True)
    StaffRoleGrant.objects.create(user=staff, role=StaffRole.DATA_MANAGEMENT)
    employer = User.objects.create_user("search-employer@bench.example")
    membership = Membership(user=employer, organization_id=orgs[0])
    membership.set_roles(frozenset({Role.COMMUNICATIONS}))
    membership.save()
    mailboxes = list(Mailbox.objects.values_list("pk", flat=True))
    key = search_index.current_key()
    now = timezone.now()
    start = now - dt.timedelta(days=3 * 365)
    step = (now - start) / MESSAGES

    # Threads first (1-4 messages each, the employer's organization gets 0.1 % like the rest).
    plan: list[tuple[int, int, str, int]] = []  # thread number, organization, reference, size
    remaining, number = MESSAGES, 0
    references: set[str] = set()
    while remaining > 0:
        size = min(remaining, rng.choice((1, 1, 2, 2, 3, 4)))
        reference = search_index_reference(rng, references)
        plan.append((number, orgs[number % len(orgs)], reference, size))
        remaining -= size
        number += 1
    _say(f"seeding {len(orgs):,} organizations, {len(plan):,} threads, {MESSAGES:,} messages")

    subjects: dict[int, str] = {}

    def thread_rows() -> Iterator[tuple[Any, ...]]:
        position = 0
        for n, org, reference, size in plan:
            subject = " ".join(
                rng.choices(words, cum_weights=weights, k=rng.randint(2, 6))
            ).capitalize()
            subjects[n] = subject
            first = start + step * position
            position += size
            last = start + step * (position - 1)
            yield (
                reference,
                org,
                mailboxes[n % len(mailboxes)],
                crypto.encrypt_text(subject),
                staff.pk,
                False,
                first,
                last,
                size,
                n % 3 == 0,
                "open",
                False,
                False,
            )

    began = time.perf_counter()
    _copy(
        "messaging_thread",
        [
            "reference",
            "organization_id",
            "mailbox_id",
            "subject_encrypted",
            "started_by_id",
            "started_by_staff",
            "created_at",
            "last_message_at",
            "message_count",
            "last_message_from_staff",
            "status",
            "archived_by_organization",
            "archived_by_staff",
        ],
        thread_rows(),
    )
    thread_ids = dict(
        Thread.objects.filter(organization_id__in=orgs).values_list("reference", "pk")
    )
    _say(f"threads copied in {time.perf_counter() - began:.0f} s; messages and tokens next")

    next_id = (Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    reference_list = sorted(references)
    token_count = 0
    with connection.cursor() as cursor:
        # As a fresh table is loaded: without the lookup index and the foreign keys' row
        # checks, then the index built once and the keys validated in one pass each.
        cursor.execute("DROP INDEX messaging_search_lookup")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'messaging_searchtoken'::regclass AND contype = 'f'"
        )
        foreign_keys = cursor.fetchall()
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE messaging_searchtoken DROP CONSTRAINT "{name}"')
    began = time.perf_counter()
    position = 0
    chunk = 20_000
    for offset in range(0, len(plan), chunk):
        messages: list[tuple[Any, ...]] = []
        tokens: list[tuple[int, int, int, int]] = []
        for n, org, reference, size in plan[offset : offset + chunk]:
            thread_id = thread_ids[reference]
            for k in range(size):
                body = " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(12, 40)))
                if rng.random() < 0.02:
                    body += f" further to {rng.choice(reference_list)}"
                terms = search_index.message_terms(
                    body,
                    subject=subjects[n] if k == 0 else None,
                    reference=reference if k == 0 else None,
                )
                message_id = next_id
                next_id += 1
                tokens.extend(
                    (message_id, thread_id, org, value)
                    for value in {search_index.token(key, org, term) for term in terms}
                )
                messages.append(
                    (
                        message_id,
                        thread_id,
                        staff.pk,
                        k % 2 == 1,
                        crypto.encrypt_text(body),
                        start + step * position,
                        key.id,
                    )
                )
                position += 1
        _copy(
            "messaging_message",
            [
                "id",
                "thread_id",
                "author_id",
                "from_staff",
                "body_encrypted",
                "created_at",
                "search_key",
            ],
            iter(messages),
        )
        _copy(
            "messaging_searchtoken",
            ["message_id", "thread_id", "organization_id", "token"],
            iter(tokens),
        )
        token_count += len(tokens)
        if (offset // chunk) % 10 == 0:
            _say(f"  {position:,} messages, {token_count:,} tokens")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('messaging_message', 'id'), %s)", [next_id]
        )
    _say(f"messages and tokens copied in {time.perf_counter() - began:.0f} s")
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX messaging_search_lookup ON messaging_searchtoken "
            "(token, organization_id, thread_id)"
        )
        for name, definition in foreign_keys:
            cursor.execute(
                f'ALTER TABLE messaging_searchtoken ADD CONSTRAINT "{name}" {definition}'
            )
        cursor.execute("VACUUM ANALYZE messaging_searchtoken")
        cursor.execute("VACUUM ANALYZE messaging_message")
        cursor.execute("VACUUM ANALYZE messaging_thread")
    _say(f"token index built and keys validated in {time.perf_counter() - began:.0f} s")
    return {
        "staff": staff,
        "employer": employer,
        "orgs": orgs,
        "words": words,
        "plan": plan,
        "tokens": token_count,
    }


def search_index_reference(rng: random.Random, taken: set[str]) -> str:
    from pensionportal.messaging.references import ALPHABET

    while True:
        chars = "".join(rng.choice(ALPHABET) for _ in range(8))
        reference = f"SM-{chars[:4]}-{chars[4:]}"
        if reference not in taken:
            taken.add(reference)
            return reference


def _list_page(user: User, search: ThreadSearch) -> int:
    """What the list view does with a search: the first page and its subjects (no total:
    the page says only whether there are older threads)."""
    page = search_page(user, search, {}, PAGE)
    for thread in page:
        _ = thread.subject
    return len(page)


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"p50 {statistics.median(ordered):6.1f} ms  p95 {p95:6.1f} ms  (n={len(ordered)})"


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return (time.perf_counter() - began) * 1000


def measure(world: dict[str, Any]) -> None:
    rng = random.Random(4)
    words: list[str] = world["words"]
    plan = world["plan"]
    common = PLAN_WORDS[:12]
    rare = words[len(PLAN_WORDS) + 7 : len(PLAN_WORDS) + 15000]
    employer_refs = [ref for _n, org, ref, _s in plan if org == world["orgs"][0]]
    all_refs = [ref for _n, _org, ref, _s in plan]

    def queries(user_refs: list[str]) -> dict[str, Callable[[], ThreadSearch]]:
        return {
            "rare word": lambda: ThreadSearch(words=rng.choice(rare)),
            "common word": lambda: ThreadSearch(words=rng.choice(common)),
            "two words (AND)": lambda: ThreadSearch(
                words=f"{rng.choice(common)} {rng.choice(words[:400])}"
            ),
            "reference group": lambda: ThreadSearch(reference=rng.choice(user_refs).split("-")[2]),
            "reference in words": lambda: ThreadSearch(words=rng.choice(user_refs)),
        }

    users = {
        "staff (1,000 organizations)": (world["staff"], all_refs),
        "employer (1 organization)": (world["employer"], employer_refs),
    }
    every: list[float] = []
    worst_kind = ("", 0.0)
    for label, (user, refs) in users.items():
        for kind, make in queries(refs).items():
            _list_page(user, make())  # warm
            samples = [_timed(lambda u=user, m=make: _list_page(u, m())) for _ in range(SEARCHES)]
            every.extend(samples)
            if _p95(samples) > worst_kind[1]:
                worst_kind = (f"{label}, {kind}", _p95(samples))
            print(f"  {label:30} {kind:20} {_ms(samples)}")
        # The next page of a common word (by the "Older" link's cursor; it also asks
        # whether there are newer threads), outside the overall figure.
        common_search = queries(refs)["common word"]

        older: list[float] = []
        for _ in range(SEARCHES // 2):
            search = common_search()
            first = search_page(user, search, {}, PAGE)
            params = dict(urllib.parse.parse_qsl(first.older_url.lstrip("?")))
            began = time.perf_counter()
            for thread in search_page(user, search, params, PAGE):
                _ = thread.subject
            older.append((time.perf_counter() - began) * 1000)
        print(f"  {label:30} {'common, older page':20} {_ms(older)}  (not in the overall)")

    # The peer: one token, one organization, straight from the index.
    key = search_index.current_key()
    orgs = world["orgs"]

    def bare() -> None:
        term = "w:" + search_index.fold(rng.choice(rare))
        org = rng.choice(orgs)
        value = search_index.token(key, org, term)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT thread_id FROM messaging_searchtoken WHERE token = %s "
                "AND organization_id = %s LIMIT 25",
                [value, org],
            )
            cursor.fetchall()

    bare()
    peer = [_timed(bare) for _ in range(SEARCHES * 5)]
    print(f"  {'peer: bare token lookup':51} {_ms(peer)}")
    p95_all, p95_peer = _p95(every), _p95(peer)
    print(
        f"search p95 over every query: {p95_all:.1f} ms (target <= {TARGET_MS:.0f} ms: "
        f"{'met' if p95_all <= TARGET_MS else 'NOT met'}); worst kind: {worst_kind[0]} "
        f"{worst_kind[1]:.1f} ms; bare lookup p95 {p95_peer:.2f} ms; "
        f"ratio {p95_all / p95_peer:.1f}x"
    )

    # Context: the search before the index, for the employer (decrypt every visible text).
    employer_threads = Thread.objects.filter(organization_id=orgs[0])
    n_messages = Message.objects.filter(thread__organization_id=orgs[0]).count()

    def old_way() -> None:
        wanted = "salary"
        texts: dict[int, list[str]] = {}
        for pk, subject in employer_threads.values_list("pk", "subject_encrypted"):
            texts[pk] = [crypto.decrypt_text(subject).casefold()]
        for thread_id, body in Message.objects.filter(thread__organization_id=orgs[0]).values_list(
            "thread_id", "body_encrypted"
        ):
            texts[thread_id].append(crypto.decrypt_text(body).casefold())
        _ = [pk for pk, parts in texts.items() if any(wanted in part for part in parts)]

    old = [_timed(old_way) for _ in range(5)]
    per_message = statistics.median(old) / max(1, n_messages + employer_threads.count())
    print(
        f"before the index (decrypt every visible text), employer with {n_messages:,} "
        f"messages: median {statistics.median(old):.0f} ms; at {per_message * 1000:.0f} us a "
        f"text, a staff search over {MESSAGES:,} messages would take about "
        f"{per_message * (MESSAGES + len(plan)) / 1000:.0f} s"
    )


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench-search needs PostgreSQL: make bench-search (scripts/ci_postgres.sh)")
    began = time.perf_counter()
    world = seed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('messaging_searchtoken'))")
        size = cursor.fetchone()[0]
    _say(
        f"seeded in {time.perf_counter() - began:.0f} s: {MESSAGES:,} messages, "
        f"{world['tokens']:,} tokens ({world['tokens'] / MESSAGES:.1f} a message), token "
        f"table with its indexes {size}"
    )
    assert SearchToken.objects.count() == world["tokens"]
    print(f"searches ({SEARCHES} of each kind, first page of {PAGE} with subjects, no count):")
    measure(world)


if __name__ == "__main__":
    main()
