"""What a stopped buyback credits: the principal the member paid and the years it buys.

Seeds: buybacks.txt "Overview" ("The member may also request that OPTrust stop the
buyback"), "Employer payments" ("only service actually paid for by the member is billed to
the employer").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pensionportal.rules import buybacks as rules
from pensionportal.rules.dates import year_fraction
from pensionportal.rules.money import to_cents

from . import ledger
from .models import Buyback

ZERO = Decimal("0.00")


def principal_paid(buyback: Buyback, until: dt.date) -> Decimal:
    """The cost the member has paid by ``until``: direct payments in full, and the principal
    part of each payroll deduction reported in the PAY data (a deduction paid in part pays
    its interest first). With two financed buybacks at once, a reported amount is shared in
    proportion to their scheduled deductions."""
    paid = sum((p.amount for p in buyback.lump_sums.all() if p.received_date <= until), ZERO)
    tracking = ledger.tracking_for(buyback, as_of=until)
    if tracking is None:
        return to_cents(paid)
    by_date = {line.due_date: line for line in tracking.lines}
    for direction in buyback.directions.all():
        for line in direction.lines.all():
            if line.due_date > until:
                continue
            if direction.superseded_from and line.due_date >= direction.superseded_from:
                continue
            tracked = by_date.get(line.due_date)
            if tracked is None or tracked.expected <= 0:
                continue
            got = min(tracked.reported, tracked.expected) * line.member_payment / tracked.expected
            if got >= line.member_payment:
                paid += line.principal
            else:
                paid += max(got - line.interest, ZERO)
    return to_cents(paid)


def years_bought(buyback: Buyback) -> Decimal:
    if buyback.years is not None:
        return buyback.years
    return year_fraction(buyback.service_start, buyback.service_end) * buyback.share


def stop_effects(buyback: Buyback, on: dt.date) -> tuple[Decimal, Decimal]:
    """(principal paid, years credited) when the buyback stops on ``on``."""
    paid = principal_paid(buyback, on)
    return paid, rules.credited_years(years_bought(buyback), buyback.member_cost or ZERO, paid)
