"""The next pay period of a PAY file, from the last one (issue 16 Must do 4: "Start from the
last pay period" on the online PAY form): its start, end and pay date by the pay cycle,
and the payment reference by the pattern of the last one, and the contributions the plan's
formula expects on each row, shown beside the entered figures.

Choices (docs/intake.md "Online PAY from the last pay period"):

- weekly and bi-weekly: everything moves by 7 or 14 days;
- semi-monthly: the next period starts the day after the last one ended and ends the day
  before the last one's start day, a month on (1-15 then 16-end of month, or any other
  pair of halves); the pay date keeps its distance from the period end;
- monthly: the next period starts the day after the last one ended and runs a month; the
  pay date moves a month (a month-end pay date stays at the month's end);
- annually: a year on;
- the payment reference: the last pay date written in it (2026-10-30, 20261030, 261030,
  1030 or 3010) becomes the new pay date in the same form; else a number at its end counts
  up, keeping its width (EFT-2026-009 -> EFT-2026-010); else it is left for the clerk.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pensionportal.datafiles.context import ValidationContext
from pensionportal.datafiles.pay_rules import FREQUENCIES, rates_lookup
from pensionportal.datafiles.registry import MemberFacts
from pensionportal.rules.contributions import Plan, ReportedPay, compute
from pensionportal.rules.dates import add_months, add_years, end_of_month
from pensionportal.rules.parameters import ParameterNotInForce

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    pay_date: dt.date


def _month_on(day: dt.date, months: int) -> dt.date:
    moved = add_months(day, months)
    return end_of_month(moved) if day == end_of_month(day) else moved


def next_period(cycle: str, last: Period) -> Period:
    """The period after ``last`` for the PAY header's Pay Cycle (its codes or aliases)."""
    key = cycle.strip().lower().replace(" ", "-").replace("biweekly", "bi-weekly")
    key = key.replace("semimonthly", "semi-monthly")
    if key in ("weekly", "bi-weekly"):
        step = dt.timedelta(days=7 if key == "weekly" else 14)
        return Period(last.start + step, last.end + step, last.pay_date + step)
    if key == "semi-monthly":
        start = last.end + dt.timedelta(days=1)
        end = _month_on(last.start, 1) - dt.timedelta(days=1)
        return Period(start, end, end + (last.pay_date - last.end))
    if key == "monthly":
        start = last.end + dt.timedelta(days=1)
        end = add_months(start, 1) - dt.timedelta(days=1)
        return Period(start, end, _month_on(last.pay_date, 1))
    if key in ("annually", "annual"):
        return Period(add_years(last.start, 1), add_years(last.end, 1), add_years(last.pay_date, 1))
    raise ValueError(f"unknown pay cycle {cycle!r}")


_DATE_FORMS = ("%Y-%m-%d", "%Y%m%d", "%y%m%d", "%m%d", "%d%m")
_TRAILING_NUMBER = re.compile(r"(\d+)(\D*)$")


def next_reference(last: str, last_pay_date: dt.date, pay_date: dt.date) -> str:
    """The payment reference for ``pay_date`` by the pattern of ``last`` ("" if none)."""
    for form in _DATE_FORMS:
        written = last_pay_date.strftime(form)
        if written in last:
            return last.replace(written, pay_date.strftime(form), 1)
    found = _TRAILING_NUMBER.search(last)
    if found is None:
        return ""
    digits, tail = found.groups()
    counted = str(int(digits) + 1).zfill(len(digits))
    return last[: found.start()] + counted + tail


def expected_contributions(
    context: ValidationContext,
    cycle: str,
    pay_date: dt.date,
    pay: Decimal,
    member: MemberFacts | None,
) -> dict[str, Decimal]:
    """The contributions the plan's formula gives on ``pay`` (field key -> amount), as the
    PAY check computes them (datafiles/pay_rules.py): OPTrust Select's rates from the
    rules engine, or the OPSEU Pension Plan's CPP-integrated formula on the member's pay
    rate on record. Empty when it cannot be told (no rates in force, no pay rate)."""
    frequency = FREQUENCIES.get(cycle.strip().lower())
    if frequency is None:
        return {}
    try:
        if context.plan is Plan.OPSEU:
            rate = member.annual_pay_rate if member is not None else None
            if not rate:
                return {}
            share = compute(Plan.OPSEU, ReportedPay(rate, pay), pay_date, frequency).member.total
            return {"employee_regular": share, "employer_regular": share}
        rates = rates_lookup(context, frequency)
        member_rate, employer_rate, special_rate = rates(
            pay_date, member.membership_date if member is not None else None
        )
    except ParameterNotInForce:
        return {}
    found = {
        "employee_regular": (pay * member_rate).quantize(CENT, ROUND_HALF_UP),
        "employer_regular": (pay * employer_rate).quantize(CENT, ROUND_HALF_UP),
    }
    if context.participation is not None:
        found["employer_special"] = (pay * special_rate).quantize(CENT, ROUND_HALF_UP)
    return found
