"""Demo remittances for Demo Employer Ltd.: three pay periods sent as PAY files through
intake (the demo pay calendar, see submissions/demo.py) and paid by EFT — one late (with an
invoice showing real interest), one on time, one short (with a reconciliation case) — the
payment for the 2026-10-30 file, and a wire that matches nothing. Idempotent.

The fund earning rates and the pre-judgment rates after 2026-06-30 entered here are
ILLUSTRATIVE DEMO DATA, not published figures (their source says so); the published
pre-judgment rates come from the data migration (0002_seed_prejudgment_rates).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pensionportal.accounts.models import Organization, User
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER
from pensionportal.datafiles.specs import SPECS
from pensionportal.submissions import demo as intake_demo
from pensionportal.submissions.online import to_csv

from . import actions
from .models import (
    InterestRate,
    InvoiceKind,
    LineKind,
    RateTable,
    RegulatorNotice,
    RemittanceAdvice,
)
from .regulator import draft_notices, record_filing, review_notice

DEMO_RATE_NOTE = "DEMO ONLY - illustrative fund earning rate, not a published figure"
DEMO_PJI_NOTE = (
    "DEMO ONLY - illustrative pre-judgment rate for quarters not yet entered, not the "
    "published figure"
)
D = Decimal

# (pay date, reference, received on, short by)
PERIODS = [
    (dt.date(2026, 4, 17), "DEMO-PAY-0417", dt.date(2026, 6, 15), D("0")),  # late
    (dt.date(2026, 5, 1), "DEMO-PAY-0501", dt.date(2026, 5, 5), D("0")),  # on time
    (dt.date(2026, 5, 15), "DEMO-PAY-0515", dt.date(2026, 5, 20), D("100.00")),  # short
]


def _rates(staff: User) -> None:
    if not InterestRate.objects.filter(table=RateTable.FUND_EARNING).exists():
        for effective, rate in (
            (dt.date(2026, 1, 1), "0.020000"),
            (dt.date(2026, 6, 1), "0.040000"),
        ):
            InterestRate.objects.create(
                table=RateTable.FUND_EARNING,
                effective=effective,
                rate=D(rate),
                source=DEMO_RATE_NOTE,
                entered_by=staff,
            )
    # Every demo date must have a pre-judgment rate in force, or no interest is computed
    # (the first quarter of 2026: the missed LTIP contributions of last year's last pay).
    for effective, until in (
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 7, 1), None),
    ):
        if not InterestRate.objects.filter(
            table=RateTable.PREJUDGMENT, effective=effective
        ).exists():
            InterestRate.objects.create(
                table=RateTable.PREJUDGMENT,
                effective=effective,
                until=until,
                rate=D("0.030000"),
                source=DEMO_PJI_NOTE,
                entered_by=staff,
            )


def _pay_file(pay_date: dt.date, reference: str) -> tuple[bytes, Decimal]:
    start = pay_date - dt.timedelta(days=19)
    rows, total = intake_demo.pay_rows()
    header = intake_demo.pay_header(
        pay_date.isoformat(),
        start.isoformat(),
        (start + dt.timedelta(days=13)).isoformat(),
        reference,
        total,
    )
    return to_csv(SPECS["PAY"], rows, header), total


@transaction.atomic
def load() -> None:
    _periods()
    _notices_and_recovery()


def _notices_and_recovery() -> None:
    """The notices to the regulator for the periods not paid when due (one reviewed and
    filed, one drafted), and the later costs of recovering the late period's contributions
    on their own invoice (a fee and an expense)."""
    if RegulatorNotice.objects.exists():
        return
    staff = User.objects.get(email=f"staff@{DEMO_DOMAIN}")
    today = timezone.localdate()
    draft_notices(today)
    first = RegulatorNotice.objects.order_by("due_date").first()
    if first is not None:
        review_notice(staff, first, withdraw=False, note="Demo: checked against the bank file.")
        first.refresh_from_db()
        record_filing(staff, first, filed_on=today, reference="DEMO-FSRA-0001")
    late = RemittanceAdvice.objects.filter(payment_reference="DEMO-PAY-0417").first()
    if late is not None and not late.invoices.filter(kind=InvoiceKind.RECOVERY).exists():
        actions.invoice_recovery_costs(
            staff,
            late,
            today,
            [
                actions.RecoveryLine(LineKind.RECOVERY_FEE, "Collection fee", D("75.00")),
                actions.RecoveryLine(
                    LineKind.RECOVERY_EXPENSE, "Registered letter to the employer", D("14.60")
                ),
            ],
        )


def _periods() -> None:
    organization = Organization.objects.get(name=DEMO_EMPLOYER)
    if RemittanceAdvice.objects.filter(
        organization=organization, payment_reference=PERIODS[0][1]
    ).exists():
        return
    intake_demo.load()  # the members and the pay calendar's other files
    staff = User.objects.get(email=f"staff@{DEMO_DOMAIN}")
    uploader = User.objects.get(email=f"upload@{DEMO_DOMAIN}")
    _rates(staff)
    for pay_date, reference, received, short in PERIODS:
        data, total = _pay_file(pay_date, reference)
        intake_demo.run_file(uploader, organization, f"PAY_{pay_date.isoformat()}.csv", data)
        actions.record_payment(
            staff, actions.PaymentInput(received, total - short, reference, "eft")
        )
    _, total = intake_demo.pay_rows()
    actions.record_payment(
        staff, actions.PaymentInput(dt.date(2026, 11, 4), total, "EFT-DEMO-1030", "eft")
    )
    late = RemittanceAdvice.objects.get(
        organization=organization, payment_reference="DEMO-PAY-0417"
    )
    actions.issue_invoice(staff, late, dt.date(2026, 6, 16))
    actions.record_payment(
        staff, actions.PaymentInput(dt.date(2026, 11, 12), D("125.00"), "DEMO-UNKNOWN-77", "wire")
    )
