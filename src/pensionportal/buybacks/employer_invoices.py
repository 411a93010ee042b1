"""The quarterly invoice for the employer's matching share of buyback payments the member
made directly (lump sums, monthly or quarterly payments).

Seeds: buybacks.txt 'Buyback procedures' step 4 ("Lump-sum payments: ... The employer will
be invoiced on a quarterly basis"; "Monthly or quarterly payments directly to OPTrust: ...
The employer will be invoiced on a quarterly basis"), 'Employer payments' ("For all buyback
payments received directly from the member, we will notify the employer of the amount of
any corresponding employer payment"; "The employer does not have the option to prepay").

Each payment's employer share is assigned to the calendar quarter it was received in. On
the first daily run after a quarter ends, every employer with shares in it not yet invoiced
gets one invoice (remittances' invoice ledger: due 10 business days after its date, paid by
EFT quoting its number), one line per payment. A payment recorded late for an earlier
quarter goes on that quarter's next invoice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import record
from pensionportal.rules.dates import end_of_month

from . import other_apps
from .models import LumpSumPayment

SYSTEM = "system:buybacks"


def quarter_end(quarter: str) -> dt.date:
    """'2026-Q2' -> 2026-06-30."""
    year, number = quarter.split("-Q")
    return end_of_month(dt.date(int(year), int(number) * 3, 1))


def invoice_quarter(
    organization: Organization, quarter: str, today: dt.date, actor: User | None = None
) -> str | None:
    """Invoice the organization's uninvoiced employer shares of ``quarter``; returns the
    invoice number, or None when there is nothing to invoice."""
    with transaction.atomic():
        payments = list(
            LumpSumPayment.objects.select_for_update()
            .filter(
                buyback__organization=organization,
                invoice_quarter=quarter,
                invoice_id=None,
                employer_share__gt=0,
            )
            .select_related("buyback__member")
            .order_by("received_date", "id")
        )
        if not payments:
            return None
        lines = []
        for payment in payments:
            member = payment.buyback.member
            kind = "monthly/quarterly payment" if payment.direct else "lump sum"
            lines.append(
                (
                    f"{payment.buyback.reference} {member.last_name}, {member.first_name} "
                    f"({member.employee_id}): {kind} of ${payment.amount:,.2f} received "
                    f"{payment.received_date:%Y-%m-%d}",
                    payment.employer_share,
                )
            )
        invoice_id, number = other_apps.invoice_employer_share(
            organization, quarter, today, lines, actor
        )
        LumpSumPayment.objects.filter(pk__in=[p.pk for p in payments]).update(invoice_id=invoice_id)
        record(
            "buybacks.employer_share_invoiced",
            actor=actor,
            actor_email="" if actor else SYSTEM,
            organization=organization,
            target=number,
            details={"quarter": quarter, "payments": len(payments)},
        )
    return number


def invoice_ended_quarters(today: dt.date, organization: Organization | None = None) -> int:
    """On the first run after a quarter's end: one invoice per employer per quarter with
    uninvoiced shares (of one employer, or of all). Returns the number of invoices issued."""
    pending: dict[tuple[int, str], None] = {}
    uninvoiced = LumpSumPayment.objects.filter(invoice_id=None, employer_share__gt=0)
    if organization is not None:
        uninvoiced = uninvoiced.filter(buyback__organization=organization)
    for org_id, quarter in uninvoiced.values_list(
        "buyback__organization_id", "invoice_quarter"
    ).distinct():
        if quarter_end(quarter) < today:
            pending[(org_id, quarter)] = None
    by_org: dict[int, list[str]] = defaultdict(list)
    for org_id, quarter in pending:
        by_org[org_id].append(quarter)
    issued = 0
    for organization in Organization.objects.filter(pk__in=list(by_org)):
        for quarter in sorted(by_org[organization.pk]):
            if invoice_quarter(organization, quarter, today) is not None:
                issued += 1
    return issued
