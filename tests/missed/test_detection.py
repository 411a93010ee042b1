"""The pure detection: one test per cause, elections, tolerance (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pensionportal.missed import detection as d
from pensionportal.rules.contributions import Plan
from pensionportal.rules.pay_cycles import Frequency
from tests.missed.reference import every_period

START = dt.date(2026, 1, 4)
PERIODS = [
    d.PayPeriod(
        START + dt.timedelta(days=14 * i),
        START + dt.timedelta(days=14 * i + 13),
        START + dt.timedelta(days=14 * i + 19),
        Frequency.BIWEEKLY,
    )
    for i in range(10)
]
EMPLOYER = d.Employer(Plan.SELECT, None, PERIODS)
AS_OF = dt.date(2026, 12, 31)
RATE = Decimal(60000)
# 60,000 / (365.25/14) = 2,299.79 a pay; 3 % = 68.99 each share
FULL = (6899, 6899, 0)


def facts(**overrides: object) -> d.MemberFacts:
    values: dict[str, object] = {
        "id": 1,
        "membership_date": dt.date(2025, 1, 1),
        "termination_date": None,
        "birth_date": dt.date(1980, 1, 1),
        "pay_rate": RATE,
        "employment_ratio": Decimal(1),
    }
    values.update(overrides)
    return d.MemberFacts(**values)  # type: ignore[arg-type]


def paid_all(
    except_: frozenset[int] | set[int] = frozenset(), amount: tuple[int, int, int] = FULL
) -> dict[int, dict[dt.date, tuple[int, int, int]]]:
    return {1: {p.start: amount for i, p in enumerate(PERIODS) if i not in except_}}


def run(
    record: d.MemberRecord, ledger: dict[int, dict[dt.date, tuple[int, int, int]]]
) -> list[d.Finding]:
    return d.detect(EMPLOYER, [record], every_period(ledger, PERIODS), AS_OF)


def test_a_fully_paid_member_has_no_finding() -> None:
    assert run(d.MemberRecord(facts()), paid_all()) == []


def test_it_finds_a_period_not_remitted_with_both_shares() -> None:
    [found] = run(d.MemberRecord(facts()), paid_all({4}))
    assert found.cause == d.NOT_REMITTED
    assert found.period == PERIODS[4]
    assert (found.member_owed, found.employer_owed) == (Decimal("68.99"), Decimal("68.99"))


def test_it_finds_a_short_period() -> None:
    ledger = paid_all()
    ledger[1][PERIODS[2].start] = (3000, 3000, 0)
    [found] = run(d.MemberRecord(facts()), ledger)
    assert found.cause == d.NOT_REMITTED
    assert found.member_owed == Decimal("38.99")


def test_small_differences_within_the_tolerance_are_not_findings() -> None:
    ledger = paid_all(amount=(6700, 6700, 0))  # 2.9 % short: a 27-pay year's division
    assert run(d.MemberRecord(facts()), ledger) == []


def test_deductions_that_began_after_the_membership_date_are_a_late_start() -> None:
    found = run(d.MemberRecord(facts()), paid_all({0, 1, 2}))
    assert [f.cause for f in found] == [d.LATE_START] * 3


def test_retro_salary_reported_without_contributions() -> None:
    ledger = paid_all()
    ledger[1][PERIODS[5].start] = (6899, 6899, 50000)  # R row: $500 of pay, no contributions
    changes = [
        d.JobChange(dt.date(2025, 1, 1), "ATB", Decimal(60000), None),
        d.JobChange(PERIODS[5].start, "ATB", Decimal(70000), None),
    ]
    found = run(d.MemberRecord(facts(), changes=changes), ledger)
    assert [f.cause for f in found] == [d.RETRO_SALARY] * 5  # periods 5..9 at the new rate
    assert found[0].expected_member == Decimal("80.49")


def test_an_unpaid_leave_of_30_days_or_less_is_mandatory_after_the_return() -> None:
    leave = d.LeaveFacts("DISC", PERIODS[3].start, PERIODS[3].end)  # 14 days
    [found] = run(d.MemberRecord(facts(), leaves=[leave]), paid_all({3}))
    assert found.cause == d.SHORT_LEAVE
    assert found.member_owed == Decimal("68.99")


def test_a_short_leave_not_yet_ended_is_not_yet_missed() -> None:
    leave = d.LeaveFacts("DISC", PERIODS[9].start, None, PERIODS[9].end)
    assert run(d.MemberRecord(facts(), leaves=[leave]), paid_all({9})) == []


def test_a_statutory_leave_without_an_election_is_mandatory() -> None:
    leave = d.LeaveFacts("ESA_PAR", PERIODS[2].start, None, dt.date(2027, 6, 1))
    found = run(d.MemberRecord(facts(), leaves=[leave]), paid_all(set(range(2, 10))))
    assert {f.cause for f in found} == {d.STATUTORY_NO_ELECTION}
    assert len(found) == 8


def test_a_written_election_not_to_contribute_removes_the_requirement() -> None:
    leave = d.LeaveFacts("ESA_PAR", PERIODS[2].start, None, dt.date(2027, 6, 1))
    election = d.ElectionFacts("1025", "not_contribute", leave.start, None, leave.start)
    record = d.MemberRecord(facts(), leaves=[leave], elections=[election])
    assert run(record, paid_all(set(range(2, 10)))) == []


def test_an_election_received_after_the_leave_began_leaves_earlier_periods_mandatory() -> None:
    leave = d.LeaveFacts("ESA_PAR", PERIODS[2].start, None, dt.date(2027, 6, 1))
    late = d.ElectionFacts("1025", "not_contribute", leave.start, None, PERIODS[4].start)
    record = d.MemberRecord(facts(), leaves=[leave], elections=[late])
    found = run(record, paid_all(set(range(2, 10))))
    assert [f.period for f in found] == PERIODS[2:4]
    assert "received late" in found[0].note


def test_an_election_to_contribute_from_the_sub_allowance_that_was_not_remitted() -> None:
    leave = d.LeaveFacts("ESA_PAR", PERIODS[2].start, PERIODS[5].end)
    election = d.ElectionFacts(
        "1025", "contribute", leave.start, leave.end, leave.start, PERIODS[2].start, PERIODS[3].end
    )
    found = run(
        d.MemberRecord(facts(), leaves=[leave], elections=[election]), paid_all({2, 3, 4, 5})
    )
    assert {f.cause for f in found} == {d.STATUTORY_ELECTED}
    assert "SUB allowance" in found[0].note


def test_a_discretionary_leave_over_30_days_is_not_mandatory() -> None:
    leave = d.LeaveFacts("DISC", PERIODS[2].start, PERIODS[6].end)
    assert run(d.MemberRecord(facts(), leaves=[leave]), paid_all({2, 3, 4, 5, 6})) == []


def test_ltip_contributions_are_owed_with_both_shares_paid_by_the_employer() -> None:
    leave = d.LeaveFacts("LTIP", PERIODS[6].start, None, None, PERIODS[6].start)
    found = run(d.MemberRecord(facts(), leaves=[leave]), paid_all({6, 7, 8, 9}))
    assert {f.cause for f in found} == {d.LTIP}
    assert all(f.member_share_paid_by_employer for f in found)


def test_a_part_time_arrangement_without_an_election_owes_regular_hours() -> None:
    changes = [
        d.JobChange(
            PERIODS[4].start, "CHG", None, Decimal("0.6"), "Temporary part-time work arrangement"
        )
    ]
    reduced = (4139, 4139, 0)  # 3 % of 60 % of the pay
    ledger = paid_all()
    for p in PERIODS[4:]:
        ledger[1][p.start] = reduced
    found = run(d.MemberRecord(facts(employment_ratio=Decimal("0.6")), changes=changes), ledger)
    assert {f.cause for f in found} == {d.TPT_NO_ELECTION}
    assert found[0].member_owed == Decimal("27.60")


def test_a_part_time_arrangement_with_an_election_for_reduced_hours_is_not_missed() -> None:
    changes = [d.JobChange(PERIODS[4].start, "CHG", None, Decimal("0.6"), "TPT arrangement")]
    election = d.ElectionFacts("1030", "reduced_hours", PERIODS[4].start, None, PERIODS[3].start)
    ledger = paid_all()
    for p in PERIODS[4:]:
        ledger[1][p.start] = (4139, 4139, 0)
    record = d.MemberRecord(facts(), changes=changes, elections=[election])
    assert run(record, ledger) == []


def test_an_election_for_regular_hours_not_honoured_is_its_own_cause() -> None:
    changes = [d.JobChange(PERIODS[4].start, "CHG", None, Decimal("0.6"), "arrangement")]
    election = d.ElectionFacts("1030", "regular_hours", PERIODS[4].start, None, PERIODS[3].start)
    ledger = paid_all()
    ledger[1][PERIODS[4].start] = (4139, 4139, 0)
    [found] = run(d.MemberRecord(facts(), changes=changes, elections=[election]), ledger)
    assert found.cause == d.TPT_REGULAR_HOURS


def test_periods_outside_membership_are_not_expected() -> None:
    record = d.MemberRecord(
        facts(membership_date=PERIODS[5].start, termination_date=PERIODS[7].end)
    )
    found = run(record, {1: {}})
    assert [f.period for f in found] == PERIODS[5:8]
    assert {f.cause for f in found} == {d.LATE_START}


def test_future_pay_dates_are_not_expected() -> None:
    found = d.detect(
        EMPLOYER, [d.MemberRecord(facts())], every_period({1: {}}, PERIODS), PERIODS[1].pay_date
    )
    assert len(found) == 2


def test_a_period_missed_after_a_paid_first_period_of_membership_is_not_a_late_start() -> None:
    # reporting-pension-data.txt cause 1 "Late Start": deductions that did not commence at the
    # plan membership date. Here they did (the part-period in which membership began was
    # remitted); the period missed after it is not remitted, as for a member with a recorded
    # job change. Before issue 18 a member without one was given a late start.
    member = facts(membership_date=PERIODS[0].start + dt.timedelta(days=5))
    ledger = paid_all({1})
    [found] = run(d.MemberRecord(member), ledger)
    assert (found.period, found.cause) == (PERIODS[1], d.NOT_REMITTED)
