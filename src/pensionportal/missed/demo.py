"""Demo missed mandatory contributions at Demo Employer Ltd.: an earlier PAY cycle applied
without D1003, whose contributions were found at another plan (wrong plan, with a period
before it for which no pay data came at all); a statutory leave for D1002 with a 1025
election received after the leave began; a later PAY cycle with D1004 reported on less pay
than the salary on record (top-up salary) and without D1005, on a bridging leave with pay;
then detection, the invoice and the report published to the payroll managers. At Northern
Demo Services Inc. (OPSEU Pension Plan) a member on LTIP since 1989: a historical 1989 pay
period (LTIP before 1990, on the actual salary rate; the plan's rates for 1989 are not on
record, so its amount is left to compute) and the last pay period of last year (LTIP on the
escalated base)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pensionportal.accounts.models import Organization, User
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER, SECOND_EMPLOYER
from pensionportal.datafiles.specs import SPECS
from pensionportal.members.demo import demo_member
from pensionportal.members.models import Contribution, EmploymentChange, Leave, Member
from pensionportal.remittances.actions import PaymentInput, record_payment
from pensionportal.submissions import demo as intake_demo
from pensionportal.submissions.models import Submission
from pensionportal.submissions.online import to_csv

from . import actions
from .models import Case, ElectionChoice, ElectionForm, Finding

PAY_NAME = "PAY_2026-10-16.csv"
TOP_UP_PAY_NAME = "PAY_2026-11-13_corrected.csv"


def _pay_file() -> tuple[bytes, Decimal]:
    """The 2026-10-16 pay cycle with D1003 left out: her contributions were not remitted."""
    rows, total = intake_demo.pay_rows(leave_out=("D1003",))
    header = intake_demo.pay_header(
        "2026-10-16", "2026-09-27", "2026-10-10", "EFT-DEMO-1016", total
    )
    return to_csv(SPECS["PAY"], rows, header), total


def _top_up_pay_file() -> bytes:
    """Pay date 2026-11-13, the corrected file: D1004 reported on $1,800 of pay (the salary
    on record gives about $2,392: top-up salary); D1005, on a bridging leave with pay, and
    D1002, on leave, not reported."""
    rows, total = intake_demo.pay_rows(leave_out=("D1002", "D1005"))
    for row in rows:
        if row["employee_id"] == "D1004":
            old = Decimal(row["employee_regular"]) * 2 + Decimal(row["employer_special"])
            pay = Decimal("1800.00")
            share = (pay * Decimal("0.03")).quantize(Decimal("0.01"))
            special = (pay * Decimal("0.002")).quantize(Decimal("0.01"))
            row.update(
                pensionable_pay=str(pay),
                employee_regular=str(share),
                employer_regular=str(share),
                employer_special=str(special),
            )
            total += share * 2 + special - old
    header = intake_demo.pay_header(
        "2026-11-13", "2026-10-25", "2026-11-07", "EFT-DEMO-1113C", total
    )
    return to_csv(SPECS["PAY"], rows, header)


def _other_causes(org: Organization, uploader: User, staff: User) -> None:
    intake_demo.run_file(uploader, org, TOP_UP_PAY_NAME, _top_up_pay_file())
    d1003 = Member.objects.filter(organization=org, employee_id="D1003").first()
    if d1003 is not None and not d1003.wrong_plan_transfers.exists():
        actions.record_wrong_plan(
            staff,
            d1003,
            actions.WrongPlanInput(
                "Ontario Pension Board",
                dt.date(2026, 9, 13),
                dt.date(2026, 10, 10),
                Decimal("288.00"),
                dt.date(2026, 11, 5),
                "Demo: the employer's payroll remitted to the wrong plan for four weeks.",
            ),
        )
    d1005 = Member.objects.filter(organization=org, employee_id="D1005").first()
    if d1005 is not None and not d1005.bridging_leaves.exists():
        actions.record_bridging(
            staff,
            d1005,
            actions.BridgingInput(
                dt.date(2026, 10, 25), dt.date(2026, 12, 31), "Demo: bridging to retirement."
            ),
        )


def _historical_pay(
    org: Organization, user: User, start: dt.date, reference: str, employee_id: str
) -> None:
    """A pay period sent through intake with the member on LTIP reported at no pay and no
    contributions (the employer did not remit the LTIP contributions it owes)."""
    end = start + dt.timedelta(days=13)
    pay_date = end + dt.timedelta(days=6)
    rows = [
        {
            "employee_id": employee_id,
            "contribution_type": "N",
            "service_type": "LTIP",
            "pensionable_hours": "0.00",
            "pensionable_pay": "0.00",
            "employee_regular": "0.00",
            "employer_regular": "0.00",
        }
    ]
    header = intake_demo.pay_header(
        pay_date.isoformat(), start.isoformat(), end.isoformat(), reference, Decimal("0.00")
    )
    intake_demo.run_file(
        user, org, f"PAY_{pay_date.isoformat()}.csv", to_csv(SPECS["PAY"], rows, header)
    )


def _northern_ltip(staff: User) -> None:
    org = Organization.objects.get(name=SECOND_EMPLOYER)
    if Member.objects.filter(organization=org, employee_id="N-L001").exists():
        return
    sin = "612345678"
    member = demo_member(
        org,
        "N-L001",
        sin,
        "Longterm",
        "Lou",
        birth_date=dt.date(1963, 8, 2),
        hire_date=dt.date(1984, 5, 7),
        membership_date=dt.date(1984, 5, 7),
        employment_type="FT",
        employment_ratio=Decimal("1"),
        pay_rate=Decimal("41000.00"),
        standard_hours=Decimal("36.25"),
        status="on_leave",
    )
    EmploymentChange.objects.create(
        member=member,
        effective_date=dt.date(1984, 5, 7),
        event_type="CHG",
        pay_rate=Decimal("36000.00"),
        employment_ratio=Decimal("1"),
    )
    EmploymentChange.objects.create(
        member=member,
        effective_date=dt.date(1989, 10, 1),
        event_type="ATB",
        pay_rate=Decimal("41000.00"),
        reason="Demo: across-the-board increase during LTIP",
    )
    Leave.objects.create(
        member=member,
        leave_type="LTIP",
        start_date=dt.date(1989, 3, 1),
        disability_date=dt.date(1989, 3, 1),
    )
    today = timezone.localdate()
    uploader = User.objects.get(email=f"staff@{DEMO_DOMAIN}")
    _historical_pay(org, uploader, dt.date(1989, 11, 19), "DEMO-HIST-1989-12", "N-L001")
    last_start = dt.date(today.year - 1, 12, 6)
    _historical_pay(org, uploader, last_start, f"DEMO-YEAR-END-{today.year - 1}", "N-L001")
    actions.run_for_organization(org, today, staff)
    actions.publish_list(org, today)


def load() -> None:
    org = Organization.objects.get(name=DEMO_EMPLOYER)
    uploader = User.objects.get(email=f"upload@{DEMO_DOMAIN}")
    staff = User.objects.get(email=f"staff@{DEMO_DOMAIN}")
    _northern_ltip(staff)
    if Case.objects.filter(organization=org).exists():
        return
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
    _other_causes(org, uploader, staff)
    today = max(timezone.localdate(), dt.date(2026, 11, 1))
    actions.run_for_organization(org, today, staff)
    actions.publish_list(org, today)


PREVIEW_EMPLOYEE = "D1090"


def load_preview() -> None:
    """For "Run detection now" previewed (issue 16, Must do 5): Sam Skipped (D1090), paid
    like D1001 in every applied PAY cycle but left out of the last one, whose missed period
    no run has invoiced yet — staff see it in the preview, then issue it. Loaded last, after
    every other demo's detection run."""
    org = Organization.objects.get(name=DEMO_EMPLOYER)
    if Member.objects.filter(organization=org, employee_id=PREVIEW_EMPLOYEE).exists():
        return
    model = Member.objects.filter(organization=org, employee_id="D1001").first()
    if model is None:
        return
    found = set(Finding.objects.filter(member=model).values_list("period_start", flat=True))
    paid = list(
        Contribution.objects.filter(member=model)
        .exclude(period_start__in=found)
        .order_by("pay_date")
    )
    if len(paid) < 2:
        return
    member = demo_member(
        org,
        PREVIEW_EMPLOYEE,
        "527123459",  # a valid test SIN (check digit), used only by this demo member
        "Skipped",
        "Sam",
        birth_date=dt.date(1985, 3, 14),
        hire_date=model.hire_date,
        membership_date=model.membership_date,
        employment_type=model.employment_type,
        employment_ratio=model.employment_ratio,
        pay_rate=model.pay_rate,
        standard_hours=model.standard_hours,
    )
    last = paid[-1].pay_date
    for row in paid:
        if row.pay_date == last:
            continue  # the cycle Sam was left out of
        row.pk = None
        row.member = member
        row.save()
