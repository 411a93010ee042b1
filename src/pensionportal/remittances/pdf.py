"""An invoice (late remittance, costs of recovery, the quarterly employer share of buyback
payments) as a PDF that an accounts-payable clerk can pay from: who
issues it (settings), whom it is addressed to, its number and due date, one line per
principal and per interest rate period (member and employer apart), the total and balance,
the EFT instructions, the reference to quote and a remittance slip.

Seeds: remittance-timing.txt "Late Remittance" (interest, 10 business days, recalculation)
and "Electronic Funds Transfer" (EFT, direct deposit or wire; no cheques).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, StreamingHttpResponse

from pensionportal.accounts.models import User
from pensionportal.core.issuer import Issuer, issuer
from pensionportal.files.serving import serve_generated
from pensionportal.presentation import formatting as fmt
from pensionportal.presentation.pdf import Column, Document

from .models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus

TITLES = {
    InvoiceKind.LATE: "late remittance of pension contributions",
    InvoiceKind.RECOVERY: "costs of recovering pension contributions",
    InvoiceKind.BUYBACK_SHARE: "employer share of buyback payments",
}

COLUMNS = (
    Column("Description", 5.0),
    Column("Principal", 1.6, align="R"),
    Column("From", 1.55),
    Column("To", 1.55),
    Column("Days", 0.95, align="R"),
    Column("Annual rate", 1.2, align="R"),
    Column("Amount", 1.5, align="R"),
)


def interest_note(invoice: Invoice) -> str:
    return (
        "Interest is charged at the higher of the fund's earning rate and the pre-judgment "
        "interest rate under the Courts of Justice Act on each day, simple interest over "
        f"{invoice.interest_days_in_year} days, from the day the contributions became "
        "delinquent until they were received. If this invoice is not paid by its due date, "
        "interest is recalculated."
    )


def payment_instructions(invoice: Invoice, who: Issuer) -> str:
    return (
        f"Pay {fmt.money(invoice.balance)} by {fmt.iso_date(invoice.due_date)} by EFT, "
        f"direct deposit or wire transfer, quoting {invoice.number} as the payment reference. "
        "Cheques are not accepted." + (f" Questions: {who.contact()}." if who.contact() else "")
    )


def _line_cells(line: InvoiceLine) -> list[str]:
    return [
        line.description,
        fmt.money(line.principal),
        fmt.iso_date(line.start),
        fmt.iso_date(line.end),
        "" if line.days is None else str(line.days),
        fmt.rate(line.rate),
        fmt.money(line.amount),
    ]


def invoice_pdf(invoice: Invoice) -> bytes:
    who = issuer()
    advice = invoice.advice
    organization = invoice.organization
    doc = Document(
        f"Invoice {invoice.number}",
        author=who.name,
        footer=f"{who.name} · Invoice {invoice.number} · due {fmt.iso_date(invoice.due_date)}",
    )
    doc.lines([who.name, *who.address, who.contact()], bold_first=True)
    doc.space(5)
    doc.title(f"Invoice {invoice.number}: {TITLES[InvoiceKind(invoice.kind)]}")
    doc.heading("Bill to", size=10)
    doc.lines([organization.name, *organization.address_lines], bold_first=True)
    doc.space(3)
    facts = [
        ("Invoice number", invoice.number),
        ("Invoice date", fmt.iso_date(invoice.invoice_date)),
        (
            "Due date",
            f"{fmt.iso_date(invoice.due_date)} ({invoice.payment_business_days} business days)",
        ),
        ("Plan", organization.get_plan_display() if organization.plan else ""),
        ("Quarter", invoice.period_label),
    ]
    if advice is not None:
        facts += [
            ("Pay date", fmt.iso_date(advice.pay_date)),
            ("Pay period", fmt.period(advice.period_start, advice.period_end)),
            ("Remittance reference", advice.payment_reference),
        ]
    if invoice.replaces is not None:
        facts.append(("Replaces", f"Invoice {invoice.replaces.number} (interest recalculated)"))
    if invoice.status != InvoiceStatus.ISSUED:
        facts.append(("Status", invoice.get_status_display()))
    doc.facts([(label, value) for label, value in facts if value])
    late = invoice.kind == InvoiceKind.LATE
    doc.heading("Principal and interest" if late else "Lines")
    doc.table(
        COLUMNS,
        [_line_cells(line) for line in invoice.lines.all()],
        total=["Total", "", "", "", "", "", fmt.money(invoice.total)],
    )
    paid = invoice.paid
    if paid:
        doc.facts(
            [("Paid to date", fmt.money(paid)), ("Balance due", fmt.money(invoice.balance))],
            label_width=40,
        )
    if late:
        doc.paragraph(interest_note(invoice), size=8.5)
    doc.heading("How to pay")
    doc.paragraph(payment_instructions(invoice, who), bold=True)
    eft = who.eft_facts()
    if eft:
        doc.facts(eft, label_width=45)
    else:
        doc.paragraph(
            "Your Pension Partner gives you the account details for EFT, direct deposit and "
            "wire transfers."
        )
    doc.boxed(
        "Remittance slip",
        [
            ("Employer", organization.name),
            ("Invoice", f"{invoice.number} of {fmt.iso_date(invoice.invoice_date)}"),
            ("Due date", fmt.iso_date(invoice.due_date)),
            ("Amount due", fmt.money(invoice.balance)),
            ("Reference to quote", invoice.number),
            ("Pay to", (who.account_name or who.name) if eft else who.name),
            ("Amount paid", "______________   Date paid ______________"),
        ],
    )
    return doc.output()


def serve_invoice_pdf(
    user: User,
    invoice: Invoice,
    *,
    request: HttpRequest | None,
    details: dict[str, Any] | None = None,
) -> StreamingHttpResponse:
    """The invoice's PDF as given out (the invoice page's download and the API's): the copy
    is kept as a stored file and audited as `remittances.invoice_downloaded`."""
    return serve_generated(
        user,
        invoice_pdf(invoice),
        filename=f"{invoice.number}.pdf",
        purpose="remittances.invoice",
        organization=invoice.organization,
        content_type="application/pdf",
        request=request,
        action="remittances.invoice_downloaded",
        target=invoice.number,
        details=details,
    )
