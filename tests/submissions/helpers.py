"""Building pension data files for intake tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.test import TestCase

from pensionportal.accounts.models import Organization, User
from pensionportal.datafiles.specs import SPECS
from pensionportal.members.models import Member
from pensionportal.submissions import actions
from pensionportal.submissions.models import Submission
from pensionportal.submissions.online import to_csv
from tests.pay_history import paid_row


def enrol_row(employee_id: str, sin: str, **overrides: str) -> dict[str, str]:
    row = {
        "sin": sin,
        "employee_id": employee_id,
        "last_name": "Tremblay",
        "first_name": "Alex",
        "birth_date": "1985-03-14",
        "gender": "U",
        "address_type": "HOME",
        "address_line1": "12 Queen St W",
        "city": "Toronto",
        "province": "ON",
        "country": "CAN",
        "postal_code": "M5H2N2",
        "phone_type": "HOME",
        "phone_number": "4165550123",
        "hire_date": "2025-06-02",
        "membership_date": "2025-06-02",
        "employment_type": "FT",
        "employment_ratio": "1.00",
        "pay_rate": "65000.00",
        "standard_hours": "37.50",
    }
    row.update(overrides)
    return row


def pay_header(reference: str = "EFT-2026-001", amount: str = "0") -> dict[str, str]:
    return {
        "pay_cycle": "bi-weekly",
        "pay_date": "2026-03-13",
        "period_start": "2026-02-22",
        "period_end": "2026-03-07",
        "payment_reference": reference,
        "remittance_amount": amount,
    }


def select_contributions(pay: Decimal) -> tuple[Decimal, Decimal]:
    """3% member, 3% employer (no special: participation began long ago in these tests)."""
    share = (pay * Decimal("0.03")).quantize(Decimal("0.01"))
    return share, share


def pay_row(employee_id: str, pay: str = "2500.00", **overrides: str) -> dict[str, str]:
    member, employer = select_contributions(Decimal(pay))
    row = {
        "employee_id": employee_id,
        "contribution_type": "N",
        "service_type": "REG",
        "pensionable_hours": "75.00",
        "pensionable_pay": pay,
        "employee_regular": str(member),
        "employer_regular": str(employer),
    }
    row.update(overrides)
    return row


def pay_file(
    rows: Sequence[Mapping[str, str]], reference: str = "EFT-2026-001", amount: str | None = None
) -> bytes:
    total = sum(
        (
            Decimal(r.get(k) or "0")
            for r in rows
            for k in (
                "employee_regular",
                "employer_regular",
                "employer_special",
                "buyback",
                "employee_interest",
                "employer_interest",
            )
        ),
        Decimal(0),
    )
    return to_csv(
        SPECS["PAY"], rows, pay_header(reference, amount if amount is not None else str(total))
    )


def file_of(template: str, rows: Sequence[Mapping[str, str]]) -> bytes:
    return to_csv(SPECS[template], rows)


def submit(
    user: User, org: Organization, data: bytes, name: str = "data.csv", *, test_mode: bool = False
) -> Submission:
    """Receive a file and run the pipeline as the worker would (tasks run at once in tests)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission = actions.receive(user, org, name, [data], test_mode=test_mode)
    submission.refresh_from_db()
    return submission


def paid(member: Member, pay_date: dt.date, pay: str) -> None:
    """An applied Normal PAY row for ``member`` (bi-weekly period ending 6 days before)."""
    paid_row(
        member, pay_date, f"EFT-{pay_date}", submission_id=1, row=1, pensionable_pay=Decimal(pay)
    )
