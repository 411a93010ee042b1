"""The thin database layer of tracking: a buyback's schedule and the PAY ledger's buyback
amounts for its member (`members.Contribution.buyback`, the PAY "Buyback Contribution").

The PAY row carries the member's buyback contribution (select-employer-manual.txt §2, PAY
"Buyback Contribution: the member's prior service purchase contribution"), so the member's
scheduled deductions are compared with it. When a member has more than one financed
buyback at once, the PAY amount pays for all of them: their schedules are summed by pay
date before comparing (docs/buybacks.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from pensionportal.members.models import Contribution

from .models import Buyback, DeductionDirection, ScheduledDeduction, Status
from .tracking import Due, Reported, Tracking, track


def _member_schedule(buyback: Buyback) -> list[Due]:
    directions = DeductionDirection.objects.filter(
        buyback__member=buyback.member,
        buyback__status__in=(Status.IN_PAYMENT, Status.STOPPED, Status.COMPLETED),
    )
    by_date: dict[dt.date, Decimal] = defaultdict(Decimal)
    number: dict[dt.date, int] = {}
    for line in ScheduledDeduction.objects.filter(direction__in=directions).select_related(
        "direction"
    ):
        superseded = line.direction.superseded_from
        if superseded is not None and line.due_date >= superseded:
            continue  # replaced by a changed schedule
        by_date[line.due_date] += line.member_payment
        if line.direction.buyback_id == buyback.pk:
            number[line.due_date] = line.number
    return [Due(number.get(day, 0), day, by_date[day]) for day in sorted(by_date)]


def tracking_for(buyback: Buyback, as_of: dt.date | None = None) -> Tracking | None:
    """The buyback's deductions against the PAY rows reported for its member, or None when
    it has no schedule."""
    if not DeductionDirection.objects.filter(buyback=buyback).exists():
        return None
    schedule = _member_schedule(buyback)
    start = schedule[0].due_date if schedule else buyback.agreement_date
    rows = Contribution.objects.filter(
        member=buyback.member, buyback__gt=0, pay_date__gte=start
    ).values_list("pay_date", "buyback")
    reported = [Reported(pay_date, amount) for pay_date, amount in rows]
    return track(schedule, reported, as_of or timezone.localdate(), buyback.stopped_on)
