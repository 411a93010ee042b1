"""The invoice as a PDF (fpdf2 core fonts: Latin-1 text only)."""

from __future__ import annotations

from fpdf import FPDF

from .models import Invoice


def _latin1(text: str) -> str:
    return (
        text.replace("\u2013", "-")
        .replace("\u2014", "-")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def invoice_pdf(invoice: Invoice) -> bytes:
    pdf = FPDF()
    pdf.set_title(f"Invoice {invoice.number}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin1(f"Invoice {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    advice = invoice.advice
    facts = [
        f"Employer: {invoice.organization.name}",
        f"Invoice date: {invoice.invoice_date.isoformat()}",
        f"Due date: {invoice.due_date.isoformat()} (10 business days)",
        f"Pay date: {advice.pay_date.isoformat()}  Pay period: {advice.period_start.isoformat()}"
        f" to {advice.period_end.isoformat()}  Reference: {advice.payment_reference}",
    ]
    if invoice.replaces is not None:
        facts.append(f"Replaces invoice {invoice.replaces.number} (interest recalculated)")
    for fact in facts:
        pdf.cell(0, 6, _latin1(fact), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 9)
    widths = (88, 22, 42, 12, 14, 12)
    heads = ("Description", "Principal", "Period", "Days", "Rate", "")
    for width, head in zip(widths[:-1], heads[:-1], strict=True):
        pdf.cell(width, 6, head, border="B")
    pdf.cell(0, 6, "Amount", border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    for line in invoice.lines.all():
        period = (
            f"{line.start.isoformat()} to {line.end.isoformat()}" if line.start and line.end else ""
        )
        rate = f"{line.rate * 100:.3f}%" if line.rate is not None else ""
        cells = (
            _latin1(line.description)[:62],
            f"{line.principal:,.2f}" if line.principal is not None else "",
            period,
            str(line.days) if line.days is not None else "",
            rate,
        )
        for width, text in zip(widths[:-1], cells, strict=True):
            pdf.cell(width, 6, text)
        pdf.cell(0, 6, f"{line.amount:,.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 8, f"Total due: ${invoice.total:,.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    pdf.multi_cell(
        0,
        5,
        "Interest at the higher of the fund's earning rate and the pre-judgment interest rate "
        "under the Courts of Justice Act, simple interest over 365 days, for the period of "
        "delinquency until the contributions were received. Pay the full amount within 10 "
        "business days of the invoice date by EFT, direct deposit or wire transfer quoting "
        f"{invoice.number}; cheques are not accepted. Interest is recalculated if the invoice "
        "is not paid by its due date.",
    )
    return bytes(pdf.output())
