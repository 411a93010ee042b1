"""Demo missed mandatory contributions at Demo Employer Ltd.: an earlier PAY cycle applied
without D1003 (not remitted), a statutory leave for D1002 with a
1025 election received after the leave began, then detection, the invoice and the report
published to the payroll managers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pensionportal.accounts.models import Organization, User
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER
from pensionportal.datafiles.specs import SPECS
from pensionportal.members.models import Leave, Member
from pensionportal.remittances.actions import PaymentInput, record_payment
from pensionportal.submissions import demo as intake_demo
from pensionportal.submissions.models import Submission
from pensionportal.submissions.online import to_csv

from . import actions
from .models import Case, ElectionChoice, ElectionForm

PAY_NAME = "PAY_2026-10-16.csv"


def _pay_file() -> tuple[bytes, Decimal]:
    """The 2026-10-16 pay cycle with D1003 left out: her contributions were not remitted."""
    rows, total = intake_demo.pay_rows(leave_out=("D1003",))
    header = intake_demo.pay_header(
        "2026-10-16", "2026-09-27", "2026-10-10", "EFT-DEMO-1016", total
    )
    return to_csv(SPECS["PAY"], rows, header), total


def load() -> None:
    org = Organization.objects.get(name=DEMO_EMPLOYER)
    if Case.objects.filter(organization=org).exists():
        return
    uploader = User.objects.get(email=f"upload@{DEMO_DOMAIN}")
    staff = User.objects.get(email=f"staff@{DEMO_DOMAIN}")
    if not Submission.objects.filter(organization=org, filename=PAY_NAME).exists():
        data, total = _pay_file()
        intake_demo.run_file(uploader, org, PAY_NAME, data)
        record_payment(staff, PaymentInput(dt.date(2026, 10, 20), total, "EFT-DEMO-1016", "eft"))
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
