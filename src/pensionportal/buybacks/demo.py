"""Demo data: a member of Demo Employer Ltd. with a financed buyback, its deduction
direction (form 1016) delivered through File Upload and a secure message, and a change of
its deduction amount (a second 1016); at Northern Demo Services Inc. (OPSEU Pension Plan,
taking the deduction file: a CORPAY employer) a quote that lapsed, one awaiting its answer
with the reminder letter written, a buyback stopped at the member's request with the
service credited, a member on leave paying directly whose employer share was invoiced for
the last quarter, and a leave purchase flagged for the administrator's PA filing.
Idempotent: each member is made once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pensionportal.accounts.models import Organization, User
from pensionportal.core.demo import DEMO_EMPLOYER, SECOND_EMPLOYER
from pensionportal.members.demo import demo_member
from pensionportal.members.models import Contribution, Member, MemberStatus

from . import actions, changes, employer_invoices, lapsing
from .models import Buyback, DeductionDirection, DeductionFileEmployer, PaymentOption

EMPLOYEE_ID = "DEMO-B001"
DEMO_SIN = "718392640"  # a valid test SIN (check digit), used only by this demo member


def _member(organization: Organization) -> Member:
    return demo_member(
        organization,
        EMPLOYEE_ID,
        DEMO_SIN,
        "Buyback",
        "Bailey",
        birth_date=dt.date(1984, 9, 14),
        hire_date=dt.date(2021, 3, 1),
        membership_date=dt.date(2025, 6, 2),  # the employer joined OPTrust Select 2025-06-01
        employment_type="FT",
        employment_ratio=Decimal("1"),
        pay_rate=Decimal("64000.00"),
        standard_hours=Decimal("37.5"),
    )


def load() -> None:
    _bailey()
    _northern()


def _bailey() -> None:
    organization = Organization.objects.get(name=DEMO_EMPLOYER)
    member = _member(organization)
    if Buyback.objects.filter(member=member).exists():
        return
    staff = User.objects.get(email="staff@demo.example")
    today = timezone.localdate()
    buyback = actions.create_application(
        staff,
        member,
        actions.ApplicationInput(
            form="1036",
            service_type="non-contributory",
            service_start=dt.date(2021, 3, 1),
            service_end=dt.date(2025, 6, 1),
            received_date=today - dt.timedelta(days=60),
            notes="Demo: employment before the employer joined OPTrust Select.",
        ),
    )
    buyback = actions.issue_quote(
        staff,
        buyback,
        complete_date=today - dt.timedelta(days=50),
        entered_cost=Decimal("5760.00"),
        interest_rate=Decimal("0.05"),
        quote_date=today - dt.timedelta(days=45),
    )
    buyback = actions.record_agreement(
        staff,
        buyback,
        actions.AgreementInput(
            agreement_date=today - dt.timedelta(days=30),
            option=PaymentOption.FINANCING,
            interest_rate=Decimal("0.05"),
            frequency="biweekly",
            payment=Decimal("120.00"),
            first_deduction=today - dt.timedelta(days=14),
        ),
    )
    # the member asked to pay more from the third pay on: a new schedule and a second 1016
    direction = DeductionDirection.objects.get(buyback=buyback, active=True)
    third = direction.lines.all()[2]
    changes.change_deduction(
        staff,
        buyback,
        changes.ChangeInput(
            Decimal("180.00"), third.due_date, today, "Demo: the member asked to pay more."
        ),
    )
    # payroll deductions reported in the PAY data (a non-CORPAY employer reports them on
    # the T4)
    for line in direction.lines.all()[:1]:
        _deduction(member, line.due_date, line.member_payment)


def _sin(n: int) -> str:
    """A demo SIN with a valid check digit (first digit 1-7, never issued to a person by
    this demo twice)."""
    body = f"{1 + n % 7}{n:07d}"
    total = 0
    for index, char in enumerate(body):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str((10 - total % 10) % 10)


def _northern_member(
    organization: Organization, n: int, last: str, first: str, **fields: object
) -> Member:
    employee_id = f"N-B{100 + n}"
    sin = _sin(4_100_000 + n)
    values: dict[str, object] = {
        "birth_date": dt.date(1982, 3, 14),
        "hire_date": dt.date(2015, 1, 5),
        # a year or so before today, so the 24-month window stays open whenever the demo runs
        "membership_date": timezone.localdate() - dt.timedelta(days=300),
        "employment_type": "FT",
        "employment_ratio": Decimal("1"),
        "pay_rate": Decimal("70000.00"),
        "standard_hours": Decimal("36.25"),
        "address_line1": f"{10 + n} Bay St",
        "city": "Toronto",
        "province": "ON",
        "postal_code": "M5J2N8",
    }
    values.update(fields)
    return demo_member(organization, employee_id, sin, last, first, **values)


def _deduction(member: Member, pay_date: dt.date, amount: Decimal) -> None:
    """A PAY row's buyback contribution (demo ledger row, not tied to a pay file)."""
    Contribution.objects.create(
        organization=member.organization,
        member=member,
        pay_date=pay_date,
        period_start=pay_date - dt.timedelta(days=13),
        period_end=pay_date,
        pay_cycle="bi-weekly",
        contribution_type="N",
        service_type="REG",
        pensionable_hours=Decimal("0"),
        pensionable_pay=Decimal("0"),
        employee_regular=Decimal("0"),
        buyback=amount,
        buyback_code="055",
        employer_regular=Decimal("0"),
        payment_reference="DEMO-BUYBACK",
        source_submission_id=0,
        source_row=1,
    )


def _application(staff: User, member: Member, received: dt.date, **more: object) -> Buyback:
    data = {
        "form": "1036",
        "service_type": "non-contributory",
        "service_start": dt.date(2015, 1, 5),
        "service_end": dt.date(2016, 12, 31),
        "received_date": received,
    }
    data.update(more)
    return actions.create_application(staff, member, actions.ApplicationInput(**data))  # type: ignore[arg-type]


def _quote(staff: User, buyback: Buyback, on: dt.date) -> Buyback:
    return actions.issue_quote(
        staff,
        buyback,
        complete_date=buyback.received_date,
        interest_rate=Decimal("0.05"),
        quote_date=on,
    )


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _northern() -> None:
    organization = Organization.objects.get(name=SECOND_EMPLOYER)
    if Member.objects.filter(organization=organization, employee_id="N-B101").exists():
        return
    staff = User.objects.get(email="staff@demo.example")
    today = timezone.localdate()
    DeductionFileEmployer.objects.get_or_create(organization=organization)
    # 1. a quote nobody answered: lapsed on its 46th day, with the letter to the member
    lee = _northern_member(organization, 1, "Lapse", "Lee")
    _quote(
        staff,
        _application(staff, lee, today - dt.timedelta(days=55)),
        today - dt.timedelta(days=50),
    )
    # 2. a quote awaiting the answer: the reminder letter written 15 days before the deadline
    riley = _northern_member(organization, 2, "Reminder", "Riley")
    _quote(
        staff,
        _application(staff, riley, today - dt.timedelta(days=35)),
        today - dt.timedelta(days=32),
    )
    lapsing.write_reminders(today)
    lapsing.lapse_quotes(today)
    # 3. financed, three deductions reported, then stopped at the member's request
    sam = _northern_member(organization, 3, "Stop", "Sam")
    agreed = today - dt.timedelta(days=100)
    bought = _quote(
        staff,
        _application(staff, sam, agreed - dt.timedelta(days=20)),
        agreed - dt.timedelta(days=10),
    )
    bought = actions.record_agreement(
        staff,
        bought,
        actions.AgreementInput(
            agreed,
            PaymentOption.FINANCING,
            interest_rate=Decimal("0.05"),
            frequency="biweekly",
            payment=Decimal("250.00"),
            first_deduction=agreed + dt.timedelta(days=4),
        ),
    )
    lines = list(DeductionDirection.objects.get(buyback=bought).lines.all())
    for line in lines[:3]:
        _deduction(sam, line.due_date, line.member_payment)
    actions.stop_buyback(
        staff, bought, reason="member_request", on=lines[3].due_date - dt.timedelta(days=1)
    )
    # 4. on an unpaid leave: payments directly to the plan; the employer's share invoiced
    # on the first day after the quarter
    drew = _northern_member(organization, 4, "Direct", "Drew", status=MemberStatus.ON_LEAVE)
    quarter = _quarter_start(today)
    last_quarter = _quarter_start(quarter - dt.timedelta(days=1))
    direct = _quote(
        staff,
        _application(staff, drew, last_quarter - dt.timedelta(days=20)),
        last_quarter - dt.timedelta(days=10),
    )
    direct = actions.record_agreement(
        staff, direct, actions.AgreementInput(last_quarter, PaymentOption.DIRECT)
    )
    for days in (10, 40, 70):
        actions.record_lump_sum(
            staff,
            direct,
            received_date=last_quarter + dt.timedelta(days=days),
            amount=Decimal("1000.00"),
        )
    employer_invoices.invoice_ended_quarters(today)
    # 5. a statutory leave bought back, the signed 1017 in before April 30 of the next year:
    # the administrator files the PA (and issues the T4A)
    pat = _northern_member(organization, 5, "Parental", "Pat")
    leave_end = today - dt.timedelta(days=70)
    leave = _application(
        staff,
        pat,
        leave_end + dt.timedelta(days=40),
        service_type="statutory-leave",
        service_start=leave_end - dt.timedelta(days=90),
        service_end=leave_end,
    )
    leave = _quote(staff, leave, leave_end + dt.timedelta(days=45))
    signed = min(leave_end + dt.timedelta(days=60), today)
    leave = actions.record_agreement(
        staff, leave, actions.AgreementInput(signed, PaymentOption.LUMP_SUM)
    )
    assert leave.member_cost is not None
    actions.record_lump_sum(staff, leave, received_date=signed, amount=leave.member_cost)
