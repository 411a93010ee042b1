"""Detection without the database's screening, for comparison: the whole ledger read into
Python (as detection did before issue 18) and every period of membership examined by the
pure rules. Used by the tests only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db.models import BigIntegerField, F
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Round

from pensionportal.accounts.models import Organization
from pensionportal.members.models import Contribution, Member
from pensionportal.missed import detection as d
from pensionportal.missed import loading

Ledger = Mapping[int, Mapping[dt.date, d.Remitted]]


def every_period(
    ledger: Ledger, periods: Iterable[d.PayPeriod]
) -> dict[int, dict[dt.date, d.Remitted]]:
    """``ledger`` (absent: nothing remitted) with every period listed, as ``detect`` takes it
    when nothing is screened out."""
    starts = [p.start for p in periods]
    return {mid: {s: mine.get(s, d.NOTHING) for s in starts} for mid, mine in ledger.items()}


def _cents(expression: Combinable) -> Cast:
    return Cast(Round(expression * 100), BigIntegerField())


def python_ledger(organization: Organization) -> dict[int, dict[dt.date, d.Remitted]]:
    """Every contribution row of the organization summed in Python by member and period."""
    found: dict[int, dict[dt.date, d.Remitted]] = {}
    rows = (
        Contribution.objects.filter(organization=organization)
        .annotate(
            m=_cents(F("employee_regular")),
            e=_cents(F("employer_regular") + F("employer_special")),
            r=_cents(F("pensionable_pay")),
        )
        .values_list("member_id", "period_start", "contribution_type", "m", "e", "r")
    )
    for mid, start, kind, m, e, r in rows:
        before = found.setdefault(mid, {}).get(start, d.NOTHING)
        found[mid][start] = (before[0] + m, before[1] + e, before[2] + (r if kind == "R" else 0))
    return found


def findings(organization: Organization, as_of: dt.date) -> list[d.Finding]:
    """The organization's findings with every member and every period examined in Python."""
    settings = loading.settings_for(organization)
    employer = loading.employer_of(organization)
    ids = Member.objects.filter(organization=organization).values_list("id", flat=True)
    records = loading.member_records(organization, loading.member_facts(organization, ids))
    ledger = python_ledger(organization)
    ledger = {**{record.facts.id: {} for record in records}, **ledger}
    found = d.detect(employer, records, every_period(ledger, employer.periods), as_of, settings)
    candidates = [
        (f.member_id, f.period.start)
        for f in found
        if f.cause == d.NOT_REMITTED and f.plain_service and f.remitted_member > 0
    ]
    return d.reclassify_top_up(found, loading.reported_pay(organization, candidates), settings)
