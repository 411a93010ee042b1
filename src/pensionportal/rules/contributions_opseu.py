"""OPSEU Pension Plan contributions: the annualized, CPP-integrated method.

Source: seeds/reporting-pension-data.txt, "Contribution formula" and "How to calculate
employee/employer contributions" (Steps 1-5). For a pay period with pensionable earnings
``E``, annualized full-time salary ``A``, the YMPE ``Y`` and the rates ``r_below`` and
``r_above`` in force on the pay date::

    below YMPE = E x (min(A, Y) x r_below) / A
    above YMPE = E x (max(A - Y, 0) x r_above) / A
    total      = below + above

The member and the employer each pay this with their own rates (today the same). The
YMPE and the rates are dated parameters looked up at the **pay date** (the date the
contributions are deducted).

Pay-period divisor: 365.25 / 14 for biweekly (and 365.25 / 7 weekly, 24, 12, 1): see
:mod:`pensionportal.rules.pay_cycles`.

Rounding: nothing is rounded until the end. Each share's ``below_ympe`` and
``above_ympe`` are rounded to the cent, half up; its ``total`` is the sum of the two
rounded parts, so the parts always add up to the total that is remitted and reported.
The earnings figure shown is the unrounded earnings rounded to the cent (for display and
reconciliation); the contributions use the unrounded earnings, so that a salaried
member's contribution does not wobble by a cent with the salary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.rules import parameters
from pensionportal.rules.money import to_cents
from pensionportal.rules.pay_basis import PayBasis, annualize
from pensionportal.rules.pay_cycles import Frequency

ZERO = Decimal(0)


@dataclass(frozen=True)
class OpseuShare:
    """One party's contribution for the period."""

    below_ympe: Decimal
    above_ympe: Decimal
    rate_below_ympe: Decimal
    rate_above_ympe: Decimal

    @property
    def total(self) -> Decimal:
        return self.below_ympe + self.above_ympe


@dataclass(frozen=True)
class OpseuContribution:
    pay_date: dt.date
    frequency: Frequency
    earnings: Decimal
    annualized_salary: Decimal
    ympe: Decimal
    pay_periods: Decimal
    member: OpseuShare
    employer: OpseuShare
    sources: tuple[str, ...]


def _share(
    earnings: Decimal, annual: Decimal, ympe: Decimal, below: Decimal, above: Decimal
) -> OpseuShare:
    if annual == ZERO:
        return OpseuShare(to_cents(ZERO), to_cents(ZERO), below, above)
    # Step 3: "use the lesser of the member's annualized salary or YMPE"
    part_below = earnings * (min(annual, ympe) * below) / annual
    # Step 4: only the annualized salary above the YMPE
    part_above = earnings * (max(annual - ympe, ZERO) * above) / annual
    return OpseuShare(to_cents(part_below), to_cents(part_above), below, above)


# The four contribution rates, each a dated parameter.
RATES = {
    "member_rate_below_ympe": "opseu_member_rate_below_ympe",
    "member_rate_above_ympe": "opseu_member_rate_above_ympe",
    "employer_rate_below_ympe": "opseu_employer_rate_below_ympe",
    "employer_rate_above_ympe": "opseu_employer_rate_above_ympe",
}


def compute(pay: PayBasis, pay_date: dt.date, frequency: Frequency) -> OpseuContribution:
    """Member and employer contributions for one pay period (Steps 1-5)."""
    figures = annualize(pay, frequency, pay_date)
    ympe_table = parameters.load("ympe")
    ympe = ympe_table.decimal_at(pay_date)
    tables = {name: parameters.load(parameter) for name, parameter in RATES.items()}
    rate = {name: table.decimal_at(pay_date) for name, table in tables.items()}
    member = _share(
        figures.earnings,
        figures.annualized_salary,
        ympe,
        rate["member_rate_below_ympe"],
        rate["member_rate_above_ympe"],
    )
    employer = _share(
        figures.earnings,
        figures.annualized_salary,
        ympe,
        rate["employer_rate_below_ympe"],
        rate["employer_rate_above_ympe"],
    )
    sources = (
        "seeds/reporting-pension-data.txt 'How to calculate employee/employer contributions'",
        f"YMPE {ympe}: {ympe_table.entry_at(pay_date).source}",
        *(f"{name} {rate[name]}: {t.entry_at(pay_date).source}" for name, t in tables.items()),
    )
    return OpseuContribution(
        pay_date=pay_date,
        frequency=frequency,
        earnings=to_cents(figures.earnings),
        annualized_salary=to_cents(figures.annualized_salary),
        ympe=ympe,
        pay_periods=figures.pay_periods,
        member=member,
        employer=employer,
        sources=sources,
    )
