"""The remittance advice categories and the PAY data's totals by category.

Seed: remittance-timing.txt 'Remittance Advice' (Member Contributions, Employer Regular,
Employer Special, LTIP, Employer - Leave Invoice, Other (specified)); the PAY detail fields
in select-employer-manual.txt §2 'Contribution Data'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

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


def _cents(value: Decimal) -> Decimal:
    # SQLite sums decimals as floats; every amount here is whole cents.
    return Decimal(value).quantize(Decimal("0.01"))


def _sum_expressions() -> dict[str, Any]:
    ltip = Q(service_type="LTIP")

    def total(expression: Any, condition: Q | None = None) -> Coalesce:
        summed = Sum(expression, filter=condition) if condition is not None else Sum(expression)
        return Coalesce(
            summed, Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
        )

    return {
        "t_member": total(F("employee_regular") + F("employee_interest"), ~ltip),
        "t_employer_regular": total(F("employer_regular"), ~ltip),
        "t_employer_special": total(F("employer_special"), ~ltip),
        "t_ltip": total(
            F("employee_regular")
            + F("employee_interest")
            + F("employer_regular")
            + F("employer_special"),
            ltip,
        ),
        "t_other": total(F("buyback") + F("employer_interest")),
    }


def _totals_of(sums: dict[str, Any]) -> CategoryTotals:
    totals = CategoryTotals()
    totals.amounts["member_contributions"] = _cents(sums["t_member"])
    totals.amounts["employer_regular"] = _cents(sums["t_employer_regular"])
    totals.amounts["employer_special"] = _cents(sums["t_employer_special"])
    totals.amounts["ltip"] = _cents(sums["t_ltip"])
    totals.amounts["other"] = _cents(sums["t_other"])
    return totals


def submission_totals(submission: Submission) -> CategoryTotals:
    """`pay_totals` of a submission's ledger rows, summed by the database (one query, so a
    100,000-row pay file costs no Python loop); the same rule as `pay_totals`."""
    sums = Contribution.objects.filter(source_submission_id=submission.pk).aggregate(
        **_sum_expressions()
    )
    return _totals_of(sums)


def submissions_totals(submission_ids: Iterable[int]) -> dict[int, CategoryTotals]:
    """`submission_totals` of many submissions in one grouped query (issue 18: a list of
    periods costs the same number of queries however long it is)."""
    ids = list(set(submission_ids))
    if not ids:
        return {}
    rows = (
        Contribution.objects.filter(source_submission_id__in=ids)
        .order_by()
        .values("source_submission_id")
        .annotate(**_sum_expressions())
    )
    found = {row["source_submission_id"]: _totals_of(row) for row in rows}
    return {pk: found.get(pk, CategoryTotals()) for pk in ids}


def pay_submissions_for(advices: Sequence[RemittanceAdvice]) -> dict[int, Submission | None]:
    """`pay_submission_for` of many advices in one query, keyed by advice id."""
    if not advices:
        return {}
    matches = Q()
    for advice in advices:
        matches |= Q(
            organization_id=advice.organization_id,
            payment_reference__iexact=advice.payment_reference,
        )
    candidates = Submission.objects.filter(matches, template="PAY", status=Status.APPLIED)
    latest: dict[tuple[int, str], Submission] = {}
    for sub in candidates.order_by("applied_at", "id"):  # the last one seen wins
        latest[(sub.organization_id, sub.payment_reference.upper())] = sub
    return {
        advice.pk: latest.get((advice.organization_id, advice.payment_reference.upper()))
        for advice in advices
    }
