"""The remittance advice categories and the PAY data's totals by category.

Seed: remittance-timing.txt 'Remittance Advice' (Member Contributions, Employer Regular,
Employer Special, LTIP, Employer - Leave Invoice, Other (specified)); the PAY detail fields
in select-employer-manual.txt §2 'Contribution Data'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from pensionportal.members.models import Contribution
from pensionportal.submissions.models import Status, Submission

from .models import ZERO, RemittanceAdvice

# (field on RemittanceAdvice, label), in the seed's order.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("member_contributions", "Member contributions"),
    ("employer_regular", "Employer regular contributions"),
    ("employer_special", "Employer special contributions"),
    ("ltip", "LTIP"),
    ("employer_leave_invoice", "Employer \u2013 leave invoice"),
    ("other", "Other"),
)
OTHER_FROM_PAY = "Buyback (prior-service purchase) contributions and employer interest"


@dataclass
class CategoryTotals:
    amounts: dict[str, Decimal] = field(default_factory=lambda: {k: ZERO for k, _ in CATEGORIES})

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)

    @classmethod
    def of_advice(cls, advice: RemittanceAdvice) -> CategoryTotals:
        return cls({key: getattr(advice, key) for key, _ in CATEGORIES})


def pay_totals(rows: list[Contribution]) -> CategoryTotals:
    """Sum PAY detail rows by advice category.

    Member = employee regular + employee interest; employer regular and special as
    reported; LTIP = every share on rows with service type LTIP (the employer pays both,
    select-employer-manual.txt §1 'Leaves of Absence'); buyback (the member's prior-service
    purchase) and employer interest go to Other. No PAY row is an employer leave invoice.
    """
    totals = CategoryTotals()
    amounts = totals.amounts
    for row in rows:
        shares = row.employee_regular + row.employee_interest
        if row.service_type == "LTIP":
            amounts["ltip"] += shares + row.employer_regular + row.employer_special
        else:
            amounts["member_contributions"] += shares
            amounts["employer_regular"] += row.employer_regular
            amounts["employer_special"] += row.employer_special
        amounts["other"] += row.buyback + row.employer_interest
    return totals


def pay_submission_for(advice: RemittanceAdvice) -> Submission | None:
    """The applied PAY submission that carries the advice's payment reference."""
    return (
        Submission.objects.filter(
            organization_id=advice.organization_id,
            template="PAY",
            status=Status.APPLIED,
            payment_reference__iexact=advice.payment_reference,
        )
        .order_by("-applied_at", "-id")
        .first()
    )


def rows_of(submission: Submission) -> list[Contribution]:
    return list(Contribution.objects.filter(source_submission_id=submission.pk))
