"""Pay cycles and the number of pay periods in a year.

The divisor is the number of pay periods in an *average* year (365.25 days): a biweekly
cycle has 365.25 / 14 = 26.089... periods, a weekly one 365.25 / 7 = 52.178..., because the
plan's worked example divides the annual salary by (365.25 ÷ 14) and OPTrust Select allows
"26/27 or 365.25/14" (reference/README.md). Using the average year means a member pays the
same annual contribution whether their year happens to have 26 or 27 biweekly pay days.
Semi-monthly, monthly and annual cycles have exactly 24, 12 and 1 periods.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from pensionportal.rules import parameters


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    SEMI_MONTHLY = "semi-monthly"
    MONTHLY = "monthly"
    ANNUAL = "annual"

    @classmethod
    def parse(cls, text: str) -> Frequency:
        try:
            return cls(text.strip().lower())
        except ValueError as exc:
            choices = ", ".join(f.value for f in cls)
            raise ValueError(f"unknown pay frequency {text!r} (choose {choices})") from exc


PERIODS_PER_YEAR = {
    Frequency.WEEKLY: "pay_periods_per_year_weekly",
    Frequency.BIWEEKLY: "pay_periods_per_year_biweekly",
    Frequency.SEMI_MONTHLY: "pay_periods_per_year_semi_monthly",
    Frequency.MONTHLY: "pay_periods_per_year_monthly",
    Frequency.ANNUAL: "pay_periods_per_year_annual",
}


def pay_periods_per_year(frequency: Frequency, on: dt.date) -> Decimal:
    """Pay periods in a year for ``frequency``, as in force on ``on`` (a dated parameter)."""
    return parameters.load(PERIODS_PER_YEAR[frequency]).decimal_at(on)


def weeks_per_year(on: dt.date) -> Decimal:
    """Average weeks in a year (365.25 / 7), used to annualize an hourly rate."""
    return parameters.load("weeks_per_year").decimal_at(on)
