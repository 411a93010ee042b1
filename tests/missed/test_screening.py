"""Detection with the ledger screened in the database (issue 18) finds what examining every
member and period in Python finds (tests/missed/reference.py), on a varied ledger: periods
missed, short, paid in several rows, a late start, top-up salary, a raise paid late, a short
leave, a part-period at the start of membership, a termination, a member never remitted,
another pay rate and a missing ratio, an off-cycle row, a retroactive row, a transfer found
at another plan, two gaps between paid periods, an employer's share short and a row
without the member's share; and members with a job change or a leave on record (screened on
their own limits): part-time arrangements with and without an election, statutory leaves,
LTIP, a long discretionary leave, a raise paid on time and late.

Runs on SQLite (`make test`) and on PostgreSQL (`scripts/ci_postgres.sh`): on PostgreSQL
both of its queries (by member with the periods as bits, and by member and period)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest

from pensionportal.accounts.models import Organization, User
from pensionportal.members.models import EmploymentChange, Leave, Member
from pensionportal.missed import detection as d
from pensionportal.missed import loading, screening
from pensionportal.missed.models import Election, WrongPlanTransfer
from tests.factories import make_member, make_org, make_staff, valid_sin

from . import reference
from .helpers import applied_pay, contribution, period

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 12, 31)
CYCLES = 8
D = Decimal
_sins = itertools.count(9000)


def _member(org: Organization, **fields: Any) -> Member:
    return make_member(org, sin=valid_sin(next(_sins)), **fields)


def _pay(member: Member, cycles: range | list[int], **amounts: Any) -> None:
    for i in cycles:
        contribution(member, i, **amounts)


def _varied_ledger() -> tuple[Organization, dict[str, Member]]:
    org = make_org()
    staff = make_staff(mfa=False)
    for i in range(CYCLES):
        applied_pay(org, i, staff)
    every = range(CYCLES)
    m: dict[str, Member] = {}

    m["full"] = _member(org)
    _pay(m["full"], every)

    m["missing"] = _member(org)
    _pay(m["missing"], [i for i in every if i != 3])

    m["two_gaps"] = _member(org)  # two periods missed between paid ones
    _pay(m["two_gaps"], [i for i in every if i not in (2, 5)])

    m["half"] = _member(org)  # the member's share half paid in period 2
    _pay(m["half"], [i for i in every if i != 2])
    contribution(m["half"], 2, member_share="34.50")

    m["split"] = _member(org)  # period 4 in two rows that make it whole; 5 in two short
    _pay(m["split"], [i for i in every if i not in (4, 5)])
    contribution(m["split"], 4, member_share="40.00", employer_share="40.00", pay="1300.00")
    contribution(m["split"], 4, member_share="28.99", employer_share="28.99", pay="999.79")
    contribution(m["split"], 5, member_share="30.00", employer_share="30.00")
    contribution(m["split"], 5, member_share="30.00", employer_share="30.00")

    m["late"] = _member(org)  # deductions began two periods after membership
    _pay(m["late"], range(2, CYCLES))

    m["top_up"] = _member(org)  # period 6 on $1,500 of pay instead of $2,299.79
    _pay(m["top_up"], [i for i in every if i != 6])
    contribution(m["top_up"], 6, member_share="45.00", employer_share="45.00", pay="1500.00")

    m["raise"] = _member(org, pay_rate=D(66000))  # raised from period 4, paid on the old
    _pay(m["raise"], every)
    EmploymentChange.objects.create(
        member=m["raise"], effective_date=dt.date(2020, 1, 6), event_type="HIR", pay_rate=D(60000)
    )
    EmploymentChange.objects.create(
        member=m["raise"], effective_date=period(4)[0], event_type="ATB", pay_rate=D(66000)
    )

    m["leave"] = _member(org)  # a 14-day unpaid leave in period 5, back before its pay
    _pay(m["leave"], [i for i in every if i != 5])
    Leave.objects.create(
        member=m["leave"], leave_type="DISC", start_date=period(5)[0], end_date=period(5)[1]
    )

    m["joined"] = _member(org, membership_date=period(0)[0] + dt.timedelta(days=5))
    _pay(m["joined"], [i for i in every if i != 1])

    m["terminated"] = _member(org, termination_date=period(4)[1])
    _pay(m["terminated"], [0, 2, 3, 4])

    m["never"] = _member(org)

    m["other_rate"] = _member(org, pay_rate=D(52000), employment_ratio=None)
    _pay(m["other_rate"], range(CYCLES - 1), member_share="59.79", employer_share="59.79")
    contribution(m["other_rate"], CYCLES - 1, member_share="50.00", employer_share="50.00")

    m["off_cycle"] = _member(org)  # a correction row dated mid-period is not a period
    _pay(m["off_cycle"], every)
    contribution(m["off_cycle"], 3, member_share="0", employer_share="0")
    m["off_cycle"].contributions.filter(employee_regular=0).update(
        period_start=period(3)[0] + dt.timedelta(days=7)
    )

    m["retro"] = _member(org)  # period 2 short, with $500 of retroactive pay reported
    _pay(m["retro"], [i for i in every if i != 2])
    contribution(m["retro"], 2, member_share="60.00", employer_share="60.00")
    contribution(m["retro"], 2, kind="R", member_share="0", employer_share="0", pay="500.00")

    m["wrong_plan"] = _member(org)  # periods 5 and 6 were remitted to another plan
    _pay(m["wrong_plan"], [i for i in every if i not in (5, 6)])
    WrongPlanTransfer.objects.create(
        member=m["wrong_plan"],
        other_plan="Ontario Pension Board",
        period_start=period(5)[0],
        period_end=period(6)[1],
        found_on=dt.date(2026, 9, 1),
        recorded_by=staff,
    )

    m["employer_short"] = _member(org)
    _pay(m["employer_short"], [i for i in every if i != 3])
    contribution(m["employer_short"], 3, employer_share="40.00")

    m["no_member_share"] = _member(org)
    _pay(m["no_member_share"], [i for i in every if i != 2])
    contribution(m["no_member_share"], 2, member_share="0")
    return org, m


# (member, period index, cause, remitted member, remitted employer): worked out by hand from
# the rules (reporting-pension-data.txt causes 1-6; select-employer-manual.txt §1 leaves).
EXPECTED = [
    ("missing", 3, d.NOT_REMITTED, "0", "0"),
    ("two_gaps", 2, d.NOT_REMITTED, "0", "0"),
    ("two_gaps", 5, d.NOT_REMITTED, "0", "0"),
    ("half", 2, d.NOT_REMITTED, "34.50", "68.99"),
    ("split", 5, d.NOT_REMITTED, "60.00", "60.00"),
    ("late", 0, d.LATE_START, "0", "0"),
    ("late", 1, d.LATE_START, "0", "0"),
    ("top_up", 6, d.TOP_UP, "45.00", "45.00"),
    ("raise", 4, d.RETRO_SALARY, "68.99", "68.99"),
    ("raise", 5, d.RETRO_SALARY, "68.99", "68.99"),
    ("raise", 6, d.RETRO_SALARY, "68.99", "68.99"),
    ("raise", 7, d.RETRO_SALARY, "68.99", "68.99"),
    ("leave", 5, d.SHORT_LEAVE, "0", "0"),
    ("joined", 1, d.NOT_REMITTED, "0", "0"),
    ("terminated", 1, d.NOT_REMITTED, "0", "0"),
    *[("never", i, d.LATE_START, "0", "0") for i in range(CYCLES)],
    ("other_rate", CYCLES - 1, d.NOT_REMITTED, "50.00", "50.00"),
    ("retro", 2, d.RETRO_SALARY, "60.00", "60.00"),
    ("wrong_plan", 5, d.WRONG_PLAN, "0", "0"),
    ("wrong_plan", 6, d.WRONG_PLAN, "0", "0"),
    ("employer_short", 3, d.NOT_REMITTED, "68.99", "40.00"),
    ("no_member_share", 2, d.NOT_REMITTED, "0", "68.99"),
]


def _key(f: d.Finding) -> tuple[int, dt.date, dt.date]:
    return (f.member_id, f.period.start, f.period.end)


def test_the_database_screening_finds_what_examining_everything_in_python_finds(
    django_assert_max_num_queries: Any,
) -> None:
    org, members = _varied_ledger()
    with django_assert_max_num_queries(20):  # a fixed number, whatever the members
        found = sorted(loading.detect_findings(org, AS_OF), key=_key)
    label = {member.pk: name for name, member in members.items()}
    got = [
        (
            label[f.member_id],
            [period(i)[0] for i in range(CYCLES)].index(f.period.start),
            f.cause,
            f.remitted_member,
            f.remitted_employer,
        )
        for f in found
    ]
    want = sorted(
        [(name, i, cause, D(m), D(e)) for name, i, cause, m, e in EXPECTED],
        key=lambda row: (members[row[0]].pk, row[1]),
    )
    assert got == want
    # ... and every field the same as the whole ledger examined in Python
    assert found == sorted(reference.findings(org, AS_OF), key=_key)


def test_a_member_with_a_job_change_is_screened_on_the_rate_in_force() -> None:
    # the pay rate on record is the raised one; the screening's limits for this member are
    # those of the rate in force in each period (here: short on the old rate from period 4)
    org, members = _varied_ledger()
    found = [f for f in loading.detect_findings(org, AS_OF) if f.member_id == members["raise"].pk]
    assert [f.expected_member for f in found] == [D("75.89")] * 4


REDUCED = "41.39"  # 60 % of a full period's 68.99


def _arrangement(member: Member, i: int) -> None:
    EmploymentChange.objects.create(
        member=member,
        effective_date=period(i)[0],
        event_type="CHG",
        employment_ratio=D("0.6"),
        reason="Temporary part-time work arrangement",
    )


def _election(member: Member, staff: User, form: str, choice: str, i: int) -> None:
    Election.objects.create(
        member=member,
        form=form,
        choice=choice,
        applies_from=period(i)[0],
        received_date=period(i)[0] - dt.timedelta(days=10),
        recorded_by=staff,
    )


def _history_ledger() -> tuple[Organization, dict[str, Member]]:
    """Members whose expected contributions vary by period: job changes and leaves."""
    org = make_org()
    staff = make_staff(mfa=False)
    for i in range(CYCLES):
        applied_pay(org, i, staff)
    every = range(CYCLES)
    m: dict[str, Member] = {}

    m["full"] = _member(org)  # a member without history beside them
    _pay(m["full"], every)

    m["tpt_no_election"] = _member(org)  # from period 2 at 60 %, paid on reduced hours
    _arrangement(m["tpt_no_election"], 2)
    _pay(m["tpt_no_election"], range(2))
    _pay(m["tpt_no_election"], range(2, CYCLES), member_share=REDUCED, employer_share=REDUCED)

    m["tpt_reduced"] = _member(org)  # the same with an election for reduced hours: none
    _arrangement(m["tpt_reduced"], 2)
    _election(m["tpt_reduced"], staff, "1030", "reduced_hours", 2)
    _pay(m["tpt_reduced"], range(2))
    _pay(m["tpt_reduced"], range(2, CYCLES), member_share=REDUCED, employer_share=REDUCED)

    m["tpt_reduced_short"] = _member(org)  # same limits as the one above; period 6 short
    _arrangement(m["tpt_reduced_short"], 2)
    _election(m["tpt_reduced_short"], staff, "1030", "reduced_hours", 2)
    _pay(m["tpt_reduced_short"], range(2))
    _pay(m["tpt_reduced_short"], [2, 3, 4, 5, 7], member_share=REDUCED, employer_share=REDUCED)
    contribution(m["tpt_reduced_short"], 6, member_share="20.00", employer_share="20.00")

    m["tpt_regular"] = _member(org)  # an arrangement paid on regular hours: none
    _arrangement(m["tpt_regular"], 3)
    _pay(m["tpt_regular"], every)

    m["statutory"] = _member(org)  # a six-week parental leave, no election, nothing paid
    Leave.objects.create(
        member=m["statutory"],
        leave_type="ESA_PAR",
        start_date=period(3)[0],
        end_date=period(5)[1],
    )
    _pay(m["statutory"], [i for i in every if i not in (3, 4, 5)])

    m["elected_paid"] = _member(org)  # elected to contribute and paid in full: none
    Leave.objects.create(
        member=m["elected_paid"],
        leave_type="ESA_PAR",
        start_date=period(3)[0],
        end_date=period(5)[1],
    )
    _election(m["elected_paid"], staff, "1025", "contribute", 3)
    _pay(m["elected_paid"], every)

    m["ltip"] = _member(org)  # on LTIP from period 4, open: both shares by the employer
    Leave.objects.create(
        member=m["ltip"],
        leave_type="LTIP",
        start_date=period(4)[0],
        expected_end_date=period(7)[1] + dt.timedelta(days=200),
    )
    _pay(m["ltip"], range(4))
    _pay(m["ltip"], [5], member_share="0", employer_share="137.98")

    m["discretionary"] = _member(org)  # 60 days, not mandatory, nothing paid: none
    Leave.objects.create(
        member=m["discretionary"],
        leave_type="DISC",
        start_date=period(2)[0],
        end_date=period(2)[0] + dt.timedelta(days=59),
    )
    _pay(m["discretionary"], [0, 1, 7])

    m["illness_part"] = _member(org)  # five days of illness in period 6, the rest short
    Leave.objects.create(
        member=m["illness_part"],
        leave_type="ILL",
        start_date=period(6)[0],
        end_date=period(6)[0] + dt.timedelta(days=4),
    )
    _pay(m["illness_part"], [i for i in every if i != 6])
    contribution(m["illness_part"], 6, member_share="30.00", employer_share="30.00")

    m["raise_paid"] = _member(org, pay_rate=D(66000))  # raised in period 4, paid on time
    EmploymentChange.objects.create(
        member=m["raise_paid"],
        effective_date=dt.date(2020, 1, 6),
        event_type="HIR",
        pay_rate=D(60000),
    )
    EmploymentChange.objects.create(
        member=m["raise_paid"],
        effective_date=period(4)[0],
        event_type="ATB",
        pay_rate=D(66000),
    )
    _pay(m["raise_paid"], range(4))
    _pay(m["raise_paid"], range(4, CYCLES), member_share="75.89", employer_share="75.89")
    return org, m


def _found_by_label(
    found: list[d.Finding], members: dict[str, Member]
) -> dict[str, list[tuple[int, str]]]:
    label = {member.pk: name for name, member in members.items()}
    starts = [period(i)[0] for i in range(CYCLES)]
    by: dict[str, list[tuple[int, str]]] = {}
    for f in found:
        by.setdefault(label[f.member_id], []).append((starts.index(f.period.start), f.cause))
    return by


def test_members_with_a_job_change_or_a_leave_are_screened_on_their_own_limits() -> None:
    org, members = _history_ledger()
    found = sorted(loading.detect_findings(org, AS_OF), key=_key)
    assert found == sorted(reference.findings(org, AS_OF), key=_key)
    by = _found_by_label(found, members)
    assert by["tpt_no_election"] == [(i, d.TPT_NO_ELECTION) for i in range(2, CYCLES)]
    assert by["tpt_reduced_short"] == [(6, d.NOT_REMITTED)]
    assert by["statutory"] == [(i, d.STATUTORY_NO_ELECTION) for i in (3, 4, 5)]
    # period 5's row is the employer's own share only: both are owed by the employer
    assert by["ltip"] == [(i, d.LTIP) for i in (4, 5, 6, 7)]
    assert by["illness_part"] == [(6, d.SHORT_LEAVE)]  # the leave names the period
    for none in ("full", "tpt_reduced", "tpt_regular", "elected_paid", "raise_paid"):
        assert none not in by
    # the leave's whole periods owe nothing; period 6 has four days of it and ten of service
    assert [i for i, _ in by["discretionary"]] == [6]


def test_only_the_periods_at_or_below_their_own_limits_come_into_python() -> None:
    org, members = _history_ledger()
    employer = loading.employer_of(org)
    periods = d.expected_periods(employer, AS_OF)
    histories = loading.histories_of(org)
    varying = loading.member_records(org, loading.member_facts(org, histories.varying()), histories)
    screened = screening.screen(org, employer, periods, loading.settings_for(org), AS_OF, varying)
    examined = {
        name: sorted(periods.index(next(p for p in periods if p.start == s)) for s in mine)
        for name, member in members.items()
        if (mine := screened.examined.get(member.pk))
    }
    for paid_in_full in ("full", "tpt_reduced", "tpt_regular", "elected_paid", "raise_paid"):
        assert paid_in_full not in examined
    assert examined["tpt_reduced_short"] == [6]
    assert examined["illness_part"] == [6]
    # nothing of the member's share remitted is always examined (a late start is told so)
    assert examined["discretionary"] == [2, 3, 4, 5, 6]


@pytest.mark.parametrize("ledger", [_varied_ledger, _history_ledger])
def test_the_query_by_member_and_period_finds_the_same(ledger: Any, monkeypatch: Any) -> None:
    # PostgreSQL with more periods than a bigint has bits (SQLite always) sums the ledger by
    # member and period first: the same findings
    org, _ = ledger()
    monkeypatch.setattr(screening, "MASKED_PERIODS", 0)
    found = sorted(loading.detect_findings(org, AS_OF), key=_key)
    assert found == sorted(reference.findings(org, AS_OF), key=_key)


def test_an_employer_without_pay_cycles_has_no_findings() -> None:
    org = make_org()
    make_member(org)
    assert loading.detect_findings(org, AS_OF) == []
