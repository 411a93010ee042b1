"""Buyback deductions reported in PAY rows, tracked against the schedule. Pure Python.

Seed: reporting-pension-data.txt "Buyback deductions" / "Employer-administered deductions":
"The payment schedule established by OPTrust must be adhered to throughout the lifetime of
the buyback"; "The funds for both employee and employer must be remitted at the requested
amount."

Each scheduled deduction owns the pay dates from its due date up to (not including) the
next one's (the last owns one more pay period), so a pay date moved by a holiday still
counts. A deduction is checked once its data are due (`rules.deadlines.data_due_date`);
before that it is "pending". After the buyback stopped nothing more is expected.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.rules.deadlines import data_due_date

ZERO = Decimal("0.00")


class State(enum.StrEnum):
    PAID = "paid"
    OVERPAID = "overpaid"
    SHORT = "short"
    MISSING = "missing"
    PENDING = "pending"
    STOPPED = "stopped"


@dataclass(frozen=True)
class Due:
    number: int
    due_date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Reported:
    pay_date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class TrackedLine:
    number: int
    due_date: dt.date
    expected: Decimal
    reported: Decimal
    state: State

    @property
    def shortfall(self) -> Decimal:
        if self.state in (State.SHORT, State.MISSING):
            return self.expected - self.reported
        return ZERO

    @property
    def flagged(self) -> bool:
        return self.state in (State.SHORT, State.MISSING)


@dataclass(frozen=True)
class Tracking:
    lines: tuple[TrackedLine, ...]
    unscheduled: tuple[Reported, ...]  # reported on a pay date no deduction owns

    @property
    def shortfall(self) -> Decimal:
        return sum((line.shortfall for line in self.lines), ZERO)

    @property
    def flagged(self) -> tuple[TrackedLine, ...]:
        return tuple(line for line in self.lines if line.flagged)

    @property
    def reported_total(self) -> Decimal:
        return sum((line.reported for line in self.lines), ZERO)

    @property
    def expected_to_date(self) -> Decimal:
        return sum(
            (line.expected for line in self.lines if line.state not in (State.PENDING,)), ZERO
        )


def _windows(schedule: Sequence[Due]) -> list[tuple[dt.date, dt.date]]:
    dates = [due.due_date for due in schedule]
    if len(dates) == 1:
        return [(dates[0], dates[0] + dt.timedelta(days=14))]
    ends = [*dates[1:], dates[-1] + (dates[-1] - dates[-2])]
    return list(zip(dates, ends, strict=True))


def track(
    schedule: Sequence[Due],
    reported: Iterable[Reported],
    as_of: dt.date,
    stopped_on: dt.date | None = None,
) -> Tracking:
    rows = sorted(reported, key=lambda row: row.pay_date)
    if not schedule:
        return Tracking((), tuple(rows))
    windows = _windows(schedule)
    totals = [ZERO] * len(schedule)
    unscheduled: list[Reported] = []
    for row in rows:
        for index, (start, end) in enumerate(windows):
            if start <= row.pay_date < end:
                totals[index] += row.amount
                break
        else:
            unscheduled.append(row)
    lines = []
    for due, got in zip(schedule, totals, strict=True):
        if stopped_on is not None and due.due_date > stopped_on:
            state = State.STOPPED
            expected = ZERO
        else:
            expected = due.amount
            if got == expected:
                state = State.PAID
            elif got > expected:
                state = State.OVERPAID
            elif as_of <= data_due_date(due.due_date):
                state = State.PENDING
            else:
                state = State.SHORT if got > 0 else State.MISSING
        lines.append(TrackedLine(due.number, due.due_date, expected, got, state))
    return Tracking(tuple(lines), tuple(unscheduled))
