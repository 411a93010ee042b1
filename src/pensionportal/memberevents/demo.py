"""Demo member events: at Demo Employer Ltd. a member terminated through a TER file (the
statement of benefits and options is due in 30 days), a notice of intent to retire recorded
by the employer, a member who turns 71 this year (the pension must start by November 30),
the prior service data still awaited since the plan participation date, and an employer
that calculates its own PAs (the PA file due 5 business days after the CRA deadline); at
Northern Demo Services Inc. the PA calculation due 15 business days after last year's data.
Then every organization's items are refreshed, with the buybacks' and the regulator's daily
jobs, so that the staff queue and the employers' to-dos show them. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pensionportal.accounts.models import Organization, User
from pensionportal.buybacks.lapsing import run_daily
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER
from pensionportal.datafiles.specs import SPECS
from pensionportal.members.demo import demo_member
from pensionportal.members.models import Member
from pensionportal.remittances.regulator import draft_notices
from pensionportal.submissions import demo as intake_demo
from pensionportal.submissions.online import to_csv

from . import actions, sync
from .models import PaArrangement, RetirementNotice


def _member(
    organization: Organization, employee_id: str, sin: str, last: str, first: str, **more: object
) -> Member:
    today = timezone.localdate()
    values: dict[str, object] = {
        "birth_date": dt.date(1979, 4, 22),
        "hire_date": today - dt.timedelta(days=25),
        "membership_date": today - dt.timedelta(days=20),
        "employment_type": "FT",
        "employment_ratio": Decimal("1"),
        "pay_rate": Decimal("58000.00"),
        "standard_hours": Decimal("37.50"),
    }
    values.update(more)
    return demo_member(organization, employee_id, sin, last, first, **values)


def _terminate(uploader: User, organization: Organization, member: Member) -> None:
    rows = [
        {
            "employee_id": member.employee_id,
            "termination_date": (timezone.localdate() - dt.timedelta(days=6)).isoformat(),
            "termination_reason": "TER",
        }
    ]
    intake_demo.run_file(uploader, organization, "TER_demo.csv", to_csv(SPECS["TER"], rows))


def load() -> None:
    organization = Organization.objects.get(name=DEMO_EMPLOYER)
    uploader = User.objects.get(email=f"upload@{DEMO_DOMAIN}")
    staff = User.objects.get(email=f"staff@{DEMO_DOMAIN}")
    today = timezone.localdate()
    leaving = _member(organization, "DEMO-T001", "718392657", "Leaving", "Terry")
    _terminate(uploader, organization, leaving)
    seventy = _member(
        organization,
        "DEMO-S071",
        "123456782",
        "Seventy",
        "Morgan",
        birth_date=dt.date(today.year - 71, 3, 15),
        employment_type="PT",
        employment_ratio=Decimal("0.6"),
    )
    del seventy
    retiring = Member.objects.filter(organization=organization, employee_id="D1001").first()
    if retiring is not None and not RetirementNotice.objects.filter(member=retiring).exists():
        actions.record_retirement_notice(
            uploader,
            retiring,
            received_on=today - dt.timedelta(days=10),
            retirement_date=today + dt.timedelta(days=150),
            notes="Demo: given to the employer, recorded in the portal.",
        )
    if not PaArrangement.objects.filter(organization=organization).exists():
        actions.set_pa_arrangement(staff, organization, True)
    run_daily_jobs()


def run_daily_jobs() -> None:
    """The other capabilities' daily jobs, so the queues are full on the first sign-in. Run
    here and once more after the last demo loader (pensionportal/demo.py), whose data the
    jobs would otherwise first see on the day after."""
    today = timezone.localdate()
    run_daily(today)
    draft_notices(today)
    sync.refresh_all(today)
