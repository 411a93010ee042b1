"""The member's employment history on record (prior service by calendar year, from the
employer's Employment Information form, OPTrust 1035, or a PRIORSVC file) for the period of
a buyback of non-contributory service.

buybacks.txt "What is a complete application?": for non-contributory service the employer
provides the Employment Information (OPTrust 1035) form; the cost is the salary rate x the
contribution rate x the years of service to be purchased ("Non-contributory service"), so
the hours worked each year set the share of full-time service the member can buy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pensionportal.members.models import Member
from pensionportal.rules import parameters

PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class HistoryYear:
    year: int
    hours_worked: Decimal
    standard_hours: Decimal
    annual_pay: Decimal
    notes: str
    full_time_share: Decimal  # hours worked / a full-time year, at most 1


@dataclass(frozen=True)
class History:
    years: list[HistoryYear]
    share: Decimal | None  # over the years of the period that are on record


def for_period(member: Member, start: dt.date, end: dt.date) -> History:
    weeks = parameters.load("weeks_per_year").decimal_at(start)
    years = []
    for row in member.prior_service.filter(year__gte=start.year, year__lte=end.year):
        full_year = row.standard_hours * weeks
        share = min(row.hours_worked / full_year, Decimal(1)) if full_year else Decimal(0)
        years.append(
            HistoryYear(
                row.year,
                row.hours_worked,
                row.standard_hours,
                row.annual_pay,
                row.notes,
                share.quantize(PLACES, ROUND_HALF_UP),
            )
        )
    if not years:
        return History([], None)
    average = sum((y.full_time_share for y in years), Decimal(0)) / len(years)
    return History(years, average.quantize(PLACES, ROUND_HALF_UP))
