"""Demo missed mandatory contributions at Demo Employer Ltd.: an earlier PAY cycle applied
without D1003 (not remitted), a statutory leave for D1002 with a
1025 election received after the leave began, then detection, the invoice and the report
published to the payroll managers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pensionportal.accounts.models import Organization, User
from pensionportal.core import vault
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER
from pensionportal.datafiles.specs import SPECS
from pensionportal.members.models import Leave, Member
from pensionportal.submissions import pipeline
from pensionportal.submissions.models import Status, Submission
from pensionportal.submissions.online import to_csv

from . import actions
from .models import Case, ElectionChoice, ElectionForm

PAY_NAME = "PAY_2026-10-16.csv"


def _pay_file() -> bytes:
    rows, total = [], Decimal(0)
    for eid, pay, share in (
        ("D1001", "2400.00", Decimal("72.00")),
        ("D1002", "2400.00", Decimal("72.00")),
        ("D1004", "2400.00", Decimal("72.00")),
        ("D1005", "2400.00", Decimal("72.00")),
    ):
        special = Decimal("4.80")
        total += share * 2 + special
        rows.append(
            {
                "employee_id": eid,
                "contribution_type": "N",
                "service_type": "REG",
                "pensionable_hours": "75.00",
                "pensionable_pay": pay,
                "employee_regular": str(share),
                "employer_regular": str(share),
                "employer_special": str(special),
            }
        )
    header = {
        "pay_cycle": "bi-weekly",
        "pay_date": "2026-10-16",
        "period_start": "2026-09-27",
        "period_end": "2026-10-10",
        "payment_reference": "EFT-DEMO-1016",
        "remittance_amount": str(total),
    }
    return to_csv(SPECS["PAY"], rows, header)


def load() -> None:
    org = Organization.objects.get(name=DEMO_EMPLOYER)
    if Case.objects.filter(organization=org).exists():
        return
    uploader = User.objects.get(email=f"upload@{DEMO_DOMAIN}")
    staff = User.objects.get(email=f"staff@{DEMO_DOMAIN}")
    if not Submission.objects.filter(organization=org, filename=PAY_NAME).exists():
        blob = vault.store([_pay_file()])
        submission = pipeline.receive_stored(uploader, org, PAY_NAME, blob)
        checked = pipeline.validate_submission(submission.pk)
        if checked.status == Status.AWAITING_CONFIRMATION:
            pipeline.confirm(uploader, checked, None)
        pipeline.apply_submission(submission.pk)
    member = Member.objects.filter(organization=org, employee_id="D1002").first()
    if member is not None and not member.leaves.exists():
        start = dt.date(2026, 10, 11)
        Leave.objects.create(
            member=member,
            leave_type="ESA_PAR",
            start_date=start,
            expected_end_date=dt.date(2027, 4, 9),
        )
        actions.record_election(
            staff,
            member,
            actions.ElectionInput(
                form=ElectionForm.LEAVE_1025,
                choice=ElectionChoice.NOT_CONTRIBUTE,
                applies_from=start,
                applies_to=dt.date(2027, 4, 9),
                received_date=dt.date(2026, 11, 2),
                notes="Demo: received after the leave began",
            ),
        )
    today = max(timezone.localdate(), dt.date(2026, 11, 1))
    actions.run_for_organization(org, today, staff)
    actions.publish_list(org, today)
