"""Demo data: a member of Demo Employer Ltd. with a financed buyback and its deduction
direction (form 1016), delivered through File Upload and a secure message. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pensionportal.accounts.models import Organization, User
from pensionportal.core import crypto
from pensionportal.core.demo import DEMO_EMPLOYER
from pensionportal.members.models import Member

from . import actions
from .models import Buyback, PaymentOption

EMPLOYEE_ID = "DEMO-B001"
DEMO_SIN = "718392640"  # a valid test SIN (check digit), used only by this demo member


def _member(organization: Organization) -> Member:
    found = Member.objects.filter(organization=organization, employee_id=EMPLOYEE_ID).first()
    if found is not None:
        return found
    return Member.objects.create(
        organization=organization,
        employee_id=EMPLOYEE_ID,
        sin_encrypted=crypto.encrypt_text(DEMO_SIN),
        sin_index=crypto.blind_index(DEMO_SIN, "sin"),
        sin_last3=DEMO_SIN[-3:],
        last_name="Buyback",
        first_name="Bailey",
        birth_date=dt.date(1984, 9, 14),
        hire_date=dt.date(2021, 3, 1),
        membership_date=dt.date(2025, 6, 2),  # the employer joined OPTrust Select 2025-06-01
        employment_type="FT",
        employment_ratio=Decimal("1"),
        pay_rate=Decimal("64000.00"),
        standard_hours=Decimal("37.5"),
    )


def load() -> None:
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
    actions.record_agreement(
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
