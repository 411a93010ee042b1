"""Due dates and lateness for each pay date, and an organization's expected pay dates.

Seeds: remittance-timing.txt 'Timing' (contributions within five business days of the
deduction); select-employer-manual.txt §2 'Timing' (data no later than five business days
after the contributions are required). The dates come from pensionportal.rules.deadlines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from pensionportal.accounts.models import Organization
from pensionportal.rules import deadlines
from pensionportal.rules.dates import add_months, add_years, end_of_month
from pensionportal.submissions.models import Status, Submission

from .models import ZERO, RemittanceAdvice
from .reconciliation import Reconciliation, reconcile


@dataclass(frozen=True)
class PeriodTiming:
    reconciliation: Reconciliation
    deadlines: deadlines.PayDateDeadlines
    paid_in_full_on: dt.date | None  # the day payments reached the amount expected
    paid_by_due: Decimal
    data_received_on: dt.date | None
    today: dt.date

    @property
    def advice(self) -> RemittanceAdvice:
        return self.reconciliation.advice

    @property
    def expected(self) -> Decimal:
        return self.reconciliation.expected_total

    @property
    def remittance_late(self) -> bool:
        """Not paid in full by the contribution due date (paid late, or still unpaid)."""
        due = self.deadlines.contributions_due
        if self.paid_in_full_on is None:
            return self.today > due
        return self.paid_in_full_on > due

    @property
    def data_late(self) -> bool:
        due = self.deadlines.data_due
        if self.data_received_on is None:
            return self.today > due
        return self.data_received_on > due

    @property
    def shortfall(self) -> Decimal:
        return max(self.expected - self.reconciliation.paid, ZERO)


def paid_in_full_on(expected: Decimal, payments: list[tuple[dt.date, Decimal]]) -> dt.date | None:
    running = ZERO
    for day, amount in sorted(payments):
        running += amount
        if running >= expected:
            return day
    return None


def period_timing(
    advice: RemittanceAdvice, today: dt.date, rec: Reconciliation | None = None
) -> PeriodTiming:
    """`rec` is the advice's reconciliation when the caller has it (`reconcile_many`)."""
    rec = rec if rec is not None else reconcile(advice)
    found = deadlines.for_pay_date(advice.pay_date)
    payments = [(p.received_on, p.amount) for p in advice.payments.all()]
    data_on = None
    if rec.submission is not None:
        data_on = timezone.localdate(rec.submission.submitted_at)
    return PeriodTiming(
        reconciliation=rec,
        deadlines=found,
        paid_in_full_on=paid_in_full_on(rec.expected_total, payments)
        if rec.expected_total
        else None,
        paid_by_due=sum((a for d, a in payments if d <= found.contributions_due), ZERO),
        data_received_on=data_on,
        today=today,
    )


def next_pay_date(cycle: str, last: dt.date) -> dt.date:
    """The pay date after ``last`` for the PAY header's cycle (choice: semi-monthly pays on
    the 15th and the last day of the month; docs/remittances.md)."""
    key = cycle.strip().lower().replace(" ", "-")
    if key == "weekly":
        return last + dt.timedelta(days=7)
    if key in {"bi-weekly", "biweekly"}:
        return last + dt.timedelta(days=14)
    if key in {"semi-monthly", "semimonthly"}:
        if last.day < 15:
            return last.replace(day=15)
        if last < end_of_month(last):
            return end_of_month(last)
        return add_months(last.replace(day=1), 1).replace(day=15)
    if key == "monthly":
        return add_months(last, 1)
    if key in {"annually", "annual"}:
        return add_years(last, 1)
    raise ValueError(f"unknown pay cycle {cycle!r}")


def expected_pay_dates(organization: Organization, until: dt.date) -> list[dt.date]:
    """Pay dates after the organization's last applied PAY submission, up to ``until``,
    from that submission's pay cycle and pay date."""
    last = (
        Submission.objects.filter(
            organization=organization, template="PAY", status=Status.APPLIED, pay_date__isnull=False
        )
        .exclude(pay_cycle="")
        .order_by("-pay_date", "-id")
        .first()
    )
    if last is None or last.pay_date is None:
        return []
    dates: list[dt.date] = []
    day = last.pay_date
    try:
        while len(dates) < 60:
            day = next_pay_date(last.pay_cycle, day)
            if day > until:
                break
            dates.append(day)
    except ValueError:
        return []
    return dates
