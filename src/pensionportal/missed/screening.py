"""The ledger screened in the database (issue 18): the database sums what was remitted for
each member and expected pay period, in cents, compares it with the screening limits of
``detection.screening_limits`` and returns only the periods detection must examine, so a
100,000-member ledger never comes into Python.

One SQL text, run by PostgreSQL in production and SQLite for ``make run``; only the way the
parameters become tables and lists become columns differs (the ``_PARAMETERS`` and
``_LISTS`` fragments). Every value is a parameter; the text holds table and column names
only.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
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
    PayPeriod,
    Remitted,
    Settings,
    membership_span,
    screening_limits,
)

# The parameters as tables: periods (k, start, end); profiles (profile, pay rate, ratio);
# for SQLite limits (profile, k, member limit, employer limit) - PostgreSQL from arrays,
# SQLite from JSON lists. PostgreSQL reads the limits from two arrays by position instead
# (profile x periods + k): a join would let its planner hash the ledger's side.
_PARAMETERS = {
    "postgresql": """
WITH periods (k, period_start, period_end) AS (
    SELECT * FROM unnest(%(k)s::int[], %(starts)s::date[], %(ends)s::date[])
),
profiles (profile, pay_rate, ratio) AS (
    SELECT * FROM unnest(%(profile)s::int[], %(rates)s::numeric[], %(ratios)s::numeric[])
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
                      * 100) AS bigint) AS r
    FROM members_contribution c
    WHERE c.organization_id = %(organization)s
    GROUP BY c.member_id, c.period_start
),
registry AS (
    SELECT m.id, m.membership_date, m.termination_date, pr.profile,
           CASE WHEN m.id IN (SELECT member_id FROM members_employmentchange)
                  OR m.id IN (SELECT member_id FROM members_leave)
                THEN 1 ELSE 0 END AS every_period
    FROM members_member m
    LEFT JOIN profiles pr
      ON pr.pay_rate = m.pay_rate AND pr.ratio = COALESCE(NULLIF(m.employment_ratio, 0), 1)
    WHERE m.organization_id = %(organization)s
),
"""

_DUE = {
    "postgresql": """
due AS (
    SELECT x.member_id, x.k, x.m, x.e, x.r,
           CASE WHEN r.every_period = 1
                  OR x.period_start < r.membership_date
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
    SELECT pd.member_id, p.k, pd.m, pd.e, pd.r,
           CASE WHEN r.every_period = 1
                  OR p.period_start < r.membership_date
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
# the examined periods with their cents as text ("k:m:e:r,..."): a few bytes a member while
# the groups are built, the text only for the few members it lists.
_LISTS = {
    "postgresql": """
by_member AS (
    SELECT member_id, COUNT(*) AS paid_periods, MIN(k) AS first_k, MAX(k) AS last_k,
           SUM(k) AS sum_k,
           string_agg(k || ':' || m || ':' || e || ':' || r, ',') FILTER (WHERE examine = 1)
               AS examined
    FROM due
    GROUP BY member_id
)
""",
    "sqlite": """
by_member AS (
    SELECT member_id, COUNT(*) AS paid_periods, MIN(k) AS first_k, MAX(k) AS last_k,
           SUM(k) AS sum_k,
           group_concat(k || ':' || m || ':' || e || ':' || r, ',') FILTER (WHERE examine = 1)
               AS examined
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

# For this query only (restored after it): JIT compiling costs more than it saves here, and
# the hash of the members' groups (tens of bytes each) stays in memory up to 500,000 members.
# The planner's estimate of the ledger's groups comes from missed/migrations/0005.
_POSTGRES_SETTINGS = """
SELECT current_setting('work_mem'), current_setting('jit'), current_setting('enable_hashjoin'),
       set_config('work_mem', '64MB', true), set_config('jit', 'off', true),
       set_config('enable_hashjoin', 'off', true)
"""
_POSTGRES_RESTORE = """
SELECT set_config('work_mem', %s, true), set_config('jit', %s, true),
       set_config('enable_hashjoin', %s, true)
"""


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


def _parameters(
    vendor: str,
    organization: Organization,
    periods: Sequence[PayPeriod],
    profiles: Sequence[tuple[Decimal, Decimal]],
    limits: Sequence[Limit],
) -> dict[str, Any]:
    common: dict[str, Any] = {"organization": organization.pk, "period_count": len(periods)}
    if vendor == "postgresql":
        # an unpriced period stays None: COALESCE then lists it (examined)
        by_position: tuple[list[int | None], list[int | None]] = (
            [None] * (len(profiles) * len(periods)),
            [None] * (len(profiles) * len(periods)),
        )
        for profile, k, member, employer in limits:
            by_position[0][profile * len(periods) + k] = member
            by_position[1][profile * len(periods) + k] = employer
        return {
            **common,
            "k": list(range(len(periods))),
            "starts": [p.start for p in periods],
            "ends": [p.end for p in periods],
            "profile": list(range(len(profiles))),
            "rates": [rate for rate, _ in profiles],
            "ratios": [ratio for _, ratio in profiles],
            "member_limit": by_position[0],
            "employer_limit": by_position[1],
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
        "limits": json.dumps([list(limit) for limit in limits]),
    }


@contextmanager
def _planner_settings(cursor: CursorWrapper) -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    cursor.execute(_POSTGRES_SETTINGS)
    before = cursor.fetchone()[:3]
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


def screen(
    organization: Organization, employer: Employer, periods: Sequence[PayPeriod], settings: Settings
) -> Screened:
    """The ledger screened in the database against ``periods`` (the expected pay periods in
    order): one query, and a second one only for members with two or more gaps inside
    their remitted periods."""
    if not periods:
        return Screened({}, {})
    profiles = profiles_of(organization)
    limits = screening_limits(employer, periods, profiles, settings)
    vendor = connection.vendor
    if vendor not in _SQL:
        raise NotImplementedError(f"detection runs on PostgreSQL or SQLite, not {vendor}")
    parameters = _parameters(vendor, organization, periods, profiles, limits)
    one = Decimal(1)
    facts: dict[int, MemberFacts] = {}
    paid: dict[int, set[int] | None] = {}
    listed: dict[int, dict[int, Remitted]] = {}
    with transaction.atomic(), connection.cursor() as cursor, _planner_settings(cursor):
        cursor.execute(_SQL[vendor], parameters)
        rows = cursor.fetchall()
    for mid, joined, left, born, rate, ratio, count, first, last, total, text in rows:
        facts[mid] = MemberFacts(
            mid,
            _date(joined),  # type: ignore[arg-type]
            _date(left),
            _date(born),  # type: ignore[arg-type]
            _decimal(rate, _CENTS),  # type: ignore[arg-type]
            _decimal(ratio, _RATIO) or one,
        )
        paid[mid] = _paid_periods(count or 0, first, last, total)
        mine: dict[int, Remitted] = {}
        for item in text.split(",") if text else ():
            k, m, e, r = (int(x) for x in item.split(":"))
            mine[k] = (m, e, r)
        listed[mid] = mine
    unknown = sorted(mid for mid, ks in paid.items() if ks is None)
    paid.update(_read_paid_periods(organization, unknown, periods))
    examined: dict[int, dict[dt.date, Remitted]] = {}
    for mid, member in facts.items():
        span = membership_span(member, periods)
        ks = paid[mid] or set()
        mine = listed[mid]
        # the periods of membership with no ledger row: nothing remitted, every one examined
        within = {periods[k].start: mine.get(k, NOTHING) for k in span if k in mine or k not in ks}
        if within:
            examined[mid] = within
    return Screened(facts, examined)
