"""The 45-day window of the Agreement to Purchase Credit: reminder, lapse on the 46th day,
a late form refused, a form received in time but recorded late reinstated, and the re-issue
at the cost as of the new date (seeds/buybacks.txt 'Buyback procedures' step 3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pensionportal.audit.models import AuditEvent
from pensionportal.buybacks import actions, lapsing
from pensionportal.buybacks.models import (
    BuybackLetter,
    IssuedQuote,
    LetterKind,
    PaymentOption,
    QuoteOutcome,
    Status,
)
from pensionportal.worklist.models import Task, TaskStatus
from tests.factories import make_staff

from .helpers import QUOTE_DATE, application, opseu_member, quoted

pytestmark = pytest.mark.django_db
DAY_30 = QUOTE_DATE + dt.timedelta(days=30)
DAY_45 = QUOTE_DATE + dt.timedelta(days=45)
DAY_46 = QUOTE_DATE + dt.timedelta(days=46)


def test_a_quote_is_answerable_through_the_45th_day() -> None:
    staff = make_staff(mfa=False)
    buyback = quoted(staff, opseu_member())
    assert buyback.response_deadline == DAY_45 == dt.date(2026, 4, 16)
    assert lapsing.lapse_quotes(DAY_45) == 0
    agreed = actions.record_agreement(
        staff, buyback, actions.AgreementInput(DAY_45, PaymentOption.LUMP_SUM)
    )
    assert agreed.status == Status.AWAITING_PAYMENT
    assert IssuedQuote.objects.get(buyback=buyback).outcome == QuoteOutcome.AGREED
    # the answer closes the staff task
    assert Task.objects.get(key=f"buyback-response:{buyback.pk}:1").status == TaskStatus.DONE


def test_the_quote_lapses_on_the_46th_day_audited_with_a_letter() -> None:
    staff = make_staff(mfa=False)
    buyback = quoted(staff, opseu_member())
    assert lapsing.lapse_quotes(DAY_46) == 1
    buyback.refresh_from_db()
    assert buyback.status == Status.LAPSED
    issued = IssuedQuote.objects.get(buyback=buyback)
    assert (issued.outcome, issued.outcome_on) == (QuoteOutcome.LAPSED, DAY_46)
    assert BuybackLetter.objects.filter(buyback=buyback, kind=LetterKind.LAPSED).count() == 1
    event = AuditEvent.objects.get(action="buybacks.quote_lapsed")
    assert event.target == buyback.reference
    assert event.details["lapsed_on"] == DAY_46.isoformat()
    assert Task.objects.get(key=f"buyback-response:{buyback.pk}:1").status == (TaskStatus.CANCELLED)
    assert lapsing.lapse_quotes(DAY_46 + dt.timedelta(days=1)) == 0  # once


def test_a_signed_form_received_on_the_46th_day_is_refused() -> None:
    staff = make_staff(mfa=False)
    buyback = quoted(staff, opseu_member())
    with pytest.raises(actions.BuybackError, match="45-day window closed on 2026-04-16"):
        actions.record_agreement(
            staff, buyback, actions.AgreementInput(DAY_46, PaymentOption.LUMP_SUM)
        )
    buyback.refresh_from_db()
    assert buyback.status == Status.QUOTED


def test_a_form_received_in_time_but_recorded_after_the_lapse_reinstates_the_quote() -> None:
    staff = make_staff(mfa=False)
    buyback = quoted(staff, opseu_member())
    lapsing.lapse_quotes(DAY_46)
    buyback.refresh_from_db()
    agreed = actions.record_agreement(
        staff, buyback, actions.AgreementInput(DAY_45, PaymentOption.LUMP_SUM)
    )
    assert agreed.status == Status.AWAITING_PAYMENT
    event = AuditEvent.objects.filter(action="buybacks.agreement_recorded").get()
    assert event.details["reinstated_after_lapse"] is True


def test_the_reminder_letter_is_written_on_its_day_once() -> None:
    staff = make_staff(mfa=False)
    buyback = quoted(staff, opseu_member())
    assert lapsing.write_reminders(DAY_30 - dt.timedelta(days=1)) == 0
    assert lapsing.write_reminders(DAY_30) == 1
    assert lapsing.write_reminders(DAY_30 + dt.timedelta(days=1)) == 0
    issued = IssuedQuote.objects.get(buyback=buyback)
    assert issued.reminded_on == DAY_30
    assert BuybackLetter.objects.filter(buyback=buyback, kind=LetterKind.REMINDER).count() == 1
    task = Task.objects.get(key=f"buyback-response:{buyback.pk}:1")
    assert (task.listed_from, task.due_date) == (DAY_30, DAY_45)


def test_a_lapsed_quote_is_reissued_at_the_cost_as_of_the_new_date() -> None:
    staff = make_staff(mfa=False)
    member = opseu_member()
    buyback = quoted(staff, member)
    first_cost = buyback.member_cost
    original_completion = buyback.completion_deadline
    lapsing.lapse_quotes(DAY_46)
    buyback.refresh_from_db()
    new_date = dt.date(2026, 6, 1)
    again = lapsing.reissue_quote(staff, buyback, quote_date=new_date, salary_rate=Decimal("80000"))
    assert again.status == Status.QUOTED
    assert again.salary_rate == Decimal("80000")
    assert again.complete_date == new_date
    assert again.member_cost is not None
    assert first_cost is not None
    assert again.member_cost > first_cost  # a higher salary on the new date
    assert again.response_deadline == new_date + dt.timedelta(days=45)
    # 10 years 3 months still run from the original quote
    assert again.completion_deadline == original_completion
    numbers = list(IssuedQuote.objects.filter(buyback=buyback).values_list("number", "outcome"))
    assert numbers == [(1, QuoteOutcome.LAPSED), (2, QuoteOutcome.OPEN)]
    assert AuditEvent.objects.filter(action="buybacks.quote_reissued").count() == 1


def test_only_a_lapsed_quote_is_reissued() -> None:
    staff = make_staff(mfa=False)
    buyback = quoted(staff, opseu_member())
    with pytest.raises(actions.BuybackError, match="not lapsed"):
        lapsing.reissue_quote(staff, buyback, quote_date=dt.date(2026, 4, 1))


def test_a_requote_replaces_the_open_quote() -> None:
    staff = make_staff(mfa=False)
    buyback = quoted(staff, opseu_member())
    actions.issue_quote(
        staff, buyback, complete_date=buyback.received_date, quote_date=dt.date(2026, 3, 9)
    )
    outcomes = list(IssuedQuote.objects.filter(buyback=buyback).values_list("outcome", flat=True))
    assert outcomes == [QuoteOutcome.REPLACED, QuoteOutcome.OPEN]


def test_the_window_is_judged_on_the_day_the_form_was_received() -> None:
    # Defect (failing before the fix): an application received within the 24 months but
    # completed after them was quoted on an actuarial basis. seeds/buybacks.txt: the 1036 "is
    # the only document that must be received within the 24-month deadline".
    staff = make_staff(mfa=False)
    member = opseu_member(membership_date=dt.date(2024, 1, 2))  # window to 2026-01-02
    buyback = application(staff, member, received=dt.date(2025, 12, 15))
    done = actions.issue_quote(
        staff, buyback, complete_date=dt.date(2026, 2, 2), quote_date=QUOTE_DATE
    )
    assert not done.actuarial
    assert done.member_cost is not None
    assert done.member_cost > 0
