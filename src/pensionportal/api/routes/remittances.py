"""Remittances: the advices with their due dates and what was paid, upcoming due dates,
invoices (and their PDF), and the balance of the organization's ledger.

Seeds: remittance-timing.txt 'Timing', 'Remittance Advice', 'Late Remittance'."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from ninja import Router
from ninja.params.functions import Query

from pensionportal.integrations.models import Scope
from pensionportal.remittances import summary
from pensionportal.remittances.access import (
    access_advice,
    access_invoice,
    advices_for,
    invoices_for,
)
from pensionportal.remittances.models import Invoice, InvoiceStatus, RemittanceAdvice
from pensionportal.remittances.pdf import serve_invoice_pdf
from pensionportal.remittances.timing import period_timing

from ..auth import SCHEME, mark, need
from ..paging import MAX_PAGE_SIZE, paged
from ..problems import COMMON, responses
from ..schemas import AdviceOut, AdvicePage, BalanceOut, DueDates, InvoiceOut, InvoicePage

router = Router(tags=["Remittances"])
SECURITY = [{SCHEME: [Scope.READ_REMITTANCES.value]}]


def _m(value: Any) -> str:
    return f"{value:.2f}"


def _m_or_none(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def advice_out(advice: RemittanceAdvice) -> dict[str, Any]:
    timing = period_timing(advice, timezone.localdate())
    return {
        "id": advice.pk,
        "pay_date": advice.pay_date,
        "period_start": advice.period_start,
        "period_end": advice.period_end,
        "pay_cycle": advice.pay_cycle or None,
        "payment_reference": advice.payment_reference,
        "payment_method": advice.payment_method,
        "source": advice.source,
        "total": _m(advice.total),
        "expected": _m(timing.expected),
        "paid": _m(timing.reconciliation.paid),
        "shortfall": _m(timing.shortfall),
        "contributions_due": timing.deadlines.contributions_due,
        "data_due": timing.deadlines.data_due,
        "paid_in_full_on": timing.paid_in_full_on,
        "data_received_on": timing.data_received_on,
        "remittance_late": timing.remittance_late,
        "data_late": timing.data_late,
        "allocation": {
            "member_contributions": _m(advice.member_contributions),
            "employer_regular": _m(advice.employer_regular),
            "employer_special": _m(advice.employer_special),
            "ltip": _m(advice.ltip),
            "employer_leave_invoice": _m(advice.employer_leave_invoice),
            "other": _m(advice.other),
            "other_description": advice.other_description or None,
        },
    }


@router.get(
    "/remittances/advices",
    url_name="advices",
    summary="Remittance advices with their due dates",
    description="Each pay date's advice: the allocation by category, what was expected and "
    "paid, the contribution and data due dates (remittance-timing.txt 'Timing') and whether "
    "either was late. Newest first.",
    response={200: AdvicePage, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def list_advices(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(26, ge=1, le=100),
) -> dict[str, Any]:
    actor = need(request, Scope.READ_REMITTANCES)
    query = advices_for(actor).prefetch_related("payments").order_by("-pay_date", "-id")
    return paged(request, query, page, page_size, advice_out)


@router.get(
    "/remittances/advices/{advice_id}",
    url_name="advice",
    summary="One remittance advice",
    response={200: AdviceOut, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def get_advice(request: HttpRequest, advice_id: int) -> dict[str, Any]:
    actor = need(request, Scope.READ_REMITTANCES)
    advice = access_advice(actor, advice_id)
    mark(request, f"advice {advice.pk}")
    return advice_out(advice)


@router.get(
    "/remittances/due-dates",
    url_name="due_dates",
    summary="Upcoming due dates",
    description="The expected pay dates of the next 31 days (from the last applied PAY "
    "file's pay cycle) that have no advice yet, with their contribution and data due dates.",
    response={200: DueDates, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def due_dates(request: HttpRequest) -> dict[str, Any]:
    actor = need(request, Scope.READ_REMITTANCES)
    organization = actor.service_account.organization
    today = timezone.localdate()
    return {
        "today": today,
        "items": [
            {
                "pay_date": item.pay_date,
                "contributions_due": item.contributions_due,
                "data_due": item.data_due,
                "overdue": item.overdue,
            }
            for item in summary.upcoming(organization, today)
        ],
    }


def invoice_out(invoice: Invoice) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "kind": invoice.kind,
        "kind_label": invoice.get_kind_display(),
        "period_label": invoice.period_label or None,
        "status": invoice.status,
        "invoice_date": invoice.invoice_date,
        "due_date": invoice.due_date,
        "total": _m(invoice.total),
        "paid": _m(invoice.paid),
        "balance": _m(invoice.balance),
        "overdue": invoice.status == InvoiceStatus.ISSUED and invoice.due_date < today,
        "advice_id": invoice.advice_id,
        # The quarterly employer share of buybacks has no remittance advice.
        "payment_reference": invoice.advice.payment_reference if invoice.advice else None,
        "pdf": reverse("api:invoice_pdf", args=[invoice.pk]),
        "lines": [
            {
                "position": line.position,
                "kind": line.kind,
                "description": line.description,
                "principal": _m_or_none(line.principal),
                "start": line.start,
                "end": line.end,
                "days": line.days,
                "rate": None if line.rate is None else f"{line.rate:.6f}",
                "amount": _m(line.amount),
            }
            for line in invoice.lines.all()
        ],
    }


@router.get(
    "/remittances/invoices",
    url_name="invoices",
    summary="Invoices (late remittance interest)",
    response={200: InvoicePage, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def list_invoices(
    request: HttpRequest,
    status: InvoiceStatus | None = Query(None),  # noqa: B008
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    actor = need(request, Scope.READ_REMITTANCES)
    query = (
        invoices_for(actor).prefetch_related("lines", "payments").order_by("-invoice_date", "-id")
    )
    if status is not None:
        query = query.filter(status=status)
    return paged(request, query, page, page_size, invoice_out)


@router.get(
    "/remittances/invoices/{invoice_id}",
    url_name="invoice",
    summary="One invoice with its lines",
    response={200: InvoiceOut, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def get_invoice(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    actor = need(request, Scope.READ_REMITTANCES)
    invoice = access_invoice(actor, invoice_id)
    mark(request, invoice.number)
    return invoice_out(invoice)


@router.get(
    "/remittances/invoices/{invoice_id}/pdf",
    url_name="invoice_pdf",
    summary="The invoice as PDF",
    response={200: None, **responses(*COMMON)},
    openapi_extra={
        "security": SECURITY,
        "responses": {
            "200": {
                "description": "The invoice (PDF), the same document as on the invoice page.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    },
)
def invoice_pdf_content(request: HttpRequest, invoice_id: int) -> HttpResponseBase:
    actor = need(request, Scope.READ_REMITTANCES)
    invoice = access_invoice(actor, invoice_id)
    mark(request, invoice.number)
    return serve_invoice_pdf(actor, invoice, request=request, details={"channel": "api"})


@router.get(
    "/remittances/balance",
    url_name="balance",
    summary="The ledger and its balance",
    description="Invoices (debits), payments against invoices and credits, with the running "
    "balance; the balance is what the organization owes (negative: in credit).",
    response={200: BalanceOut, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def balance(request: HttpRequest) -> dict[str, Any]:
    actor = need(request, Scope.READ_REMITTANCES)
    organization = actor.service_account.organization
    today = timezone.localdate()
    entries = summary.ledger(organization)
    open_invoices = invoices_for(actor).filter(status=InvoiceStatus.ISSUED)
    return {
        "organization": organization.name,
        "as_of": today,
        "balance": _m(entries[-1].balance if entries else 0),
        "outstanding_invoices": open_invoices.count(),
        "overdue_invoices": open_invoices.filter(due_date__lt=today).count(),
        "ledger": [
            {
                "on": entry.on,
                "what": entry.what,
                "reference": entry.reference or None,
                "debit": _m(entry.debit),
                "credit": _m(entry.credit),
                "balance": _m(entry.balance),
            }
            for entry in entries
        ],
    }
