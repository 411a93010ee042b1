"""What the API answers with. Money is a string with two decimals (never a float), dates
are ISO 8601, SINs only ever masked."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema

# The ten templates (datafiles.specs.SPECS; a test keeps the two the same), written out so
# the schema lists them.
TemplateCode = Literal[
    "EMCHG", "ENROL", "LOA", "OPTN", "PA", "PAY", "PERCHG", "PRIORSVC", "RTW", "TER"
]


class Page(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None


class ClientOut(Schema):
    client_id: str
    name: str
    organization: str
    scopes: list[str]
    rate_limit_per_minute: int
    expires_at: dt.datetime | None


class SubmissionLinks(Schema):
    self: str
    problems: str
    problem_report_csv: str
    problem_report_xlsx: str


class SubmissionOut(Schema):
    id: int
    reference: str
    status: str
    status_label: str
    result: str
    template: str | None
    source: str
    test_mode: bool
    filename: str
    size: int
    sha256: str
    submitted_at: dt.datetime
    validated_at: dt.datetime | None
    applied_at: dt.datetime | None
    rows_total: int
    rows_applied: int
    errors: int
    warnings: int
    failure_message: str | None
    pay_date: dt.date | None
    period_start: dt.date | None
    period_end: dt.date | None
    payment_reference: str | None
    remittance_amount: str | None
    links: SubmissionLinks


class SubmissionPage(Page):
    items: list[SubmissionOut]


class ProblemOut(Schema):
    row: int | None
    column: str | None
    value: str
    severity: str
    rule: str
    message: str


class ProblemPage(Page):
    submission: str
    errors: int
    warnings: int
    items: list[ProblemOut]


class DeliveryOut(Schema):
    id: int
    reference: str
    category: str
    category_label: str
    name: str
    size: int
    sha256: str
    delivered_at: dt.datetime
    content: str  # URL of the file's content


class DeliveryPage(Page):
    items: list[DeliveryOut]


class ReportFileOut(Schema):
    id: int
    name: str
    format: str
    size: int
    sha256: str
    content: str


class ReportOut(Schema):
    id: int
    reference: str
    title: str
    kind: str
    kind_label: str
    period: str | None
    published_at: dt.datetime
    files: list[ReportFileOut]


class ReportPage(Page):
    items: list[ReportOut]


class AllocationOut(Schema):
    member_contributions: str
    employer_regular: str
    employer_special: str
    ltip: str
    employer_leave_invoice: str
    other: str
    other_description: str | None


class AdviceOut(Schema):
    id: int
    pay_date: dt.date
    period_start: dt.date
    period_end: dt.date
    pay_cycle: str | None
    payment_reference: str
    payment_method: str
    source: str
    total: str
    expected: str
    paid: str
    shortfall: str
    contributions_due: dt.date
    data_due: dt.date
    paid_in_full_on: dt.date | None
    data_received_on: dt.date | None
    remittance_late: bool
    data_late: bool
    allocation: AllocationOut


class AdvicePage(Page):
    items: list[AdviceOut]


class DueDateOut(Schema):
    pay_date: dt.date
    contributions_due: dt.date
    data_due: dt.date
    overdue: bool


class DueDates(Schema):
    today: dt.date
    items: list[DueDateOut]


class InvoiceLineOut(Schema):
    position: int
    kind: str
    description: str
    principal: str | None
    start: dt.date | None
    end: dt.date | None
    days: int | None
    rate: str | None
    amount: str


class InvoiceOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    period_label: str | None
    status: str
    invoice_date: dt.date
    due_date: dt.date
    total: str
    paid: str
    balance: str
    overdue: bool
    advice_id: int | None
    payment_reference: str | None
    pdf: str
    lines: list[InvoiceLineOut]


class InvoicePage(Page):
    items: list[InvoiceOut]


class LedgerEntryOut(Schema):
    on: dt.date
    what: str
    reference: str | None
    debit: str
    credit: str
    balance: str


class BalanceOut(Schema):
    organization: str
    as_of: dt.date
    balance: str
    outstanding_invoices: int
    overdue_invoices: int
    ledger: list[LedgerEntryOut]


class MemberOut(Schema):
    id: int
    employee_id: str
    sin: str  # masked: *** *** 123
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date
    hire_date: dt.date
    membership_date: dt.date
    employment_type: str
    employment_ratio: str | None
    pay_rate: str
    standard_hours: str
    status: str
    termination_date: dt.date | None


class MemberPage(Page):
    items: list[MemberOut]
