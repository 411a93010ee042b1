"""How a member is paid, reduced to the two figures every contribution formula needs.

* the **annualized salary**: the annual full-time salary rate (for an hourly member, the
  hourly rate x standard weekly hours x 365.25/7);
* the **pensionable earnings for the pay period**.

Source: seeds/reporting-pension-data.txt, "How to calculate employee/employer
contributions", Steps 1 and 2 (salaried, unclassified and regular part-time examples).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.rules.pay_cycles import Frequency, pay_periods_per_year, weeks_per_year

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True)
class SalariedPay:
    """A salaried member: full-time annual salary rate and employment ratio (1 = full time).

    Earnings per pay = annual salary / pay periods x employment ratio (Step 2 of the
    regular part-time example).
    """

    annual_salary: Decimal
    employment_ratio: Decimal = ONE

    def __post_init__(self) -> None:
        if self.annual_salary < ZERO:
            raise ValueError("annual salary must not be negative")
        if not ZERO < self.employment_ratio <= ONE:
            raise ValueError("employment ratio must be more than 0 and at most 1")


@dataclass(frozen=True)
class HourlyPay:
    """An hourly (unclassified) member: rate, standard weekly hours and hours in the period.

    Annualized salary = rate x standard weekly hours x 365.25/7 (the example's
    "$27.20 x 80 x 365.25 / 14" with 80 hours a fortnight); earnings = rate x hours worked.
    """

    hourly_rate: Decimal
    standard_weekly_hours: Decimal
    hours: Decimal

    def __post_init__(self) -> None:
        if self.hourly_rate < ZERO:
            raise ValueError("hourly rate must not be negative")
        if self.standard_weekly_hours <= ZERO:
            raise ValueError("standard weekly hours must be more than 0")
        if self.hours < ZERO:
            raise ValueError("hours must not be negative")


@dataclass(frozen=True)
class ReportedPay:
    """Figures already known from payroll data: annualized salary and period earnings."""

    annualized_salary: Decimal
    earnings: Decimal

    def __post_init__(self) -> None:
        if self.annualized_salary < ZERO or self.earnings < ZERO:
            raise ValueError("salary and earnings must not be negative")
        if self.annualized_salary == ZERO and self.earnings > ZERO:
            raise ValueError("earnings need an annualized salary above 0")


PayBasis = SalariedPay | HourlyPay | ReportedPay


@dataclass(frozen=True)
class AnnualizedPay:
    """Unrounded figures for one pay period."""

    annualized_salary: Decimal
    earnings: Decimal
    pay_periods: Decimal


def annualize(pay: PayBasis, frequency: Frequency, pay_date: dt.date) -> AnnualizedPay:
    """Steps 1 and 2 of the plan's method, unrounded (rounding happens once, at the end)."""
    periods = pay_periods_per_year(frequency, pay_date)
    if isinstance(pay, SalariedPay):
        annual = pay.annual_salary
        earnings = annual / periods * pay.employment_ratio
    elif isinstance(pay, HourlyPay):
        annual = pay.hourly_rate * pay.standard_weekly_hours * weeks_per_year(pay_date)
        earnings = pay.hourly_rate * pay.hours
    else:
        annual = pay.annualized_salary
        earnings = pay.earnings
    return AnnualizedPay(annualized_salary=annual, earnings=earnings, pay_periods=periods)
