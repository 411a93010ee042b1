"""Changing a financed buyback's deduction amount (what a stop credits: credit.py).

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
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import User
from pensionportal.files import store as files
from pensionportal.rules.pay_cycles import Frequency as RuleFrequency

from . import schedule
from .actions import BuybackError, create_direction, deliver_direction
from .models import Buyback, DeductionDirection, Status

ZERO = Decimal("0.00")


def _error(message: str, field: str | None = None) -> Exception:
    return BuybackError(message, field)


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
    access.require_staff(actor, Capability.BUYBACKS)
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
