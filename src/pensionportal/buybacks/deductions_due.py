"""The buyback deductions a PAY file should carry on a pay date, for the intake check
"an active buyback deduction (1016 direction) missing from the PAY file or at a different
amount" (issue 16; docs/datafiles.md 'Checks from the payroll history').

Seed: reporting-pension-data.txt "Buyback deductions": "The funds for both employee and
employer must be remitted at the requested amount." As in `ledger`, a member's deductions
from several buybacks are summed by pay date (the PAY row has one Buyback Contribution).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from pensionportal.accounts.models import Organization

from .models import ScheduledDeduction, Status

SHIFT = dt.timedelta(days=3)
"""A schedule line is due on the PAY file's pay date when its due date is within three days
of it (a pay date moved by a holiday); the nearest line wins. Choice: the shortest
deduction cycle is weekly, so a 3-day window never holds two of one schedule's lines."""


def deductions_due(organization: Organization, pay_date: dt.date) -> dict[int, Decimal]:
    """Member id -> the member's buyback deduction due on ``pay_date`` (one query)."""
    lines = (
        ScheduledDeduction.objects.filter(
            direction__buyback__organization=organization,
            direction__buyback__status=Status.IN_PAYMENT,
            due_date__gte=pay_date - SHIFT,
            due_date__lte=pay_date + SHIFT,
        )
        .order_by("due_date")
        .values_list(
            "direction__buyback__member_id",
            "direction_id",
            "due_date",
            "member_payment",
            "direction__superseded_from",
        )
    )
    nearest: dict[int, tuple[dt.timedelta, int, Decimal]] = {}
    for member_id, direction_id, due, amount, superseded in lines:
        if superseded is not None and due >= superseded:
            continue  # replaced by a changed schedule
        distance = abs(due - pay_date)
        found = nearest.get(direction_id)
        if found is None or distance < found[0]:
            nearest[direction_id] = (distance, member_id, amount)
    due_by_member: dict[int, Decimal] = defaultdict(Decimal)
    for _distance, member_id, amount in nearest.values():
        due_by_member[member_id] += amount
    return dict(due_by_member)
