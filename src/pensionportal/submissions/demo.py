"""Demo pension data for `make run`: five members enrolled at Demo Employer Ltd., one
applied PAY file, and one PAY file rejected with its problems listed by row."""

from __future__ import annotations

from decimal import Decimal

from pensionportal.accounts.models import Organization, User
from pensionportal.core import vault
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER
from pensionportal.datafiles.specs import SPECS

from . import pipeline
from .models import Submission
from .online import to_csv

MEMBERS = [
    ("D1001", "550911895", "Nguyen", "Linh"),
    ("D1002", "130692544", "Singh", "Arjun"),
    ("D1003", "193456787", "Roy", "Chantal"),
    ("D1004", "274561232", "MacDonald", "Fiona"),
    ("D1005", "461234569", "Okafor", "Chidi"),
]


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
    ]


def _pay_rows(bad: bool) -> tuple[dict[str, str], list[dict[str, str]]]:
    rows, total = [], Decimal(0)
    for eid, *_ in MEMBERS:
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
    if bad:
        rows[1]["employee_id"] = "D9999"
        rows[2]["contribution_type"] = "X"
        rows[3]["pensionable_pay"] = "2,400.OO"
    header = {
        "pay_cycle": "bi-weekly",
        "pay_date": "2026-11-13" if bad else "2026-10-30",
        "period_start": "2026-10-25" if bad else "2026-10-11",
        "period_end": "2026-11-07" if bad else "2026-10-24",
        "payment_reference": "EFT-DEMO-1113" if bad else "EFT-DEMO-1030",
        "remittance_amount": str(total),
    }
    return header, rows


def _run(user: User, org: Organization, name: str, data: bytes) -> None:
    if Submission.objects.filter(organization=org, filename=name).exists():
        return
    blob = vault.store([data])
    submission = pipeline.receive_stored(user, org, name, blob)
    pipeline.validate_submission(submission.pk)
    pipeline.apply_submission(submission.pk)


def load() -> None:
    org = Organization.objects.get(name=DEMO_EMPLOYER)
    user = User.objects.get(email=f"upload@{DEMO_DOMAIN}")
    _run(user, org, "ENROL_demo.csv", to_csv(SPECS["ENROL"], _enrol_rows()))
    for bad, name in ((False, "PAY_2026-10-30.csv"), (True, "PAY_2026-11-13.csv")):
        header, rows = _pay_rows(bad)
        _run(user, org, name, to_csv(SPECS["PAY"], rows, header))
