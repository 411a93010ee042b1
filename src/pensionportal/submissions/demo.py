"""Demo pension data for `make run`: the members of Demo Employer Ltd. enrolled, one
applied PAY file, and one PAY file rejected with its problems listed by row.

The demo's one bi-weekly pay calendar (periods Sunday to Saturday, paid the Friday after):
pay dates 2026-04-17, 2026-05-01, 2026-05-15 (remittances demo), 2026-10-16 (missed
demo: one member left out), 2026-10-30 (here), 2026-11-13 (here, rejected: an Employee
ID mistyped D1OO2, with "Did you mean D1002?") and 2026-11-27 (`load_history_checks`, loaded after
the other demos: waiting for the clerk's confirmation, two members left out, listed by
name, and a $9,999,999 pay; the checks from the payroll history, docs/datafiles.md).
Every applied PAY file lists every member, so the only missed contributions are the story's.
"""

from __future__ import annotations

from decimal import Decimal

from pensionportal.accounts.models import Organization, User
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER
from pensionportal.datafiles.specs import SPECS
from pensionportal.files import store as files
from pensionportal.members.models import Member

from . import actions, intake
from .models import Status, Submission
from .online import to_csv

MEMBERS = [
    ("D1001", "550911895", "Nguyen", "Linh"),
    ("D1002", "130692544", "Singh", "Arjun"),
    ("D1003", "193456787", "Roy", "Chantal"),
    ("D1004", "274561232", "MacDonald", "Fiona"),
    ("D1005", "461234569", "Okafor", "Chidi"),
    ("DEMO-R001", "276543212", "Remit", "Robin"),  # the remittances demo's member
    ("DEMO-B001", "718392640", "Buyback", "Bailey"),  # the buybacks demo's member
]
# Enrolled by the buybacks demo (a member with service before the employer joined).
NOT_IN_ENROL = {"DEMO-B001"}


def _enrol_rows() -> list[dict[str, str]]:
    return [
        {
            "sin": sin,
            "employee_id": eid,
            "last_name": last,
            "first_name": first,
            "birth_date": "1984-07-19",
            "address_type": "HOME",
            "address_line1": "100 King St W",
            "city": "Toronto",
            "province": "ON",
            "country": "CAN",
            "postal_code": "M5X1A9",
            "phone_type": "CELL",
            "phone_number": "4165550100",
            "hire_date": "2025-06-02",
            "membership_date": "2025-06-02",
            "employment_type": "FT",
            "employment_ratio": "1.00",
            "pay_rate": "62400.00",
            "standard_hours": "37.50",
        }
        for eid, sin, last, first in MEMBERS
        if eid not in NOT_IN_ENROL
    ]


def pay_rows(leave_out: tuple[str, ...] = ()) -> tuple[list[dict[str, str]], Decimal]:
    """One pay period's rows for every demo member in the registry (3% member, 3% employer,
    0.2% employer special on $2,400 of pensionable pay) and the total to remit."""
    enrolled = set(
        Member.objects.filter(
            organization__name=DEMO_EMPLOYER, employee_id__in=[m[0] for m in MEMBERS]
        ).values_list("employee_id", flat=True)
    )
    rows, total = [], Decimal(0)
    for eid, *_ in MEMBERS:
        if eid in leave_out or (enrolled and eid not in enrolled):
            continue
        pay = Decimal("2400.00")
        member = employer = (pay * Decimal("0.03")).quantize(Decimal("0.01"))
        special = (pay * Decimal("0.002")).quantize(Decimal("0.01"))
        total += member + employer + special
        rows.append(
            {
                "employee_id": eid,
                "contribution_type": "N",
                "service_type": "REG",
                "pensionable_hours": "75.00",
                "pensionable_pay": str(pay),
                "employee_regular": str(member),
                "employer_regular": str(employer),
                "employer_special": str(special),
            }
        )
    return rows, total


def pay_header(
    pay_date: str, start: str, end: str, reference: str, total: Decimal
) -> dict[str, str]:
    return {
        "pay_cycle": "bi-weekly",
        "pay_date": pay_date,
        "period_start": start,
        "period_end": end,
        "payment_reference": reference,
        "remittance_amount": str(total),
    }


def _pay_rows(bad: bool) -> tuple[dict[str, str], list[dict[str, str]]]:
    rows, total = pay_rows()
    if bad:
        rows[1]["employee_id"] = "D1OO2"  # D1002 mistyped: "Did you mean D1002?"
        rows[2]["contribution_type"] = "X"
        rows[3]["pensionable_pay"] = "2,400.OO"
    if bad:
        return pay_header("2026-11-13", "2026-10-25", "2026-11-07", "EFT-DEMO-1113", total), rows
    return pay_header("2026-10-30", "2026-10-11", "2026-10-24", "EFT-DEMO-1030", total), rows


def run_file(user: User, org: Organization, name: str, data: bytes) -> Submission:
    """Send a demo file through intake as an upload would (stored encrypted, checked,
    confirmed when it only has warnings, applied). Idempotent by file name."""
    found = Submission.objects.filter(organization=org, filename=name).first()
    if found is not None:
        return found
    checked = _checked(user, org, name, data)
    if checked.status == Status.AWAITING_CONFIRMATION:
        actions.confirm(user, checked, None)
    return intake.apply_submission(checked.pk)


def _checked(user: User, org: Organization, name: str, data: bytes) -> Submission:
    """The file stored encrypted, received and checked, as an upload would be."""
    stored = files.store(
        [data],
        purpose="submissions.pension_data",
        filename=name,
        organization=org,
        keep_now=False,
    )
    submission = actions.receive_stored(user, org, name, stored)
    return intake.validate_submission(submission.pk)


def _warned_pay() -> tuple[dict[str, str], list[dict[str, str]]]:
    """The next period's file with two members left out and one pay typed as $9,999,999."""
    rows, total = pay_rows(leave_out=("D1003", "D1004"))
    rows[0]["pensionable_pay"] = "9999999.00"
    # Its own payment reference: the payroll connections' demo file (integrations/demo.py)
    # is the same pay period, to send through the API or SFTP without a duplicate error.
    return pay_header("2026-11-27", "2026-11-08", "2026-11-21", "EFT-DEMO-1127-A", total), rows


def check_file(user: User, org: Organization, name: str, data: bytes) -> Submission:
    """Send a demo file through intake and leave it as checked (a file with warnings waits
    for the clerk's confirmation). Idempotent by file name."""
    found = Submission.objects.filter(organization=org, filename=name).first()
    if found is not None:
        return found
    return _checked(user, org, name, data)


def load() -> None:
    org = Organization.objects.get(name=DEMO_EMPLOYER)
    user = User.objects.get(email=f"upload@{DEMO_DOMAIN}")
    run_file(user, org, "ENROL_demo.csv", to_csv(SPECS["ENROL"], _enrol_rows()))
    for bad, name in ((False, "PAY_2026-10-30.csv"), (True, "PAY_2026-11-13.csv")):
        header, rows = _pay_rows(bad)
        run_file(user, org, name, to_csv(SPECS["PAY"], rows, header))


def load_history_checks() -> None:
    """The 2026-11-27 PAY file, checked after every other demo's data (the applied pay
    history and the leaves it is compared with) and left waiting for confirmation."""
    org = Organization.objects.get(name=DEMO_EMPLOYER)
    user = User.objects.get(email=f"upload@{DEMO_DOMAIN}")
    header, rows = _warned_pay()
    check_file(user, org, "PAY_2026-11-27.csv", to_csv(SPECS["PAY"], rows, header))
