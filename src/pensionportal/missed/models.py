"""Missed mandatory contributions: elections on record, findings, cases, member letters.

Seed: reporting-pension-data.txt "Missed mandatory contributions" (causes, contribution
requirements, procedures); select-employer-manual.txt Section 1 (leaves, part-time
arrangements, the S1025 and S1030 forms).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils import timezone

from pensionportal.core.models import Recorded

ZERO = Decimal("0.00")


def _money() -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)


class ElectionForm(models.TextChoices):
    # select-employer-manual.txt §1 'Over 30 Days' / 'Statutory Leaves' (S1025) and
    # 'Contributions During a Temporary Part-time Work Arrangement...' (S1030).
    LEAVE_1025 = "1025", "OPTrust 1025: contribute during an unpaid leave"
    PART_TIME_1030 = "1030", "OPTrust 1030: temporary part-time work arrangement"


class ElectionChoice(models.TextChoices):
    CONTRIBUTE = "contribute", "Contribute during the leave"
    NOT_CONTRIBUTE = "not_contribute", "Not contribute during the leave"
    REGULAR_HOURS = "regular_hours", "Contribute on regular hours"
    REDUCED_HOURS = "reduced_hours", "Contribute on reduced hours only"


CHOICES_FOR_FORM = {
    ElectionForm.LEAVE_1025: (ElectionChoice.CONTRIBUTE, ElectionChoice.NOT_CONTRIBUTE),
    ElectionForm.PART_TIME_1030: (ElectionChoice.REGULAR_HOURS, ElectionChoice.REDUCED_HOURS),
}


class Election(Recorded):
    """A member's written election, as received by the administrator."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="contribution_elections"
    )
    form = models.CharField(max_length=4, choices=ElectionForm.choices)
    choice = models.CharField(max_length=16, choices=ElectionChoice.choices)
    # The leave or arrangement the election is for: the period it covers.
    applies_from = models.DateField()
    applies_to = models.DateField(null=True, blank=True)
    # 1025 only: the employer's supplementary unemployment benefit (SUB) allowance period.
    sub_allowance_from = models.DateField(null=True, blank=True)
    sub_allowance_to = models.DateField(null=True, blank=True)
    received_date = models.DateField()
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["applies_from", "id"]

    def __str__(self) -> str:
        return f"{self.form} {self.choice} from {self.applies_from}"

    @property
    def received_late(self) -> bool:
        """Received after the leave or arrangement began (the periods before stay mandatory)."""
        return self.received_date > self.applies_from


class Cause(models.TextChoices):
    # reporting-pension-data.txt "Causes of missed mandatory contributions", in its terms.
    LATE_START = (
        "late_start",
        "Administrative error: deductions did not commence at the plan membership date",
    )
    NOT_REMITTED = (
        "not_remitted",
        "Administrative error: contributions not remitted or insufficient for the period",
    )
    RETRO_SALARY = (
        "retro_salary",
        "Salary increase: no contributions deducted on a retroactive salary increase",
    )
    SHORT_LEAVE = (
        "short_leave",
        "Short leave of absence: no contributions for the leave",
    )
    STATUTORY_NO_ELECTION = (
        "statutory_no_election",
        "Statutory leave (MAT LOA): no written election not to contribute",
    )
    STATUTORY_ELECTED = (
        "statutory_elected",
        "Statutory leave (MAT LOA): the member elected to contribute (SUB allowance) and no "
        "contributions were submitted",
    )
    TPT_NO_ELECTION = (
        "tpt_no_election",
        "Temporary part-time work arrangement: no election (OPTrust 1030); contributions due "
        "on regular hours",
    )
    TPT_REGULAR_HOURS = (
        "tpt_regular_hours",
        "Temporary part-time work arrangement: the member elected regular hours and full "
        "contributions were not submitted",
    )
    LTIP = "ltip", "Long-term income protection (LTIP): contributions missing"
    LTIP_PRE_1990 = (
        "ltip_pre_1990",
        "LTIP before 1990: contributions on the actual salary rate missing",
    )
    WRONG_PLAN = (
        "wrong_plan",
        "Administrative error: contributions remitted to the wrong plan (found at another plan)",
    )
    TOP_UP = (
        "top_up",
        "Top-up salary: no contributions on the top-up portion (the employer owes both shares)",
    )
    BRIDGING = (
        "bridging",
        "Pension bridging: leave with pay under a bridging benefit, no contributions submitted",
    )


class BridgingLeave(Recorded):
    """A leave of absence with pay under a bridging benefit, recorded by staff
    (reporting-pension-data.txt cause 5: "When a member has been granted a leave of absence
    with pay pursuant to a bridging benefit and no contributions were submitted"). The LOA
    template has no bridging type, so the administrator records it from the employer's
    notice."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="bridging_leaves"
    )
    start_date = models.DateField()
    end_date = models.DateField()
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["start_date", "id"]

    def __str__(self) -> str:
        return f"bridging {self.start_date}..{self.end_date}"


class WrongPlanTransfer(Recorded):
    """Contributions for the member found at another plan (reporting-pension-data.txt cause
    1: "The employer remitted contributions to the wrong plan, either to the Ontario
    Pension Board or another Plan in error"). Recording it opens the period as missed;
    the transfer received from the other plan pays the periods it covers."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="wrong_plan_transfers"
    )
    other_plan = models.CharField(max_length=120)
    period_start = models.DateField()
    period_end = models.DateField()
    amount_found = _money()
    found_on = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    amount_received = _money()
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["period_start", "id"]

    def __str__(self) -> str:
        return f"{self.other_plan} {self.period_start}..{self.period_end}"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Outstanding"
    PAID = "paid", "Paid"
    NO_CREDIT = "no_credit", "Closed without credit"
    WITHDRAWN = "withdrawn", "Withdrawn (contributions received before invoicing)"


class CaseStage(models.TextChoices):
    EMPLOYER = "employer", "Employer window"
    MEMBER = "member", "Member stage"
    CLOSED_PAID = "closed_paid", "Closed: paid"
    CLOSED_NO_CREDIT = "closed_no_credit", "Closed without credit"


OPEN_STAGES = (CaseStage.EMPLOYER, CaseStage.MEMBER)


class Case(models.Model):
    """A missed mandatory invoice to one organization and what followed it."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="missed_cases"
    )
    invoice_date = models.DateField()
    employer_due_date = models.DateField()
    stage = models.CharField(max_length=20, choices=CaseStage.choices, default=CaseStage.EMPLOYER)
    member_stage_on = models.DateField(null=True, blank=True)
    member_due_date = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    last_list_pay_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-invoice_date", "-id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["organization", "stage"])]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"MMC-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class Finding(models.Model):
    """One member and pay period where mandatory contributions are missing or short."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="missed_findings"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="missed_findings"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    pay_date = models.DateField()
    cause = models.CharField(max_length=24, choices=Cause.choices)
    expected_member = _money()
    expected_employer = _money()
    remitted_member = _money()
    remitted_employer = _money()
    member_owed = _money()
    employer_owed = _money()
    member_share_paid_by_employer = models.BooleanField(default=False)  # LTIP
    interest_member = _money()
    interest_employer = _money()
    interest_to = models.DateField(null=True, blank=True)
    interest_note = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    paid_on = models.DateField(null=True, blank=True)
    interest_recalculated = models.BooleanField(default=False)
    # the plan's contribution rates for the date are not on record: listed, not invoiced
    amount_unknown = models.BooleanField(default=False)
    detected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["member__employee_id", "period_start", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["member", "period_start", "period_end"], name="unique_missed_period"
            )
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.period_start}..{self.period_end} {self.cause}"

    @property
    def principal(self) -> Decimal:
        return self.member_owed + self.employer_owed

    @property
    def interest(self) -> Decimal:
        return self.interest_member + self.interest_employer

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


class CaseEvent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    on = models.DateField()
    kind = models.CharField(max_length=24)
    text = models.CharField(max_length=300)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class LetterKind(models.TextChoices):
    REQUEST = "request", "Request for payment"
    CLOSED = "closed", "Case closed without credit"


class MemberLetter(models.Model):
    """A letter to the member (PDF stored encrypted in the file layer)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=LetterKind.choices)
    letter_date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    amount = _money()
    file = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    size = models.BigIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["letter_date", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["case", "member", "kind"], name="unique_member_letter")
        ]

    def __str__(self) -> str:
        return f"{self.kind} letter {self.member_id}"

    @property
    def filename(self) -> str:
        return f"missed-contributions-letter-{self.case_id}-{self.member_id}-{self.kind}.pdf"


class PublishedList(models.Model):
    """The report published to an organization for one pay cycle (keeps publishing
    idempotent per organization and pay cycle)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    pay_date = models.DateField()
    report = models.ForeignKey("reports.Report", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organization", "pay_date"], name="unique_missed_list_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.pay_date}"
