"""Changing a deduction amount (a new schedule and a new 1016), stopping at the member's
request (credit for what was paid), payments made directly, and the quarterly invoice for
the employer's share. Seeds: reporting-pension-data.txt 'Employer-administered deductions';
buybacks.txt 'Overview', 'Other payment options for members', 'Buyback procedures' step 4."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from pensionportal.accounts.models import Role
from pensionportal.audit.models import AuditEvent
from pensionportal.buybacks import actions, changes, credit, employer_invoices, ledger
from pensionportal.buybacks.models import (
    Buyback,
    BuybackLetter,
    DeductionDirection,
    LetterKind,
    LumpSumPayment,
    PaymentOption,
    Status,
)
from pensionportal.buybacks.tracking import State
from pensionportal.exchange.models import ExchangedFile
from pensionportal.members.models import Contribution, Member, MemberStatus
from pensionportal.messaging.models import Thread
from pensionportal.remittances import actions as remittances
from pensionportal.remittances.models import Invoice, InvoiceKind, InvoiceStatus
from tests.factories import make_staff, make_user

from .helpers import financed, opseu_member, opseu_org, quoted

pytestmark = pytest.mark.django_db
D = Decimal


def _pay(member: Member, pay_date: dt.date, amount: Decimal) -> None:
    Contribution.objects.create(
        organization=member.organization,
        member=member,
        pay_date=pay_date,
        period_start=pay_date - dt.timedelta(days=13),
        period_end=pay_date,
        pay_cycle="biweekly",
        contribution_type="N",
        service_type="REG",
        pensionable_hours=D("75"),
        pensionable_pay=D("2683.09"),
        employee_regular=D("250"),
        buyback=amount,
        employer_regular=D("250"),
        payment_reference="R1",
        source_submission_id=1,
        source_row=2,
    )


# --- changing the deduction amount ----------------------------------------------------------


def test_a_change_reamortizes_the_remaining_balance_from_the_effective_pay_date() -> None:
    staff = make_staff(mfa=False)
    org = opseu_org()
    make_user(org, [Role.FILE_UPLOAD])
    buyback = financed(staff, opseu_member(org))
    old = DeductionDirection.objects.get(buyback=buyback)
    lines = list(old.lines.all())
    effective = lines[4].due_date
    new = changes.change_deduction(
        staff,
        buyback,
        changes.ChangeInput(D("300.00"), effective, requested_on=lines[3].due_date),
    )
    old.refresh_from_db()
    assert not old.active
    assert old.superseded_from == effective
    assert new.replaces == old
    assert new.active
    assert new.start_date == effective
    assert new.member_amount == D("300.00")
    new_lines = list(new.lines.all())
    # the new schedule repays exactly what the old one had left after line 4
    assert sum(line.principal for line in new_lines) == lines[3].balance
    assert len(new_lines) < len(lines) - 4
    # the employer's remaining share is spread over the new payments, none lost
    assert sum(line.employer_payment for line in new_lines) == sum(
        line.employer_payment for line in lines[4:]
    )
    # delivered through the same channel: a second 1016 and a second message
    assert ExchangedFile.objects.filter(pk=new.delivered_file_id or 0).exists()
    assert Thread.objects.get(reference=new.thread_reference).organization == org
    assert AuditEvent.objects.filter(action="buybacks.deduction_changed").count() == 1


def test_tracking_follows_the_new_schedule_from_the_effective_date() -> None:
    staff = make_staff(mfa=False)
    member = opseu_member()
    buyback = financed(staff, member)
    lines = list(DeductionDirection.objects.get(buyback=buyback).lines.all())
    new = changes.change_deduction(
        staff, buyback, changes.ChangeInput(D("300.00"), lines[2].due_date, lines[1].due_date)
    )
    for line in lines[:2]:
        _pay(member, line.due_date, line.member_payment)
    _pay(member, lines[2].due_date, D("300.00"))
    tracking = ledger.tracking_for(buyback, as_of=lines[3].due_date + dt.timedelta(days=20))
    assert tracking is not None
    by_date = {t.due_date: t for t in tracking.lines}
    assert by_date[lines[2].due_date].expected == D("300.00")
    assert by_date[lines[2].due_date].state == State.PAID
    assert by_date[lines[3].due_date].state == State.MISSING
    assert by_date[lines[3].due_date].expected == new.lines.all()[1].member_payment


@pytest.mark.parametrize(
    ("payment", "effective_index", "message"),
    [
        ("300.00", None, "scheduled pay date"),
        ("200.00", 4, "already"),
        ("10.00", 4, "at least"),
    ],
)
def test_a_change_is_refused_with_a_reason(
    payment: str, effective_index: int | None, message: str
) -> None:
    staff = make_staff(mfa=False)
    buyback = financed(staff, opseu_member())
    lines = list(DeductionDirection.objects.get(buyback=buyback).lines.all())
    effective = (
        lines[effective_index].due_date
        if effective_index is not None
        else lines[4].due_date + dt.timedelta(days=1)
    )
    with pytest.raises(actions.BuybackError, match=message):
        changes.change_deduction(
            staff, buyback, changes.ChangeInput(D(payment), effective, lines[3].due_date)
        )
    assert DeductionDirection.objects.filter(buyback=buyback).count() == 1


# --- stopping at the member's request -------------------------------------------------------


def test_a_stop_cancels_the_rest_and_credits_the_service_paid_for() -> None:
    staff = make_staff(mfa=False)
    org = opseu_org()
    member = opseu_member(org)
    buyback = financed(staff, member)
    lines = list(DeductionDirection.objects.get(buyback=buyback).lines.all())
    for line in lines[:3]:
        _pay(member, line.due_date, line.member_payment)
    stopped = actions.stop_buyback(
        staff, buyback, reason="member_request", on=lines[3].due_date - dt.timedelta(days=1)
    )
    paid = sum((line.principal for line in lines[:3]), D("0"))
    assert stopped.principal_paid == paid
    assert stopped.member_cost is not None
    assert stopped.years is not None
    expected = (stopped.years * paid / stopped.member_cost).quantize(D("0.000001"))
    assert stopped.credited_years == expected
    assert BuybackLetter.objects.filter(buyback=buyback, kind=LetterKind.STOPPED).count() == 1
    # the 1016's message, then the one asking the employer to stop the deductions
    assert Thread.objects.filter(organization=org).count() == 2
    tracking = ledger.tracking_for(stopped, as_of=lines[6].due_date)
    assert tracking is not None
    assert [t.state for t in tracking.lines[3:6]] == [State.STOPPED] * 3


def test_a_part_paid_deduction_pays_its_interest_first() -> None:
    staff = make_staff(mfa=False)
    member = opseu_member()
    buyback = financed(staff, member)
    first = DeductionDirection.objects.get(buyback=buyback).lines.all()[0]
    _pay(member, first.due_date, first.interest + D("10.00"))
    assert credit.principal_paid(buyback, first.due_date) == D("10.00")


# --- payments made directly ------------------------------------------------------------------


def test_a_member_on_unpaid_leave_may_pay_directly_and_the_buyback_completes() -> None:
    staff = make_staff(mfa=False)
    member = opseu_member()
    buyback = quoted(staff, member)
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.ON_LEAVE)
    buyback = Buyback.objects.get(pk=buyback.pk)
    with pytest.raises(actions.BuybackError, match="not available"):
        actions.record_agreement(
            staff,
            buyback,
            actions.AgreementInput(
                dt.date(2026, 3, 16),
                PaymentOption.FINANCING,
                interest_rate=D("0.05"),
                payment=D("200"),
                first_deduction=dt.date(2026, 3, 27),
            ),
        )
    agreed = actions.record_agreement(
        staff, buyback, actions.AgreementInput(dt.date(2026, 3, 16), PaymentOption.DIRECT)
    )
    assert agreed.status == Status.AWAITING_PAYMENT
    cost = agreed.member_cost
    assert cost is not None
    part = (cost / 3).quantize(D("0.01"))
    actions.record_lump_sum(staff, agreed, received_date=dt.date(2026, 4, 1), amount=part)
    actions.record_lump_sum(staff, agreed, received_date=dt.date(2026, 7, 1), amount=part)
    last = actions.record_lump_sum(
        staff, agreed, received_date=dt.date(2026, 10, 1), amount=cost - 2 * part
    )
    assert last.direct
    agreed.refresh_from_db()
    assert agreed.status == Status.COMPLETED
    shares = LumpSumPayment.objects.filter(buyback=agreed)
    assert sum(p.employer_share for p in shares) == agreed.employer_cost
    assert [p.invoice_quarter for p in shares] == ["2026-Q2", "2026-Q3", "2026-Q4"]


def test_a_classified_member_at_work_cannot_choose_direct_payments() -> None:
    staff = make_staff(mfa=False)
    buyback = quoted(staff, opseu_member())
    with pytest.raises(actions.BuybackError, match="unpaid leave"):
        actions.record_agreement(
            staff, buyback, actions.AgreementInput(dt.date(2026, 3, 16), PaymentOption.DIRECT)
        )


# --- the quarterly employer invoice ---------------------------------------------------------


def _lump_sum_buyback(staff: Any, org: Any) -> Buyback:
    buyback = quoted(staff, opseu_member(org))
    return actions.record_agreement(
        staff, buyback, actions.AgreementInput(dt.date(2026, 3, 10), PaymentOption.LUMP_SUM)
    )


def test_the_employer_share_is_invoiced_once_after_each_quarter_ends() -> None:
    staff = make_staff(mfa=False)
    org = opseu_org()
    buyback = _lump_sum_buyback(staff, org)
    assert buyback.member_cost is not None
    half = (buyback.member_cost / 2).quantize(D("0.01"))
    q1 = actions.record_lump_sum(staff, buyback, received_date=dt.date(2026, 3, 20), amount=half)
    q2 = actions.record_lump_sum(
        staff, buyback, received_date=dt.date(2026, 4, 2), amount=buyback.member_cost - half
    )
    assert employer_invoices.invoice_ended_quarters(dt.date(2026, 3, 31)) == 0
    assert employer_invoices.invoice_ended_quarters(dt.date(2026, 4, 1)) == 1
    assert employer_invoices.invoice_ended_quarters(dt.date(2026, 4, 2)) == 0  # once
    invoice = Invoice.objects.get(kind=InvoiceKind.BUYBACK_SHARE)
    assert (invoice.organization, invoice.period_label) == (org, "2026-Q1")
    assert invoice.total == q1.employer_share
    assert invoice.advice is None
    assert invoice.due_date == dt.date(2026, 4, 16)  # 10 business days (Good Friday 3 April)
    q1.refresh_from_db()
    assert q1.invoice_id == invoice.pk
    assert employer_invoices.invoice_ended_quarters(dt.date(2026, 7, 1)) == 1
    second = Invoice.objects.get(kind=InvoiceKind.BUYBACK_SHARE, period_label="2026-Q2")
    assert second.total == q2.employer_share
    # paid like any invoice: by EFT quoting its number
    remittances.record_payment(
        staff, remittances.PaymentInput(dt.date(2026, 4, 10), invoice.total, invoice.number)
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_the_employer_sees_its_share_invoice_and_not_anothers(client: Any) -> None:
    staff = make_staff(mfa=False)
    org, other = opseu_org(), opseu_org()
    buyback = _lump_sum_buyback(staff, org)
    assert buyback.member_cost is not None
    actions.record_lump_sum(
        staff, buyback, received_date=dt.date(2026, 3, 20), amount=buyback.member_cost
    )
    employer_invoices.invoice_ended_quarters(dt.date(2026, 4, 1))
    invoice = Invoice.objects.get(kind=InvoiceKind.BUYBACK_SHARE)
    client.force_login(make_user(org, [Role.FILE_UPLOAD]))
    page = client.get("/buybacks/")
    assert invoice.number in page.content.decode()
    assert client.get(f"/remittances/invoices/{invoice.pk}/").status_code == 200
    assert client.get(f"/remittances/invoices/{invoice.pk}/pdf/").status_code == 200
    client.force_login(make_user(other, [Role.FILE_UPLOAD]))
    assert client.get(f"/remittances/invoices/{invoice.pk}/").status_code == 404
    assert invoice.number not in client.get("/buybacks/").content.decode()
