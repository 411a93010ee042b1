"""E-mail reminders before the contribution and data due dates.

Seeds: remittance-timing.txt 'Timing'; select-employer-manual.txt §2 'Timing'. Expected pay
dates come from the organization's last applied PAY submission (pay cycle + pay date);
see timing.expected_pay_dates. One reminder per (organization, pay date, kind).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse

from pensionportal.accounts.models import Organization
from pensionportal.core.notify import Notice, absolute_url, notify_on_commit
from pensionportal.rules import deadlines

from . import conf
from .actions import remittance_recipients
from .models import ReminderSent, RemittanceAdvice
from .timing import expected_pay_dates


def send_due_date_reminders(today: dt.date, lead_days: int | None = None) -> int:
    """Send the reminders due today (or overdue for sending) to every employer; returns how
    many were sent."""
    return sum(
        send_reminders_for(organization, today, lead_days)
        for organization in Organization.objects.filter(kind="employer", is_active=True)
    )


def send_reminders_for(
    organization: Organization, today: dt.date, lead_days: int | None = None
) -> int:
    """One employer's reminders (the scheduler's per-employer task)."""
    lead = conf.reminder_lead_days() if lead_days is None else lead_days
    sent = 0
    candidates = set(expected_pay_dates(organization, today + dt.timedelta(days=31)))
    candidates |= set(
        RemittanceAdvice.objects.filter(
            organization=organization, pay_date__gte=today - dt.timedelta(days=31)
        ).values_list("pay_date", flat=True)
    )
    for pay_date in sorted(candidates):
        found = deadlines.for_pay_date(pay_date)
        for kind, due in (("contributions", found.contributions_due), ("data", found.data_due)):
            if due < today or (due - today).days > lead:
                continue
            sent += _send_once(organization, pay_date, kind, due)
    return sent


def _send_once(organization: Organization, pay_date: dt.date, kind: str, due: dt.date) -> int:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                organization=organization, pay_date=pay_date, kind=kind, due_date=due
            )
            what = "Contributions" if kind == "contributions" else "Pension data (PAY file)"
            notify_on_commit(
                remittance_recipients(organization),
                f"{what} due {due.isoformat()}",
                f"{what} for a pay date are due on {due.isoformat()}. Sign in to see your "
                f"remittances: {absolute_url(reverse('remittances:index'))}",
                kind=Notice.DUE_REMINDER,
                organization_id=organization.pk,
            )
    except IntegrityError:
        return 0
    return 1
