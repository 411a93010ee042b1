"""Building an employer's applied pay cycles and ledger directly (intake is tested elsewhere)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pensionportal.accounts.models import Organization, User
from pensionportal.members.models import Contribution, Member
from pensionportal.remittances.models import InterestRate, RateTable
from pensionportal.submissions.models import Status, Submission
from tests.factories import make_staff

FIRST = dt.date(2026, 1, 4)


def period(i: int) -> tuple[dt.date, dt.date, dt.date]:
    start = FIRST + dt.timedelta(days=14 * i)
    return start, start + dt.timedelta(days=13), start + dt.timedelta(days=19)


def applied_pay(org: Organization, i: int, user: User | None = None) -> Submission:
    start, end, pay_date = period(i)
    return Submission.objects.create(
        organization=org,
        template="PAY",
        source="upload",
        status=Status.APPLIED,
        filename=f"PAY_{pay_date}.csv",
        sha256="0" * 64,
        submitted_by=user or make_staff(mfa=False),
        pay_cycle="bi-weekly",
        pay_date=pay_date,
        period_start=start,
        period_end=end,
        payment_reference=f"EFT-{i}",
    )


def contribution(
    member: Member,
    i: int,
    *,
    kind: str = "N",
    member_share: str = "68.99",
    employer_share: str = "68.99",
    pay_date: dt.date | None = None,
    pay: str = "2299.79",
    submission: Submission | None = None,
) -> Contribution:
    start, end, default_pay_date = period(i)
    return Contribution.objects.create(
        organization=member.organization,
        member=member,
        pay_date=pay_date or default_pay_date,
        period_start=start,
        period_end=end,
        pay_cycle="biweekly",
        contribution_type=kind,
        service_type="REG",
        pensionable_hours=Decimal(75),
        pensionable_pay=Decimal(pay),
        employee_regular=Decimal(member_share),
        employer_regular=Decimal(employer_share),
        payment_reference="EFT",
        source_submission_id=submission.pk if submission else 0,
        source_row=1,
    )


def cycles(
    org: Organization,
    members: list[Member],
    count: int,
    *,
    skip: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset(),
) -> None:
    """``count`` applied pay cycles, each member paid in full except (member index, cycle)."""
    user = make_staff(mfa=False)
    for i in range(count):
        submission = applied_pay(org, i, user)
        for k, member in enumerate(members):
            if (k, i) not in skip:
                contribution(member, i, submission=submission)


def rates(value: str = "0.05") -> None:
    """Both tables at ``value`` on every day from 2025 (over the shipped quarters too)."""
    for table in (RateTable.FUND_EARNING, RateTable.PREJUDGMENT):
        for effective in (dt.date(2025, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 7, 1)):
            InterestRate.objects.create(
                table=table, effective=effective, rate=Decimal(value), source="test"
            )
