"""PAY checks against the member's record and the employer's applied PAY history (issue 16,
"Checks from the payroll history"). Each finds a WARNING a payroll clerk confirms or fixes,
naming the row, the figure and what it was compared with.

The registry is asked once per file (:meth:`RegistryView.pay_history`, and
:meth:`RegistryView.member_names` for the members a warning names), never once per row.

Sources: select-employer-manual.txt §2 'Contribution Data' (a row per member per pay
period; Pensionable Hours and Pay "in the pay cycle"), 'Termination Data' and 'Leave Data'
(a member who leaves or goes on leave is reported by TER or LOA), §1 'Leaves of Absence';
reporting-pension-data.txt 'Buyback deductions' ("The funds for both employee and employer
must be remitted at the requested amount"). Thresholds: the dated parameters
``pay_change_warning_percent`` and ``pay_ceiling_multiple`` (Choices, docs/datafiles.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from operator import attrgetter, is_, ne

from pensionportal.datafiles.model import ParsedFile
from pensionportal.datafiles.problems import FieldColumn, Problem
from pensionportal.datafiles.registry import MemberFacts, PayHistory, RegistryView
from pensionportal.rules import parameters
from pensionportal.rules.pay_cycles import Frequency, pay_periods_per_year, weeks_per_year

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
_FREQUENCIES = {
    "weekly": Frequency.WEEKLY,
    "bi-weekly": Frequency.BIWEEKLY,
    "semi-monthly": Frequency.SEMI_MONTHLY,
    "monthly": Frequency.MONTHLY,
    "annually": Frequency.ANNUAL,
}


@dataclass(slots=True)
class _Paid:
    """A member's Normal (N) rows in the file: the first row's number and the totals.
    Slots, and the first row's amounts kept as they are (no new Decimal): a 100,000-row
    file builds one per member."""

    row: int
    pay: Decimal
    hours: Decimal
    regular_pay: Decimal  # on Regular (REG) service rows
    readable: bool  # every row's pay and hours could be read


@dataclass(frozen=True, slots=True)
class _PaidFile:
    """What the checks of paid members read: the file, each readable member's Normal rows
    and their record; and the list the checks add their problems to."""

    parsed: ParsedFile
    paid: Mapping[str, _Paid]
    facts: Mapping[str, MemberFacts]
    problems: list[Problem]


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _normal_rows(
    parsed: ParsedFile,
) -> tuple[dict[str, _Paid], dict[str, tuple[int, Decimal]], set[str]]:
    """Per member: its Normal rows' totals; its buyback contributions (any row type); and
    every Employee ID with a row of any type (a row with an unreadable type still counts)."""
    fast = _one_normal_row_each(parsed)
    if fast is not None:
        return fast
    present: set[str] = set()
    paid: dict[str, _Paid] = {}
    buybacks: dict[str, tuple[int, Decimal]] = {}
    for number, employee, kind, service, hours, pay, buyback in zip(
        parsed.rows.numbers,
        parsed.column("employee_id"),
        parsed.column("contribution_type"),
        parsed.column("service_type"),
        parsed.column("pensionable_hours"),
        parsed.column("pensionable_pay"),
        parsed.column("buyback"),
        strict=True,
    ):
        if not isinstance(employee, str):
            continue
        present.add(employee)
        if isinstance(buyback, Decimal):
            first, total = buybacks.get(employee, (number, ZERO))
            buybacks[employee] = (first, total + buyback)
        if kind != "N":
            continue
        readable = isinstance(pay, Decimal) and isinstance(hours, Decimal)
        pay_ = pay if isinstance(pay, Decimal) else ZERO
        hours_ = hours if isinstance(hours, Decimal) else ZERO
        regular = pay_ if service == "REG" else ZERO
        entry = paid.get(employee)
        if entry is None:
            paid[employee] = _Paid(number, pay_, hours_, regular, readable)
            continue
        entry.pay += pay_
        entry.hours += hours_
        entry.regular_pay += regular
        entry.readable = entry.readable and readable
    return paid, buybacks, present


def _one_normal_row_each(
    parsed: ParsedFile,
) -> tuple[dict[str, _Paid], dict[str, tuple[int, Decimal]], set[str]] | None:
    """:func:`_normal_rows` for the usual file - one Normal row per member, every Employee
    ID, pay and hours read, no buyback - in one comprehension; None for any other file."""
    employees = parsed.column("employee_id")
    present = set(employees)
    if (
        len(present) != len(employees)
        or None in present
        or not all(map(is_, parsed.column("buyback"), repeat(None)))
        or any(map(ne, parsed.column("contribution_type"), repeat("N")))
    ):
        return None
    pays, hours = parsed.column("pensionable_pay"), parsed.column("pensionable_hours")
    if not (_all_decimal(pays) and _all_decimal(hours)):
        return None
    paid = {
        employee: _Paid(number, pay, worked, pay if service == "REG" else ZERO, True)  # type: ignore[arg-type]
        for number, employee, service, worked, pay in zip(
            parsed.rows.numbers,
            employees,
            parsed.column("service_type"),
            hours,
            pays,
            strict=True,
        )
    }
    return paid, {}, present  # type: ignore[return-value]


def _all_decimal(column: Sequence[object]) -> bool:
    return all(map(isinstance, column, repeat(Decimal)))


def check_history(
    parsed: ParsedFile,
    facts: Mapping[str, MemberFacts],
    registry: RegistryView,
    problems: list[Problem],
) -> None:
    header = parsed.header
    if header is None:
        return
    values = header.values
    start, end = values.get("period_start"), values.get("period_end")
    pay_date, cycle = values.get("pay_date"), values.get("pay_cycle")
    if not (
        isinstance(start, dt.date) and isinstance(end, dt.date) and isinstance(pay_date, dt.date)
    ):
        return
    everyone, buybacks, present = _normal_rows(parsed)
    paid = (  # an unreadable pay: its error
        everyone
        if all(map(_READABLE, everyone.values()))
        else {e: p for e, p in everyone.items() if p.readable}
    )
    checked = _PaidFile(parsed, paid, facts, problems)
    frequency = _FREQUENCIES.get(cycle) if isinstance(cycle, str) else None
    if frequency is not None:
        check_ceiling(checked, pay_date, frequency)
        check_full_time_hours(checked, pay_date, frequency)
    check_paid_on_leave(checked, start)
    history = registry.pay_history(start, end, pay_date)
    check_pay_change(checked, history, pay_date)
    check_buyback_deductions(parsed, everyone, buybacks, history, problems)
    absent = missing_members(present, facts, history, end, registry)
    if absent:
        names = registry.member_names(absent)
        report_missing(absent, names, history, problems)


_PAY_RATE = attrgetter("annual_pay_rate")
_STANDARD_HOURS = attrgetter("standard_hours")
_PAY = attrgetter("pay")
_HOURS = attrgetter("hours")


def _above_record(
    checked: _PaidFile,
    on_record: Callable[[MemberFacts], Decimal | None],
    limit_of: Callable[[Decimal], Decimal],
    reported: Callable[[_Paid], Decimal],
) -> Iterator[tuple[str, _Paid, Decimal, Decimal]]:
    """Each member whose reported figure is above the limit their record gives: (Employee
    ID, their rows, the figure on record, the limit). The limit is computed once for each
    figure on record (members share pay rates and full-time hours)."""
    limits: dict[Decimal, Decimal] = {}
    get = checked.facts.get
    for employee, entry in checked.paid.items():
        member = get(employee)
        recorded = on_record(member) if member is not None else None
        if not recorded:
            continue
        limit = limits.get(recorded)
        if limit is None:
            limit = limits[recorded] = limit_of(recorded)
        if reported(entry) > limit:
            yield employee, entry, recorded, limit


def check_ceiling(checked: _PaidFile, pay_date: dt.date, frequency: Frequency) -> None:
    """Pensionable Pay above ``pay_ceiling_multiple`` times the period's share of the
    member's annual pay rate on record (the $9,999,999 biweekly case)."""
    multiple = parameters.load("pay_ceiling_multiple").decimal_at(pay_date)
    periods = pay_periods_per_year(frequency, pay_date)
    column = FieldColumn.of(checked.parsed.template, "pensionable_pay")

    def ceiling_of(rate: Decimal) -> Decimal:
        return ((rate / periods).quantize(CENT) * multiple).quantize(CENT)

    for employee, entry, rate, ceiling in _above_record(checked, _PAY_RATE, ceiling_of, _PAY):
        share = (rate / periods).quantize(CENT)
        checked.problems.append(
            column.problem(
                "pay.above_ceiling",
                f"Pensionable Pay {_money(entry.pay)} for Employee ID {employee} is more than "
                f"{multiple:g} times the pay for one {frequency.value} period at the "
                f"annual pay rate on record ({_money(rate)} a year = {_money(share)} a "
                f"period; limit {_money(ceiling)}). Check the amount; if the pay rate "
                "changed, send an EMCHG record.",
                entry.row,
                str(entry.pay),
            )
        )


def check_full_time_hours(checked: _PaidFile, pay_date: dt.date, frequency: Frequency) -> None:
    """Pensionable Hours above the period's full-time hours: the member's full-time weekly
    hours on record times the weeks in one period (365.25 / 7 / periods a year)."""
    weeks = weeks_per_year(pay_date) / pay_periods_per_year(frequency, pay_date)
    column = FieldColumn.of(checked.parsed.template, "pensionable_hours")

    def full_time_of(weekly: Decimal) -> Decimal:
        return (weekly * weeks).quantize(CENT)

    for employee, entry, weekly, full_time in _above_record(
        checked, _STANDARD_HOURS, full_time_of, _HOURS
    ):
        checked.problems.append(
            column.problem(
                "pay.hours_above_full_time",
                f"Pensionable Hours {entry.hours} for Employee ID {employee} are more than "
                f"full time for a {frequency.value} period: {weekly} hours a week on record "
                f"gives {full_time} hours. Pensionable hours are the hours of service, not "
                "counting overtime above full time.",
                entry.row,
                str(entry.hours),
            )
        )


_LEAVE_START = attrgetter("open_leave_start")
_READABLE = attrgetter("readable")


def check_paid_on_leave(checked: _PaidFile, period_start: dt.date) -> None:
    """Regular pay for a member whose leave (reported by LOA, not ended by RTW) began before
    the period. Pay on a leave is reported as LOAM or LTIP service; a member back at work is
    reported by RTW first. (Pay after a termination is an error: registry.after_termination.)"""
    if not any(map(_LEAVE_START, checked.facts.values())):
        return  # no member on leave (the usual case)
    column = FieldColumn.of(checked.parsed.template, "employee_id")
    for employee, entry in checked.paid.items():
        member = checked.facts.get(employee)
        started = member.open_leave_start if member is not None else None
        if started is None or started > period_start or entry.regular_pay <= ZERO:
            continue
        kind = (
            f" ({member.open_leave_type})" if member is not None and member.open_leave_type else ""
        )
        checked.problems.append(
            column.problem(
                "pay.paid_on_leave",
                f"Employee ID {employee} is on a leave{kind} since {started} and is paid "
                f"{_money(entry.regular_pay)} as Regular service. If the member is back at work, "
                "send the RTW record; if this is pay during the leave, report it as LOAM or "
                "LTIP service.",
                entry.row,
                employee,
            )
        )


def check_pay_change(checked: _PaidFile, history: PayHistory, pay_date: dt.date) -> None:
    """Pensionable Pay changed by more than ``pay_change_warning_percent`` from the member's
    pay in the last applied period, with no EMCHG effective since that period began."""
    if not history.last_pay:
        return
    threshold = parameters.load("pay_change_warning_percent").decimal_at(pay_date)
    column = FieldColumn.of(checked.parsed.template, "pensionable_pay")
    for employee, entry in checked.paid.items():
        last = history.last_pay.get(employee)
        if last is None or last.pay <= ZERO or employee in history.changed:
            continue
        before = last.pay
        change = (entry.pay - before) / before * HUNDRED
        if abs(change) > threshold:
            direction = "up" if change > 0 else "down"
            checked.problems.append(
                column.problem(
                    "pay.pay_changed",
                    f"Pensionable Pay {_money(entry.pay)} for Employee ID {employee} is "
                    f"{direction} {abs(change):,.0f}% from {_money(before)} in the last pay "
                    f"period ({last.period_start} to {last.period_end}), more than "
                    f"{threshold:g}%, and no employment change (EMCHG) was sent. Check the "
                    "amount, or send the EMCHG record.",
                    entry.row,
                    str(entry.pay),
                )
            )


def check_buyback_deductions(
    parsed: ParsedFile,
    paid: Mapping[str, _Paid],
    buybacks: Mapping[str, tuple[int, Decimal]],
    history: PayHistory,
    problems: list[Problem],
) -> None:
    """A buyback deduction due on this pay date under the member's deduction direction (form
    1016) missing from the file or reported at a different amount."""
    column = FieldColumn.of(parsed.template, "buyback")
    for employee, due in history.buyback_due.items():
        number, reported = buybacks.get(employee, (None, ZERO))
        if reported == due:
            continue
        if number is None:
            present = paid.get(employee)
            where = "" if present is None else " on the member's row"
            problems.append(
                column.problem(
                    "pay.buyback_missing",
                    f"The buyback deduction direction (form 1016) for Employee ID {employee} "
                    f"asks for {_money(due)} on this pay date; no Buyback Contribution is "
                    f"reported{where}. Deduct and report it, or tell the plan why it stopped.",
                    present.row if present is not None else None,
                )
            )
            continue
        problems.append(
            column.problem(
                "pay.buyback_amount",
                f"Buyback Contribution {_money(reported)} for Employee ID {employee} differs from "
                f"the {_money(due)} its deduction direction (form 1016) asks for on this pay "
                f"date (difference {_money(reported - due)}).",
                number,
                str(reported),
            )
        )


def missing_members(
    present: set[str],
    facts: Mapping[str, MemberFacts],
    history: PayHistory,
    period_end: dt.date,
    registry: RegistryView,
) -> list[str]:
    """Members paid in the last applied period, or enrolled and never paid, who have no
    row in this file and no termination or leave (TER, LOA) on record by its end."""
    candidates = [e for e in (*history.last_pay, *history.never_paid) if e not in present]
    if not candidates:
        return []
    records = registry.members(candidates)
    absent = []
    for employee in dict.fromkeys(candidates):
        member = records.get(employee) or facts.get(employee)
        if member is None:
            continue
        if member.termination_date is not None and member.termination_date <= period_end:
            continue
        if member.open_leave_start is not None and member.open_leave_start <= period_end:
            continue
        absent.append(employee)
    return sorted(absent)


_EMPLOYEE_ID = FieldColumn("employee_id", "Employee ID")  # no row: the column by its label


def report_missing(
    absent: list[str],
    names: Mapping[str, str],
    history: PayHistory,
    problems: list[Problem],
) -> None:
    for employee in absent:
        who = (
            f"{names[employee]} (Employee ID {employee})"
            if employee in names
            else (f"Employee ID {employee}")
        )
        last = history.last_pay.get(employee)
        if last is not None:
            code, message = (
                "pay.member_missing",
                f"{who} was paid {_money(last.pay)} in the last pay period "
                f"({last.period_start} to {last.period_end}) and has no row in this file. "
                "Add their row; if they left or went on leave, send the TER or LOA record.",
            )
        else:
            code, message = (
                "pay.starter_missing",
                f"{who} is enrolled (ENROL received) and has never been reported in a PAY "
                "file; there is no row for them in this one. Add their first pay, or tell "
                "the plan if they did not start.",
            )
        problems.append(_EMPLOYEE_ID.problem(code, message, None, employee))
