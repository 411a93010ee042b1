"""Changing a financed buyback's deduction amount, and what a stop credits.

Seeds: reporting-pension-data.txt "Employer-administered deductions" ("Members must contact
OPTrust directly to change the deduction amount"; the 1016 gives start date, end date,
member and employer amounts, number of payments); buybacks.txt "Overview" ("The member may
also request that OPTrust stop the buyback"), "Employer payments" ("only service actually
paid for by the member is billed to the employer").

A change starts a new schedule from a scheduled pay date: the balance the old schedule
would have left just before that date is re-amortized at the same rate with the new
payment, the employer's remaining scheduled share is spread over the new number of
payments, and a new 1016 goes to the employer through the same channel (File Upload and a
secure message). The old direction keeps its lines before the effective date, so arrears
stay flagged on them; tracking against the PAY data follows the new lines from that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.models import User
from pensionportal.files import store as files
from pensionportal.rules import buybacks as rules
from pensionportal.rules.dates import year_fraction
from pensionportal.rules.money import to_cents
from pensionportal.rules.pay_cycles import Frequency as RuleFrequency

from . import ledger, schedule
from .models import Buyback, DeductionDirection, Status

ZERO = Decimal("0.00")


def _error(message: str, field: str | None = None) -> Exception:
    from .actions import BuybackError

    return BuybackError(message, field)


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


@dataclass(frozen=True)
class ChangeInput:
    payment: Decimal  # the member's new deduction a pay
    effective_from: dt.date  # a scheduled pay date of the current direction
    requested_on: dt.date  # the day the member asked
    reason: str = ""


def change_deduction(
    actor: User, buyback: Buyback, data: ChangeInput, request: HttpRequest | None = None
) -> DeductionDirection:
    """The member asked to change the deduction amount: a new schedule and a new 1016."""
    from .actions import create_direction, deliver_direction

    access.require_staff(actor)
    if buyback.status != Status.IN_PAYMENT:
        raise _error("Only a buyback paid by payroll deductions can have its amount changed.")
    current = DeductionDirection.objects.filter(buyback=buyback, active=True).first()
    if current is None:
        raise _error("This buyback has no deduction direction in force.")
    if data.requested_on > timezone.localdate():
        raise _error("The date of the member's request cannot be in the future.", "requested_on")
    if data.payment <= 0:
        raise _error("Enter the new deduction a pay.", "payment")
    if data.payment == current.member_amount:
        raise _error(f"The deduction is already ${current.member_amount} a pay.", "payment")
    lines = list(current.lines.all())
    index = next((i for i, line in enumerate(lines) if line.due_date == data.effective_from), None)
    upcoming = [
        f"{line.due_date:%Y-%m-%d}" for line in lines if line.due_date >= data.requested_on
    ][:3]
    if index is None or data.effective_from < data.requested_on:
        raise _error(
            "The change takes effect on a scheduled pay date on or after the member's request"
            + (f" (next: {', '.join(upcoming)})." if upcoming else "; none is left."),
            "effective_from",
        )
    remaining = lines[index - 1].balance if index else (buyback.financed_amount or ZERO)
    employer_remaining = sum((line.employer_payment for line in lines[index:]), ZERO)
    assert buyback.interest_rate is not None
    assert buyback.completion_deadline is not None
    try:
        plan = schedule.rebuild(
            remaining=remaining,
            employer_remaining=employer_remaining,
            annual_rate=buyback.interest_rate,
            frequency=RuleFrequency(current.frequency),
            payment=data.payment,
            first_deduction=data.effective_from,
            changed_on=data.requested_on,
            completion_deadline=buyback.completion_deadline,
        )
    except ValueError as error:
        message = str(error)
        raise _error(message[:1].upper() + message[1:], "payment") from error
    stored = None
    try:
        with transaction.atomic():
            locked = Buyback.objects.select_for_update().get(pk=buyback.pk)
            old = DeductionDirection.objects.select_for_update().get(pk=current.pk)
            if not old.active:
                raise _error("The deductions changed meanwhile; reload the page.")
            old.active = False
            old.superseded_from = data.effective_from
            old.save(update_fields=["active", "superseded_from"])
            reason = data.reason.strip() or "The member asked to change the deduction amount."
            new = create_direction(actor, locked, old.frequency, plan, replaces=old, reason=reason)
            stored = deliver_direction(
                actor,
                locked,
                new,
                request,
                subject=f"Buyback deduction change {locked.reference}",
                opening=(
                    f"The member asked to change the buyback deduction from "
                    f"${old.member_amount} to ${new.member_amount} a pay from pay date "
                    f"{data.effective_from:%Y-%m-%d} (remaining balance ${remaining}). "
                    "Please change the payroll deductions"
                ),
                audit_action="buybacks.deduction_changed",
            )
    except BaseException:
        if stored is not None:
            files.delete_orphan(stored)
        raise
    return new
