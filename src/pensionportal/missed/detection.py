"""Detection of missed mandatory contributions: a pure function over plain data.

Seed: reporting-pension-data.txt "Missed mandatory contributions" ("Causes of missed
mandatory contributions" 1-6, "Contribution requirements"); select-employer-manual.txt
Section 1 ("Leaves of Absence", "Leave Contributions - Summary Chart", "Temporary Part-time
Work Arrangements", "LTIP Provisions"). Every rule comes from `pensionportal.rules`; this
module only decides, for each member and expected pay period, which rule governs it.

No Django import: the database layer (`loading.py`) turns the registry, the ledger and the
elections into these dataclasses in a few bulk queries.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from pensionportal.rules import contributions, leaves, parameters, part_time
from pensionportal.rules.contributions import Plan
from pensionportal.rules.contributions_select import Participation
from pensionportal.rules.deadlines import ContributionKind, delinquency_start
from pensionportal.rules.interest import InterestRates, late_interest
from pensionportal.rules.parameters import DatedTable, ParameterNotInForce
from pensionportal.rules.pay_basis import ReportedPay
from pensionportal.rules.pay_cycles import Frequency, pay_periods_per_year

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# Cause codes (values of models.Cause; kept as plain strings so this module stays pure).
LATE_START = "late_start"
NOT_REMITTED = "not_remitted"
RETRO_SALARY = "retro_salary"
SHORT_LEAVE = "short_leave"
STATUTORY_NO_ELECTION = "statutory_no_election"
STATUTORY_ELECTED = "statutory_elected"
TPT_NO_ELECTION = "tpt_no_election"
TPT_REGULAR_HOURS = "tpt_regular_hours"
LTIP = "ltip"
WRONG_PLAN = "wrong_plan"
TOP_UP = "top_up"
BRIDGING = "bridging"
LTIP_PRE_1990 = "ltip_pre_1990"
# Causes a recorded transfer from another plan explains (administrative error).
ADMINISTRATIVE = frozenset({LATE_START, NOT_REMITTED, RETRO_SALARY})

# The LOA template's leave types (select-employer-manual.txt §2 "Leave Data").
LEAVE_TYPES = {
    "DISC": leaves.LeaveType.DISCRETIONARY,
    "ESA_PAR": leaves.LeaveType.STATUTORY,
    "ESA_OTH": leaves.LeaveType.STATUTORY,
    "ILL": leaves.LeaveType.ILLNESS_WSIB,
    "LTIP": leaves.LeaveType.LTIP,
}

# §2 EMCHG "Event Type": "Temporary part-time work arrangements should be reported using the
# CHG code"; "Job Change Reason ... For temporary part-time work arrangements include start
# and end dates". A CHG whose reason names the arrangement starts one.
ARRANGEMENT_REASON = re.compile(r"arrangement|\btpt\b|temporary part[- ]time", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PayPeriod:
    start: dt.date
    end: dt.date
    pay_date: dt.date
    frequency: Frequency

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class MemberFacts:
    id: int
    membership_date: dt.date
    termination_date: dt.date | None
    birth_date: dt.date
    pay_rate: Decimal  # full-time annual, as now on record
    employment_ratio: Decimal  # as now on record


@dataclass(frozen=True, slots=True)
class JobChange:
    effective: dt.date
    event_type: str
    pay_rate: Decimal | None
    employment_ratio: Decimal | None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class LeaveFacts:
    leave_type: str  # DISC, ESA_PAR, ESA_OTH, ILL, LTIP
    start: dt.date
    end: dt.date | None  # last day of the leave (RTW), None while open
    expected_end: dt.date | None = None
    disability_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ElectionFacts:
    form: str  # "1025" or "1030"
    choice: str  # contribute / not_contribute / regular_hours / reduced_hours
    applies_from: dt.date
    applies_to: dt.date | None
    received: dt.date
    sub_from: dt.date | None = None
    sub_to: dt.date | None = None


@dataclass(frozen=True, slots=True)
class BridgingFacts:
    """A staff-recorded leave with pay under a bridging benefit (cause 5)."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class WrongPlanFacts:
    """Contributions for the period found at another plan (cause 1, third paragraph)."""

    start: dt.date
    end: dt.date
    plan: str
    found_on: dt.date


# The ledger for one member and pay period, all contribution types, in cents: member,
# employer (regular + special), pensionable pay on R rows. A plain tuple: 2.6 million of
# them are built from the database rows as they come.
Remitted = tuple[int, int, int]


@dataclass(frozen=True)
class Employer:
    plan: Plan
    participation: Participation | None
    periods: Sequence[PayPeriod]  # from the organization's applied PAY submissions


def _ltip_escalation_from() -> dt.date:
    return parameters.load("ltip_escalation_from").date_at(dt.date.today())


@dataclass(frozen=True)
class Settings:
    short_tolerance: Decimal = Decimal("0.05")  # a period short by more than this share
    minimum_shortfall: Decimal = Decimal("1.00")  # ... and by at least this much
    cola: DatedTable | None = None  # the OPTrust Select COLA table (leave bases)
    rates: InterestRates | None = None  # staff-maintained interest tables
    # the salary escalation factor of LTIP contributions (OPSEU: its COLA; Select: its COLA)
    ltip_escalation: DatedTable | None = None
    # before this day LTIP contributions are on the actual salary rate (cause 6)
    ltip_escalation_from: dt.date = field(default_factory=_ltip_escalation_from)


@dataclass(frozen=True, slots=True)
class Finding:
    member_id: int
    period: PayPeriod
    cause: str
    expected_member: Decimal
    expected_employer: Decimal
    remitted_member: Decimal
    remitted_employer: Decimal
    member_share_paid_by_employer: bool = False
    note: str = ""
    expected_earnings: Decimal = ZERO  # the pensionable pay the salary on record gives
    plain_service: bool = False  # regular service only: no leave, no arrangement
    amount_unknown: bool = False  # the plan's rates for the date are not on record

    @property
    def member_owed(self) -> Decimal:
        return max(self.expected_member - self.remitted_member, ZERO)

    @property
    def employer_owed(self) -> Decimal:
        return max(self.expected_employer - self.remitted_employer, ZERO)


@dataclass(frozen=True)
class MemberRecord:
    facts: MemberFacts
    changes: Sequence[JobChange] = ()
    leaves: Sequence[LeaveFacts] = ()
    elections: Sequence[ElectionFacts] = ()
    bridging: Sequence[BridgingFacts] = ()
    wrong_plan: Sequence[WrongPlanFacts] = ()


@dataclass
class _Expected:
    member: Decimal
    employer: Decimal
    cause: str
    by_employer: bool = False
    notes: list[str] = field(default_factory=list)
    earnings: Decimal = ZERO
    plain: bool = False
    unknown: bool = False


class _Calculator:
    """The rules engine's contributions, memoised (most member-periods share their inputs)."""

    def __init__(self, employer: Employer) -> None:
        self.plan = employer.plan
        self.participation = employer.participation
        self._cache: dict[tuple[object, ...], tuple[Decimal, Decimal]] = {}
        # _MemberDetector.expected of members without history
        self.plain: dict[tuple[object, ...], _Expected | None] = {}
        self._periods: dict[tuple[Frequency, dt.date], Decimal] = {}

    def earnings(
        self, annual: Decimal, ratio: Decimal, share: Decimal, period: PayPeriod
    ) -> Decimal:
        """The pensionable pay the salary on record gives for ``share`` of the period."""
        per_year = self._periods.get((period.frequency, period.pay_date))
        if per_year is None:
            per_year = pay_periods_per_year(period.frequency, period.pay_date)
            self._periods[(period.frequency, period.pay_date)] = per_year
        return annual / per_year * ratio * share

    def shares(
        self, annual: Decimal, ratio: Decimal, share: Decimal, period: PayPeriod
    ) -> tuple[Decimal, Decimal]:
        """Member and employer contributions on ``annual`` x ``ratio`` for ``share`` of the
        period (``share`` < 1 when a leave covers part of it)."""
        key = (annual, ratio, share, period.pay_date, period.frequency)
        found = self._cache.get(key)
        if found is None:
            per_year = self._periods.get((period.frequency, period.pay_date))
            if per_year is None:
                per_year = pay_periods_per_year(period.frequency, period.pay_date)
                self._periods[(period.frequency, period.pay_date)] = per_year
            earnings = annual / per_year * ratio * share
            if annual <= 0 or earnings <= 0:
                found = (ZERO, ZERO)
            else:
                result = contributions.compute(
                    self.plan,
                    ReportedPay(annual, earnings),
                    period.pay_date,
                    period.frequency,
                    self.participation,
                )
                found = (result.member.total, result.employer.total)
            self._cache[key] = found
        return found


def _job_at(record: MemberRecord, day: dt.date) -> tuple[Decimal, Decimal, bool]:
    """Pay rate and employment ratio in force on ``day``, and whether the rate came from an
    increase. The registry keeps the current values and the dated changes; before the first
    recorded change the nearest known values are used (docs/missed.md)."""
    rate: Decimal | None = None
    ratio: Decimal | None = None
    raised = False
    first_rate: Decimal | None = None
    first_ratio: Decimal | None = None
    for change in record.changes:
        if change.pay_rate is not None and first_rate is None:
            first_rate = change.pay_rate
        if change.employment_ratio is not None and first_ratio is None:
            first_ratio = change.employment_ratio
        if change.effective > day:
            continue
        if change.pay_rate is not None:
            raised = rate is not None and change.pay_rate > rate
            rate = change.pay_rate
        if change.employment_ratio is not None and change.employment_ratio > 0:
            ratio = change.employment_ratio
    facts = record.facts
    rate = rate if rate is not None else (first_rate or facts.pay_rate)
    ratio = ratio if ratio is not None else (first_ratio or facts.employment_ratio)
    return rate, ratio, raised


@dataclass(frozen=True, slots=True)
class _Arrangement:
    start: dt.date
    end: dt.date | None  # last day, None while in progress
    regular_ratio: Decimal


def arrangements(record: MemberRecord) -> list[_Arrangement]:
    """Temporary part-time work arrangements from the EMCHG history: a CHG naming the
    arrangement with a reduced ratio, until the next change of ratio."""
    found: list[_Arrangement] = []
    changes = [c for c in record.changes if c.employment_ratio is not None]
    for i, change in enumerate(changes):
        if change.event_type != "CHG" or not ARRANGEMENT_REASON.search(change.reason):
            continue
        before = changes[i - 1].employment_ratio if i else None
        regular = before if before is not None else Decimal(1)
        assert change.employment_ratio is not None
        if change.employment_ratio >= regular:
            continue
        following = (
            changes[i + 1].effective - dt.timedelta(days=1) if i + 1 < len(changes) else None
        )
        found.append(_Arrangement(change.effective, following, regular))
    return found


def _overlap(a_start: dt.date, a_end: dt.date | None, period: PayPeriod) -> int:
    first = max(a_start, period.start)
    last = period.end if a_end is None else min(a_end, period.end)
    return max((last - first).days + 1, 0)


def _election_in_force(
    elections: Iterable[ElectionFacts], form: str, start: dt.date, service_from: dt.date
) -> ElectionFacts | None:
    """The election for the leave/arrangement starting on ``start`` that was received by
    ``service_from`` (a missing or late election leaves contributions mandatory: §1 'Over 30
    Days', 'Temporary Part-time Work Arrangements'; reporting-pension-data.txt causes 3-4)."""
    chosen: ElectionFacts | None = None
    for election in elections:
        if election.form != form or election.received > service_from:
            continue
        if election.applies_to is not None and election.applies_to < start:
            continue
        if election.applies_from > service_from:
            continue
        if chosen is None or election.received >= chosen.received:
            chosen = election
    return chosen


class _MemberDetector:
    def __init__(
        self,
        record: MemberRecord,
        calc: _Calculator,
        settings: Settings,
        periods: Sequence[PayPeriod],
        as_of: dt.date,
    ) -> None:
        self.record = record
        self.calc = calc
        self.settings = settings
        self.periods = periods
        self.as_of = as_of
        self.arrangements = arrangements(record) if record.changes else []
        self.plain = not (record.changes or record.leaves or record.bridging)

    def _leave_end(self, leave: LeaveFacts) -> dt.date | None:
        return leave.end or leave.expected_end

    def _leave_expected(self, leave: LeaveFacts, period: PayPeriod, days: int) -> _Expected | None:
        """Contributions owed for the ``days`` of ``period`` covered by ``leave``; None when
        none are mandatory (yet)."""
        kind = LEAVE_TYPES.get(leave.leave_type)
        if kind is None:
            return None
        end_for_length = self._leave_end(leave)
        if end_for_length is None:
            # an open leave with no expected end: long once it has passed the short limit
            end_for_length = max(self.as_of, leave.start)
        service_from = max(leave.start, period.start)
        election = _election_in_force(self.record.elections, "1025", leave.start, service_from)
        choice = leaves.Election.NONE
        if election is not None:
            choice = leaves.Election(election.choice)
        ruling = leaves.rule_for(leaves.Leave(kind, leave.start, end_for_length, choice))
        if not ruling.member_contributes:
            return None
        share = Decimal(days) / Decimal(period.days)
        base_day = leave.disability_date or leave.start
        annual, ratio, _ = _job_at(self.record, base_day - dt.timedelta(days=1))
        notes: list[str] = []
        if kind is leaves.LeaveType.LTIP:
            return self._ltip_expected(leave, period, ruling, annual, ratio, base_day)
        if self.settings.cola is not None:
            try:
                annual = leaves.contribution_base(
                    annual, base_day, service_from, self.settings.cola
                )
            except ParameterNotInForce:
                notes.append(f"COLA for {service_from.year} not on record: base not raised")
        elif service_from.year > base_day.year:
            notes.append("no COLA table: base not raised")
        if leaves.is_short_leave(leaves.Leave(kind, leave.start, end_for_length, choice)):
            # remitted by the employer upon the member's return: missed once the leave has
            # ended and a pay date after the return has passed
            if leave.end is None or not any(
                leave.end < p.pay_date <= self.as_of for p in self.periods
            ):
                return None
            cause = SHORT_LEAVE
        elif choice is leaves.Election.CONTRIBUTE:
            cause = STATUTORY_ELECTED
            if election is not None and election.sub_from is not None:
                notes.append(
                    f"SUB allowance {election.sub_from.isoformat()} to "
                    f"{(election.sub_to or leave.end or period.end).isoformat()}"
                )
        else:
            cause = STATUTORY_NO_ELECTION
            if election is None:
                late = _election_in_force(self.record.elections, "1025", leave.start, dt.date.max)
                if late is not None:
                    notes.append(f"election received late, on {late.received.isoformat()}")
        return self._priced(annual, ratio, share, period, cause, notes, ruling)

    def _priced(
        self,
        annual: Decimal,
        ratio: Decimal,
        share: Decimal,
        period: PayPeriod,
        cause: str,
        notes: list[str],
        ruling: leaves.LeaveRuling,
    ) -> _Expected:
        by_employer = ruling.member_share_paid_by_employer
        try:
            member, employer = self.calc.shares(annual, ratio, share, period)
        except ParameterNotInForce as missing:
            notes.append(f"contribution rates not on record ({missing}): amount to be computed")
            return _Expected(ZERO, ZERO, cause, by_employer, notes, unknown=True)
        return _Expected(member, employer, cause, by_employer, notes)

    def _ltip_expected(
        self,
        leave: LeaveFacts,
        period: PayPeriod,
        ruling: leaves.LeaveRuling,
        annual: Decimal,
        ratio: Decimal,
        base_day: dt.date,
    ) -> _Expected | None:
        """LTIP: both shares paid by the employer until the earliest of recovery, age 65 and
        the end of membership (select-employer-manual.txt §1 'LTIP Provisions'). From 1990
        the base is the pay before the disability raised by the salary escalation factor;
        before 1990, the actual salary rate (reporting-pension-data.txt cause 6)."""
        stop = leaves.ltip_contributions_end(
            self.record.facts.birth_date,
            leave.end + dt.timedelta(days=1) if leave.end else None,
            self.record.facts.termination_date,
        )
        days = _overlap(leave.start, stop - dt.timedelta(days=1), period)
        if days <= 0:
            return None
        share = Decimal(days) / Decimal(period.days)
        service_from = max(leave.start, period.start)
        notes: list[str] = []
        if service_from < self.settings.ltip_escalation_from:
            annual, ratio, _ = _job_at(self.record, period.end)
            notes.append(
                f"before {self.settings.ltip_escalation_from.year}: on the actual salary rate "
                f"${annual:,.2f}"
            )
            return self._priced(annual, ratio, share, period, LTIP_PRE_1990, notes, ruling)
        table = self.settings.ltip_escalation or self.settings.cola
        if table is not None:
            try:
                annual = leaves.contribution_base(annual, base_day, service_from, table)
            except ParameterNotInForce:
                notes.append(
                    f"escalation factor for {service_from.year} not on record: base not raised"
                )
        elif service_from.year > base_day.year:
            notes.append("no escalation table: base not raised")
        return self._priced(annual, ratio, share, period, LTIP, notes, ruling)

    def _service_expected(self, period: PayPeriod, share: Decimal) -> _Expected:
        """Regular service (or a part-time arrangement) for ``share`` of the period."""
        day = max(period.start, self.record.facts.membership_date)
        annual, ratio, raised = _job_at(self.record, period.end)
        cause = RETRO_SALARY if raised else NOT_REMITTED
        notes: list[str] = []
        in_arrangement = False
        for arrangement in self.arrangements:
            if _overlap(arrangement.start, arrangement.end, period) <= 0:
                continue
            in_arrangement = True
            service_from = max(arrangement.start, day)
            election = _election_in_force(
                self.record.elections, "1030", arrangement.start, service_from
            )
            choice = (
                part_time.ElectionTPT(election.choice) if election else part_time.ElectionTPT.NONE
            )
            basis = part_time.contribution_basis(arrangement.start, choice)
            if basis.basis is part_time.Basis.REGULAR_HOURS:
                ratio = arrangement.regular_ratio
                cause = TPT_NO_ELECTION if election is None else TPT_REGULAR_HOURS
                if election is None:
                    late = _election_in_force(
                        self.record.elections, "1030", arrangement.start, dt.date.max
                    )
                    if late is not None:
                        notes.append(f"election received late, on {late.received.isoformat()}")
            break
        plain = not in_arrangement
        for bridge in self.record.bridging:
            if _overlap(bridge.start, bridge.end, period) > 0:
                cause = BRIDGING
                plain = False
                notes.append(f"bridging leave with pay {bridge.start} to {bridge.end}")
                break
        try:
            member, employer = self.calc.shares(annual, ratio, share, period)
        except ParameterNotInForce as missing:
            notes.append(f"contribution rates not on record ({missing}): amount to be computed")
            return _Expected(ZERO, ZERO, cause, False, notes, unknown=True)
        earnings = self.calc.earnings(annual, ratio, share, period)
        return _Expected(member, employer, cause, False, notes, earnings, plain)

    def expected(self, period: PayPeriod) -> _Expected | None:
        if self.plain:
            # no history: what is expected depends on the rate, the ratio, the period and
            # the days of membership in it only (shared, never changed by the caller)
            key = (
                self.record.facts.pay_rate,
                self.record.facts.employment_ratio,
                period,
                min(
                    max(self.record.facts.membership_date, period.start),
                    period.end + dt.timedelta(days=1),
                ),
            )
            found = self.calc.plain.get(key, self)
            if found is self:
                found = self.calc.plain[key] = self._expected(period)
            return found  # type: ignore[return-value]
        return self._expected(period)

    def _expected(self, period: PayPeriod) -> _Expected | None:
        leave_parts: list[_Expected] = []
        leave_days = 0
        for leave in self.record.leaves:
            days = _overlap(leave.start, leave.end, period)
            if days <= 0:
                continue
            leave_days += days
            part = self._leave_expected(leave, period, days)
            if part is not None:
                leave_parts.append(part)
        service_days = max(period.days - leave_days, 0)
        # service before the membership date is not counted
        before = (self.record.facts.membership_date - period.start).days
        if before > 0:
            service_days = max(service_days - before, 0)
        parts = list(leave_parts)
        if service_days > 0:
            share = (
                Decimal(1)
                if service_days == period.days
                else (Decimal(service_days) / Decimal(period.days))
            )
            parts.append(self._service_expected(period, share))
        if not parts:
            return None
        # the leave's cause names the finding when a leave is part of the period
        main = leave_parts[0] if leave_parts else parts[0]
        return _Expected(
            sum((p.member for p in parts), ZERO),
            sum((p.employer for p in parts), ZERO),
            main.cause,
            main.by_employer,
            [n for p in parts for n in p.notes],
            sum((p.earnings for p in parts), ZERO),
            leave_days == 0 and all(p.plain for p in parts),
            any(p.unknown for p in parts),
        )


def _short(expected: Decimal, remitted: Decimal, settings: Settings) -> bool:
    shortfall = expected - remitted
    return (
        shortfall >= settings.minimum_shortfall and shortfall > expected * settings.short_tolerance
    )


def _limit_cents(expected: Decimal, settings: Settings) -> int:
    """The largest remitted amount, in cents, that is still short of ``expected``
    (the same test as :func:`_short`, in integers for the hot loop)."""
    cents = int(expected * 100)
    by_minimum = cents - int(settings.minimum_shortfall * 100)
    by_share = (
        int((expected * (1 - settings.short_tolerance) * 100).to_integral_value("ROUND_CEILING"))
        - 1
    )
    return min(by_minimum, by_share)


def expected_periods(employer: Employer, as_of: dt.date) -> list[PayPeriod]:
    """The employer's expected pay periods whose pay date is on or before ``as_of``, in order."""
    return sorted((p for p in employer.periods if p.pay_date <= as_of), key=lambda p: p.start)


def membership_span(facts: MemberFacts, periods: Sequence[PayPeriod]) -> range:
    """The indexes of the periods (in order, not overlapping) within the member's membership:
    from the first that ends on or after the membership date to the last that starts on or
    before the termination date."""
    return Spans(periods).of(facts)


class Spans:
    """:func:`membership_span` for many members over the same periods."""

    def __init__(self, periods: Sequence[PayPeriod]) -> None:
        self._ends = [p.end for p in periods]
        self._starts = [p.start for p in periods]

    def of(self, facts: MemberFacts) -> range:
        low = bisect.bisect_left(self._ends, facts.membership_date)
        high = (
            len(self._starts)
            if facts.termination_date is None
            else bisect.bisect_right(self._starts, facts.termination_date)
        )
        return range(low, max(low, high))


# (profile, period index, member limit, employer limit): see screening_limits.
Limit = tuple[int, int, int, int]


def screening_limits(
    employer: Employer,
    periods: Sequence[PayPeriod],
    profiles: Sequence[tuple[Decimal, Decimal]],
    settings: Settings,
) -> list[Limit]:
    """For each profile (full-time annual pay rate, employment ratio) and period: the largest
    cents remitted, member's share and employer's, that are still short of a full period of
    regular service (the test of :func:`_short`, reporting-pension-data.txt "Contribution
    requirements"). The database compares the ledger with these and returns only the periods
    at or below them (see screening.py). A period the plan's rates cannot price is left out:
    every such period is examined."""
    calc = _Calculator(employer)
    found: list[Limit] = []
    for profile, (rate, ratio) in enumerate(profiles):
        for k, period in enumerate(periods):
            try:
                member, employer_share = calc.shares(rate, ratio, Decimal(1), period)
            except ParameterNotInForce:
                continue
            found.append(
                (
                    profile,
                    k,
                    _limit_cents(member, settings),
                    _limit_cents(employer_share, settings),
                )
            )
    return found


# A limit no remitted amount is at or below: the period is examined only when nothing of the
# member's share was remitted (every screening lists those, for :func:`_first_paid`).
NEVER = -(2**62)


def own_limits(
    employer: Employer,
    records: Iterable[MemberRecord],
    periods: Sequence[PayPeriod],
    as_of: dt.date,
    settings: Settings,
) -> dict[int, list[tuple[int, int]]]:
    """For members whose contributions vary from period to period (a job change or a leave on
    record): per period (index in ``periods``), the largest cents remitted, member's share
    and employer's, that are still short of what :func:`detect` expects of that period (the
    leave, the arrangement, the rate in force), so that the database screens these members
    too. A period outside membership, with nothing expected or whose amount is unknown has
    :data:`NEVER` (examined only when nothing of the member's share was remitted: an
    unknown amount is a finding only then)."""
    calc = _Calculator(employer)
    spans = Spans(periods)
    found: dict[int, list[tuple[int, int]]] = {}
    # members with the same facts and histories (the id aside) have the same limits
    alike: dict[tuple[object, ...], list[tuple[int, int]]] = {}
    for record in records:
        key = (
            replace(record.facts, id=0),
            tuple(record.changes),
            tuple(record.leaves),
            tuple(record.elections),
            tuple(record.bridging),
        )
        mine = alike.get(key)
        if mine is None:
            detector = _MemberDetector(record, calc, settings, periods, as_of)
            mine = [(NEVER, NEVER)] * len(periods)
            for k in spans.of(record.facts):
                expected = detector.expected(periods[k])
                if expected is not None and not expected.unknown:
                    mine[k] = (
                        _limit_cents(expected.member, settings),
                        _limit_cents(expected.employer, settings),
                    )
            alike[key] = mine
        found[record.facts.id] = mine
    return found


NOTHING: Remitted = (0, 0, 0)
EMPTY: Mapping[dt.date, Remitted] = {}


def _first_paid(span: Sequence[PayPeriod], examined: Mapping[dt.date, Remitted]) -> dt.date | None:
    """The first period of membership with some of the member's share remitted: a period
    not examined was remitted in full (see :func:`detect`). Contributions that begin after
    it are a late start (reporting-pension-data.txt cause 1, "Late Start")."""
    for period in span:
        found = examined.get(period.start)
        if found is None or found[0] > 0:
            return period.start
    return None


def detect(
    employer: Employer,
    members: Iterable[MemberRecord],
    examined: Mapping[int, Mapping[dt.date, Remitted]],
    as_of: dt.date,
    settings: Settings | None = None,
) -> list[Finding]:
    """Every member and expected pay period (pay date on or before ``as_of``) for which
    mandatory contributions are missing or short.

    ``examined`` maps member id, then period start, to the cents remitted for the periods of
    membership to examine, all contribution types: (member, employer regular + special,
    pensionable pay on R rows). The database layer (screening.py) lists the periods with
    nothing of the member's share remitted, those at or below :func:`screening_limits` (for a
    member with a job change or a leave on record: at or below :func:`own_limits`), those
    the limits cannot price and the first period when it begins before the membership date;
    it may list more. A period not listed was remitted in full. ``members`` need only hold
    the members listed and those with a transfer found at another plan.
    """
    settings = settings or Settings()
    calc = _Calculator(employer)
    periods = expected_periods(employer, as_of)
    findings: list[Finding] = []
    spans = Spans(periods)
    for record in members:
        facts = record.facts
        mid = facts.id
        span = spans.of(facts)
        mine = examined.get(mid, EMPTY)
        if not span or (not mine and not record.wrong_plan):
            continue
        detector = _MemberDetector(record, calc, settings, periods, as_of)
        first_paid: list[dt.date | None] = []  # read once, when a period has nothing paid
        for i in span:
            period = periods[i]
            paid = mine.get(period.start)
            if paid is None:
                continue
            expected = detector.expected(period)
            if expected is None:
                continue
            remitted_member = Decimal(paid[0]) / 100
            remitted_employer = Decimal(paid[1]) / 100
            if expected.unknown:
                # the rates are not on record: a period with nothing remitted is listed for
                # staff, its amount to be computed (never a silent zero)
                if paid[0] or paid[1]:
                    continue
            elif not (
                _short(expected.member, remitted_member, settings)
                or _short(expected.employer, remitted_employer, settings)
            ):
                continue
            cause = expected.cause
            if cause in (NOT_REMITTED, RETRO_SALARY):
                if paid[0] == 0 and not first_paid:
                    first_paid.append(_first_paid(periods[span.start : span.stop], mine))
                first = first_paid[0] if first_paid else None
                if paid[0] == 0 and (first is None or period.start < first):
                    cause = LATE_START
                elif paid[2] > 0:
                    cause = RETRO_SALARY
                elif cause == RETRO_SALARY and paid[0] == 0:
                    cause = NOT_REMITTED
            notes = list(expected.notes)
            if cause in ADMINISTRATIVE:
                transfer = _wrong_plan(record, period.start, period.end)
                if transfer is not None:
                    cause = WRONG_PLAN
                    notes.insert(0, _wrong_plan_note(transfer))
            findings.append(
                Finding(
                    member_id=mid,
                    period=period,
                    cause=cause,
                    expected_member=expected.member,
                    expected_employer=expected.employer,
                    remitted_member=remitted_member,
                    remitted_employer=remitted_employer,
                    member_share_paid_by_employer=expected.by_employer,
                    note="; ".join(notes)[:300],
                    expected_earnings=expected.earnings,
                    plain_service=expected.plain,
                    amount_unknown=expected.unknown,
                )
            )
        if record.wrong_plan:
            findings.extend(
                _wrong_plan_gaps(record, detector, periods[span.start : span.stop], as_of, settings)
            )
    return findings


def _wrong_plan(record: MemberRecord, start: dt.date, end: dt.date) -> WrongPlanFacts | None:
    for transfer in record.wrong_plan:
        if transfer.start <= end and start <= transfer.end:
            return transfer
    return None


def _wrong_plan_note(transfer: WrongPlanFacts) -> str:
    return (
        f"remitted to {transfer.plan} in error (found {transfer.found_on.isoformat()}): "
        "transfer them to this plan"
    )


def _wrong_plan_gaps(
    record: MemberRecord,
    detector: _MemberDetector,
    periods: Sequence[PayPeriod],
    as_of: dt.date,
    settings: Settings,
) -> list[Finding]:
    """A transfer found at another plan opens the period as missed even where the employer
    sent this plan no pay data for it: each part of the transfer's period (within
    membership, ended by ``as_of``) that no expected pay period covers is one finding, priced
    on the salary on record for its days."""
    facts = record.facts
    found: list[Finding] = []
    frequency = periods[0].frequency if periods else Frequency.BIWEEKLY
    for transfer in record.wrong_plan:
        first = max(transfer.start, facts.membership_date)
        last = min(transfer.end, as_of, facts.termination_date or dt.date.max)
        day = first
        covered = sorted((p.start, p.end) for p in periods if p.start <= last and first <= p.end)
        gaps: list[tuple[dt.date, dt.date]] = []
        for start, end in covered:
            if start > day:
                gaps.append((day, start - dt.timedelta(days=1)))
            day = max(day, end + dt.timedelta(days=1))
        if day <= last:
            gaps.append((day, last))
        for start, end in gaps:
            gap = PayPeriod(start, end, end, frequency)
            per_year = pay_periods_per_year(frequency, end)
            share = Decimal(gap.days) * per_year / Decimal("365.25")
            expected = detector._service_expected(gap, share)
            if not expected.unknown and not _short(expected.member, ZERO, settings):
                continue
            found.append(
                Finding(
                    member_id=facts.id,
                    period=gap,
                    cause=WRONG_PLAN,
                    expected_member=expected.member,
                    expected_employer=expected.employer,
                    remitted_member=ZERO,
                    remitted_employer=ZERO,
                    note="; ".join(
                        [
                            _wrong_plan_note(transfer),
                            "no pay data sent to this plan",
                            *expected.notes,
                        ]
                    )[:300],
                    expected_earnings=expected.earnings,
                    amount_unknown=expected.unknown,
                )
            )
    return found


def reclassify_top_up(
    findings: Sequence[Finding],
    reported_pay: Mapping[tuple[int, dt.date], Decimal],
    settings: Settings,
) -> list[Finding]:
    """Top-up salary (reporting-pension-data.txt cause 2, "Top-Up Salary"): on regular
    service (no leave, no part-time arrangement), contributions were remitted on less
    pensionable pay than the salary on record gives. The employer owes both shares of the
    top-up portion. ``reported_pay`` is the pensionable pay reported for each (member,
    period start) of the findings given."""
    changed: list[Finding] = []
    for finding in findings:
        pay = reported_pay.get((finding.member_id, finding.period.start))
        if (
            finding.cause == NOT_REMITTED
            and finding.plain_service
            and finding.remitted_member > 0
            and pay is not None
            and pay > 0
            and _short(finding.expected_earnings, pay, settings)
        ):
            note = (
                f"pensionable pay reported ${pay:,.2f}; the salary on record gives "
                f"${finding.expected_earnings:,.2f}"
            )
            finding = replace(
                finding,
                cause=TOP_UP,
                member_share_paid_by_employer=True,
                note="; ".join(x for x in (note, finding.note) if x)[:300],
            )
        changed.append(finding)
    return changed


@dataclass(frozen=True, slots=True)
class Interest:
    member: Decimal
    employer: Decimal
    note: str = ""


def interest_on(
    finding_pay_date: dt.date,
    member_owed: Decimal,
    employer_owed: Decimal,
    by_employer: bool,
    until: dt.date,
    rates: InterestRates,
) -> Interest:
    """Late interest on the amounts owed, from the first day of delinquency until ``until``
    (remittance-timing.txt 'Late Remittance'; rules.deadlines.delinquency_start: member 15
    days after the deduction, employer and LTIP the end of the following month)."""
    member_kind = ContributionKind.LTIP if by_employer else ContributionKind.MEMBER
    employer_kind = ContributionKind.LTIP if by_employer else ContributionKind.EMPLOYER
    amounts: list[Decimal] = []
    try:
        for principal, kind in ((member_owed, member_kind), (employer_owed, employer_kind)):
            start = delinquency_start(kind, finding_pay_date)
            if principal <= 0 or until <= start:
                amounts.append(ZERO)
                continue
            amounts.append(late_interest(principal, start, until, rates).total)
    except ParameterNotInForce as missing:
        return Interest(ZERO, ZERO, f"interest not computed: {missing}"[:200])
    return Interest(amounts[0], amounts[1])
