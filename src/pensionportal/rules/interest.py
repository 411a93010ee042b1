"""Interest on late contributions.

Source: seeds/remittance-timing.txt 'Late Remittance' ("the higher of the fund's earning
rate or the pre-judgement interest rate under the Courts of Justice Act for the period of
the delinquency"; "applied until the date the contributions are received"); the
pre-judgment rate is simple interest, rate x days / 365 (reference/README.md).

Method:

* The delinquency period runs from its first day (``start``, see
  :func:`pensionportal.rules.deadlines.delinquency_start`) up to, but not including, the
  day the money is received (``end``). Paying on the first day of delinquency costs no
  interest; each later day costs one day.
* On each day the rate is the higher of the fund earning rate and the pre-judgment rate in
  force that day. A day for which either table has no rate raises ``ParameterNotInForce``
  (a missing rate is never taken as zero).
* Consecutive days at the same rate form one line: ``principal x rate x days / 365``
  (simple interest, a 365-day year even in leap years: the parameter
  ``late_interest_days_in_year``), rounded to the cent half up. The
  total is the sum of the rounded lines, so the itemised invoice adds up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.rules import parameters
from pensionportal.rules.money import to_cents
from pensionportal.rules.parameters import DatedTable

FUND = "fund earning rate"
PREJUDGMENT = "pre-judgment interest rate"


def days_in_year(on: dt.date) -> Decimal:
    """The year simple interest divides by (365, even in leap years: a dated parameter)."""
    return parameters.load("late_interest_days_in_year").decimal_at(on)


@dataclass(frozen=True)
class InterestRates:
    """The two rate tables; build from the shipped YAML or from staff-maintained rows."""

    fund_earning: DatedTable
    prejudgment: DatedTable

    @classmethod
    def shipped(cls) -> InterestRates:
        return cls(
            parameters.load("fund_earning_rate"), parameters.load("prejudgment_interest_rate")
        )


@dataclass(frozen=True)
class InterestLine:
    start: dt.date  # first day at this rate
    end: dt.date  # last day at this rate (inclusive)
    days: int
    rate: Decimal
    rate_name: str  # which table gave the higher rate
    source: str
    interest: Decimal


@dataclass(frozen=True)
class LateInterest:
    principal: Decimal
    start: dt.date
    end: dt.date
    days: int
    lines: tuple[InterestLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.interest for line in self.lines), to_cents(Decimal(0)))


def _rate_on(day: dt.date, rates: InterestRates) -> tuple[Decimal, str, str]:
    fund = rates.fund_earning.entry_at(day)
    pji = rates.prejudgment.entry_at(day)
    fund_rate = fund.value
    pji_rate = pji.value
    if not isinstance(fund_rate, Decimal) or not isinstance(pji_rate, Decimal):
        raise parameters.ParameterError("interest rates must be numbers")
    if fund_rate > pji_rate:
        return fund_rate, FUND, fund.source
    return pji_rate, PREJUDGMENT, pji.source


def _boundaries(rates: InterestRates) -> list[dt.date]:
    return sorted({*rates.fund_earning.change_dates(), *rates.prejudgment.change_dates()})


def late_interest(
    principal: Decimal, start: dt.date, end: dt.date, rates: InterestRates
) -> LateInterest:
    """Interest on ``principal`` delinquent from ``start`` until received on ``end``."""
    if principal < 0:
        raise ValueError("principal must not be negative")
    if end < start:
        raise ValueError("the received date is before the delinquency starts")
    lines: list[InterestLine] = []
    changes = _boundaries(rates)
    day = start
    while day < end:
        rate, name, source = _rate_on(day, rates)
        # the rate can only change on a table change date; jump to the next one
        next_change = next((c for c in changes if c > day), end)
        stop = min(next_change, end)
        # merge with the previous line when the rate carries on unchanged
        if lines and (lines[-1].rate, lines[-1].rate_name, lines[-1].source) == (
            rate,
            name,
            source,
        ):
            previous = lines.pop()
            first = previous.start
        else:
            first = day
        days = (stop - first).days
        lines.append(
            InterestLine(
                start=first,
                end=stop - dt.timedelta(days=1),
                days=days,
                rate=rate,
                rate_name=name,
                source=source,
                interest=to_cents(principal * rate * days / days_in_year(first)),
            )
        )
        day = stop
    return LateInterest(principal, start, end, (end - start).days, tuple(lines))
