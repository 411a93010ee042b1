"""Every state change of remittances: one atomic action each, audited, notifying on commit.

Seeds: remittance-timing.txt; select-employer-manual.txt §1 'Payments', §2 'Timing'.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts import access as accounts_access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import record
from pensionportal.core.notify import Notice, absolute_url, notify_on_commit
from pensionportal.files import store as files
from pensionportal.files.models import StoredFile
from pensionportal.rules.deadlines import (
    invoice_due_date,
    reconciliation_due_date,
    reconciliation_notice_by,
)
from pensionportal.submissions.models import Status, Submission

from . import bank_file, invoicing
from .categories import CATEGORIES, OTHER_FROM_PAY, submission_totals
from .models import (
    RECOVERY_KINDS,
    ZERO,
    AdviceSource,
    BankImport,
    CaseStatus,
    Credit,
    InterestRate,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
    Payment,
    PaymentSource,
    RateTable,
    ReconciliationCase,
    ReconciliationEvent,
    RemittanceAdvice,
)
from .rates import dated_table, interest_rates
from .reconciliation import Outcome, reconcile

SYSTEM = "system:remittances"


class RemittanceError(ValueError):
    """A refusal whose message says why; nothing was changed."""


def _require_finance(staff: User) -> None:
    """The back office's remittance work is the finance staff's (docs/security.md)."""
    accounts_access.require_staff(staff, Capability.REMITTANCES)


def remittance_recipients(organization: Organization) -> list[str]:
    """Those who send the money and its data (Capability.REMITTANCES roles)."""
    return list(
        User.objects.filter(is_active=True, memberships__organization=organization)
        .filter(
            Q(memberships__file_upload=True)
            | Q(memberships__administrator=True)
            | Q(memberships__payroll_manager=True)
        )
        .values_list("email", flat=True)
        .distinct()
    )


# -- remittance advice --------------------------------------------------------------------


@dataclass(frozen=True)
class AdviceInput:
    pay_date: dt.date
    period_start: dt.date
    period_end: dt.date
    payment_reference: str
    payment_method: str
    amounts: dict[str, Decimal]
    other_description: str = ""


@transaction.atomic
def enter_advice(
    user: User, organization: Organization, data: AdviceInput, request: HttpRequest | None = None
) -> RemittanceAdvice:
    """The employer's remittance advice, entered online (remittance-timing.txt 'Remittance
    Advice'). A reference already advised for the organization is refused."""
    reference = data.payment_reference.strip()
    if RemittanceAdvice.objects.filter(
        organization=organization, payment_reference__iexact=reference
    ).exists():
        raise RemittanceError(f"A remittance advice with reference {reference} already exists.")
    advice = RemittanceAdvice.objects.create(
        organization=organization,
        pay_date=data.pay_date,
        period_start=data.period_start,
        period_end=data.period_end,
        payment_reference=reference,
        payment_method=data.payment_method,
        other_description=data.other_description,
        source=AdviceSource.ONLINE,
        entered_by=user,
        **{key: data.amounts.get(key, ZERO) for key, _ in CATEGORIES},
    )
    record(
        "remittances.advice_entered",
        request=request,
        actor=user,
        organization=organization,
        target=f"advice:{advice.pk}",
        details={"pay_date": advice.pay_date.isoformat(), "total": f"{advice.total:.2f}"},
    )
    _attach_unmatched_payments(advice)
    run_reconciliation(advice)
    return advice


def _derive_advice(submission: Submission) -> RemittanceAdvice | None:
    if submission.pay_date is None or not submission.payment_reference:
        return None
    existing = RemittanceAdvice.objects.filter(
        organization_id=submission.organization_id,
        payment_reference__iexact=submission.payment_reference,
    ).first()
    if existing is not None:
        return existing
    totals = submission_totals(submission)
    advice = RemittanceAdvice.objects.create(
        organization_id=submission.organization_id,
        pay_date=submission.pay_date,
        period_start=submission.period_start or submission.pay_date,
        period_end=submission.period_end or submission.pay_date,
        pay_cycle=submission.pay_cycle,
        payment_reference=submission.payment_reference,
        other_description=OTHER_FROM_PAY if totals.amounts["other"] else "",
        source=AdviceSource.PAY_HEADER,
        submission_id=submission.pk,
        **totals.amounts,
    )
    record(
        "remittances.advice_derived",
        actor_email=SYSTEM,
        organization=submission.organization,
        target=f"advice:{advice.pk}",
        details={"submission": submission.pk, "total": f"{advice.total:.2f}"},
    )
    return advice


@transaction.atomic
def on_pay_submission_applied(submission: Submission) -> RemittanceAdvice | None:
    """Called by intake when a PAY submission is applied. Idempotent: derives the advice
    from the PAY header and detail rows if the employer entered none, attaches payments
    received with the reference, and reconciles the pay period."""
    if submission.template != "PAY" or submission.status != Status.APPLIED:
        return None
    advice = _derive_advice(submission)
    if advice is None:
        return None
    if not advice.pay_cycle and submission.pay_cycle:
        advice.pay_cycle = submission.pay_cycle
        advice.save(update_fields=["pay_cycle"])
    _attach_unmatched_payments(advice)
    run_reconciliation(advice)
    return advice


# -- payments -----------------------------------------------------------------------------


def _attach_unmatched_payments(advice: RemittanceAdvice) -> None:
    for payment in Payment.objects.filter(
        advice__isnull=True, invoice__isnull=True, reference__iexact=advice.payment_reference
    ):
        _match(payment)


def _match(payment: Payment) -> None:
    """Match by payment reference: an invoice number, or one organization's advice (or an
    applied PAY submission, from which the advice is derived). Otherwise it stays unmatched."""
    reference = payment.reference.strip()
    invoice = _invoice_by_number(reference)
    if invoice is not None:
        payment.invoice = invoice
        payment.organization = invoice.organization
        payment.save(update_fields=["invoice", "organization"])
        _settle_invoice(invoice)
        return
    advices = list(RemittanceAdvice.objects.filter(payment_reference__iexact=reference)[:2])
    if not advices:
        submission = (
            Submission.objects.filter(
                template="PAY", status=Status.APPLIED, payment_reference__iexact=reference
            )
            .order_by("-id")
            .first()
        )
        derived = _derive_advice(submission) if submission is not None else None
        advices = [derived] if derived is not None else []
    if len(advices) != 1:
        return  # nothing, or more than one organization: staff match it by hand
    advice = advices[0]
    payment.advice = advice
    payment.organization = advice.organization
    payment.save(update_fields=["advice", "organization"])


def _invoice_by_number(reference: str) -> Invoice | None:
    text = reference.upper()
    if not text.startswith("INV-") or not text[4:].isdigit():
        return None
    return Invoice.objects.filter(pk=int(text[4:])).first()


@dataclass(frozen=True)
class PaymentInput:
    received_on: dt.date
    amount: Decimal
    reference: str
    method: str = ""
    notes: str = ""


def _store_payment(
    staff: User, data: PaymentInput, source: PaymentSource, bank: BankImport | None, row: int | None
) -> Payment:
    payment = Payment.objects.create(
        received_on=data.received_on,
        amount=data.amount,
        reference=data.reference.strip(),
        method=data.method,
        notes=data.notes,
        source=source,
        bank_import=bank,
        bank_row=row,
        recorded_by=staff,
    )
    _match(payment)
    if payment.advice is not None:
        run_reconciliation(payment.advice)
    return payment


@transaction.atomic
def record_payment(staff: User, data: PaymentInput, request: HttpRequest | None = None) -> Payment:
    _require_finance(staff)
    payment = _store_payment(staff, data, PaymentSource.STAFF, None, None)
    record(
        "remittances.payment_recorded",
        request=request,
        actor=staff,
        organization=payment.organization,
        target=f"payment:{payment.pk}",
        details={"amount": f"{payment.amount:.2f}", "matched": payment.is_matched},
    )
    return payment


@transaction.atomic
def import_bank_file(
    staff: User,
    filename: str,
    content: bytes,
    today: dt.date,
    request: HttpRequest | None = None,
    *,
    stored: StoredFile | None = None,
) -> BankImport:
    """All or nothing: a bad row raises BankFileError naming every problem; the same file
    twice is refused."""
    _require_finance(staff)
    deposits = bank_file.read(content, today)
    digest = hashlib.sha256(content).hexdigest()
    if BankImport.objects.filter(sha256=digest).exists():
        raise bank_file.BankFileError(
            [bank_file.Problem(1, "", "", "this file was already imported")]
        )
    bank = BankImport.objects.create(
        filename=filename[:255], sha256=digest, rows=len(deposits), imported_by=staff, file=stored
    )
    if stored is not None:
        files.keep(stored)
    for deposit in deposits:
        _store_payment(
            staff,
            PaymentInput(deposit.received_on, deposit.amount, deposit.reference),
            PaymentSource.BANK_FILE,
            bank,
            deposit.row,
        )
    unmatched = bank.payments.filter(advice__isnull=True, invoice__isnull=True).count()
    record(
        "remittances.bank_file_imported",
        request=request,
        actor=staff,
        target=f"bank_import:{bank.pk}",
        details={"rows": len(deposits), "unmatched": unmatched},
    )
    return bank


@transaction.atomic
def match_payment_by_hand(
    staff: User, payment: Payment, advice: RemittanceAdvice, request: HttpRequest | None = None
) -> Payment:
    _require_finance(staff)
    if payment.is_matched:
        raise RemittanceError("This payment is already matched.")
    payment.advice = advice
    payment.organization = advice.organization
    payment.save(update_fields=["advice", "organization"])
    record(
        "remittances.payment_matched",
        request=request,
        actor=staff,
        organization=advice.organization,
        target=f"payment:{payment.pk}",
        details={"advice": advice.pk},
    )
    run_reconciliation(advice)
    return payment


# -- reconciliation cases -----------------------------------------------------------------


def run_reconciliation(advice: RemittanceAdvice) -> ReconciliationCase | None:
    """Open a case on a discrepancy (remittance-timing.txt 'Reconciliation / Audit'), update
    its differences, and close it when the figures agree. Called inside the actions."""
    rec = reconcile(advice)
    case = ReconciliationCase.objects.filter(advice=advice).first()
    if rec.outcome is Outcome.MISMATCHED:
        received = min(p.received_on for p in advice.payments.all())
        if case is None:
            case = ReconciliationCase.objects.create(
                organization=advice.organization,
                advice=advice,
                received_on=received,
                notify_by=reconciliation_notice_by(received),
                differences=rec.differences,
            )
            ReconciliationEvent.objects.create(
                case=case, status=CaseStatus.OPEN, note="Discrepancy found by reconciliation."
            )
            record(
                "remittances.case_opened",
                actor_email=SYSTEM,
                organization=advice.organization,
                target=f"case:{case.pk}",
                details={"differences": len(rec.differences)},
            )
        else:
            case.differences = rec.differences
            if not case.is_open:
                case.status = CaseStatus.OPEN
                case.resolved_at = None
                ReconciliationEvent.objects.create(
                    case=case, status=CaseStatus.OPEN, note="Reopened: a new discrepancy."
                )
            case.save()
        return case
    if case is not None and case.is_open and rec.outcome is Outcome.MATCHED:
        case.status = CaseStatus.RESOLVED
        case.differences = []
        case.resolved_at = timezone.now()
        case.save()
        ReconciliationEvent.objects.create(
            case=case, status=CaseStatus.RESOLVED, note="The figures now agree."
        )
        record(
            "remittances.case_resolved",
            actor_email=SYSTEM,
            organization=advice.organization,
            target=f"case:{case.pk}",
        )
    return case


def _case_event(
    case: ReconciliationCase,
    actor: User,
    status: CaseStatus,
    note: str,
    request: HttpRequest | None,
) -> None:
    case.status = status
    case.save()
    ReconciliationEvent.objects.create(case=case, actor=actor, status=status, note=note)
    record(
        f"remittances.case_{status}",
        request=request,
        actor=actor,
        organization=case.organization,
        target=f"case:{case.pk}",
    )


@transaction.atomic
def notify_employer(
    staff: User,
    case: ReconciliationCase,
    note: str,
    today: dt.date,
    request: HttpRequest | None = None,
) -> ReconciliationCase:
    """Staff notify the employer of the discrepancy: 30 days to reconcile from today."""
    _require_finance(staff)
    if case.status != CaseStatus.OPEN:
        raise RemittanceError("Only an open case can be notified.")
    case.notified_on = today
    case.reconcile_by = reconciliation_due_date(today)
    _case_event(case, staff, CaseStatus.NOTIFIED, note, request)
    notify_on_commit(
        remittance_recipients(case.organization),
        "A remittance needs reconciling",
        "The plan administrator found a discrepancy in a remittance. Sign in to see case "
        f"{case.reference}: {absolute_url(reverse('remittances:case', args=[case.pk]))}",
        kind=Notice.INVOICE,
        organization_id=case.organization_id,
    )
    return case


@transaction.atomic
def employer_response(
    user: User, case: ReconciliationCase, note: str, request: HttpRequest | None = None
) -> ReconciliationCase:
    if not case.is_open:
        raise RemittanceError("This case is resolved.")
    if not note.strip():
        raise RemittanceError("Write what you found or corrected.")
    _case_event(case, user, CaseStatus.RESPONDED, note, request)
    return case


@transaction.atomic
def resolve_case(
    staff: User, case: ReconciliationCase, note: str, request: HttpRequest | None = None
) -> ReconciliationCase:
    _require_finance(staff)
    if not case.is_open:
        raise RemittanceError("This case is already resolved.")
    case.resolved_at = timezone.now()
    _case_event(case, staff, CaseStatus.RESOLVED, note, request)
    return case


# -- interest rates -----------------------------------------------------------------------


@transaction.atomic
def add_rate(
    staff: User,
    table: RateTable,
    effective: dt.date,
    until: dt.date | None,
    rate: Decimal,
    source: str,
    request: HttpRequest | None = None,
) -> InterestRate:
    """A new row; the previous row for the same date stays as history."""
    _require_finance(staff)
    row = InterestRate.objects.create(
        table=table, effective=effective, until=until, rate=rate, source=source, entered_by=staff
    )

    try:
        dated_table(table)
    except ValueError as error:
        raise RemittanceError(f"The table would not be valid: {error}") from None
    record(
        "remittances.rate_added",
        request=request,
        actor=staff,
        target=f"rate:{row.pk}",
        details={"table": table.value, "effective": effective.isoformat(), "rate": str(rate)},
    )
    return row


# -- invoices -----------------------------------------------------------------------------


def _save_invoice(
    staff: User | None,
    advice: RemittanceAdvice | None,
    invoice_date: dt.date,
    lines: list[invoicing.DraftLine],
    replaces: Invoice | None = None,
    *,
    organization: Organization | None = None,
    kind: InvoiceKind = InvoiceKind.LATE,
    period_label: str = "",
    subject: str = "The plan administrator issued an invoice for late contributions.",
) -> Invoice:
    total = sum((line.amount for line in lines), ZERO)
    owner = organization or (advice.organization if advice is not None else None)
    assert owner is not None
    invoice = Invoice.objects.create(
        organization=owner,
        kind=kind,
        advice=advice,
        period_label=period_label,
        replaces=replaces,
        invoice_date=invoice_date,
        due_date=invoice_due_date(invoice_date),
        total=total,
        issued_by=staff,
    )
    for position, line in enumerate(lines, start=1):
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            kind=line.kind,
            description=line.description,
            principal=line.principal,
            start=line.start,
            end=line.end,
            days=line.days,
            rate=line.rate,
            rate_name=line.rate_name,
            amount=line.amount,
        )
    notify_on_commit(
        remittance_recipients(owner),
        "An invoice is waiting",
        f"{subject} Sign in to see it: "
        + absolute_url(reverse("remittances:invoice", args=[invoice.pk])),
        kind=Notice.INVOICE,
        organization_id=owner.pk,
    )
    return invoice


@dataclass(frozen=True)
class RecoveryLine:
    """A fee or expense of recovering contributions (remittance-timing.txt 'Late
    Remittance': "the fees and expenses related to the cost of recovering contributions
    will also be invoiced to you")."""

    kind: LineKind  # RECOVERY_FEE or RECOVERY_EXPENSE
    description: str
    amount: Decimal


def _recovery_drafts(lines: list[RecoveryLine]) -> list[invoicing.DraftLine]:
    drafts = []
    for number, line in enumerate(lines, start=1):
        if line.kind not in (LineKind.RECOVERY_FEE, LineKind.RECOVERY_EXPENSE):
            raise RemittanceError(f"Recovery line {number}: choose a fee or an expense.")
        if line.amount <= 0:
            raise RemittanceError(f"Recovery line {number}: the amount must be more than $0.")
        if not line.description.strip():
            raise RemittanceError(f"Recovery line {number}: describe the fee or expense.")
        drafts.append(invoicing.DraftLine(line.kind, line.description.strip()[:300], line.amount))
    return drafts


@transaction.atomic
def invoice_recovery_costs(
    staff: User,
    advice: RemittanceAdvice,
    invoice_date: dt.date,
    lines: list[RecoveryLine],
    request: HttpRequest | None = None,
) -> Invoice:
    """Fees and expenses of recovering a pay period's contributions incurred after its
    late-contribution invoice: their own invoice, due in 10 business days."""
    drafts = _recovery_drafts(lines)
    if not drafts:
        raise RemittanceError("Add at least one fee or expense.")
    invoice = _save_invoice(
        staff,
        advice,
        invoice_date,
        drafts,
        kind=InvoiceKind.RECOVERY,
        subject="The plan administrator invoiced the costs of recovering contributions.",
    )
    record(
        "remittances.recovery_invoiced",
        request=request,
        actor=staff,
        organization=advice.organization,
        target=f"invoice:{invoice.pk}",
        details={"total": f"{invoice.total:.2f}", "lines": len(drafts)},
    )
    return invoice


@transaction.atomic
def issue_buyback_share_invoice(
    organization: Organization,
    quarter: str,
    invoice_date: dt.date,
    lines: Sequence[tuple[str, Decimal]],
    actor: User | None = None,
) -> Invoice:
    """The quarterly invoice for the employer's matching share of buyback payments the
    member made directly (buybacks.txt 'Buyback procedures' step 4). Called by buybacks."""
    drafts = [
        invoicing.DraftLine(LineKind.BUYBACK_SHARE, text[:300], amount)
        for text, amount in lines
        if amount > 0
    ]
    if not drafts:
        raise RemittanceError("Nothing to invoice for the quarter.")
    invoice = _save_invoice(
        actor,
        None,
        invoice_date,
        drafts,
        organization=organization,
        kind=InvoiceKind.BUYBACK_SHARE,
        period_label=quarter,
        subject=(f"The plan administrator invoiced your share of buyback payments for {quarter}."),
    )
    record(
        "remittances.buyback_share_invoiced",
        actor=actor,
        actor_email="" if actor else SYSTEM,
        organization=organization,
        target=f"invoice:{invoice.pk}",
        details={"quarter": quarter, "total": f"{invoice.total:.2f}", "lines": len(drafts)},
    )
    return invoice


@dataclass(frozen=True)
class InvoicePreview:
    """The invoice "Preview the invoice" shows, shown before it is written (issue 16,
    Must do 5)."""

    advice: RemittanceAdvice
    invoice_date: dt.date
    due_date: dt.date
    lines: list[invoicing.DraftLine]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(f"{self.advice.pk}|{self.invoice_date}".encode())
        for line in self.lines:
            digest.update(
                f"|{line.kind},{line.description},{line.amount},{line.principal},"
                f"{line.start},{line.end},{line.rate}".encode()
            )
        return digest.hexdigest()[:32]


def preview_invoice(
    staff: User,
    advice: RemittanceAdvice,
    invoice_date: dt.date,
    recovery_costs: Decimal = ZERO,
    recovery_description: str = "",
    recovery_lines: list[RecoveryLine] | None = None,
) -> InvoicePreview:
    """The late-contributions invoice of the pay period, written nowhere; refused with the
    same messages as issuing it."""
    _require_finance(staff)
    recovery = _recovery_drafts(recovery_lines or [])
    if (
        advice.invoices.filter(kind=InvoiceKind.LATE)
        .exclude(status=InvoiceStatus.SUPERSEDED)
        .exists()
    ):
        raise RemittanceError("This pay period already has an invoice.")
    try:
        lines = invoicing.draft_lines(advice, invoice_date, interest_rates())
    except LookupError as error:
        raise RemittanceError(f"An interest rate is missing: {error}. Add it first.") from None
    if recovery_costs > 0:
        lines.append(
            invoicing.DraftLine(
                LineKind.RECOVERY,
                recovery_description or "Cost of recovering contributions",
                recovery_costs,
            )
        )
    lines.extend(recovery)
    if not lines or sum((line.amount for line in lines), ZERO) <= 0:
        raise RemittanceError("Nothing is owed for this pay period: no invoice was issued.")
    return InvoicePreview(advice, invoice_date, invoice_due_date(invoice_date), lines)


@transaction.atomic
def issue_invoice(
    staff: User,
    advice: RemittanceAdvice,
    invoice_date: dt.date,
    recovery_costs: Decimal = ZERO,
    recovery_description: str = "",
    request: HttpRequest | None = None,
    recovery_lines: list[RecoveryLine] | None = None,
    previewed: str | None = None,
) -> Invoice:
    """Principal and interest for the pay period, with the fees and expenses of recovering
    the contributions as their own lines. With ``previewed`` (a preview's fingerprint), only
    if the invoice is still exactly the one previewed."""
    # one issue at a time per pay period: a second waits, then finds the invoice
    RemittanceAdvice.objects.select_for_update().filter(pk=advice.pk).first()
    preview = preview_invoice(
        staff, advice, invoice_date, recovery_costs, recovery_description, recovery_lines
    )
    if previewed is not None and preview.fingerprint != previewed:
        raise RemittanceError(
            "The figures changed since your preview, so nothing was issued: the invoice "
            f"now totals ${preview.total:,.2f}. Check the new preview and confirm again."
        )
    lines = preview.lines
    invoice = _save_invoice(staff, advice, invoice_date, lines)
    record(
        "remittances.invoice_issued",
        request=request,
        actor=staff,
        organization=advice.organization,
        target=f"invoice:{invoice.pk}",
        details={"total": f"{invoice.total:.2f}", "previewed": previewed or ""},
    )
    return invoice


@transaction.atomic
def recalculate_invoice(
    staff: User | None, invoice: Invoice, on: dt.date, request: HttpRequest | None = None
) -> Invoice:
    """An invoice unpaid after its due date is replaced by one recalculated on ``on``:
    interest on principal still outstanding runs to ``on``; interest on the unpaid invoice
    balance runs from the day after the due date; payments already made are credited
    (reporting-pension-data.txt 'Procedures': "a recalculation of interest will be applied")."""
    if staff is not None:
        _require_finance(staff)
    if invoice.status != InvoiceStatus.ISSUED:
        raise RemittanceError("Only an issued, unpaid invoice can be recalculated.")
    if invoice.kind != InvoiceKind.LATE or invoice.advice is None:
        raise RemittanceError("Only a late-contribution invoice carries interest to recalculate.")
    if on <= invoice.due_date:
        raise RemittanceError("The invoice is not overdue yet.")
    balance = invoice.balance
    if balance <= 0:
        raise RemittanceError("The invoice is paid.")
    rates = interest_rates()
    try:
        lines = invoicing.draft_lines(invoice.advice, on, rates)
        not_principal = sum(
            (line.amount for line in invoice.lines.exclude(kind=LineKind.PRINCIPAL)), ZERO
        )
        unpaid_charges = min(balance, not_principal)
        start = invoice.due_date + dt.timedelta(days=1)
        if unpaid_charges > 0 and on > start:
            lines += invoicing.interest_lines(
                unpaid_charges, start, on, rates, f"the unpaid balance of {invoice.number}"
            )
    except LookupError as error:
        raise RemittanceError(f"An interest rate is missing: {error}. Add it first.") from None
    for cost in invoice.lines.filter(kind__in=RECOVERY_KINDS):
        lines.append(invoicing.DraftLine(LineKind(cost.kind), cost.description, cost.amount))
    if invoice.paid:
        lines.append(
            invoicing.DraftLine(LineKind.PRINCIPAL, f"Paid against {invoice.number}", -invoice.paid)
        )
    invoice.status = InvoiceStatus.SUPERSEDED
    invoice.save(update_fields=["status"])
    replacement = _save_invoice(staff, invoice.advice, on, lines, replaces=invoice)
    record(
        "remittances.invoice_recalculated",
        request=request,
        actor=staff,
        actor_email="" if staff else SYSTEM,
        organization=invoice.organization,
        target=f"invoice:{replacement.pk}",
        details={"replaces": invoice.pk, "total": f"{replacement.total:.2f}"},
    )
    return replacement


def _settle_invoice(invoice: Invoice) -> None:
    if invoice.status == InvoiceStatus.ISSUED and invoice.balance <= 0:
        invoice.status = InvoiceStatus.PAID
        invoice.save(update_fields=["status"])


@transaction.atomic
def add_credit(
    staff: User,
    organization: Organization,
    credited_on: dt.date,
    amount: Decimal,
    reason: str,
    request: HttpRequest | None = None,
) -> Credit:
    _require_finance(staff)
    credit = Credit.objects.create(
        organization=organization,
        credited_on=credited_on,
        amount=amount,
        reason=reason,
        entered_by=staff,
    )
    record(
        "remittances.credit_added",
        request=request,
        actor=staff,
        organization=organization,
        target=f"credit:{credit.pk}",
        details={"amount": f"{amount:.2f}"},
    )
    return credit
