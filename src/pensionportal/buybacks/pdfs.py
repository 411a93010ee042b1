"""PDF forms: the Agreement to Purchase Credit (OPTrust 1017) and the deduction direction
(OPTrust 1016), written with the product's one PDF writer (Unicode font, wrapping cells).

Seeds: buybacks.txt "Payment options", "Buyback procedures" step 3 (45 days to respond);
reporting-pension-data.txt "Employer-administered deductions" (the 1016 content).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from pensionportal.core.issuer import issuer
from pensionportal.presentation import formatting as fmt
from pensionportal.presentation.pdf import Column, Document
from pensionportal.rules import buybacks as rules

from .models import Buyback, DeductionDirection, ScheduledDeduction
from .tax_lines import TaxLine as TaxNoticeLine


def _money(amount: Decimal | None) -> str:
    return "to be determined" if amount is None else fmt.money(amount)


class _Form:
    """A form: the issuer, a title, then label and value lines, paragraphs and a grid."""

    def __init__(self, title: str) -> None:
        who = issuer()
        self.doc = Document(title, author=who.name, footer=title)
        self.doc.lines([who.name, *who.address, who.contact()], bold_first=True)
        self.doc.space(4)
        self.doc.title(title, size=14)
        self.facts: list[tuple[str, str]] = []

    def line_of(self, label: str, value: str) -> None:
        self.facts.append((label, value))

    def _flush(self) -> None:
        if self.facts:
            self.doc.facts(self.facts, label_width=65)
            self.facts = []

    def para(self, text: str) -> None:
        self._flush()
        self.doc.paragraph(text)

    def heading(self, text: str) -> None:
        self._flush()
        self.doc.heading(text)

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self._flush()
        columns = [
            Column(name, align="L" if index < 2 else "R") for index, name in enumerate(header)
        ]
        self.doc.table(columns, rows)

    def output(self) -> bytes:
        self._flush()
        return self.doc.output()


@dataclass(frozen=True)
class OptionsText:
    lump_sum: bool
    financing: bool
    combined: bool
    reason: str
    minimum_payment: Decimal | None = None
    direct: bool = False


def agreement_1017(buyback: Buyback, options: OptionsText) -> bytes:
    member = buyback.member
    pdf = _Form("Agreement to Purchase Credit (OPTrust 1017)")
    pdf.line_of("Buyback reference", buyback.reference)
    pdf.line_of("Member", f"{member.first_name} {member.last_name} ({member.employee_id})")
    pdf.line_of("Employer", buyback.organization.name)
    pdf.line_of("Service purchased", buyback.get_service_type_display())
    pdf.line_of("Period", fmt.period(buyback.service_start, buyback.service_end))
    if buyback.years is not None:
        pdf.line_of("Years of service", fmt.decimal(buyback.years, 4))
    reissued = buyback.original_quote_date not in (None, buyback.quote_date)
    if reissued:
        pdf.line_of(
            "New quote",
            f"replaces the quote of {fmt.iso_date(buyback.original_quote_date)}, which lapsed; "
            "costed as of the date below",
        )
        pdf.line_of("Cost as of", fmt.iso_date(buyback.complete_date))
    else:
        pdf.line_of("Complete application received", fmt.iso_date(buyback.complete_date))
    if buyback.salary_rate is not None:
        pdf.line_of("Salary rate at that date", _money(buyback.salary_rate))
    pdf.line_of("Cost to the member", _money(buyback.member_cost))
    pdf.line_of("Employer share", _money(buyback.employer_cost))
    pdf.line_of("Basis", buyback.cost_basis or "")
    pdf.line_of("Quote date", fmt.iso_date(buyback.quote_date))
    days = rules.response_days(buyback.quote_date) if buyback.quote_date else None
    pdf.line_of("Respond by", f"{fmt.iso_date(buyback.response_deadline)} ({days} days)")
    pdf.line_of("Complete the purchase by", fmt.iso_date(buyback.completion_deadline))
    pdf.heading("Payment options")
    if options.lump_sum:
        pdf.para(
            "Lump sum: by online banking from your own account (or one held jointly in your "
            "name), or by direct transfer from a tax-sheltered source such as an RRSP."
        )
    if options.financing:
        rate = buyback.interest_rate
        floor, years = rules.financing_terms(buyback.quote_date or timezone.localdate())
        text = (
            f"Payroll deductions: a series of payroll deductions of at least {_money(floor)} a pay"
        )
        if options.minimum_payment is not None:
            text += f" (for you, at least {_money(options.minimum_payment)} a pay)"
        text += f", over at most {years} years; the cost then includes interest"
        if rate is not None:
            text += f" at {fmt.rate(rate)} a year"
        pdf.para(text + ". A declining-balance amortization schedule will be provided.")
    if options.combined:
        pdf.para(
            "Combined: lump-sum payment(s) and payroll deductions; at least $500 must remain "
            "to be financed after the lump sum."
        )
    if options.direct:
        pdf.para(
            "Other arrangements: while you are on an unpaid leave (including WSIB or LTIP), or "
            "if you work on a seasonal or unclassified basis, you may pay by a series of "
            "post-dated cheques or by regular monthly or quarterly payments to the plan."
        )
    pdf.para(f"Why these options: {options.reason}.")
    pdf.para(
        "You are not committed to the purchase until you sign and return this agreement. "
        f"Please respond by {fmt.iso_date(buyback.response_deadline)}."
    )
    return pdf.output()


def direction_1016(direction: DeductionDirection, lines: Sequence[ScheduledDeduction]) -> bytes:
    buyback = direction.buyback
    member = buyback.member
    pdf = _Form("Authorization for Deduction of Buyback Contributions (OPTrust 1016)")
    pdf.line_of("Employer", buyback.organization.name)
    pdf.line_of("Buyback reference", buyback.reference)
    pdf.line_of("Member", f"{member.first_name} {member.last_name} ({member.employee_id})")
    pdf.line_of("Start date", fmt.iso_date(direction.start_date))
    pdf.line_of("End date", fmt.iso_date(direction.end_date))
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
                fmt.iso_date(line.due_date),
                fmt.money(line.member_payment),
                fmt.money(line.interest),
                fmt.money(line.principal),
                fmt.money(line.balance),
                fmt.money(line.employer_payment),
            )
            for line in lines
        ],
    )
    return pdf.output()


def member_letter(
    *,
    title: str,
    letter_date: dt.date,
    member_name: str,
    address: Sequence[str],
    reference: str,
    paragraphs: Sequence[str],
    facts: Sequence[tuple[str, str]] = (),
) -> bytes:
    """A short letter to the member's home address (reminder, lapse, stop)."""
    pdf = _Form(title)
    pdf.line_of("Date", fmt.iso_date(letter_date))
    pdf.line_of("To", "\n".join(x for x in (member_name, *address) if x))
    pdf.line_of("Buyback reference", reference)
    for label, value in facts:
        pdf.line_of(label, value)
    for text in paragraphs:
        pdf.para(text)
    return pdf.output()


def tax_notice(organization: str, year: int, lines: Sequence[TaxNoticeLine]) -> bytes:
    """The employer's notice of one year's buyback tax reporting: first what the employer
    reports, then what the administrator reports for its members."""
    pdf = _Form(f"Buyback tax reporting {year}: {organization}")
    pdf.para(
        "Buyback payments and purchases of your members in the year, and who reports each to "
        "the Canada Revenue Agency (buybacks: 'Pension adjustments', 'T4 tax reporting'). The "
        "administrator gives members a T4A by mid-February for the payments it reports."
    )
    for heading, yours in (
        ("For you to report", True),
        ("Reported by the administrator", False),
    ):
        pdf.heading(heading)
        chosen = [line for line in lines if line.employer_acts is yours]
        if not chosen:
            pdf.para("Nothing.")
            continue
        pdf.doc.table(
            [
                Column("Member", 2),
                Column("What", 3),
                Column("Amount", 1, align="R"),
                Column("Who reports", 2),
                Column("By", 1),
            ],
            [
                [
                    f"{line.member.last_name}, {line.member.first_name} "
                    f"({line.member.employee_id}){' ' + line.buyback if line.buyback else ''}",
                    line.what,
                    "" if line.amount is None else fmt.money(line.amount),
                    line.who,
                    fmt.iso_date(line.due) if line.due else "",
                ]
                for line in chosen
            ],
        )
    return pdf.output()
