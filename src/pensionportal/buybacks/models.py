"""Buybacks: applications, quotes, payment choices, deduction directions and their tracking.

Seeds: buybacks.txt (all of it); reporting-pension-data.txt "Buyback deductions";
select-employer-manual.txt §3 "Buybacks". Costs, windows and schedules come from
`pensionportal.rules.buybacks` / `rules.amortization`; these models keep what was decided.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from pensionportal.core.models import Recorded
from pensionportal.rules.buybacks import ServiceType as RuleServiceType


class ServiceType(models.TextChoices):
    NON_CONTRIBUTORY = RuleServiceType.NON_CONTRIBUTORY.value, "Prior non-contributory service"
    PRIOR_CONTRIBUTORY = RuleServiceType.PRIOR_CONTRIBUTORY.value, "Prior contributory service"
    STATUTORY_LEAVE = RuleServiceType.STATUTORY_LEAVE.value, "Unpaid statutory leave of absence"
    SPECIAL_LEAVE = RuleServiceType.SPECIAL_LEAVE.value, "Special or educational leave"
    PART_TIME = RuleServiceType.PART_TIME.value, "Temporary part-time work arrangement"
    OTHER_PLAN = RuleServiceType.OTHER_PLAN.value, "Service with another registered plan"
    OPEN_OPTION = RuleServiceType.OPEN_OPTION.value, "Open option buyback"


class LimitKind(models.TextChoices):
    """How a leave counts against the Income Tax Act limit (buybacks.txt 'Unpaid leaves')."""

    GENERAL = "general", "Counts against the general limit on leaves"
    PARENTAL = "parental", "Pregnancy, parental or adoption leave (an additional limit of its own)"
    EXEMPT = "exempt", "Illness/WSIB or family medical leave (no limit)"


class ApplicationForm(models.TextChoices):
    F1036 = "1036", "Application for Past Pension Service (OPTrust 1036)"
    F1030 = "1030", "Temporary Part-time Work Arrangement Buyback Application (OPTrust 1030)"
    AUTOMATIC = "auto", "Automatic quote at enrolment"


class Status(models.TextChoices):
    RECEIVED = "received", "Application received"
    REFUSED = "refused", "Refused"
    QUOTED = "quoted", "Quoted (Agreement to Purchase Credit sent)"
    LAPSED = "lapsed", "Lapsed: no answer in time"
    AWAITING_PAYMENT = "awaiting_payment", "Agreed: awaiting lump-sum payment"
    IN_PAYMENT = "in_payment", "Agreed: payroll deductions"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped"


class PaymentOption(models.TextChoices):
    LUMP_SUM = "lump_sum", "Lump sum"
    FINANCING = "financing", "Payroll deductions"
    COMBINED = "combined", "Lump sum and payroll deductions"
    DIRECT = "direct", "Monthly or quarterly payments directly to the administrator"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    SEMI_MONTHLY = "semi-monthly", "Twice a month"
    MONTHLY = "monthly", "Monthly"


class StopReason(models.TextChoices):
    """reporting-pension-data.txt 'Employer-administered deductions': deductions stop only
    when a member has terminated, transferred, retired or died; buybacks.txt 'Overview': the
    member may ask OPTrust to stop the buyback."""

    TERMINATION = "termination", "Termination"
    TRANSFER = "transfer", "Transfer"
    RETIREMENT = "retirement", "Retirement"
    DEATH = "death", "Death"
    MEMBER_REQUEST = "member_request", "The member asked OPTrust to stop the buyback"


class Buyback(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    form = models.CharField(max_length=4, choices=ApplicationForm.choices)
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    limit_kind = models.CharField(
        max_length=10, choices=LimitKind.choices, default=LimitKind.GENERAL
    )
    service_start = models.DateField()
    service_end = models.DateField()
    share = models.DecimalField(max_digits=5, decimal_places=4, default=1)
    reduced_hours_elected = models.BooleanField(default=False)
    received_date = models.DateField()
    window_start = models.DateField()
    application_deadline = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    refusal_reasons = models.JSONField(default=list, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    # the quote
    complete_date = models.DateField(null=True, blank=True)
    salary_rate = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    actuarial = models.BooleanField(default=False)
    member_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    employer_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    years = models.DecimalField(max_digits=10, decimal_places=6, null=True, blank=True)
    member_code = models.CharField(max_length=3, blank=True)
    employer_code = models.CharField(max_length=3, blank=True)
    cost_basis = models.CharField(max_length=400, blank=True)
    interest_rate = models.DecimalField(max_digits=7, decimal_places=5, null=True, blank=True)
    quote_date = models.DateField(null=True, blank=True)
    # the first 1017's mailing date: the 10-year-3-month window runs from the original quote
    original_quote_date = models.DateField(null=True, blank=True)
    response_deadline = models.DateField(null=True, blank=True)
    completion_deadline = models.DateField(null=True, blank=True)
    # the agreement
    agreement_date = models.DateField(null=True, blank=True)
    payment_option = models.CharField(max_length=10, choices=PaymentOption.choices, blank=True)
    lump_sum_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    financed_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    stop_reason = models.CharField(max_length=20, choices=StopReason.choices, blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    # on a stop: what the member had paid, and the service it buys (pro rata, rules.buybacks)
    principal_paid = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    credited_years = models.DecimalField(max_digits=10, decimal_places=6, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organization", "-created_at"], name="buyback_org_newest"),
            models.Index(fields=["status", "-created_at"], name="buyback_status_newest"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(form="auto"),
                name="one_automatic_buyback_per_member",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"BB{self.pk:06d}"

    @property
    def employer_pays(self) -> bool:
        return bool(self.employer_cost)

    @property
    def direction(self) -> DeductionDirection | None:
        """The deduction direction in force (the latest issued)."""
        return self.directions.order_by("-issued_at", "-id").first()


class QuoteOutcome(models.TextChoices):
    OPEN = "open", "Awaiting the member's answer"
    AGREED = "agreed", "Signed and returned"
    LAPSED = "lapsed", "Lapsed: no answer in time"
    REPLACED = "replaced", "Replaced by a new quote"


class IssuedQuote(models.Model):
    """Each Agreement to Purchase Credit (1017) sent, with its 45-day window and outcome."""

    buyback = models.ForeignKey(Buyback, on_delete=models.PROTECT, related_name="quotes")
    number = models.PositiveSmallIntegerField()
    quote_date = models.DateField()
    complete_date = models.DateField()
    salary_rate = models.DecimalField(max_digits=12, decimal_places=2)
    member_cost = models.DecimalField(max_digits=12, decimal_places=2)
    employer_cost = models.DecimalField(max_digits=12, decimal_places=2)
    response_deadline = models.DateField()
    reminder_date = models.DateField()
    reminded_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(
        max_length=10, choices=QuoteOutcome.choices, default=QuoteOutcome.OPEN
    )
    outcome_on = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["buyback", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["buyback", "number"], name="unique_quote_number")
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["outcome", "reminder_date"])]

    def __str__(self) -> str:
        return f"{self.buyback_id} 1017 #{self.number}"


class LetterKind(models.TextChoices):
    REMINDER = "reminder", "Reminder: the Agreement to Purchase Credit awaits an answer"
    LAPSED = "lapsed", "The quote lapsed"
    STOPPED = "stopped", "The buyback stopped: service credited"


class BuybackLetter(models.Model):
    """A letter to the member's home address (PDF stored encrypted in the file layer)."""

    buyback = models.ForeignKey(Buyback, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=10, choices=LetterKind.choices)
    letter_date = models.DateField()
    file = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    size = models.BigIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["letter_date", "id"]

    def __str__(self) -> str:
        return f"{self.kind} letter {self.buyback_id}"

    @property
    def filename(self) -> str:
        return f"buyback-{self.buyback_id}-{self.kind}-{self.letter_date:%Y-%m-%d}.pdf"


class DeductionDirection(models.Model):
    """Form 1016: the employer's direction to deduct. A change of the deduction amount
    issues a new direction from an effective pay date; the one it replaces keeps its lines
    before that date (``superseded_from``)."""

    buyback = models.ForeignKey(Buyback, on_delete=models.PROTECT, related_name="directions")
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    member_amount = models.DecimalField(max_digits=12, decimal_places=2)
    employer_amount = models.DecimalField(max_digits=12, decimal_places=2)
    number_of_payments = models.PositiveIntegerField()
    member_code = models.CharField(max_length=3)
    employer_code = models.CharField(max_length=3, blank=True)
    delivered_file_id = models.BigIntegerField(null=True, blank=True)
    thread_reference = models.CharField(max_length=40, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    active = models.BooleanField(default=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    superseded_from = models.DateField(null=True, blank=True)
    change_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"1016 for {self.buyback.reference}"


class ScheduledDeduction(models.Model):
    """One line of the declining-balance schedule, with its pay date."""

    direction = models.ForeignKey(
        DeductionDirection, on_delete=models.CASCADE, related_name="lines"
    )
    number = models.PositiveIntegerField()
    due_date = models.DateField()
    member_payment = models.DecimalField(max_digits=12, decimal_places=2)
    interest = models.DecimalField(max_digits=12, decimal_places=2)
    principal = models.DecimalField(max_digits=12, decimal_places=2)
    balance = models.DecimalField(max_digits=12, decimal_places=2)
    employer_payment = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering: ClassVar[list[str]] = ["number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["direction", "number"], name="unique_schedule_line")
        ]

    def __str__(self) -> str:
        return f"{self.direction_id} #{self.number}"


class LumpSumPayment(Recorded):
    """A payment the member made directly (a lump sum, or a monthly or quarterly payment);
    the employer's share follows, invoiced quarterly (buybacks.txt 'Buyback procedures'
    step 4)."""

    buyback = models.ForeignKey(Buyback, on_delete=models.PROTECT, related_name="lump_sums")
    direct = models.BooleanField(default=False)  # a monthly/quarterly payment, not a lump sum
    received_date = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    employer_share = models.DecimalField(max_digits=12, decimal_places=2)
    invoice_quarter = models.CharField(max_length=7)  # e.g. 2026-Q2
    invoice_id = models.BigIntegerField(null=True, blank=True)  # the remittances invoice

    class Meta:
        ordering: ClassVar[list[str]] = ["received_date", "id"]

    def __str__(self) -> str:
        return f"{self.buyback_id} {self.received_date} {self.amount}"


class DeductionFileEmployer(models.Model):
    """An organization whose payroll system takes the deduction file (the 'DS file')."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"DS file for {self.organization_id}"


class DeductionFileRun(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    pay_date = models.DateField()
    delivered_file_id = models.BigIntegerField(null=True, blank=True)
    filename = models.CharField(max_length=100)
    produced_at = models.DateTimeField(default=timezone.now)
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-pay_date", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["organization", "pay_date"], name="one_ds_file_a_pay")
        ]

    def __str__(self) -> str:
        return self.filename


class DeductionFileLine(models.Model):
    run = models.ForeignKey(DeductionFileRun, on_delete=models.CASCADE, related_name="lines")
    direction = models.ForeignKey(DeductionDirection, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    payment_number = models.PositiveIntegerField()

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"{self.run_id} {self.direction_id} {self.code}"


class DeductionProblem(models.Model):
    """A line of the employer's report of problems after the pay run."""

    line = models.ForeignKey(DeductionFileLine, on_delete=models.PROTECT, related_name="problems")
    amount_deducted = models.DecimalField(max_digits=12, decimal_places=2)
    problem = models.CharField(max_length=20)
    comment = models.CharField(max_length=300, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-reported_at", "id"]

    def __str__(self) -> str:
        return f"{self.line_id} {self.problem}"


class TaxNoticeRun(models.Model):
    """The notice of one year's buyback tax reporting delivered to one employer."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    lines = models.PositiveIntegerField(default=0)
    delivered_file_id = models.BigIntegerField(null=True, blank=True)
    thread_reference = models.CharField(max_length=40, blank=True)
    produced_at = models.DateTimeField(default=timezone.now)
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-year", "organization_id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["organization", "year"], name="one_tax_notice_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year}"
