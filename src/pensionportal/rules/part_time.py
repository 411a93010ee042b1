"""Temporary part-time work arrangements: eligibility and contribution base.

Sources: seeds/select-employer-manual.txt Section 1 "Temporary Part-time Work
Arrangements" and "Temporary Part-time Work Arrangement Contributions"; seeds/buybacks.txt
"Temporary part-time work arrangements"; seeds/reporting-pension-data.txt "Missed mandatory
contributions" cause 4.

* 36-month rule: at least 36 months of employment with the employer before the start,
  waived for arrangements that began in 2020 or 2021 (a dated parameter that is 0 then).
* Cumulative limit: service accrued during unpaid leaves and reduced-hours periods is at
  most 5 years, plus 3 more for pregnancy/parental/adoption leaves. Illness/WSIB and family
  medical leaves do not count (seeds/buybacks.txt "Unpaid leaves of absence").
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.rules import parameters
from pensionportal.rules.dates import add_months, year_fraction


class LimitKind(enum.StrEnum):
    GENERAL = "general"  # other unpaid leaves and reduced-hours arrangements
    PARENTAL = "parental"  # pregnancy, parental and adoption leaves
    EXEMPT = "exempt"  # illness/WSIB and family medical leaves: not limited


@dataclass(frozen=True)
class LimitedPeriod:
    """A period that used some of the Income Tax Act limit.

    ``fraction`` is the share of full-time service accrued beyond the hours worked: 1 for
    an unpaid leave, (1 - employment ratio during the arrangement) for reduced hours.
    """

    start: dt.date
    end: dt.date
    kind: LimitKind = LimitKind.GENERAL
    fraction: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")
        if not Decimal(0) <= self.fraction <= Decimal(1):
            raise ValueError("fraction must be between 0 and 1")

    @property
    def years(self) -> Decimal:
        return year_fraction(self.start, self.end) * self.fraction


@dataclass(frozen=True)
class LimitUse:
    general_years: Decimal  # counted against the 5-year limit
    parental_years: Decimal  # counted against the additional 3 years
    general_limit: Decimal
    parental_limit: Decimal

    @property
    def within_limit(self) -> bool:
        return self.general_years <= self.general_limit

    @property
    def general_remaining(self) -> Decimal:
        return max(self.general_limit - self.general_years, Decimal(0))


def limit_use(periods: Iterable[LimitedPeriod], on: dt.date) -> LimitUse:
    """How much of the 5 + 3 year limit the periods use.

    Parental leave uses the additional 3 years first; any excess counts against the
    5 years. Years are calendar-year fractions (a whole year is 1) x fraction.
    """
    general = parameters.load("leave_cumulative_limit_years").decimal_at(on)
    extra = parameters.load("parental_leave_additional_limit_years").decimal_at(on)
    general_used = sum((p.years for p in periods if p.kind is LimitKind.GENERAL), Decimal(0))
    parental = sum((p.years for p in periods if p.kind is LimitKind.PARENTAL), Decimal(0))
    general_used += max(parental - extra, Decimal(0))
    return LimitUse(general_used, min(parental, extra), general, extra)


@dataclass(frozen=True)
class Arrangement:
    start: dt.date
    end: dt.date  # anticipated end
    employment_ratio: Decimal  # during the arrangement (e.g. 0.6)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("an arrangement cannot end before it starts")
        if not Decimal(0) <= self.employment_ratio < Decimal(1):
            raise ValueError("employment ratio during an arrangement must be below 1")


@dataclass(frozen=True)
class Eligibility:
    meets_employment_rule: bool
    months_required: int  # 0 when waived (arrangements that began in 2020 or 2021)
    employed_since: dt.date
    limit: LimitUse  # including this arrangement
    eligible: bool  # may accrue full-time service for the reduced hours


def eligibility(
    arrangement: Arrangement,
    employment_start: dt.date,
    earlier_periods: Iterable[LimitedPeriod] = (),
) -> Eligibility:
    """Whether the member may accrue full-time service during ``arrangement``."""
    months = parameters.load("tpt_minimum_employment_months").int_at(arrangement.start)
    meets = add_months(employment_start, months) <= arrangement.start
    this = LimitedPeriod(
        arrangement.start, arrangement.end, LimitKind.GENERAL, 1 - arrangement.employment_ratio
    )
    use = limit_use([*earlier_periods, this], arrangement.start)
    return Eligibility(meets, months, employment_start, use, meets and use.within_limit)


class ElectionTPT(enum.StrEnum):
    NONE = "none"  # no written election: regular hours
    REGULAR_HOURS = "regular_hours"
    REDUCED_HOURS = "reduced_hours"


class Basis(enum.StrEnum):
    REGULAR_HOURS = "regular_hours"  # pay had the arrangement not occurred; employer matches
    REDUCED_HOURS = "reduced_hours"  # pay actually received; buy back the rest later


@dataclass(frozen=True)
class ContributionBasis:
    basis: Basis
    employer_matches_full_contributions: bool
    buyback_available_for_hours_not_worked: bool
    source: str


def contribution_basis(start: dt.date, election: ElectionTPT) -> ContributionBasis:
    """The base for contributions during an arrangement starting on ``start``.

    On or after 2022-02-01: regular hours (employer matches) unless the member elected
    reduced hours in writing. Before: contributions on reduced hours, and the hours not
    worked may be bought back afterwards.
    """
    cutover = parameters.load("tpt_new_rules_date").date_at(start)
    if start < cutover:
        return ContributionBasis(
            Basis.REDUCED_HOURS,
            False,
            True,
            "seeds/select-employer-manual.txt §1 (arrangements started before 2022-02-01: "
            "buy back the hours not worked; employers do not contribute)",
        )
    if election is ElectionTPT.REDUCED_HOURS:
        return ContributionBasis(
            Basis.REDUCED_HOURS,
            False,
            True,
            "seeds/select-employer-manual.txt §1 'Contributions During a Temporary Part-time "
            "Work Arrangement that Occurs on or After February 1, 2022' (written election)",
        )
    return ContributionBasis(
        Basis.REGULAR_HOURS,
        True,
        False,
        "seeds/select-employer-manual.txt §1 'Temporary Part-time Work Arrangement "
        "Contributions' (regular hours unless the member elects in writing)",
    )


def contribution_base(
    start: dt.date, election: ElectionTPT, regular_pay: Decimal, reduced_pay: Decimal
) -> Decimal:
    """Pensionable pay for a period of the arrangement: regular or reduced, by basis."""
    basis = contribution_basis(start, election).basis
    return regular_pay if basis is Basis.REGULAR_HOURS else reduced_pay
