"""The database sum of a PAY submission's categories follows the same rule as the
row-by-row `pay_totals`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pensionportal.members.models import Contribution
from pensionportal.remittances.categories import pay_totals, submission_totals
from pensionportal.submissions.models import Submission
from tests.factories import make_member, make_org, make_user

pytestmark = pytest.mark.django_db


def test_database_totals_match_the_row_rule() -> None:
    org = make_org()
    user = make_user(org)
    member = make_member(org, "E1")
    submission = Submission.objects.create(
        organization=org,
        source="upload",
        filename="p.csv",
        sha256="0" * 64,
        submitted_by=user,
        template="PAY",
    )
    common = {
        "organization": org,
        "member": member,
        "pay_date": date(2026, 3, 13),
        "period_start": date(2026, 2, 22),
        "period_end": date(2026, 3, 7),
        "pay_cycle": "biweekly",
        "contribution_type": "N",
        "pensionable_hours": Decimal("75"),
        "pensionable_pay": Decimal("2500"),
        "payment_reference": "R1",
        "source_submission_id": submission.pk,
    }
    Contribution.objects.create(
        **common,
        service_type="REG",
        employee_regular=Decimal("75.00"),
        employer_regular=Decimal("75.00"),
        employer_special=Decimal("5.00"),
        buyback=Decimal("20.00"),
        employee_interest=Decimal("1.10"),
        employer_interest=Decimal("0.90"),
        source_row=4,
    )
    Contribution.objects.create(
        **common,
        service_type="LTIP",
        employee_regular=Decimal("60.00"),
        employer_regular=Decimal("60.00"),
        employer_special=Decimal("4.00"),
        source_row=5,
    )
    rows = list(Contribution.objects.filter(source_submission_id=submission.pk))
    assert submission_totals(submission).amounts == pay_totals(rows).amounts
    assert submission_totals(submission).amounts["ltip"] == Decimal("124.00")
    assert submission_totals(submission).amounts["other"] == Decimal("20.90")
