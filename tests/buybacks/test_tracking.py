"""PAY buyback contributions tracked against the schedule; shortfalls flagged
(reporting-pension-data.txt 'Employer-administered deductions')."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pensionportal.buybacks import ledger
from pensionportal.buybacks.models import DeductionDirection
from pensionportal.buybacks.tracking import Due, Reported, State, track
from pensionportal.members.models import Contribution, Member
from tests.factories import make_staff

from .helpers import financed, opseu_member

D = Decimal
SCHEDULE = [
    Due(1, dt.date(2026, 1, 9), D("100.00")),
    Due(2, dt.date(2026, 1, 23), D("100.00")),
    Due(3, dt.date(2026, 2, 6), D("100.00")),
    Due(4, dt.date(2026, 2, 20), D("12.86")),
]


def test_each_scheduled_deduction_is_paid_short_missing_or_pending() -> None:
    reported = [
        Reported(dt.date(2026, 1, 9), D("100.00")),
        Reported(dt.date(2026, 1, 22), D("60.00")),  # a day early: still the first pay's
        Reported(dt.date(2026, 1, 23), D("40.00")),
        Reported(dt.date(2026, 2, 20), D("12.86")),
    ]
    result = track(SCHEDULE, reported, as_of=dt.date(2026, 3, 31))
    states = [line.state for line in result.lines]
    assert states == [State.OVERPAID, State.SHORT, State.MISSING, State.PAID]
    assert result.lines[1].shortfall == D("60.00")
    assert result.shortfall == D("160.00")
    assert len(result.flagged) == 2


def test_a_deduction_is_not_flagged_before_its_data_are_due() -> None:
    result = track(SCHEDULE, [], as_of=dt.date(2026, 2, 10))
    assert [line.state for line in result.lines] == [
        State.MISSING,
        State.MISSING,
        State.PENDING,
        State.PENDING,
    ]


def test_nothing_is_expected_after_the_buyback_stopped() -> None:
    result = track(SCHEDULE, [], as_of=dt.date(2026, 3, 31), stopped_on=dt.date(2026, 1, 31))
    assert [line.state for line in result.lines][2:] == [State.STOPPED, State.STOPPED]
    assert result.shortfall == D("200.00")


def test_amounts_before_the_schedule_are_listed_as_unscheduled() -> None:
    result = track(SCHEDULE, [Reported(dt.date(2025, 12, 1), D("5"))], as_of=dt.date(2026, 1, 1))
    assert result.unscheduled == (Reported(dt.date(2025, 12, 1), D("5")),)


def _pay(member: Member, pay_date: dt.date, buyback: Decimal) -> None:
    Contribution.objects.create(
        organization=member.organization,
        member=member,
        pay_date=pay_date,
        period_start=pay_date - dt.timedelta(days=13),
        period_end=pay_date,
        pay_cycle="biweekly",
        contribution_type="N",
        service_type="REG",
        pensionable_hours=D("75"),
        pensionable_pay=D("2683.09"),
        employee_regular=D("250"),
        buyback=buyback,
        employer_regular=D("250"),
        payment_reference="R1",
        source_submission_id=1,
        source_row=2,
    )


@pytest.mark.django_db
def test_the_ledger_buyback_amounts_are_compared_with_the_schedule() -> None:
    staff = make_staff(mfa=False)
    member = opseu_member()
    buyback = financed(staff, member)
    lines = list(DeductionDirection.objects.get(buyback=buyback).lines.all())
    _pay(member, lines[0].due_date, lines[0].member_payment)
    _pay(member, lines[1].due_date, lines[1].member_payment - D("50"))
    result = ledger.tracking_for(buyback, as_of=lines[5].due_date)
    assert result is not None
    assert result.lines[0].state == State.PAID
    assert result.lines[1].state == State.SHORT
    assert result.lines[1].shortfall == D("50.00")
    assert result.lines[2].state == State.MISSING
