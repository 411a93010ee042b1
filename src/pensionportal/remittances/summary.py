"""What the dashboards show: pay periods with their due dates and lateness, upcoming due
dates, the ledger, the remitted-vs-expected chart and the regulator list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from pensionportal.accounts.models import Organization
from pensionportal.rules import deadlines

from .models import ZERO, Credit, Invoice, InvoiceStatus, Payment, RemittanceAdvice
from .reconciliation import reconcile_many
from .timing import PeriodTiming, expected_pay_dates, period_timing


def periods(
    advices: QuerySet[RemittanceAdvice], today: dt.date, limit: int = 26
) -> list[PeriodTiming]:
    query = list(
        advices.select_related("organization")
        .prefetch_related("payments")
        .order_by("-pay_date", "-id")[:limit]
    )
    reconciled = reconcile_many(query)
    return [period_timing(advice, today, reconciled[advice.pk]) for advice in query]


@dataclass(frozen=True)
class Upcoming:
    pay_date: dt.date
    contributions_due: dt.date
    data_due: dt.date
    overdue: bool  # no advice and no data although the contributions were due


def upcoming(organization: Organization, today: dt.date, horizon_days: int = 31) -> list[Upcoming]:
    """Expected pay dates (from the last applied PAY submission's cycle) without an advice."""
    known = set(
        RemittanceAdvice.objects.filter(organization=organization).values_list(
            "pay_date", flat=True
        )
    )
    found = []
    for pay_date in expected_pay_dates(organization, today + dt.timedelta(days=horizon_days)):
        if pay_date in known:
            continue
        d = deadlines.for_pay_date(pay_date)
        found.append(
            Upcoming(pay_date, d.contributions_due, d.data_due, today > d.contributions_due)
        )
    return found


@dataclass(frozen=True)
class LedgerEntry:
    on: dt.date
    what: str
    reference: str
    debit: Decimal
    credit: Decimal
    balance: Decimal = ZERO


def ledger(organization: Organization) -> list[LedgerEntry]:
    """Invoices (debits), payments against invoices and credits (credits), with a running
    balance. Superseded invoices are shown with the credit that cancels them."""
    raw: list[tuple[dt.date, int, LedgerEntry]] = []
    for invoice in Invoice.objects.filter(organization=organization):
        raw.append(
            (
                invoice.invoice_date,
                0,
                LedgerEntry(invoice.invoice_date, "Invoice", invoice.number, invoice.total, ZERO),
            )
        )
        if invoice.status == InvoiceStatus.SUPERSEDED:
            replaced = getattr(invoice, "replaced_by", None)
            on = replaced.invoice_date if replaced else invoice.invoice_date
            raw.append(
                (
                    on,
                    0,
                    LedgerEntry(
                        on, "Replaced by recalculation", invoice.number, ZERO, invoice.total
                    ),
                )
            )
    for payment in Payment.objects.filter(
        organization=organization, invoice__isnull=False
    ).select_related("invoice"):
        assert payment.invoice is not None
        raw.append(
            (
                payment.received_on,
                1,
                LedgerEntry(
                    payment.received_on, "Payment", payment.invoice.number, ZERO, payment.amount
                ),
            )
        )
    for credit in Credit.objects.filter(organization=organization):
        raw.append(
            (
                credit.credited_on,
                2,
                LedgerEntry(
                    credit.credited_on, f"Credit: {credit.reason}", "", ZERO, credit.amount
                ),
            )
        )
    balance = ZERO
    entries = []
    for _, _, entry in sorted(raw, key=lambda item: (item[0], item[1])):
        balance += entry.debit - entry.credit
        entries.append(
            LedgerEntry(entry.on, entry.what, entry.reference, entry.debit, entry.credit, balance)
        )
    return entries


@dataclass(frozen=True)
class Bar:
    label: str
    expected: Decimal
    remitted: Decimal
    x: int
    expected_height: int
    remitted_height: int
    expected_y: int
    remitted_y: int


CHART_HEIGHT = 200
BAR_WIDTH = 18
GROUP_WIDTH = 56


def chart(timings: list[PeriodTiming]) -> list[Bar]:
    """Bars for the SVG chart, oldest first; heights scaled to the largest amount."""
    ordered = list(reversed(timings))
    top = max(
        [t.expected for t in ordered] + [t.reconciliation.paid for t in ordered] + [Decimal(1)]
    )
    bars = []
    for index, timing in enumerate(ordered):
        expected, remitted = timing.expected, timing.reconciliation.paid
        eh = int(expected / top * CHART_HEIGHT)
        rh = int(remitted / top * CHART_HEIGHT)
        bars.append(
            Bar(
                label=timing.advice.pay_date.isoformat(),
                expected=expected,
                remitted=remitted,
                x=60 + index * GROUP_WIDTH,
                expected_height=eh,
                remitted_height=rh,
                expected_y=20 + CHART_HEIGHT - eh,
                remitted_y=20 + CHART_HEIGHT - rh,
            )
        )
    return bars


def chart_width(bars: list[Bar]) -> int:
    return 80 + max(len(bars), 1) * GROUP_WIDTH


def not_paid_when_due(advices: QuerySet[RemittanceAdvice], today: dt.date) -> list[PeriodTiming]:
    """remittance-timing.txt 'Notice to Regulator': contributions not paid when due."""
    found = []
    query = advices.select_related("organization").order_by("pay_date", "id")
    batch: list[RemittanceAdvice] = []
    for advice in query.prefetch_related("payments").iterator(chunk_size=500):
        batch.append(advice)
        if len(batch) == 500:
            found.extend(_late(batch, today))
            batch = []
    found.extend(_late(batch, today))
    return found


def _late(advices: list[RemittanceAdvice], today: dt.date) -> list[PeriodTiming]:
    reconciled = reconcile_many(advices)
    timings = (period_timing(a, today, reconciled[a.pk]) for a in advices)
    return [timing for timing in timings if timing.remittance_late]
