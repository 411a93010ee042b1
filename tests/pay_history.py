"""An employer's PAY history as the database holds it once files were applied: an applied
PAY submission and its contribution rows (bi-weekly, the period ending six days before the
pay date), built directly for tests that need the history rather than the intake."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pensionportal.accounts.models import Organization, User
from pensionportal.members.models import Contribution, Member
from pensionportal.submissions.models import Source, Status, Submission

PAY_CYCLE = "bi-weekly"


def period_of(pay_date: dt.date) -> tuple[dt.date, dt.date]:
    """The bi-weekly pay period of ``pay_date``: 19 to 6 days before it."""
    return pay_date - dt.timedelta(days=19), pay_date - dt.timedelta(days=6)


def applied_pay(
    org: Organization,
    pay_date: dt.date,
    reference: str,
    *,
    remittance_amount: Decimal,
    submitted_by: User,
) -> Submission:
    """An applied online PAY submission for ``pay_date`` (no rows: add them with `paid_row`)."""
    start, end = period_of(pay_date)
    return Submission.objects.create(
        organization=org,
        template="PAY",
        source=Source.ONLINE,
        status=Status.APPLIED,
        filename="pay.csv",
        sha256=reference.ljust(64, "0")[:64],
        pay_cycle=PAY_CYCLE,
        pay_date=pay_date,
        period_start=start,
        period_end=end,
        payment_reference=reference,
        remittance_amount=remittance_amount,
        submitted_by=submitted_by,
    )


def paid_row(
    member: Member,
    pay_date: dt.date,
    reference: str,
    *,
    submission_id: int,
    row: int,
    pensionable_pay: Decimal = Decimal("3000"),
    employee_regular: Decimal = Decimal("0"),
    employer_regular: Decimal = Decimal("0"),
    service_type: str = "REG",
) -> Contribution:
    """A Normal contribution row of ``member`` for ``pay_date`` (75 hours)."""
    start, end = period_of(pay_date)
    return Contribution.objects.create(
        organization=member.organization,
        member=member,
        pay_date=pay_date,
        period_start=start,
        period_end=end,
        pay_cycle=PAY_CYCLE,
        contribution_type="N",
        service_type=service_type,
        pensionable_hours=Decimal("75"),
        pensionable_pay=pensionable_pay,
        employee_regular=employee_regular,
        employer_regular=employer_regular,
        payment_reference=reference,
        source_submission_id=submission_id,
        source_row=row,
    )
