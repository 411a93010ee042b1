"""Demo remittances for Demo Employer Ltd.: pay periods with advice, PAY data and payments,
one late (with an invoice) and one mismatch (with a case). Idempotent.

The fund earning rate entered here is ILLUSTRATIVE DEMO DATA, not a published figure; the
pre-judgment rates come from the data migration (0002_seed_prejudgment_rates).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pensionportal.accounts.models import Organization, User
from pensionportal.core import crypto
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER
from pensionportal.members.models import Contribution, Member
from pensionportal.submissions.models import Source, Status, Submission

from . import actions
from .models import InterestRate, RateTable, RemittanceAdvice

DEMO_RATE_NOTE = "DEMO ONLY - illustrative fund earning rate, not a published figure"
D = Decimal

# (pay date, reference, member share, employer share, received on, amount paid or None)
PERIODS = [
    (dt.date(2026, 4, 17), "DEMO-PAY-0417", D("930.00"), D("930.00"), dt.date(2026, 6, 15), None),
    (dt.date(2026, 10, 23), "DEMO-PAY-1023", D("945.00"), D("945.00"), dt.date(2026, 10, 27), None),
    (
        dt.date(2026, 11, 6),
        "DEMO-PAY-1106",
        D("945.00"),
        D("945.00"),
        dt.date(2026, 11, 10),
        D("1790.00"),
    ),
]


def _member(organization: Organization) -> Member:
    found = Member.objects.filter(organization=organization, employee_id="DEMO-R001").first()
    if found is not None:
        return found
    sin = "046454286"
    return Member.objects.create(
        organization=organization,
        employee_id="DEMO-R001",
        sin_encrypted=crypto.encrypt_text(sin),
        sin_index=crypto.blind_index(sin, "sin"),
        sin_last3=sin[-3:],
        last_name="Remit",
        first_name="Robin",
        birth_date=dt.date(1985, 3, 2),
        hire_date=dt.date(2024, 1, 8),
        membership_date=dt.date(2024, 1, 8),
        employment_type="FT",
        employment_ratio=D("1"),
        pay_rate=D("806000") / 100,
        standard_hours=D("37.5"),
    )


def _rates(staff: User) -> None:
    if InterestRate.objects.filter(table=RateTable.FUND_EARNING).exists():
        return
    InterestRate.objects.create(
        table=RateTable.FUND_EARNING,
        effective=dt.date(2026, 1, 1),
        rate=D("0.020000"),
        source=DEMO_RATE_NOTE,
        entered_by=staff,
    )
    InterestRate.objects.create(
        table=RateTable.FUND_EARNING,
        effective=dt.date(2026, 6, 1),
        rate=D("0.040000"),
        source=DEMO_RATE_NOTE,
        entered_by=staff,
    )


def _pay_submission(
    organization: Organization,
    user: User,
    member: Member,
    pay_date: dt.date,
    reference: str,
    member_share: Decimal,
    employer_share: Decimal,
) -> Submission:
    start = pay_date - dt.timedelta(days=19)
    submission = Submission.objects.create(
        organization=organization,
        template="PAY",
        source=Source.ONLINE,
        status=Status.APPLIED,
        filename=f"{reference}.csv",
        blob_name="",
        blob_key="",
        sha256=reference.lower().ljust(64, "0")[:64],
        pay_cycle="bi-weekly",
        pay_date=pay_date,
        period_start=start,
        period_end=start + dt.timedelta(days=13),
        payment_reference=reference,
        remittance_amount=member_share + employer_share,
        submitted_by=user,
        submitted_at=timezone.make_aware(dt.datetime.combine(pay_date, dt.time(10))),
        applied_at=timezone.make_aware(dt.datetime.combine(pay_date, dt.time(11))),
    )
    Contribution.objects.create(
        organization=organization,
        member=member,
        pay_date=pay_date,
        period_start=start,
        period_end=start + dt.timedelta(days=13),
        pay_cycle="bi-weekly",
        contribution_type="N",
        service_type="REG",
        pensionable_hours=D("75.00"),
        pensionable_pay=member_share / D("0.03"),
        employee_regular=member_share,
        employer_regular=employer_share,
        payment_reference=reference,
        source_submission_id=submission.pk,
        source_row=2,
    )
    return submission


@transaction.atomic
def load() -> None:
    organization = Organization.objects.get(name=DEMO_EMPLOYER)
    # Other demo data (intake) may already have applied PAY files: our marker is our own.
    if RemittanceAdvice.objects.filter(
        organization=organization, payment_reference=PERIODS[0][1]
    ).exists():
        return
    staff = User.objects.get(email=f"staff@{DEMO_DOMAIN}")
    uploader = User.objects.get(email=f"upload@{DEMO_DOMAIN}")
    _rates(staff)
    member = _member(organization)
    for pay_date, reference, member_share, employer_share, received, paid in PERIODS:
        submission = _pay_submission(
            organization, uploader, member, pay_date, reference, member_share, employer_share
        )
        actions.on_pay_submission_applied(submission)
        actions.record_payment(
            staff,
            actions.PaymentInput(received, paid or member_share + employer_share, reference, "eft"),
        )
    late = RemittanceAdvice.objects.get(
        organization=organization, payment_reference="DEMO-PAY-0417"
    )
    actions.issue_invoice(staff, late, dt.date(2026, 6, 16))
    actions.record_payment(
        staff, actions.PaymentInput(dt.date(2026, 11, 12), D("125.00"), "DEMO-UNKNOWN-77", "wire")
    )
