"""Every read the member-events app makes of another app's data, in one place (issue 13
will turn these into events): applied submissions, the TER history, delivered PA files and
the next pay date of a pay cycle."""

from __future__ import annotations

import datetime as dt

from pensionportal.accounts.models import Organization


def applied(organization: Organization, template: str) -> list[tuple[dt.date | None, str, dt.date]]:
    """(pay date, pay cycle, day applied) of the organization's applied submissions."""
    from django.utils import timezone

    from pensionportal.submissions.models import Status, Submission

    rows = Submission.objects.filter(
        organization=organization, template=template, status=Status.APPLIED, test_mode=False
    ).values_list("pay_date", "pay_cycle", "applied_at", "submitted_at")
    return [
        (pay_date, cycle, timezone.localdate(applied_at or submitted_at))
        for pay_date, cycle, applied_at, submitted_at in rows
    ]


def next_pay_date(cycle: str, last: dt.date) -> dt.date | None:
    from pensionportal.remittances.timing import next_pay_date as following

    try:
        return following(cycle, last)
    except ValueError:
        return None


def pa_file_delivered_since(organization: Organization, since: dt.date) -> dt.date | None:
    """The first day after ``since`` the administrator delivered a PA file to the employer."""
    from django.utils import timezone

    from pensionportal.exchange.models import Category, Direction, ExchangedFile

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
