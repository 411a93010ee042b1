"""The 45-day window of each Agreement to Purchase Credit: a reminder letter, then the
automatic lapse, and the re-issue of a lapsed quote at the cost as of the new date.

Seed: buybacks.txt 'Buyback procedures' step 3 ("This form sets out the cost of the purchase
and the available payment options. The member must respond within 45 days."). The 45th day
after the mailing is the last day to respond; the quote lapses on the 46th. The reminder
letter is written 15 days before the deadline (a choice, parameter
``buyback_agreement_reminder_days_before``). A signed form received within the window but
recorded after the lapse still counts (``actions.record_agreement`` reinstates it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import record
from pensionportal.rules import buybacks as rules

from . import other_apps
from .actions import BuybackError, _response_key, issue_quote
from .employer_invoices import invoice_ended_quarters
from .letters import write_letter
from .models import Buyback, IssuedQuote, LetterKind, QuoteOutcome, Status
from .tax_reporting import sync_year_tasks

SYSTEM = "system:buybacks"


def _open_quotes(organization: Organization | None) -> QuerySet[IssuedQuote]:
    found = IssuedQuote.objects.filter(outcome=QuoteOutcome.OPEN)
    if organization is not None:
        found = found.filter(buyback__organization=organization)
    return found


def write_reminders(today: dt.date, organization: Organization | None = None) -> int:
    """A reminder letter for each open quote whose reminder day has come (once each); of
    one employer's buybacks, or of all."""
    count = 0
    due = (
        _open_quotes(organization)
        .filter(reminded_on=None, reminder_date__lte=today, response_deadline__gte=today)
        .values_list("pk", flat=True)
    )
    for pk in list(due):
        with transaction.atomic():
            issued = IssuedQuote.objects.select_for_update().get(pk=pk)
            buyback = Buyback.objects.select_for_update().get(pk=issued.buyback_id)
            if issued.reminded_on is not None or buyback.status != Status.QUOTED:
                continue
            letter = write_letter(buyback, LetterKind.REMINDER, today)
            issued.reminded_on = today
            issued.save(update_fields=["reminded_on"])
            record(
                "buybacks.reminder_written",
                actor_email=SYSTEM,
                organization=buyback.organization,
                target=buyback.reference,
                details={"quote": issued.number, "letter": letter.pk},
            )
            count += 1
    return count


def lapse_quotes(today: dt.date, organization: Organization | None = None) -> int:
    """Every open quote whose 45 days ended before ``today`` lapses (audited, with a letter
    to the member); of one employer's buybacks, or of all."""
    count = 0
    expired = (
        _open_quotes(organization).filter(response_deadline__lt=today).values_list("pk", flat=True)
    )
    for pk in list(expired):
        with transaction.atomic():
            issued = IssuedQuote.objects.select_for_update().get(pk=pk)
            buyback = Buyback.objects.select_for_update().get(pk=issued.buyback_id)
            if issued.outcome != QuoteOutcome.OPEN or buyback.status != Status.QUOTED:
                continue
            lapsed_on = issued.response_deadline + dt.timedelta(days=1)
            issued.outcome = QuoteOutcome.LAPSED
            issued.outcome_on = lapsed_on
            issued.save(update_fields=["outcome", "outcome_on"])
            buyback.status = Status.LAPSED
            buyback.save(update_fields=["status"])
            letter = write_letter(buyback, LetterKind.LAPSED, today)
            record(
                "buybacks.quote_lapsed",
                actor_email=SYSTEM,
                organization=buyback.organization,
                target=buyback.reference,
                details={
                    "quote": issued.number,
                    "respond_by": issued.response_deadline.isoformat(),
                    "lapsed_on": lapsed_on.isoformat(),
                    "letter": letter.pk,
                },
            )
            other_apps.task_cancelled(
                _response_key(issued),
                today,
                f"The quote lapsed: no answer within {rules.response_days(issued.quote_date)} "
                "days.",
            )
            count += 1
    return count


def reissue_quote(
    actor: User,
    buyback: Buyback,
    *,
    quote_date: dt.date,
    salary_rate: Decimal | None = None,
    entered_cost: Decimal | None = None,
    interest_rate: Decimal | None = None,
    request: HttpRequest | None = None,
) -> Buyback:
    """A new 1017 for a lapsed quote, costed as of ``quote_date`` (the salary rate and the
    YMPE on that date); a new 45-day window; the completion window still runs from the
    original quote ('Buyback costs': "10 years and three months from the mailing date of
    the original cost quote")."""
    if buyback.status != Status.LAPSED:
        raise BuybackError("Only a lapsed quote is re-issued; this one is not lapsed.")
    return issue_quote(
        actor,
        buyback,
        complete_date=quote_date,
        salary_rate=salary_rate,
        entered_cost=entered_cost,
        interest_rate=interest_rate,
        quote_date=quote_date,
        request=request,
    )


@dataclass(frozen=True)
class DailyResult:
    reminders: int
    lapsed: int
    invoices: int
    tax_tasks: int


def run_daily(today: dt.date, organization: Organization | None = None) -> DailyResult:
    """The buybacks' daily job: reminders, lapses, the quarterly employer invoices and the
    yearly tax-reporting tasks; for one employer (the scheduler's per-employer task) or
    for all."""
    reminders = write_reminders(today, organization)
    lapsed = lapse_quotes(today, organization)
    invoices = invoice_ended_quarters(today, organization)
    tax_tasks = sync_year_tasks(today, organization)
    return DailyResult(reminders, lapsed, invoices, tax_tasks)
