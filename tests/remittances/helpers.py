from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pensionportal.accounts.models import Organization, Role
from pensionportal.members.models import Contribution
from pensionportal.remittances.models import InterestRate, RateTable
from pensionportal.submissions.models import Source, Status, Submission
from tests.factories import make_member, make_user

D = Decimal
HUNDRED = D("100.00")
NOTHING = D("0.00")


def pay_submission(
    org: Organization,
    pay_date: dt.date,
    reference: str,
    member: Decimal = HUNDRED,
    employer: Decimal = HUNDRED,
    header: Decimal | None = None,
    ltip: Decimal = NOTHING,
) -> Submission:
    user = make_user(org, [Role.FILE_UPLOAD])
    sub = Submission.objects.create(
        organization=org,
        template="PAY",
        source=Source.ONLINE,
        status=Status.APPLIED,
        filename="pay.csv",
        sha256=reference.ljust(64, "0")[:64],
        pay_cycle="bi-weekly",
        pay_date=pay_date,
        period_start=pay_date - dt.timedelta(days=19),
        period_end=pay_date - dt.timedelta(days=6),
        payment_reference=reference,
        remittance_amount=header if header is not None else member + employer + ltip,
        submitted_by=user,
    )
    person = make_member(org)
    rows = [("REG", member, employer)]
    if ltip:
        rows.append(("LTIP", ltip / 2, ltip / 2))
    for n, (service, ee, er) in enumerate(rows, start=2):
        Contribution.objects.create(
            organization=org,
            member=person,
            pay_date=pay_date,
            period_start=pay_date - dt.timedelta(days=19),
            period_end=pay_date - dt.timedelta(days=6),
            pay_cycle="bi-weekly",
            contribution_type="N",
            service_type=service,
            pensionable_hours=D("75"),
            pensionable_pay=D("3000"),
            employee_regular=ee,
            employer_regular=er,
            payment_reference=reference,
            source_submission_id=sub.pk,
            source_row=n,
        )
    return sub


def rates(rows: list[tuple[RateTable, dt.date, str]]) -> None:
    for table, effective, rate in rows:
        InterestRate.objects.create(table=table, effective=effective, rate=D(rate), source="test")
