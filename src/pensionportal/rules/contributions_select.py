"""OPTrust Select contributions.

Source: seeds/select-employer-manual.txt Section 1, "Calculation and Deduction of Pension
Contributions":

* member regular = 3% of the pensionable pay earned in the pay period;
* employer regular = 3% (matching);
* employer special = 0.2% during the first two years from the employer's plan
  participation date, and again for two years after a major reorganisation, for members
  enrolled during that new two-year period ("Employer Special Contributions").

Each part is rounded to the cent, half up; totals are sums of rounded parts. Rates are
looked up at the pay date. A pay date is "during the first two years" when
``start <= pay_date < start + 2 years`` (the second anniversary starts year three).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.rules import parameters
from pensionportal.rules.dates import add_years
from pensionportal.rules.money import to_cents
from pensionportal.rules.pay_basis import PayBasis, annualize
from pensionportal.rules.pay_cycles import Frequency

ZERO = Decimal(0)


@dataclass(frozen=True)
class Participation:
    """The employer's participation and, after a major reorganisation, its restart.

    ``member_enrolment_date`` is needed only with ``reorganisation_date``: the restarted
    special contribution applies to members enrolled during the new two-year period.
    """

    participation_date: dt.date
    reorganisation_date: dt.date | None = None
    member_enrolment_date: dt.date | None = None


def _within_special_period(start: dt.date, day: dt.date) -> bool:
    years = parameters.load("select_special_contribution_years").int_at(start)
    return start <= day < add_years(start, years)


def special_contribution_applies(participation: Participation | None, pay_date: dt.date) -> bool:
    """Whether the employer's 0.2% special contribution is due on ``pay_date``.

    Without a participation date, no special contribution is computed (the caller states
    that the employer is past its first two years).
    """
    if participation is None:
        return False
    if _within_special_period(participation.participation_date, pay_date):
        return True
    restart = participation.reorganisation_date
    enrolled = participation.member_enrolment_date
    return (
        restart is not None
        and enrolled is not None
        and _within_special_period(restart, enrolled)
        and _within_special_period(restart, pay_date)
    )


@dataclass(frozen=True)
class SelectMemberShare:
    regular: Decimal
    rate: Decimal

    @property
    def total(self) -> Decimal:
        return self.regular


@dataclass(frozen=True)
class SelectEmployerShare:
    regular: Decimal
    special: Decimal
    rate: Decimal
    special_rate: Decimal

    @property
    def total(self) -> Decimal:
        return self.regular + self.special


@dataclass(frozen=True)
class SelectContribution:
    pay_date: dt.date
    frequency: Frequency
    earnings: Decimal
    annualized_salary: Decimal
    pay_periods: Decimal
    special_applies: bool
    member: SelectMemberShare
    employer: SelectEmployerShare
    sources: tuple[str, ...]


def contributions_on(
    earnings: Decimal, pay_date: dt.date, *, special: bool
) -> tuple[SelectMemberShare, SelectEmployerShare]:
    """Member and employer shares on a pensionable-pay amount (also used for leaves)."""
    member_rate = parameters.load("select_member_rate").decimal_at(pay_date)
    employer_rate = parameters.load("select_employer_rate").decimal_at(pay_date)
    special_rate = parameters.load("select_employer_special_rate").decimal_at(pay_date)
    applied_special = special_rate if special else ZERO
    member = SelectMemberShare(regular=to_cents(earnings * member_rate), rate=member_rate)
    employer = SelectEmployerShare(
        regular=to_cents(earnings * employer_rate),
        special=to_cents(earnings * applied_special),
        rate=employer_rate,
        special_rate=applied_special,
    )
    return member, employer


def compute(
    pay: PayBasis,
    pay_date: dt.date,
    frequency: Frequency,
    participation: Participation | None = None,
) -> SelectContribution:
    """Member and employer contributions for one pay period."""
    figures = annualize(pay, frequency, pay_date)
    special = special_contribution_applies(participation, pay_date)
    member, employer = contributions_on(figures.earnings, pay_date, special=special)
    return SelectContribution(
        pay_date=pay_date,
        frequency=frequency,
        earnings=to_cents(figures.earnings),
        annualized_salary=to_cents(figures.annualized_salary),
        pay_periods=figures.pay_periods,
        special_applies=special,
        member=member,
        employer=employer,
        sources=(
            "seeds/select-employer-manual.txt §1 'Calculation and Deduction of Pension "
            "Contributions'",
        ),
    )
