"""Every read the member-events app makes of the apps below it (docs/architecture.md), in
one place: applied submissions, the TER history, delivered PA files and the next pay date of
a pay cycle. Reads go down only; what it reacts to arrives by an event (reactions.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pensionportal.accounts.models import Organization
from pensionportal.exchange.models import Category, Direction, ExchangedFile
from pensionportal.remittances.timing import next_pay_date as following
from pensionportal.submissions.models import Status, Submission


def applied(organization: Organization, template: str) -> list[tuple[dt.date | None, str, dt.date]]:
    """(pay date, pay cycle, day applied) of the organization's applied submissions."""
    rows = Submission.objects.filter(
        organization=organization, template=template, status=Status.APPLIED, test_mode=False
    ).values_list("pay_date", "pay_cycle", "applied_at", "submitted_at")
    return [
        (pay_date, cycle, timezone.localdate(applied_at or submitted_at))
        for pay_date, cycle, applied_at, submitted_at in rows
    ]


def next_pay_date(cycle: str, last: dt.date) -> dt.date | None:
    try:
        return following(cycle, last)
    except ValueError:
        return None


def pa_file_delivered_since(organization: Organization, since: dt.date) -> dt.date | None:
    """The first day after ``since`` the administrator delivered a PA file to the employer."""
    found = (
        ExchangedFile.objects.filter(
            organization=organization,
            direction=Direction.FROM_ADMINISTRATOR,
            category=Category.PA_FILE,
            sent_at__date__gt=since,
        )
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    return timezone.localdate(found) if found else None
