from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pensionportal.accounts.models import Organization, Role
from pensionportal.remittances.models import InterestRate, RateTable
from pensionportal.submissions.models import Submission
from tests.factories import make_member, make_user
from tests.pay_history import applied_pay, paid_row

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
    sub = applied_pay(
        org,
        pay_date,
        reference,
        remittance_amount=header if header is not None else member + employer + ltip,
        submitted_by=make_user(org, [Role.FILE_UPLOAD]),
    )
    person = make_member(org)
    rows = [("REG", member, employer)]
    if ltip:
        rows.append(("LTIP", ltip / 2, ltip / 2))
    for n, (service, ee, er) in enumerate(rows, start=2):
        paid_row(
            person,
            pay_date,
            reference,
            submission_id=sub.pk,
            row=n,
            employee_regular=ee,
            employer_regular=er,
            service_type=service,
        )
    return sub


def rates(rows: list[tuple[RateTable, dt.date, str]]) -> None:
    for table, effective, rate in rows:
        InterestRate.objects.create(table=table, effective=effective, rate=D(rate), source="test")
