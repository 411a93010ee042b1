"""The message search index: a blind index, so a search finds threads by the words of their
subjects and bodies, or by reference, with one indexed query and without decrypting
anything (issue 18, "Must do" 4; docs/security.md "Message search index" says what it
reveals and why that is acceptable).

A message's *terms* are its normalized words (casefolded, accents folded, split on anything
that is not a letter or a digit) and, for the first message of a thread, the words of the
subject and the thread's reference (whole, and each of its two groups of four). Each term is
stored as a *token*: the first 8 bytes of HMAC-SHA-256, under a search-index key of its own
(`PORTAL_SEARCH_INDEX_KEYS`, ``id:secret``, newest first), over the organization's id and the
term. The organization is inside the hash, so the same word in two organizations gives two
unrelated tokens, and a token of one organization can never match a message of another.

Whole words only, no prefixes: a prefix token per word would multiply the table several
times and reveal which messages share a beginning of a word (three letters of a name).
Eight bytes, not 32: within one organization two different terms collide with a
probability around 1e-10 even at a million distinct words, and a collision can only show a
thread the user may see anyway (one of their own organization's), never another's.

Each message records the id of the key its tokens were computed under (`search_key`). A
search asks for the tokens under every configured key, so after a new key is put in front
the old one keeps answering until `manage.py rotate_keys --index-only` (or
`manage.py index_messages`) has re-indexed every message, batch by batch, each batch
swapped in its own transaction.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Exists, F, Func, Lookup, Min, OuterRef, Q, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from pensionportal.audit.keys import AuditKey, parse
from pensionportal.core import crypto

from .models import Message, SearchToken

SETTING = "PORTAL_SEARCH_INDEX_KEYS"
MAX_QUERY_TERMS = 10
MAX_WORD_LENGTH = 64
_GROUP = "[2-9A-HJKMNP-Z]{4}"
# A reference written in a text: SM-ABCD-EFGH, also with spaces or without separators.
_REFERENCE_IN_TEXT = re.compile(rf"\bSM[-\s]?({_GROUP})[-\s]?({_GROUP})\b", re.IGNORECASE)
_REFERENCE_QUERY = re.compile(rf"^(?:SM)?({_GROUP})?({_GROUP})$")
_WORD = re.compile(r"[^\W_]+")

SearchKey = AuditKey  # the same "id:secret" form and checks as the audit trail's keys


def ring() -> tuple[SearchKey, ...]:
    keys = _parsed(tuple(settings.SEARCH_INDEX_KEYS))
    if not keys:
        raise ImproperlyConfigured(f"No message search index key: set {SETTING}.")
    return keys


@functools.lru_cache(maxsize=4)
def _parsed(values: tuple[str, ...]) -> tuple[SearchKey, ...]:
    return tuple(parse(",".join(values), SETTING))


def current_key() -> SearchKey:
    return ring()[0]


# --- Terms ------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Casefolded with accents removed: "Zoë", "ZOE" and "zoé" are one word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    return [word[:MAX_WORD_LENGTH] for word in _WORD.findall(fold(text))]


def _split_references(text: str) -> tuple[list[str], str]:
    """The references written in `text` (canonical), and the text without them."""
    found = [
        f"SM-{m.group(1).upper()}-{m.group(2).upper()}" for m in _REFERENCE_IN_TEXT.finditer(text)
    ]
    return found, _REFERENCE_IN_TEXT.sub(" ", text)


def text_terms(text: str) -> list[str]:
    """The terms of a subject, a body or a query, in order, each once."""
    references, rest = _split_references(text)
    terms = [f"r:{reference}" for reference in references] + [f"w:{w}" for w in _words(rest)]
    return list(dict.fromkeys(terms))


def reference_terms(reference: str) -> list[str]:
    """A thread's own reference: whole, and each group of four (someone may remember one)."""
    _sm, first, second = reference.split("-")
    return [f"r:{reference}", f"g:{first}", f"g:{second}"]


def message_terms(
    body: str, *, subject: str | None = None, reference: str | None = None
) -> set[str]:
    terms = set(text_terms(body))
    if subject is not None:
        terms.update(text_terms(subject))
    if reference is not None:
        terms.update(reference_terms(reference))
    return terms


def query_terms(words: str) -> list[str]:
    """What a search for `words` asks for: every term must be in the thread (AND)."""
    return text_terms(words)


@dataclass(frozen=True)
class ReferenceQuery:
    """What the Reference box asked for: a whole reference, or one group of four."""

    reference: str = ""
    group: str = ""


def parse_reference_query(raw: str) -> ReferenceQuery | None:
    """ "sm-abcd-efgh", "ABCDEFGH" or "abcd"; None when it cannot be part of a reference."""
    compact = re.sub(r"[\s-]", "", raw).upper()
    match = _REFERENCE_QUERY.match(compact)
    if match is None:
        return None
    first, second = match.groups()
    if first:
        return ReferenceQuery(reference=f"SM-{first}-{second}")
    return ReferenceQuery(group=second)


# --- Tokens -----------------------------------------------------------------------------


def token(key: SearchKey, organization_id: int, term: str) -> int:
    message = f"{organization_id}\x1f{term}".encode()
    digest = hmac.digest(key.secret, message, hashlib.sha256)
    return int.from_bytes(digest[:8], "big", signed=True)  # fits a signed 64-bit column


def tokens_for(organization_ids: Iterable[int], term: str) -> list[int]:
    """The term's tokens in each organization, under every configured key."""
    keys = ring()
    return [token(key, org, term) for org in organization_ids for key in keys]


# --- Writing ----------------------------------------------------------------------------


def index_message(
    message: Any, *, organization_id: int, body: str, subject: str | None, reference: str | None
) -> None:
    """Index a message being sent, from its plaintext, in the sender's transaction. The
    message was created with `search_key` = the newest key's id (`current_key().id`)."""
    key = current_key()
    assert message.search_key == key.id, "create the message with search_key=current_key().id"
    terms = message_terms(body, subject=subject, reference=reference)
    SearchToken.objects.bulk_create(
        _rows(SearchToken, key, message.pk, message.thread_id, organization_id, terms)
    )


def _rows(
    token_model: Any,
    key: SearchKey,
    message_id: int,
    thread_id: int,
    organization_id: int,
    terms: Iterable[str],
) -> list[Any]:
    tokens = {token(key, organization_id, term) for term in terms}
    return [
        token_model(
            message_id=message_id,
            thread_id=thread_id,
            organization_id=organization_id,
            token=value,
        )
        for value in sorted(tokens)
    ]


# --- Searching --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The organizations whose part of the index a user may query (messaging/access.py)."""

    organization_ids: tuple[int, ...]
    every_organization: bool = False  # staff: no need to repeat the list in the query


def bigint_array(values: Iterable[int | None]) -> str:
    """A PostgreSQL array of whole numbers as its text form, to pass as one parameter cast
    with `::bigint[]`: psycopg's own array adapter quotes a thousand numbers in Python,
    several milliseconds a search; this is a join of their digits (None is NULL)."""
    return "{" + ",".join("NULL" if value is None else str(int(value)) for value in values) + "}"


class AnyOf(Lookup[int]):
    """`column IN (...)` for a long list of tokens (a staff search asks for one token per
    organization, a thousand at a plan's size): on PostgreSQL one array parameter,
    `= ANY(%s::bigint[])`, which Django does not have to compile value by value."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = compiler.compile(self.lhs)
        values = list(self.rhs)
        placeholders = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *values]

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = compiler.compile(self.lhs)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, bigint_array(self.rhs)]


def _rows_of(scope: Scope, tokens: Iterable[int]) -> QuerySet[SearchToken]:
    rows = SearchToken.objects.filter(AnyOf(F("token"), list(tokens)))
    if not scope.every_organization:
        rows = rows.filter(organization_id__in=scope.organization_ids)
    return rows


def matching(threads: QuerySet[Any], scope: Scope, terms: Sequence[str]) -> QuerySet[Any]:
    """`threads` restricted to those holding every term (AND), one semi-join each: every
    match, in any order (a search page asks a `Matcher` for one page instead)."""
    if not scope.organization_ids:
        return threads.none()
    for term in terms:
        rows = _rows_of(scope, tokens_for(scope.organization_ids, term))
        threads = threads.filter(pk__in=rows.values("thread_id"))
    return threads


# A term with at most this many token rows in the scope is "rare": its threads are read
# from the index and the page is chosen among them. Otherwise the page is found by walking
# the threads newest first and probing the index for each (a common word matches within the
# first few dozen). Either way a page reads about this many rows at most, whatever the size
# of the table (docs/performance.md, "Message search").
RARE_ROWS = 2000
# How many of a search's terms are tried as the rare one (references first, then the
# longest words: long words are the rare ones); the others are probed thread by thread.
MAX_PROBES = 3


class Matcher:
    """Finds pages of the threads that hold every one of `terms`, newest (or oldest) first,
    without counting or reading them all.

    Staff search a thousand organizations, so each term is a thousand tokens, and the
    planner cannot tell a rare word's thousand from a common word's (the tokens are spread
    uniformly). So the first use reads the index for up to MAX_PROBES terms, references
    first and then the longest words, stopping at RARE_ROWS + 1 rows each: the first term
    with no more rows than that is rare, and its threads (all of them) are the candidates
    a page is picked from. The other terms, or all of them when none is rare, are probed
    thread by thread as the threads are walked in the page's order (one index look-up of
    (token, organization, thread) each), which finds a common word's page within its first
    few dozen threads. So no query reads more than about RARE_ROWS rows or threads, unless
    every term is common and yet they are seldom together (then the walk is longer)."""

    def __init__(self, scope: Scope, terms: Sequence[str]) -> None:
        self.scope = scope
        keys = ring()
        self._pending = [
            [{org: token(key, org, term) for org in scope.organization_ids} for key in keys]
            for term in sorted(dict.fromkeys(terms), key=_rarer_first)
        ]
        self._candidates: list[int] | None = None
        self._probed = False

    def _probe(self) -> None:
        self._probed = True
        for position, per_key in enumerate(self._pending[:MAX_PROBES]):
            rows = _rows_of(self.scope, (v for tokens in per_key for v in tokens.values()))
            found = list(rows.values_list("thread_id", flat=True)[: RARE_ROWS + 1])
            if len(found) <= RARE_ROWS:
                self._candidates = sorted(set(found))
                del self._pending[position]
                return

    def first(self, threads: QuerySet[Any], limit: int) -> list[int]:
        """The ids of the first `limit` threads of `threads` (ordered) holding every term:
        one query, after the probes of the first call."""
        if not self.scope.organization_ids or limit <= 0:
            return []
        if not self._probed:
            self._probe()
        if self._candidates is not None:
            threads = threads.filter(AnyOf(F("pk"), self._candidates))
        for per_key in self._pending:
            threads = threads.filter(holds(per_key))
        return list(threads.values_list("pk", flat=True)[:limit])


def _rarer_first(term: str) -> tuple[int, int]:
    return (0 if term[0] in "rg" else 1, -len(term))


class TokenInOrganization(Func):
    """`token` is the term's token in the organization `organization` (a column of the
    outer query), under any key: `per_key` maps, for each key, organization id -> token.
    On PostgreSQL each map is one array parameter indexed by the organization's id (a
    constant-time subscript per thread) and the test is `token = ANY(ARRAY[...])`, which
    the index takes as its first column's condition; elsewhere a CASE per key."""

    output_field = BooleanField()

    def __init__(self, token: Any, organization: Any, per_key: Sequence[Mapping[int, int]]):
        super().__init__(token, organization)
        self.per_key = [dict(tokens) for tokens in per_key]

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        (column, column_params), (organization, org_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        cases, params = [], []
        for tokens in self.per_key:
            whens = " ".join(["WHEN %s THEN %s"] * len(tokens))
            cases.append(f"CASE {organization} {whens} END")
            params += [*org_params, *(value for pair in sorted(tokens.items()) for value in pair)]
        return f"{column} IN ({', '.join(cases)})", [*column_params, *params]

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        (column, column_params), (organization, org_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        items, params = [], []
        for tokens in self.per_key:
            ids = sorted(tokens)
            low, high = ids[0], ids[-1]
            if high - low < 4 * len(ids) + 64:  # dense enough for an array by id
                dense = bigint_array(tokens.get(org) for org in range(low, high + 1))
                items.append(f"(%s::bigint[])[{organization} - %s]")
                params += [dense, *org_params, low - 1]
            else:
                items.append(f"(%s::bigint[])[array_position(%s::bigint[], {organization})]")
                values = bigint_array(tokens[org] for org in ids)
                params += [values, bigint_array(ids), *org_params]
        return f"{column} = ANY(ARRAY[{', '.join(items)}])", [*column_params, *params]


def holds(per_key: Sequence[Mapping[int, int]]) -> Exists:
    """The outer thread holds the term whose tokens are `per_key` (for each key, the token
    in each organization): one probe of the index per thread and key, its (token,
    organization, thread) all known."""
    organization = OuterRef("organization_id")
    return Exists(
        SearchToken.objects.filter(
            TokenInOrganization(F("token"), organization, per_key),
            thread_id=OuterRef("pk"),
            organization_id=organization,
        )
    )


# --- Re-indexing (after a key rotation, or messages from before the index) ---------------


@dataclass
class RebuildResult:
    rebuilt: int
    unreadable: int  # its body or subject cannot be decrypted with any configured key


def stale(message_model: Any = None) -> QuerySet[Any]:
    """Messages not indexed under the newest key (or not indexed at all)."""
    if message_model is None:
        message_model = Message
    found: QuerySet[Any] = message_model.objects.filter(~Q(search_key=current_key().id))
    return found


def rebuild(
    batch: int = 500,
    progress: Callable[[str], None] | None = None,
    *,
    everything: bool = False,
    message_model: Any = None,
    token_model: Any = None,
) -> RebuildResult:
    """Re-index, under the newest key, every message that is not under it (`everything`:
    every message). Each batch is locked, its old tokens deleted and its new ones written in
    one transaction: a search sees either set, and both answer, so nothing stops meanwhile.
    Interrupted, it is simply run again. The model arguments are for the data migration."""
    if message_model is None or token_model is None:
        message_model, token_model = Message, SearchToken
    key = current_key()
    manager = message_model.objects
    candidates = manager.all() if everything else stale(message_model)
    rebuilt = unreadable = 0
    last = 0
    while True:
        ids = list(
            candidates.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        last = ids[-1]
        with transaction.atomic():
            rows = list(
                manager.select_for_update()
                .filter(pk__in=ids)
                .order_by("pk")
                .values_list(
                    "pk",
                    "thread_id",
                    "thread__organization_id",
                    "thread__reference",
                    "thread__subject_encrypted",
                    "body_encrypted",
                )
            )
            thread_ids = {row[1] for row in rows}
            firsts = set(
                manager.filter(thread_id__in=thread_ids)
                .values("thread_id")
                .annotate(first=Min("pk"))
                .values_list("first", flat=True)
            )
            new_rows: list[Any] = []
            done: list[int] = []
            for pk, thread_id, org_id, reference, subject_encrypted, body_encrypted in rows:
                try:
                    body = crypto.decrypt_text(body_encrypted)
                    first = pk in firsts
                    subject = crypto.decrypt_text(subject_encrypted) if first else None
                except crypto.DecryptionError:
                    unreadable += 1
                    continue
                terms = message_terms(body, subject=subject, reference=reference if first else None)
                new_rows.extend(_rows(token_model, key, pk, thread_id, org_id, terms))
                done.append(pk)
            token_model.objects.filter(message_id__in=done).delete()
            token_model.objects.bulk_create(new_rows, batch_size=2000)
            manager.filter(pk__in=done).update(search_key=key.id)
            rebuilt += len(done)
        if progress is not None:
            progress(f"message search index: {rebuilt} messages re-indexed so far")
    return RebuildResult(rebuilt, unreadable)
