"""The database layer of detection: an organization's registry and elections as plain data,
in a handful of bulk queries (no query per member), and the detection of an organization
(:func:`detect_findings`) with its ledger screened in the database (screening.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from pensionportal.accounts.models import Organization, Plan
from pensionportal.members.models import Contribution, EmploymentChange, Leave, Member
from pensionportal.remittances.rates import interest_rates
from pensionportal.rules import parameters
from pensionportal.rules.contributions_select import Participation
from pensionportal.rules.pay_cycles import Frequency
from pensionportal.submissions.models import Status, Submission

from . import conf, screening
from .detection import (
    NOT_REMITTED,
    BridgingFacts,
    ElectionFacts,
    Employer,
    Finding,
    JobChange,
    LeaveFacts,
    MemberFacts,
    MemberRecord,
    PayPeriod,
    Settings,
    WrongPlanFacts,
    detect,
    expected_periods,
    reclassify_top_up,
)
from .models import BridgingLeave, Election, WrongPlanTransfer

# The PAY header's pay cycle (datafiles spec) and the ledger's spelling of it.
_CYCLES = {
    "weekly": Frequency.WEEKLY,
    "bi-weekly": Frequency.BIWEEKLY,
    "biweekly": Frequency.BIWEEKLY,
    "semi-monthly": Frequency.SEMI_MONTHLY,
    "monthly": Frequency.MONTHLY,
    "annually": Frequency.ANNUAL,
    "annual": Frequency.ANNUAL,
}


def frequency_of(cycle: str) -> Frequency:
    return _CYCLES.get(cycle.strip().lower(), Frequency.BIWEEKLY)


def pay_periods(organization: Organization) -> list[PayPeriod]:
    """The organization's expected pay periods: its applied PAY submissions, one period per
    start date (the first pay date given), overlapping periods dropped (a later file for a
    period already covered is a correction or an off-cycle file)."""
    rows = (
        Submission.objects.filter(
            organization=organization,
            template="PAY",
            status=Status.APPLIED,
            test_mode=False,
        )
        .exclude(period_start=None)
        .exclude(period_end=None)
        .exclude(pay_date=None)
        .values_list("period_start", "period_end", "pay_date", "pay_cycle")
        .order_by("period_start", "pay_date")
    )
    found: list[PayPeriod] = []
    for start, end, pay_date, cycle in rows:
        if start is None or end is None or pay_date is None:
            continue
        if found and start <= found[-1].end:
            continue
        found.append(PayPeriod(start, end, pay_date, frequency_of(cycle or "")))
    return found


def employer_of(organization: Organization) -> Employer:
    plan = Plan.OPSEU if organization.plan == Plan.OPSEU else Plan.SELECT
    participation = (
        Participation(organization.plan_participation_date)
        if organization.plan_participation_date
        else None
    )
    return Employer(plan, participation, pay_periods(organization))


def settings_for(organization: Organization) -> Settings:
    # select-employer-manual.txt §1 'Leave Contributions': the OPTrust Select COLA raises
    # the leave base; the OPSEU Pension Plan's leave base is the pay before the leave.
    cola = parameters.load("select_cola") if organization.plan == Plan.SELECT else None
    # reporting-pension-data.txt cause 6: LTIP contributions from 1990 on the salary
    # escalation factor (for the OPSEU Pension Plan its COLA: a choice, docs/missed.md)
    escalation = cola if cola is not None else parameters.load("opseu_cola")
    first = parameters.load("ltip_escalation_from").date_at(dt.date.today())
    return Settings(
        short_tolerance=conf.short_tolerance(),
        minimum_shortfall=conf.minimum_shortfall(),
        cola=cola,
        rates=interest_rates(),
        ltip_escalation=escalation,
        ltip_escalation_from=first,
    )


def rows_of(query: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``values_list`` query, fetched in chunks on a plain cursor: the ORM
    compiles the SQL and its parameters; skipping its per-row iterator machinery halves the
    time to read millions of rows. PostgreSQL's driver returns dates and decimals as such;
    elsewhere (SQLite) the ORM's converters are needed, so its iterator is used."""
    if connection.vendor != "postgresql":
        yield from query.iterator(10_000)
        return
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(50_000):
            yield from chunk


def member_facts(organization: Organization, ids: Iterable[int]) -> dict[int, MemberFacts]:
    """The registry facts of the given members of the organization, read in chunks."""
    one = Decimal(1)
    wanted = sorted(set(ids))
    found: dict[int, MemberFacts] = {}
    for offset in range(0, len(wanted), 2000):
        for mid, membership, terminated, born, rate, ratio in rows_of(
            Member.objects.filter(organization=organization, id__in=wanted[offset : offset + 2000])
            .order_by("id")
            .values_list(
                "id",
                "membership_date",
                "termination_date",
                "birth_date",
                "pay_rate",
                "employment_ratio",
            )
        ):
            found[mid] = MemberFacts(mid, membership, terminated, born, rate, ratio or one)
    return found


@dataclass(frozen=True)
class Histories:
    """An organization's members' histories (job changes, leaves, elections, bridging
    leaves, transfers found at another plan) by member: few beside the ledger, read whole."""

    changes: dict[int, list[JobChange]]
    leaves: dict[int, list[LeaveFacts]]
    elections: dict[int, list[ElectionFacts]]
    bridging: dict[int, list[BridgingFacts]]
    wrong_plan: dict[int, list[WrongPlanFacts]]

    def varying(self) -> list[int]:
        """The members with a job change or a leave on record: the contributions expected of
        them vary from period to period (the screening's own limits, screening.py)."""
        return sorted(set(self.changes) | set(self.leaves))


def histories_of(organization: Organization) -> Histories:
    """The organization's members' histories, in one query each."""
    changes: dict[int, list[JobChange]] = defaultdict(list)
    for mid, effective, event, rate, ratio, reason in (
        EmploymentChange.objects.filter(member__organization=organization)
        .order_by("member_id", "effective_date", "id")
        .values_list(
            "member_id", "effective_date", "event_type", "pay_rate", "employment_ratio", "reason"
        )
    ):
        changes[mid].append(JobChange(effective, event, rate, ratio, reason))
    member_leaves: dict[int, list[LeaveFacts]] = defaultdict(list)
    for mid, kind, start, expected, end, disability in (
        Leave.objects.filter(member__organization=organization)
        .order_by("member_id", "start_date", "id")
        .values_list(
            "member_id",
            "leave_type",
            "start_date",
            "expected_end_date",
            "end_date",
            "disability_date",
        )
    ):
        member_leaves[mid].append(LeaveFacts(kind, start, end, expected, disability))
    elections: dict[int, list[ElectionFacts]] = defaultdict(list)
    for mid, form, choice, start, until, received, sub_from, sub_to in (
        Election.objects.filter(member__organization=organization)
        .order_by("member_id", "applies_from", "id")
        .values_list(
            "member_id",
            "form",
            "choice",
            "applies_from",
            "applies_to",
            "received_date",
            "sub_allowance_from",
            "sub_allowance_to",
        )
    ):
        elections[mid].append(ElectionFacts(form, choice, start, until, received, sub_from, sub_to))
    bridging: dict[int, list[BridgingFacts]] = defaultdict(list)
    for mid, start, end in BridgingLeave.objects.filter(
        member__organization=organization
    ).values_list("member_id", "start_date", "end_date"):
        bridging[mid].append(BridgingFacts(start, end))
    wrong_plan: dict[int, list[WrongPlanFacts]] = defaultdict(list)
    for mid, start, end, plan, found_on in WrongPlanTransfer.objects.filter(
        member__organization=organization
    ).values_list("member_id", "period_start", "period_end", "other_plan", "found_on"):
        wrong_plan[mid].append(WrongPlanFacts(start, end, plan, found_on))
    return Histories(
        dict(changes), dict(member_leaves), dict(elections), dict(bridging), dict(wrong_plan)
    )


def member_records(
    organization: Organization,
    facts: Mapping[int, MemberFacts],
    histories: Histories | None = None,
) -> list[MemberRecord]:
    """The registry records of the given members of the organization (the candidates of the
    screening and those with a transfer found at another plan), their histories with them
    (``histories``: read for the whole organization when not given)."""
    found = histories or histories_of(organization)
    empty: tuple[()] = ()
    return [
        MemberRecord(
            facts[mid],
            found.changes.get(mid, empty),
            found.leaves.get(mid, empty),
            found.elections.get(mid, empty),
            found.bridging.get(mid, empty),
            found.wrong_plan.get(mid, empty),
        )
        for mid in sorted(facts)
    ]


def detect_findings(
    organization: Organization, as_of: dt.date, settings: Settings | None = None
) -> list[Finding]:
    """The organization's missed contributions as of ``as_of``, nothing stored: the ledger
    screened in the database (screening.py; the members with a job change or a leave on
    their own limits), the candidates' registry records, the pure
    detection, then the top-up step (reporting-pension-data.txt cause 2) on the pay reported
    for the short periods of regular service (given by the screening). Callable for a preview."""
    settings = settings or settings_for(organization)
    employer = employer_of(organization)
    periods = expected_periods(employer, as_of)
    histories = histories_of(organization)
    # the members with a job change or a leave are screened on their own limits (the rules
    # for each of their periods, from their records)
    varying = member_records(
        organization, member_facts(organization, histories.varying()), histories
    )
    screened = screening.screen(organization, employer, periods, settings, as_of, varying)
    others = set(histories.wrong_plan) - set(screened.facts)
    facts = {**screened.facts, **member_facts(organization, others)}
    found = detect(
        employer, member_records(organization, facts, histories), screened.examined, as_of, settings
    )
    candidates = [
        (f.member_id, f.period.start)
        for f in found
        if f.cause == NOT_REMITTED and f.plain_service and f.remitted_member > 0
    ]
    # the pay reported for those periods came with the screening (each is examined)
    reported = {key: screened.pay[key] for key in candidates if key in screened.pay}
    return reclassify_top_up(found, reported, settings)


def reported_pay(
    organization: Organization, keys: list[tuple[int, dt.date]]
) -> dict[tuple[int, dt.date], Decimal]:
    """The pensionable pay reported (all contribution types) for the given (member, period
    start) pairs: the few findings that may be top-up salary. Reads those members' rows in
    a few chunked queries (the index on member and period start serves them). Detection
    has them from the screening; the tests' whole-ledger reference reads them here."""
    if not keys:
        return {}
    wanted = set(keys)
    members = sorted({m for m, _ in keys})
    starts = sorted({s for _, s in keys})
    found: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
    for offset in range(0, len(members), 2000):
        rows = (
            Contribution.objects.filter(
                organization=organization,
                member_id__in=members[offset : offset + 2000],
                period_start__in=starts,
            )
            .order_by()
            .values_list("member_id", "period_start", "pensionable_pay")
        )
        for mid, start, pay in rows_of(rows):
            if (mid, start) in wanted:
                found[(mid, start)] += pay
    return dict(found)
