"""The maximum quarterly re-employment earnings of a retired member.

Source: reporting-pension-data.txt "Pensionable salary": "the member's quarterly
pensionable salary based on their final pre-retirement annual salary rate is used in
determining the 'maximum quarterly re-employment earnings' for employed or re-employed
retired members"; "Reporting employment earnings for a retired member" (OPTrust 1008).
The quarter is a quarter of the year: the annual rate divided by 4, rounded half up to the
cent (rounded once, here).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

QUARTERS_PER_YEAR = 4  # the calendar's, not a plan rule
CENT = Decimal("0.01")


@dataclass(frozen=True)
class EarningsCheck:
    maximum: Decimal
    earnings: Decimal

    @property
    def over(self) -> bool:
        return self.earnings > self.maximum

    @property
    def excess(self) -> Decimal:
        return max(self.earnings - self.maximum, Decimal("0.00"))


def maximum_quarterly_earnings(final_annual_salary_rate: Decimal) -> Decimal:
    if final_annual_salary_rate <= 0:
        raise ValueError("the final annual salary rate must be positive")
    return (final_annual_salary_rate / QUARTERS_PER_YEAR).quantize(CENT, ROUND_HALF_UP)


def check(final_annual_salary_rate: Decimal, earnings: Decimal) -> EarningsCheck:
    return EarningsCheck(maximum_quarterly_earnings(final_annual_salary_rate), earnings)
