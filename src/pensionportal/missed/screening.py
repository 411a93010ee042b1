"""The ledger screened in the database (issue 18): the database compares what was remitted
for each member and expected pay period, in cents, with the screening limits of
``detection.screening_limits`` (``detection.own_limits`` for a member with a job change or a
leave on record) and returns only the members with a period detection must examine, so a
100,000-member ledger never comes into Python.

Two SQL texts. On PostgreSQL, with at most 63 periods (bits of a bigint), ``_MASKED``: one
pass over the ledger in the order of the index on (member, period start), grouped by member
only; each row is compared with its limits and the periods with rows become a bit mask, so a
member whose every period has one row in full needs nothing more (a member with two rows
in a period is read again and every period examined). Otherwise (SQLite for ``make run``,
PostgreSQL with more periods) the ledger is first summed by member and period (``_SQL``,
one text, only the way the parameters become tables and lists become columns differs). Every
value is a parameter; the texts hold table and column names only.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from pensionportal.accounts.models import Organization
from pensionportal.members.models import Contribution, Member

from .detection import (
    NOTHING,
    Employer,
    Limit,
    MemberFacts,
    MemberRecord,
    PayPeriod,
    Remitted,
    Settings,
    Spans,
    own_limits,
    screening_limits,
)

# The parameters as tables: periods (k, start, end); profiles (profile, pay rate, ratio);
# own (member, profile: the members screened on their own limits); for SQLite limits
# (profile, k, member limit, employer limit) - PostgreSQL from arrays, SQLite from JSON
# lists. PostgreSQL reads the limits from two arrays by position instead (profile x periods
# + k): a join would let its planner hash the ledger's side.
_PARAMETERS = {
    "postgresql": """
WITH periods (k, period_start, period_end) AS (
    SELECT * FROM unnest(%(k)s::int[], %(starts)s::date[], %(ends)s::date[])
),
profiles (profile, pay_rate, ratio) AS (
    SELECT * FROM unnest(%(profile)s::int[], %(rates)s::numeric[], %(ratios)s::numeric[])
),
own (member_id, profile) AS (
    SELECT * FROM unnest(%(own_members)s::bigint[], %(own_profiles)s::int[])
),
""",
    "sqlite": """
WITH periods (k, period_start, period_end) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
    FROM json_each(%(periods)s)
),
profiles (profile, pay_rate, ratio) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
    FROM json_each(%(profiles)s)
),
limits (profile, k, member_limit, employer_limit) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
           json_extract(value, '$[2]'), json_extract(value, '$[3]')
    FROM json_each(%(limits)s)
),
own (member_id, profile) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(%(own)s)
),
""",
}

# Each member's remitted cents per expected period of membership, whether the period is to
# be examined (listed for detection: see detection.detect), all in one pass: the ledger is
# grouped by member and period start as it is read (the index on member and period start
# gives that order), then each group meets its period, its member and its limits.
_ROWS = """
paid AS (
    SELECT c.member_id, c.period_start,
           CAST(ROUND(SUM(c.employee_regular) * 100) AS bigint) AS m,
           CAST(ROUND((SUM(c.employer_regular) + SUM(c.employer_special)) * 100) AS bigint) AS e,
           CAST(ROUND(COALESCE(SUM(c.pensionable_pay) FILTER (WHERE c.contribution_type = 'R'), 0)
                      * 100) AS bigint) AS r,
           CAST(ROUND(SUM(c.pensionable_pay) * 100) AS bigint) AS p
    FROM members_contribution c
    WHERE c.organization_id = %(organization)s
    GROUP BY c.member_id, c.period_start
),
registry AS (
    SELECT m.id, m.membership_date, m.termination_date, COALESCE(o.profile, pr.profile) AS profile
    FROM members_member m
    LEFT JOIN profiles pr
      ON pr.pay_rate = m.pay_rate AND pr.ratio = COALESCE(NULLIF(m.employment_ratio, 0), 1)
    LEFT JOIN own o ON o.member_id = m.id
    WHERE m.organization_id = %(organization)s
),
"""

_DUE = {
    "postgresql": """
due AS (
    SELECT x.member_id, x.k, x.m, x.e, x.r, x.p,
           CASE WHEN x.period_start < r.membership_date
                  OR x.m <= 0
                  OR x.m <= COALESCE(
                         (%(member_limit)s::bigint[])[r.profile * %(period_count)s + x.k + 1], x.m)
                  OR x.e <= (%(employer_limit)s::bigint[])[
                         r.profile * %(period_count)s + x.k + 1]
                THEN 1 ELSE 0 END AS examine
    FROM (
        SELECT pd.*, array_position(%(starts)s::date[], pd.period_start) - 1 AS k FROM paid pd
    ) x
    JOIN registry r
      ON r.id = x.member_id
     AND (%(ends)s::date[])[x.k + 1] >= r.membership_date
     AND (r.termination_date IS NULL OR x.period_start <= r.termination_date)
    WHERE x.k IS NOT NULL
),
""",
    "sqlite": """
due AS (
    SELECT pd.member_id, p.k, pd.m, pd.e, pd.r, pd.p,
           CASE WHEN p.period_start < r.membership_date
                  OR l.k IS NULL
                  OR pd.m <= 0
                  OR pd.m <= l.member_limit
                  OR pd.e <= l.employer_limit
                THEN 1 ELSE 0 END AS examine
    FROM paid pd
    JOIN periods p ON p.period_start = pd.period_start
    JOIN registry r
      ON r.id = pd.member_id
     AND p.period_end >= r.membership_date
     AND (r.termination_date IS NULL OR p.period_start <= r.termination_date)
    LEFT JOIN limits l ON l.profile = r.profile AND l.k = p.k
),
""",
}

# Per member: how many expected periods of membership have ledger rows, the first and last
# of them and the sum of their indexes (from which the one gap inside them is found), and
# the examined periods with their cents as text ("k:m:e:r:p,...", p the pensionable pay of
# every type, for the top-up step): a few bytes a member while
# the groups are built, the text only for the few members it lists.
_LISTS = {
    "postgresql": """
by_member AS (
    SELECT member_id, COUNT(*) AS paid_periods, MIN(k) AS first_k, MAX(k) AS last_k,
           SUM(k) AS sum_k,
           string_agg(k || ':' || m || ':' || e || ':' || r || ':' || p, ',')
               FILTER (WHERE examine = 1) AS examined
    FROM due
    GROUP BY member_id
)
""",
    "sqlite": """
by_member AS (
    SELECT member_id, COUNT(*) AS paid_periods, MIN(k) AS first_k, MAX(k) AS last_k,
           SUM(k) AS sum_k,
           group_concat(k || ':' || m || ':' || e || ':' || r || ':' || p, ',')
               FILTER (WHERE examine = 1) AS examined
    FROM due
    GROUP BY member_id
)
""",
}

# The members with a period to examine or an expected period of membership with no ledger
# row at all (the count is compared first: most members have every period), with their
# registry facts.
_CANDIDATES = """
SELECT m.id, m.membership_date, m.termination_date, m.birth_date, m.pay_rate,
       m.employment_ratio, b.paid_periods, b.first_k, b.last_k, b.sum_k, b.examined
FROM members_member m
LEFT JOIN by_member b ON b.member_id = m.id
WHERE m.organization_id = %(organization)s
  AND (b.examined IS NOT NULL
       OR (COALESCE(b.paid_periods, 0) < %(period_count)s
           AND COALESCE(b.paid_periods, 0) < (
               SELECT COUNT(*) FROM periods p
               WHERE p.period_end >= m.membership_date
                 AND (m.termination_date IS NULL OR p.period_start <= m.termination_date))))
"""

_SQL = {
    vendor: _PARAMETERS[vendor] + _ROWS + _DUE[vendor] + _LISTS[vendor] + _CANDIDATES
    for vendor in _LISTS
}

# PostgreSQL, at most 63 periods. Each ledger row of an expected period of membership is
# "good" when it alone pays the period in full: some of the member's share, both shares above
# their limits, the period not begun before the membership date. Most rows are told good by
# two comparisons with the largest limit of the member's profile (no arithmetic: numeric
# arithmetic is what costs per row); the others are compared with their period's limit in
# cents. Per member: the rows counted, the periods with rows as bits, and the rows not good
# with their cents as text ("k:m:e:r:p,..."). A member comes back when a row is not good, a
# period of membership has no row or has two (the count is more than the bits), or it has no
# row at all. The registry is sorted by id and merged with the ledger as the index gives it.
MASKED_PERIODS = 63
_MASKED = """
WITH profiles (profile, pay_rate, ratio, top_member, top_employer) AS (
    SELECT * FROM unnest(%(profile)s::int[], %(rates)s::numeric[], %(ratios)s::numeric[],
                         %(top_member)s::numeric[], %(top_employer)s::numeric[])
),
own (member_id, profile) AS (
    SELECT * FROM unnest(%(own_members)s::bigint[], %(own_profiles)s::int[])
),
registry AS (
    SELECT m.id, m.membership_date, m.termination_date,
           COALESCE(po.profile, pr.profile) * %(period_count)s + 1 AS base,
           COALESCE(po.top_member, pr.top_member) AS top_member,
           COALESCE(po.top_employer, pr.top_employer) AS top_employer
    FROM members_member m
    LEFT JOIN profiles pr
      ON pr.pay_rate = m.pay_rate AND pr.ratio = COALESCE(NULLIF(m.employment_ratio, 0), 1)
    LEFT JOIN own o ON o.member_id = m.id
    LEFT JOIN profiles po ON po.profile = o.profile
    WHERE m.organization_id = %(organization)s
),
lines AS (
    SELECT c.member_id, x.k, c.employee_regular, c.employer_regular, c.employer_special,
           c.contribution_type, c.pensionable_pay,
           CASE WHEN c.period_start < r.membership_date THEN false
                WHEN c.employee_regular > r.top_member AND c.employer_regular > r.top_employer
                     AND c.employer_special >= 0 THEN true
                ELSE c.employee_regular > 0
                     AND CAST(c.employee_regular * 100 AS bigint)
                         > (%(member_limit)s::bigint[])[r.base + x.k]
                     AND CAST((c.employer_regular + c.employer_special) * 100 AS bigint)
                         > (%(employer_limit)s::bigint[])[r.base + x.k]
           END AS good
    FROM members_contribution c
    CROSS JOIN LATERAL (
        SELECT array_position(%(starts)s::date[], c.period_start) - 1 AS k
    ) x
    JOIN registry r
      ON r.id = c.member_id
     AND (%(ends)s::date[])[x.k + 1] >= r.membership_date
     AND (r.termination_date IS NULL OR c.period_start <= r.termination_date)
    WHERE c.organization_id = %(organization)s AND x.k IS NOT NULL
),
by_member AS (
    SELECT member_id, COUNT(*) AS row_count, bit_or(CAST(1 AS bigint) << k) AS paid,
           string_agg(
               k || ':' || CAST(employee_regular * 100 AS bigint)
               || ':' || CAST((employer_regular + employer_special) * 100 AS bigint)
               || ':' || CASE WHEN contribution_type = 'R'
                              THEN CAST(pensionable_pay * 100 AS bigint) ELSE 0 END
               || ':' || CAST(pensionable_pay * 100 AS bigint),
               ','
           ) FILTER (WHERE good IS NOT TRUE) AS examined
    FROM lines
    GROUP BY member_id
)
SELECT m.id, m.membership_date, m.termination_date, m.birth_date, m.pay_rate,
       m.employment_ratio, b.row_count, b.paid, b.examined
FROM members_member m
LEFT JOIN by_member b ON b.member_id = m.id
WHERE m.organization_id = %(organization)s
  AND (b.member_id IS NULL OR b.examined IS NOT NULL
       OR b.row_count <> %(period_count)s OR b.paid <> %(every_period)s)
"""

# For these queries only (restored after them): JIT compiling costs more than it saves here;
# the hash of the members' groups (tens of bytes each) stays in memory up to 500,000 members;
# no hash join (the planner would hash the ledger's side) and no parallel plan (the ledger is
# read once, in index order, on a machine whose cores other work shares). The planner's
# estimate of the ledger's groups comes from missed/migrations/0005.
_POSTGRES_SETTINGS = """
SELECT current_setting('work_mem'), current_setting('jit'), current_setting('enable_hashjoin'),
       current_setting('max_parallel_workers_per_gather'),
       set_config('work_mem', '64MB', true), set_config('jit', 'off', true),
       set_config('enable_hashjoin', 'off', true),
       set_config('max_parallel_workers_per_gather', '0', true)
"""
_POSTGRES_RESTORE = """
SELECT set_config('work_mem', %s, true), set_config('jit', %s, true),
       set_config('enable_hashjoin', %s, true),
       set_config('max_parallel_workers_per_gather', %s, true)
"""

# A limit every remitted amount is at or below: an unpriced period is always examined.
_ALWAYS = 2**62


def profiles_of(organization: Organization) -> list[tuple[Decimal, Decimal]]:
    """The distinct (pay rate, employment ratio) of the organization's members, the ratio as
    detection reads it (none or zero is full time)."""
    one = Decimal(1)
    found = {
        (rate, ratio or one)
        for rate, ratio in Member.objects.filter(organization=organization)
        .order_by()
        .values_list("pay_rate", "employment_ratio")
        .distinct()
    }
    return sorted(found)


@dataclass(frozen=True)
class _Limits:
    """The limits by position (profile x periods + k; the members' own profiles after the
    pay rates'), and which members have their own profile."""

    member: list[int]
    employer: list[int]
    own: dict[int, int]


def _by_position(
    profiles: Sequence[tuple[Decimal, Decimal]],
    periods: Sequence[PayPeriod],
    limits: Sequence[Limit],
    own: Mapping[int, Sequence[tuple[int, int]]],
) -> _Limits:
    count = len(periods)
    member = [_ALWAYS] * (len(profiles) * count)
    employer = [_ALWAYS] * (len(profiles) * count)
    for profile, k, m, e in limits:
        member[profile * count + k] = m
        employer[profile * count + k] = e
    # members with the same limits in every period share a profile
    shared: dict[tuple[tuple[int, int], ...], int] = {}
    mine: dict[int, int] = {}
    for mid, vector in sorted(own.items()):
        key = tuple(vector)
        if key not in shared:
            shared[key] = len(profiles) + len(shared)
            member.extend(m for m, _ in key)
            employer.extend(e for _, e in key)
        mine[mid] = shared[key]
    return _Limits(member, employer, mine)


def _parameters(
    vendor: str,
    organization: Organization,
    periods: Sequence[PayPeriod],
    profiles: Sequence[tuple[Decimal, Decimal]],
    limits: _Limits,
) -> dict[str, Any]:
    count = len(periods)
    common: dict[str, Any] = {"organization": organization.pk, "period_count": count}
    profile_count = len(limits.member) // count
    if vendor == "postgresql":
        # the members' own profiles have no pay rate: no member's registry matches them
        rates: list[Decimal | None] = [rate for rate, _ in profiles]
        ratios: list[Decimal | None] = [ratio for _, ratio in profiles]
        rates += [None] * (profile_count - len(profiles))
        ratios += [None] * (profile_count - len(profiles))
        # per profile, the largest limits in cents as dollars (a row above both is good)
        top_member = [
            max(Decimal(max(limits.member[p * count : (p + 1) * count], default=0)), Decimal(0))
            / 100
            for p in range(profile_count)
        ]
        top_employer = [
            Decimal(max(limits.employer[p * count : (p + 1) * count], default=0)) / 100
            for p in range(profile_count)
        ]
        return {
            **common,
            "k": list(range(count)),
            "starts": [p.start for p in periods],
            "ends": [p.end for p in periods],
            "profile": list(range(profile_count)),
            "rates": rates,
            "ratios": ratios,
            "top_member": top_member,
            "top_employer": top_employer,
            "member_limit": limits.member,
            "employer_limit": limits.employer,
            "own_members": list(limits.own),
            "own_profiles": list(limits.own.values()),
            "every_period": (1 << count) - 1,
        }
    # SQLite keeps dates as ISO text and decimals as binary floating point: the values are
    # given in those forms so that they compare equal to the stored ones.
    return {
        **common,
        "periods": json.dumps(
            [[k, p.start.isoformat(), p.end.isoformat()] for k, p in enumerate(periods)]
        ),
        "profiles": json.dumps(
            [[i, float(rate), float(ratio)] for i, (rate, ratio) in enumerate(profiles)]
        ),
        "limits": json.dumps(
            [
                [p, k, limits.member[p * count + k], limits.employer[p * count + k]]
                for p in range(profile_count)
                for k in range(count)
            ]
        ),
        "own": json.dumps([[mid, p] for mid, p in limits.own.items()]),
    }


@contextmanager
def _planner_settings(cursor: CursorWrapper) -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    cursor.execute(_POSTGRES_SETTINGS)
    before = cursor.fetchone()[:4]
    try:
        yield
    finally:
        cursor.execute(_POSTGRES_RESTORE, list(before))


_CENTS = Decimal("0.01")
_RATIO = Decimal("0.0001")
_FLOATS = decimal.Context(prec=15)


def _date(value: Any) -> dt.date | None:
    """A date column: PostgreSQL gives a date, SQLite ISO text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _decimal(value: Any, places: Decimal) -> Decimal | None:
    """A decimal column: PostgreSQL gives a Decimal, SQLite a float (read as Django does)."""
    if value is None or isinstance(value, Decimal):
        return value
    return _FLOATS.create_decimal_from_float(float(value)).quantize(places)


@dataclass(frozen=True)
class Screened:
    """What the screening found: the candidates' registry facts and, for each, the periods of
    membership to examine with the cents remitted (as ``detection.detect`` takes them)."""

    facts: dict[int, MemberFacts]
    examined: dict[int, dict[dt.date, Remitted]]
    # the pensionable pay reported (every contribution type) for the examined periods with
    # ledger rows: what the top-up step reads (loading.reported_pay)
    pay: dict[tuple[int, dt.date], Decimal] = field(default_factory=dict)


def _paid_periods(
    count: int, first: int | None, last: int | None, total: int | None
) -> set[int] | None:
    """The indexes of the periods with ledger rows from their count, first, last and sum;
    None when more than one period inside them has none (then they are read)."""
    if not count or first is None or last is None or total is None:
        return set()
    holes = last - first + 1 - count
    if holes == 0:
        return set(range(first, last + 1))
    if holes == 1:
        return set(range(first, last + 1)) - {(first + last) * (last - first + 1) // 2 - total}
    return None


def _read_paid_periods(
    organization: Organization, ids: Sequence[int], periods: Sequence[PayPeriod]
) -> dict[int, set[int]]:
    index = {p.start: k for k, p in enumerate(periods)}
    found: dict[int, set[int]] = {mid: set() for mid in ids}
    for offset in range(0, len(ids), 2000):
        for mid, start in (
            Contribution.objects.filter(
                organization=organization, member_id__in=ids[offset : offset + 2000]
            )
            .order_by()
            .values_list("member_id", "period_start")
            .distinct()
        ):
            if start in index:
                found[mid].add(index[start])
    return found


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(decimal.ROUND_HALF_UP))


def _read_sums(
    organization: Organization, ids: Sequence[int], periods: Sequence[PayPeriod]
) -> dict[int, dict[int, tuple[int, int, int, int]]]:
    """The cents remitted per period (index) of the given members and the pay reported,
    summed as the SQL does: the members with two rows in a period."""
    index = {p.start: k for k, p in enumerate(periods)}
    sums: dict[int, dict[int, list[Decimal]]] = {mid: {} for mid in ids}
    for offset in range(0, len(ids), 2000):
        for mid, start, kind, m, e, special, pay in (
            Contribution.objects.filter(
                organization=organization, member_id__in=ids[offset : offset + 2000]
            )
            .order_by()
            .values_list(
                "member_id",
                "period_start",
                "contribution_type",
                "employee_regular",
                "employer_regular",
                "employer_special",
                "pensionable_pay",
            )
        ):
            k = index.get(start)
            if k is None:
                continue
            total = sums[mid].setdefault(k, [Decimal(0), Decimal(0), Decimal(0), Decimal(0)])
            total[0] += m
            total[1] += e + special
            if kind == "R":
                total[2] += pay
            total[3] += pay
    return {
        mid: {k: (_cents(t[0]), _cents(t[1]), _cents(t[2]), _cents(t[3])) for k, t in mine.items()}
        for mid, mine in sums.items()
    }


def _examined_text(text: str | None) -> dict[int, tuple[int, int, int, int]]:
    mine: dict[int, tuple[int, int, int, int]] = {}
    for item in text.split(",") if text else ():
        k, m, e, r, p = (int(x) for x in item.split(":"))
        mine[k] = (m, e, r, p)
    return mine


def _pay(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _facts(row: Sequence[Any]) -> MemberFacts:
    mid, joined, left, born, rate, ratio = row[:6]
    return MemberFacts(
        mid,
        _date(joined),  # type: ignore[arg-type]
        _date(left),
        _date(born),  # type: ignore[arg-type]
        _decimal(rate, _CENTS),  # type: ignore[arg-type]
        _decimal(ratio, _RATIO) or Decimal(1),
    )


def screen(
    organization: Organization,
    employer: Employer,
    periods: Sequence[PayPeriod],
    settings: Settings,
    as_of: dt.date,
    histories: Sequence[MemberRecord] = (),
) -> Screened:
    """The ledger screened in the database against ``periods`` (the expected pay periods in
    order, those of ``detection.expected_periods(employer, as_of)``): one query, and a second
    one only for the few members it cannot settle. ``histories``: the registry records of the
    members with a job change or a leave on record (``loading.Histories.varying``), screened
    on their own limits."""
    if not periods:
        return Screened({}, {})
    vendor = connection.vendor
    if vendor not in _SQL:
        raise NotImplementedError(f"detection runs on PostgreSQL or SQLite, not {vendor}")
    profiles = profiles_of(organization)
    limits = _by_position(
        profiles,
        periods,
        screening_limits(employer, periods, profiles, settings),
        own_limits(employer, histories, periods, as_of, settings),
    )
    parameters = _parameters(vendor, organization, periods, profiles, limits)
    masked = vendor == "postgresql" and len(periods) <= MASKED_PERIODS
    with transaction.atomic(), connection.cursor() as cursor, _planner_settings(cursor):
        cursor.execute(_MASKED if masked else _SQL[vendor], parameters)
        rows = cursor.fetchall()
    if masked:
        return _masked_results(organization, periods, rows)
    facts: dict[int, MemberFacts] = {}
    paid: dict[int, set[int] | None] = {}
    listed: dict[int, dict[int, tuple[int, int, int, int]]] = {}
    for row in rows:
        member = _facts(row)
        facts[member.id] = member
        count, first, last, total, text = row[6:]
        paid[member.id] = _paid_periods(count or 0, first, last, total)
        listed[member.id] = _examined_text(text)
    unknown = sorted(mid for mid, ks in paid.items() if ks is None)
    paid.update(_read_paid_periods(organization, unknown, periods))
    examined: dict[int, dict[dt.date, Remitted]] = {}
    pay: dict[tuple[int, dt.date], Decimal] = {}
    spans = Spans(periods)
    for mid, member in facts.items():
        span = spans.of(member)
        ks = paid[mid] or set()
        mine = listed[mid]
        # the periods of membership with no ledger row: nothing remitted, every one examined
        within = {
            periods[k].start: mine[k][:3] if k in mine else NOTHING
            for k in span
            if k in mine or k not in ks
        }
        pay.update(((mid, periods[k].start), _pay(sums[3])) for k, sums in mine.items())
        if within:
            examined[mid] = within
    return Screened(facts, examined, pay)


def _masked_results(
    organization: Organization, periods: Sequence[PayPeriod], rows: Sequence[Sequence[Any]]
) -> Screened:
    """The rows of ``_MASKED`` (PostgreSQL: dates and decimals as such) as a screening."""
    one = Decimal(1)
    starts = [p.start for p in periods]
    spans = Spans(periods)
    facts: dict[int, MemberFacts] = {}
    examined: dict[int, dict[dt.date, Remitted]] = {}
    pay: dict[tuple[int, dt.date], Decimal] = {}
    twice: list[int] = []
    for mid, joined, left, born, rate, ratio, count, bits, text in rows:
        member = facts[mid] = MemberFacts(mid, joined, left, born, rate, ratio or one)
        bits = bits or 0
        if count and bits.bit_count() < count:
            twice.append(mid)  # a period with two rows: the member's sums are read
            continue
        span = spans.of(member)
        within: dict[dt.date, Remitted] = {}
        # the periods of membership with no ledger row: nothing remitted, every one examined
        missing = ((1 << span.stop) - (1 << span.start)) & ~bits
        if missing:
            within.update((starts[k], NOTHING) for k in span if missing >> k & 1)
        if text:
            for item in text.split(","):
                k, m, e, r, p = (int(x) for x in item.split(":"))
                within[starts[k]] = (m, e, r)
                pay[(mid, starts[k])] = _pay(p)
        if within:
            examined[mid] = within
    for mid, mine in _read_sums(organization, twice, periods).items():
        within = {starts[k]: mine[k][:3] if k in mine else NOTHING for k in spans.of(facts[mid])}
        pay.update(((mid, starts[k]), _pay(sums[3])) for k, sums in mine.items())
        if within:
            examined[mid] = within
    return Screened(facts, examined, pay)
