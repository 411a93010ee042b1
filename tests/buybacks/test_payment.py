"""Payment options, the amortization schedule to the cent, the employer's share and the
deduction direction (seeds/buybacks.txt 'Payment options', 'Employer payments';
reporting-pension-data.txt 'Employer-administered deductions')."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from pensionportal.accounts.models import Role
from pensionportal.buybacks import actions, schedule
from pensionportal.buybacks.models import DeductionDirection, PaymentOption, Status
from pensionportal.exchange.models import Category, ExchangedFile
from pensionportal.messaging.models import Thread
from pensionportal.rules.pay_cycles import Frequency
from tests.factories import make_staff, make_user

from .helpers import QUOTE_DATE, application, financed, opseu_member, opseu_org, quoted


def plan(**more: object) -> schedule.DeductionPlan:
    values: dict[str, object] = {
        "member_cost": Decimal("1000.00"),
        "employer_cost": Decimal("800.00"),
        "lump_sum": Decimal(0),
        "annual_rate": Decimal("0.06"),
        "frequency": Frequency.BIWEEKLY,
        "payment": Decimal("100.00"),
        "first_deduction": dt.date(2026, 1, 9),
        "agreed_on": dt.date(2026, 1, 2),
        "quote_date": dt.date(2025, 12, 1),
    }
    values.update(more)
    return schedule.build(**values)  # type: ignore[arg-type]


def test_the_declining_balance_schedule_is_exact_to_the_cent() -> None:
    lines = plan().lines
    # 6 % a year / (365.25 / 14) a period; interest rounded half up each period.
    assert [(x.interest, x.principal, x.balance) for x in lines[:3]] == [
        (Decimal("2.30"), Decimal("97.70"), Decimal("902.30")),
        (Decimal("2.08"), Decimal("97.92"), Decimal("804.38")),
        (Decimal("1.85"), Decimal("98.15"), Decimal("706.23")),
    ]
    last = lines[-1]
    assert len(lines) == 11
    assert (last.member_payment, last.interest, last.balance) == (
        Decimal("12.86"),
        Decimal("0.03"),
        Decimal("0.00"),
    )
    assert sum(x.principal for x in lines) == Decimal("1000.00")
    assert [x.due_date for x in lines[:2]] == [dt.date(2026, 1, 9), dt.date(2026, 1, 23)]


def test_the_employer_share_follows_the_member_payments_in_equal_amounts() -> None:
    lines = plan().lines
    assert {x.employer_payment for x in lines[:-1]} == {Decimal("72.72")}
    assert lines[-1].employer_payment == Decimal("72.80")
    assert sum(x.employer_payment for x in lines) == Decimal("800.00")


def test_it_refuses_a_payment_under_ten_dollars() -> None:
    with pytest.raises(ValueError, match=r"at least \$10"):
        plan(member_cost=Decimal("600"), annual_rate=Decimal(0), payment=Decimal("9.99"))


def test_it_refuses_a_payment_that_takes_more_than_ten_years() -> None:
    with pytest.raises(ValueError, match="repay within 10 years"):
        plan(member_cost=Decimal("50000"), payment=Decimal("100"))


def test_a_combined_option_must_leave_at_least_500_financed() -> None:
    with pytest.raises(ValueError, match="at least"):
        plan(lump_sum=Decimal("600"))
    combined = plan(lump_sum=Decimal("400"), payment=Decimal("50"))
    assert combined.financed == Decimal("600.00")
    assert combined.employer_financed == Decimal("480.00")  # 800 - 800 x 400 / 1000


def test_the_last_deduction_must_fall_within_ten_years_three_months_of_the_quote() -> None:
    with pytest.raises(ValueError, match="completion deadline"):
        plan(
            member_cost=Decimal("20000"),
            payment=Decimal("110"),
            quote_date=dt.date(2017, 1, 1),
            agreed_on=dt.date(2017, 3, 1),
            first_deduction=dt.date(2019, 1, 4),
        )


def test_weekly_monthly_and_semi_monthly_pay_dates() -> None:
    first = dt.date(2026, 1, 1)
    assert schedule.pay_date(first, Frequency.WEEKLY, 2) == dt.date(2026, 1, 15)
    assert schedule.pay_date(first, Frequency.MONTHLY, 2) == dt.date(2026, 3, 1)
    assert schedule.pay_date(first, Frequency.SEMI_MONTHLY, 3) == dt.date(2026, 2, 16)


@pytest.mark.django_db
def test_a_buyback_under_500_may_only_be_paid_in_a_lump_sum() -> None:
    staff = make_staff(mfa=False)
    buyback = quoted(
        staff,
        opseu_member(pay_rate=Decimal("20000")),
        service_type="statutory-leave",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 2, 15),
    )
    assert buyback.member_cost is not None
    assert buyback.member_cost < 500
    with pytest.raises(actions.BuybackError, match="lump sum only below") as refused:
        actions.record_agreement(
            staff,
            buyback,
            actions.AgreementInput(dt.date(2026, 3, 10), PaymentOption.FINANCING),
        )
    assert refused.value.field == "option"


@pytest.mark.django_db
def test_financing_is_only_for_classified_members() -> None:
    staff = make_staff(mfa=False)
    buyback = quoted(staff, opseu_member(employment_type="NP"))
    with pytest.raises(actions.BuybackError, match="classified"):
        actions.record_agreement(
            staff,
            buyback,
            actions.AgreementInput(
                dt.date(2026, 3, 10),
                PaymentOption.FINANCING,
                interest_rate=Decimal("0.05"),
                payment=Decimal("200"),
                first_deduction=dt.date(2026, 3, 27),
            ),
        )
    buyback.refresh_from_db()
    assert buyback.status == Status.QUOTED
    assert not DeductionDirection.objects.exists()


@pytest.mark.django_db
def test_a_financed_buyback_delivers_form_1016_and_a_secure_message(
    django_capture_on_commit_callbacks: Any,
) -> None:
    org = opseu_org()
    employer = make_user(org, [Role.FILE_UPLOAD])
    staff = make_staff(mfa=False)
    with django_capture_on_commit_callbacks(execute=True):
        buyback = financed(staff, opseu_member(org))
    assert buyback.status == Status.IN_PAYMENT
    direction = DeductionDirection.objects.get(buyback=buyback)
    assert direction.member_amount == Decimal("200.00")
    assert direction.member_code == "055"
    assert direction.employer_code == "056"
    assert direction.number_of_payments == direction.lines.count()
    assert direction.start_date == dt.date(2026, 3, 27)
    assert direction.end_date == direction.lines.last().due_date  # type: ignore[union-attr]
    assert sum(x.principal for x in direction.lines.all()) == buyback.member_cost
    assert sum(x.employer_payment for x in direction.lines.all()) == buyback.employer_cost
    delivered = ExchangedFile.objects.get(pk=direction.delivered_file_id or 0)
    assert delivered.category == Category.BUYBACK_DEDUCTIONS
    assert delivered.organization == org
    assert Thread.objects.get(reference=direction.thread_reference).organization == org
    assert any(employer.email in message.to for message in mail.outbox)


@pytest.mark.django_db
def test_lump_sums_invoice_the_employer_share_by_quarter_and_complete_the_buyback() -> None:
    staff = make_staff(mfa=False)
    buyback = quoted(staff, opseu_member())
    cost = buyback.member_cost
    assert cost is not None
    buyback = actions.record_agreement(
        staff, buyback, actions.AgreementInput(dt.date(2026, 3, 10), PaymentOption.LUMP_SUM)
    )
    assert buyback.status == Status.AWAITING_PAYMENT
    half = (cost / 2).quantize(Decimal("0.01"))
    first = actions.record_lump_sum(staff, buyback, received_date=dt.date(2026, 3, 20), amount=half)
    assert first.invoice_quarter == "2026-Q1"
    with pytest.raises(actions.BuybackError, match="remains to be paid"):
        actions.record_lump_sum(staff, buyback, received_date=dt.date(2026, 4, 2), amount=cost)
    second = actions.record_lump_sum(
        staff, buyback, received_date=dt.date(2026, 4, 2), amount=cost - half
    )
    assert second.invoice_quarter == "2026-Q2"
    assert first.employer_share + second.employer_share == buyback.employer_cost
    buyback.refresh_from_db()
    assert buyback.status == Status.COMPLETED


@pytest.mark.django_db
def test_deductions_stop_only_for_the_listed_reasons() -> None:
    staff = make_staff(mfa=False)
    buyback = financed(staff, opseu_member())
    with pytest.raises(actions.BuybackError, match="terminat"):
        actions.stop_buyback(staff, buyback, reason="payroll_change", on=dt.date(2026, 5, 1))
    stopped = actions.stop_buyback(staff, buyback, reason="retirement", on=dt.date(2026, 5, 1))
    assert stopped.status == Status.STOPPED
    assert not DeductionDirection.objects.get(buyback=buyback).active


@pytest.mark.django_db
def test_the_quote_date_opens_the_completion_window() -> None:
    staff = make_staff(mfa=False)
    buyback = application(staff, opseu_member())
    done = actions.issue_quote(
        staff, buyback, complete_date=buyback.received_date, quote_date=QUOTE_DATE
    )
    assert done.completion_deadline == dt.date(2036, 6, 2)
