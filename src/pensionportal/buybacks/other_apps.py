"""Every call the buybacks app makes into the apps below it (docs/architecture.md), in one
place: deliver a file to the employer (exchange), write to it from the Buybacks mailbox
(messaging), invoice its share of direct payments (remittances), keep its work items
(worklist), and read its payroll data (members). Calls go down only: nothing below
buybacks calls it back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.http import HttpRequest

from pensionportal.accounts.models import Organization, User
from pensionportal.exchange.actions import deliver_file
from pensionportal.exchange.models import Category
from pensionportal.members.models import Contribution
from pensionportal.messaging.actions import start_thread
from pensionportal.messaging.models import BUYBACKS_MAILBOX, Mailbox
from pensionportal.remittances.actions import issue_buyback_share_invoice
from pensionportal.remittances.models import Invoice, InvoiceKind
from pensionportal.worklist import actions as worklist
from pensionportal.worklist.actions import TaskSpec


def deliver(
    actor: User,
    organization: Organization,
    filename: str,
    content: bytes,
    request: HttpRequest | None,
) -> tuple[int, str, str, str]:
    """A file from the administrator in the employer's File Upload list (category: buyback
    deductions). Returns its id, reference, name and stored name (to delete it if the
    surrounding transaction fails)."""
    delivery = deliver_file(
        actor, organization, filename, [content], Category.BUYBACK_DEDUCTIONS, request=request
    )
    assert delivery.file is not None
    return delivery.pk, delivery.reference, delivery.name, delivery.file.name


def message(
    actor: User,
    organization: Organization,
    subject: str,
    body: str,
    request: HttpRequest | None,
) -> str:
    """A secure message to the employer from the Buybacks mailbox; returns its reference."""
    thread = start_thread(
        actor,
        organization=organization,
        mailbox=Mailbox.objects.get(slug=BUYBACKS_MAILBOX),
        subject=subject,
        body=body,
        request=request,
    )
    return thread.reference


def invoice_employer_share(
    organization: Organization,
    quarter: str,
    invoice_date: dt.date,
    lines: Sequence[tuple[str, Decimal]],
    actor: User | None,
) -> tuple[int, str]:
    """The quarterly invoice for the employer's share of direct payments (remittances'
    invoice ledger, paid like any invoice). Returns its id and number."""
    invoice = issue_buyback_share_invoice(organization, quarter, invoice_date, lines, actor)
    return invoice.pk, invoice.number


@dataclass(frozen=True)
class ShareInvoice:
    id: int
    number: str
    organization: str
    quarter: str
    invoice_date: dt.date
    due_date: dt.date
    total: Decimal
    status: str


def share_invoices(
    organization_ids: Iterable[int] | QuerySet[Any], limit: int = 20
) -> list[ShareInvoice]:
    """The latest quarterly employer-share invoices of the given organizations."""
    found = (
        Invoice.objects.filter(kind=InvoiceKind.BUYBACK_SHARE, organization_id__in=organization_ids)
        .select_related("organization")
        .order_by("-invoice_date", "-id")[:limit]
    )
    return [
        ShareInvoice(
            i.pk,
            i.number,
            i.organization.name,
            i.period_label,
            i.invoice_date,
            i.due_date,
            i.total,
            i.get_status_display(),
        )
        for i in found
    ]


def payroll_buyback_amounts(
    organization_ids: Sequence[int], year: int
) -> list[tuple[int, Decimal]]:
    """(member id, total) of the buyback contributions reported in PAY rows with a pay date
    in ``year``, for the members of the given organizations."""
    rows = (
        Contribution.objects.filter(
            organization_id__in=organization_ids, pay_date__year=year, buyback__gt=0
        )
        .values("member_id")
        .order_by("member_id")
        .annotate(total=Sum("buyback"))
        .values_list("member_id", "total")
    )
    return [(member_id, total) for member_id, total in rows]


def task(spec: TaskSpec, today: dt.date) -> None:
    worklist.sync(spec, today)


def task_done(key: str, on: dt.date, note: str, actor: User | None = None) -> None:
    worklist.close(key, on, note, actor)


def task_cancelled(key: str, on: dt.date, note: str) -> None:
    worklist.cancel(key, on, note)
