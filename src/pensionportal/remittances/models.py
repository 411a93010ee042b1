"""Remittances: advice, payments received, reconciliation cases, interest rates, invoices.

Seeds: remittance-timing.txt (all of it); select-employer-manual.txt §1 'Payments' and
§2 'Timing'; reporting-pension-data.txt (interest on missed contributions).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from pensionportal.core.models import Recorded
from pensionportal.rules import deadlines, interest

ZERO = Decimal("0.00")


def _money(**kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=14, decimal_places=2, default=ZERO, **kwargs)  # type: ignore[arg-type]


class PaymentMethod(models.TextChoices):
    # select-employer-manual.txt §1 'Payments', EFT: "EFT, direct deposit or wire transfer
    # ... OPTrust does not accept cheques."
    EFT = "eft", "Electronic funds transfer (EFT)"
    DIRECT_DEPOSIT = "direct_deposit", "Direct deposit"
    WIRE = "wire", "Wire transfer"


class AdviceSource(models.TextChoices):
    ONLINE = "online", "Entered online by the employer"
    PAY_HEADER = "pay_header", "Derived from the PAY data file"


class RemittanceAdvice(models.Model):
    """remittance-timing.txt 'Remittance Advice': the payment's allocation by category and
    the period it is linked to. One advice per organization and payment reference."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="remittance_advices"
    )
    pay_date = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    pay_cycle = models.CharField(max_length=12, blank=True)
    payment_reference = models.CharField(max_length=50)
    payment_method = models.CharField(
        max_length=16, choices=PaymentMethod.choices, default=PaymentMethod.EFT
    )
    member_contributions = _money()
    employer_regular = _money()
    employer_special = _money()
    ltip = _money()
    employer_leave_invoice = _money()
    other = _money()
    other_description = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=12, choices=AdviceSource.choices)
    submission_id = models.BigIntegerField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-pay_date", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organization", "payment_reference"], name="unique_advice_reference"
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(Upper("payment_reference"), name="advice_reference_upper"),
            models.Index(fields=["-pay_date", "-id"], name="advice_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.pay_date} {self.payment_reference}"

    @property
    def total(self) -> Decimal:
        return (
            self.member_contributions
            + self.employer_regular
            + self.employer_special
            + self.ltip
            + self.employer_leave_invoice
            + self.other
        )


class PaymentSource(models.TextChoices):
    STAFF = "staff", "Recorded by staff"
    BANK_FILE = "bank_file", "Bank deposit file"


class BankImport(models.Model):
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    rows = models.PositiveIntegerField()
    # The file as received, encrypted (None for imports from before the file layer).
    file = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-imported_at"]

    def __str__(self) -> str:
        return self.filename


class Payment(Recorded):
    """Money received. Kept even when it matches nothing (organization unknown): listed as
    unmatched, never dropped (issue 7, Bad input)."""

    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    received_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reference = models.CharField(max_length=50)
    method = models.CharField(max_length=16, choices=PaymentMethod.choices, blank=True)
    source = models.CharField(max_length=12, choices=PaymentSource.choices)
    bank_import = models.ForeignKey(
        BankImport, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    bank_row = models.PositiveIntegerField(null=True, blank=True)
    advice = models.ForeignKey(
        RemittanceAdvice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    invoice = models.ForeignKey(
        "Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-received_on", "-id"]
        # Payments are matched by reference in any case (reference__iexact): UPPER(reference).
        indexes: ClassVar[list[models.Index]] = [
            models.Index(Upper("reference"), name="payment_reference_upper")
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount} {self.reference}"

    @property
    def is_matched(self) -> bool:
        return self.advice_id is not None or self.invoice_id is not None


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open: discrepancy found"
    NOTIFIED = "notified", "Employer notified: reconciliation due"
    RESPONDED = "responded", "Employer responded"
    RESOLVED = "resolved", "Resolved"


class ReconciliationCase(models.Model):
    """remittance-timing.txt 'Reconciliation / Audit': discrepancies notified within 60 days
    of receipt; the employer has 30 days to reconcile. Staff and employer see one case."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="reconciliation_cases"
    )
    advice = models.OneToOneField(RemittanceAdvice, on_delete=models.PROTECT, related_name="case")
    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    received_on = models.DateField()  # first payment received: the 60 days count from here
    notify_by = models.DateField()
    notified_on = models.DateField(null=True, blank=True)
    reconcile_by = models.DateField(null=True, blank=True)
    differences = models.JSONField(default=list)  # the latest reconciliation's mismatches
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"REC-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.RESOLVED


class ReconciliationEvent(models.Model):
    """A step in a reconciliation case's history (missed has its own CaseEvent)."""

    case = models.ForeignKey(ReconciliationCase, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=CaseStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"


class RateTable(models.TextChoices):
    PREJUDGMENT = "prejudgment", "Pre-judgment interest rate (Courts of Justice Act)"
    FUND_EARNING = "fund_earning", "Fund earning rate"


class InterestRate(models.Model):
    """A staff-maintained rate. A change is a new row, never an update in place: for one
    table and effective date the most recently entered row is in force; older rows stay
    as history."""

    table = models.CharField(max_length=12, choices=RateTable.choices)
    effective = models.DateField()
    until = models.DateField(null=True, blank=True)
    rate = models.DecimalField(max_digits=8, decimal_places=6)  # a fraction: 0.025 = 2.5 %
    source = models.CharField(max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["table", "-effective", "-entered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.table} {self.effective} {self.rate}"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    PAID = "paid", "Paid"
    SUPERSEDED = "superseded", "Superseded by a recalculation"


class InvoiceKind(models.TextChoices):
    LATE = "late", "Late contributions: principal and interest"
    RECOVERY = "recovery", "Costs of recovering contributions"
    BUYBACK_SHARE = "buyback_share", "Employer share of buyback payments (quarterly)"


class Invoice(models.Model):
    """remittance-timing.txt 'Late Remittance': principal and interest, with the fees and
    expenses of recovering the contributions, due within 10 business days of the invoice
    date. Also the costs of recovery invoiced later for a pay period, and the quarterly
    invoice for the employer's share of buyback payments made directly (buybacks.txt
    'Buyback procedures' step 4), which have no pay period."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.LATE)
    advice = models.ForeignKey(
        RemittanceAdvice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    period_label = models.CharField(max_length=40, blank=True)  # e.g. "2026-Q3"
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    invoice_date = models.DateField()
    due_date = models.DateField()
    status = models.CharField(
        max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    total = models.DecimalField(max_digits=14, decimal_places=2)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-invoice_date", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"INV-{self.pk:06d}"

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments.all()), ZERO)

    @property
    def payment_business_days(self) -> int:
        """The business days this invoice gives to pay (the parameter on its date)."""
        return deadlines.invoice_payment_business_days(self.invoice_date)

    @property
    def interest_days_in_year(self) -> Decimal:
        return interest.days_in_year(self.invoice_date)

    @property
    def balance(self) -> Decimal:
        return self.total - self.paid


class LineKind(models.TextChoices):
    PRINCIPAL = "principal", "Principal"
    INTEREST = "interest", "Interest"
    RECOVERY = "recovery", "Recovery costs"
    RECOVERY_FEE = "recovery_fee", "Fee for recovering contributions"
    RECOVERY_EXPENSE = "recovery_expense", "Expense of recovering contributions"
    BUYBACK_SHARE = "buyback_share", "Employer share of a buyback payment"


RECOVERY_KINDS = (LineKind.RECOVERY, LineKind.RECOVERY_FEE, LineKind.RECOVERY_EXPENSE)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=LineKind.choices)
    description = models.CharField(max_length=300)
    principal = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)  # inclusive
    days = models.PositiveIntegerField(null=True, blank=True)
    rate = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    rate_name = models.CharField(max_length=60, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering: ClassVar[list[str]] = ["position"]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.position} {self.amount}"


class Credit(models.Model):
    """A credit to an organization's ledger (e.g. an overpayment applied), entered by staff."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="credits"
    )
    credited_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.CharField(max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-credited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.amount}"


class ReminderSent(models.Model):
    """One reminder per (organization, pay date, kind): the command is idempotent."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    pay_date = models.DateField()
    kind = models.CharField(max_length=16)  # "contributions" or "data"
    due_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organization", "pay_date", "kind"], name="unique_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.pay_date} {self.kind}"


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", "Drafted: to review"
    REVIEWED = "reviewed", "Reviewed: ready to file"
    FILED = "filed", "Filed with the regulator"
    WITHDRAWN = "withdrawn", "Withdrawn after review"


class RegulatorNotice(models.Model):
    """The notice to the regulator (FSRA) of contributions not paid when due, for one pay
    period (remittance-timing.txt and select-employer-manual.txt §1 'Notice to Regulator':
    "If contributions are not paid when due, OPTrust is required to notify the provincial
    regulator ... in accordance with the Pension Benefits Act"). Drafted by the daily job
    the day after the due date; staff review it, then record the day it was filed."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="regulator_notices"
    )
    advice = models.OneToOneField(
        RemittanceAdvice, on_delete=models.PROTECT, related_name="regulator_notice"
    )
    due_date = models.DateField()
    amount_due = _money()
    paid_by_due = _money()
    member_unpaid = _money()  # at the due date, by kind (payments go to member first)
    employer_unpaid = _money()
    ltip_unpaid = _money()
    paid_in_full_on = models.DateField(null=True, blank=True)
    detected_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField(max_length=500, blank=True)
    filed_on = models.DateField(null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filing_reference = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-due_date", "-id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"FSRA-{self.pk:06d}"

    @property
    def unpaid_at_due(self) -> Decimal:
        return self.member_unpaid + self.employer_unpaid + self.ltip_unpaid
