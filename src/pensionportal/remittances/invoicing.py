"""Delinquency and interest for one pay period: the lines of a late-contribution invoice.

Seed: remittance-timing.txt 'Late Remittance': member contributions are delinquent from 15
days after the deduction; employer (and LTIP) contributions from the end of the month
following the deduction; interest at the higher of the fund earning rate and the
pre-judgment rate until the contributions are received; the invoice is due within 10
business days; recovery costs may be invoiced. reporting-pension-data.txt 'Procedures':
"If funds are not remitted on time, a recalculation of interest will be applied."

Payments for the period are applied in date order to member contributions first (held in
trust from the deduction), then employer contributions, then LTIP (a choice, written down
in docs/remittances.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.rules.deadlines import ContributionKind, delinquency_start
from pensionportal.rules.interest import InterestRates, late_interest

from .models import ZERO, LineKind, RemittanceAdvice
from .reconciliation import reconcile

KIND_LABELS = {
    ContributionKind.MEMBER: "Member contributions",
    ContributionKind.EMPLOYER: "Employer contributions",
    ContributionKind.LTIP: "LTIP contributions",
}


@dataclass(frozen=True)
class DraftLine:
    kind: LineKind
    description: str
    amount: Decimal
    principal: Decimal | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    days: int | None = None
    rate: Decimal | None = None
    rate_name: str = ""


def principal_by_kind(advice: RemittanceAdvice) -> dict[ContributionKind, Decimal]:
    """Amounts owed for the period by delinquency kind, from the PAY data once it is in
    (otherwise from the advice)."""
    rec = reconcile(advice)
    amounts = {
        row.key: (row.pay_data if row.pay_data is not None else row.advice) for row in rec.rows
    }
    return {
        ContributionKind.MEMBER: amounts["member_contributions"],
        ContributionKind.EMPLOYER: amounts["employer_regular"] + amounts["employer_special"],
        ContributionKind.LTIP: amounts["ltip"],
    }


def allocate(
    owed: dict[ContributionKind, Decimal], payments: list[tuple[dt.date, Decimal]]
) -> dict[ContributionKind, list[tuple[dt.date, Decimal]]]:
    """Apply payments in date order to member, then employer, then LTIP amounts."""
    remaining = dict(owed)
    pieces: dict[ContributionKind, list[tuple[dt.date, Decimal]]] = {k: [] for k in owed}
    for day, amount in sorted(payments):
        left = amount
        for kind in (ContributionKind.MEMBER, ContributionKind.EMPLOYER, ContributionKind.LTIP):
            if left <= 0:
                break
            take = min(left, remaining.get(kind, ZERO))
            if take > 0:
                pieces[kind].append((day, take))
                remaining[kind] -= take
                left -= take
    return pieces


def draft_lines(advice: RemittanceAdvice, as_of: dt.date, rates: InterestRates) -> list[DraftLine]:
    """Principal still outstanding on ``as_of`` and interest on every late amount: on what
    was received, up to its receipt; on what is outstanding, up to ``as_of``."""
    owed = principal_by_kind(advice)
    payments = [(p.received_on, p.amount) for p in advice.payments.all() if p.received_on <= as_of]
    pieces = allocate(owed, payments)
    lines: list[DraftLine] = []
    for kind, principal in owed.items():
        if principal <= 0:
            continue
        label = KIND_LABELS[kind]
        start = delinquency_start(kind, advice.pay_date)
        received = sum((a for _, a in pieces[kind]), ZERO)
        outstanding = principal - received
        chunks = [(d, a, f"received {d.isoformat()}") for d, a in pieces[kind]]
        if outstanding > 0:
            lines.append(
                DraftLine(
                    LineKind.PRINCIPAL,
                    f"{label} for pay date {advice.pay_date.isoformat()} not received",
                    outstanding,
                    principal=outstanding,
                )
            )
            chunks.append((as_of, outstanding, f"outstanding on {as_of.isoformat()}"))
        for until, amount, note in chunks:
            if until <= start:
                continue
            lines += interest_lines(amount, start, until, rates, f"{label.lower()} ({note})")
    return lines


def interest_lines(
    principal: Decimal, start: dt.date, until: dt.date, rates: InterestRates, on_what: str
) -> list[DraftLine]:
    """The late interest on ``principal`` from ``start`` to ``until``: a line for each rate
    in force, "Interest on <on_what> at the <rate>"."""
    return [
        DraftLine(
            LineKind.INTEREST,
            f"Interest on {on_what} at the {line.rate_name}",
            line.interest,
            principal=principal,
            start=line.start,
            end=line.end,
            days=line.days,
            rate=line.rate,
            rate_name=line.rate_name,
        )
        for line in late_interest(principal, start, until, rates).lines
    ]
