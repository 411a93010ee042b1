"""PDF forms: the Agreement to Purchase Credit (OPTrust 1017) and the deduction direction
(OPTrust 1016). fpdf2 with its core Helvetica font, which is Latin-1 only, so every text is
passed through `_latin1`.

Seeds: buybacks.txt "Payment options", "Buyback procedures" step 3 (45 days to respond);
reporting-pension-data.txt "Employer-administered deductions" (the 1016 content).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from fpdf import FPDF

from .models import Buyback, DeductionDirection, ScheduledDeduction


def _latin1(text: str) -> str:
    replacements = {"\u2013": "-", "\u2014": "-", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
    for bad, good in replacements.items():
        text = text.replace(bad, good)
    return text.encode("latin-1", "replace").decode("latin-1")


def _money(amount: Decimal | None) -> str:
    return "to be determined" if amount is None else f"${amount:,.2f}"


class _Form(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.set_title(_latin1(title))
        self.set_author("Plan administrator")
        self.add_page()
        self.set_font("Helvetica", "B", 14)
        self.multi_cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font("Helvetica", size=10)

    def line_of(self, label: str, value: str) -> None:
        self.set_font("Helvetica", "B", 10)
        self.cell(70, 6, _latin1(label))
        self.set_font("Helvetica", size=10)
        self.multi_cell(0, 6, _latin1(value), new_x="LMARGIN", new_y="NEXT")

    def para(self, text: str) -> None:
        self.ln(2)
        self.multi_cell(0, 5, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font("Helvetica", "B", 11)
        self.cell(0, 7, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=10)

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        width = (self.w - self.l_margin - self.r_margin) / len(header)
        self.set_font("Helvetica", "B", 9)
        for name in header:
            self.cell(width, 6, _latin1(name), border=1)
        self.ln()
        self.set_font("Helvetica", size=9)
        for row in rows:
            for value in row:
                self.cell(width, 5, _latin1(value), border=1)
            self.ln()
        self.set_font("Helvetica", size=10)


@dataclass(frozen=True)
class OptionsText:
    lump_sum: bool
    financing: bool
    combined: bool
    reason: str
    minimum_payment: Decimal | None = None


def agreement_1017(buyback: Buyback, options: OptionsText) -> bytes:
    member = buyback.member
    pdf = _Form("Agreement to Purchase Credit (OPTrust 1017)")
    pdf.line_of("Buyback reference", buyback.reference)
    pdf.line_of("Member", f"{member.first_name} {member.last_name} ({member.employee_id})")
    pdf.line_of("Employer", buyback.organization.name)
    pdf.line_of("Service purchased", buyback.get_service_type_display())
    pdf.line_of("Period", f"{buyback.service_start:%Y-%m-%d} to {buyback.service_end:%Y-%m-%d}")
    if buyback.years is not None:
        pdf.line_of("Years of service", f"{buyback.years:.4f}")
    pdf.line_of("Complete application received", f"{buyback.complete_date:%Y-%m-%d}")
    if buyback.salary_rate is not None:
        pdf.line_of("Salary rate at that date", _money(buyback.salary_rate))
    pdf.line_of("Cost to the member", _money(buyback.member_cost))
    pdf.line_of("Employer share", _money(buyback.employer_cost))
    pdf.line_of("Basis", buyback.cost_basis or "")
    pdf.line_of("Quote date", f"{buyback.quote_date:%Y-%m-%d}")
    pdf.line_of("Respond by", f"{buyback.response_deadline:%Y-%m-%d} (45 days)")
    pdf.line_of("Complete the purchase by", f"{buyback.completion_deadline:%Y-%m-%d}")
    pdf.heading("Payment options")
    if options.lump_sum:
        pdf.para(
            "Lump sum: by online banking from your own account (or one held jointly in your "
            "name), or by direct transfer from a tax-sheltered source such as an RRSP."
        )
    if options.financing:
        rate = buyback.interest_rate
        text = "Payroll deductions: a series of payroll deductions of at least $10 a pay"
        if options.minimum_payment is not None:
            text += f" (for you, at least {_money(options.minimum_payment)} a pay)"
        text += ", over at most 10 years; the cost then includes interest"
        if rate is not None:
            text += f" at {rate * 100:.3f}% a year"
        pdf.para(text + ". A declining-balance amortization schedule will be provided.")
    if options.combined:
        pdf.para(
            "Combined: lump-sum payment(s) and payroll deductions; at least $500 must remain "
            "to be financed after the lump sum."
        )
    pdf.para(f"Why these options: {options.reason}.")
    pdf.para(
        "You are not committed to the purchase until you sign and return this agreement. "
        f"Please respond by {buyback.response_deadline:%Y-%m-%d}."
    )
    return bytes(pdf.output())


def direction_1016(direction: DeductionDirection, lines: Sequence[ScheduledDeduction]) -> bytes:
    buyback = direction.buyback
    member = buyback.member
    pdf = _Form("Authorization for Deduction of Buyback Contributions (OPTrust 1016)")
    pdf.line_of("Employer", buyback.organization.name)
    pdf.line_of("Buyback reference", buyback.reference)
    pdf.line_of("Member", f"{member.first_name} {member.last_name} ({member.employee_id})")
    pdf.line_of("Start date", f"{direction.start_date:%Y-%m-%d}")
    pdf.line_of("End date", f"{direction.end_date:%Y-%m-%d}")
    pdf.line_of("Frequency", direction.get_frequency_display())
    pdf.line_of(
        "Member deduction", f"{_money(direction.member_amount)} (code {direction.member_code})"
    )
    if direction.employer_code:
        pdf.line_of(
            "Employer contribution",
            f"{_money(direction.employer_amount)} (code {direction.employer_code})",
        )
    else:
        pdf.line_of("Employer contribution", "none")
    pdf.line_of("Number of payments", str(direction.number_of_payments))
    pdf.para(
        "Report these deductions in each pay's data file with the deduction code shown. The "
        "schedule must be kept for the life of the buyback; stop the deductions only if the "
        "member terminates, transfers, retires or dies. The member contacts the administrator "
        "to change the amount. The last payment may differ (see the schedule)."
    )
    pdf.heading("Schedule")
    pdf.grid(
        ("No.", "Pay date", "Member", "Interest", "Principal", "Balance", "Employer"),
        [
            (
                str(line.number),
                f"{line.due_date:%Y-%m-%d}",
                f"{line.member_payment:.2f}",
                f"{line.interest:.2f}",
                f"{line.principal:.2f}",
                f"{line.balance:.2f}",
                f"{line.employer_payment:.2f}",
            )
            for line in lines
        ],
    )
    return bytes(pdf.output())
