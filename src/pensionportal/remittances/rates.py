"""Staff-maintained interest rate tables, loaded into the rules engine.

Seed: remittance-timing.txt 'Late Remittance' ("the higher of the fund's earning rate or
the pre-judgement interest rate under the Courts of Justice Act").
"""

from __future__ import annotations

from pensionportal.rules.interest import InterestRates
from pensionportal.rules.parameters import DatedTable

from .models import InterestRate, RateTable


def rows_in_force(table: RateTable) -> list[InterestRate]:
    """For each effective date, the most recently entered row (older ones are history)."""
    current: dict[object, InterestRate] = {}
    for row in InterestRate.objects.filter(table=table).order_by("entered_at", "id"):
        current[row.effective] = row
    return sorted(current.values(), key=lambda r: r.effective)


def dated_table(table: RateTable) -> DatedTable:
    return DatedTable.from_rows(
        f"{table.value}_rate",
        [(r.effective, r.rate, r.source, r.until) for r in rows_in_force(table)],
        unit="rate",
    )


def interest_rates() -> InterestRates:
    return InterestRates(
        fund_earning=dated_table(RateTable.FUND_EARNING),
        prejudgment=dated_table(RateTable.PREJUDGMENT),
    )
