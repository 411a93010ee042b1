"""Reconciliation of one pay period: payment vs remittance advice vs PAY data by category.

Seed: remittance-timing.txt 'Reconciliation / Audit'; select-employer-manual.txt §2
'Contribution Data' ("This data is reconciled against the contribution payment"; the
header's Remittance Amount "should equal the sum of all detailed contribution
transactions").
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.submissions.models import Submission

from .categories import (
    CATEGORIES,
    CategoryTotals,
    pay_submission_for,
    pay_submissions_for,
    submission_totals,
    submissions_totals,
)
from .models import ZERO, RemittanceAdvice


class Outcome(enum.StrEnum):
    AWAITING_PAYMENT = "awaiting payment"
    AWAITING_DATA = "awaiting PAY data"
    MATCHED = "matched"
    MISMATCHED = "discrepancy"


@dataclass(frozen=True)
class CategoryRow:
    key: str
    label: str
    advice: Decimal
    pay_data: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        return None if self.pay_data is None else self.advice - self.pay_data


@dataclass(frozen=True)
class Reconciliation:
    advice: RemittanceAdvice
    submission: Submission | None
    rows: tuple[CategoryRow, ...]
    advice_total: Decimal
    pay_total: Decimal | None
    header_amount: Decimal | None
    paid: Decimal

    @property
    def differences(self) -> list[dict[str, str]]:
        found: list[dict[str, str]] = []
        if self.paid and self.paid != self.advice_total:
            found.append(
                _diff("Payments received vs remittance advice", self.paid, self.advice_total)
            )
        for row in self.rows:
            if row.difference:
                found.append(_diff(f"{row.label}: advice vs PAY data", row.advice, row.pay_data))
        header, pay = self.header_amount, self.pay_total
        if header is not None and pay is not None and header != pay:
            found.append(_diff("PAY header remittance amount vs its detail rows", header, pay))
        return found

    @property
    def outcome(self) -> Outcome:
        if not self.paid:
            return Outcome.AWAITING_PAYMENT
        if self.differences:
            return Outcome.MISMATCHED
        if self.submission is None:
            return Outcome.AWAITING_DATA
        return Outcome.MATCHED

    @property
    def expected_total(self) -> Decimal:
        """What the employer owes for the period: the PAY data's total once it is in."""
        return self.pay_total if self.pay_total is not None else self.advice_total


def _diff(what: str, left: Decimal, right: Decimal | None) -> dict[str, str]:
    right = right if right is not None else ZERO
    return {
        "what": what,
        "left": f"{left:.2f}",
        "right": f"{right:.2f}",
        "difference": f"{left - right:.2f}",
    }


def reconcile_many(advices: Sequence[RemittanceAdvice]) -> dict[int, Reconciliation]:
    """`reconcile` of each advice (keyed by id) in a fixed number of queries: their PAY
    submissions in one, those submissions' totals in another (payments prefetched)."""
    submissions = pay_submissions_for(advices)
    totals = submissions_totals(s.pk for s in submissions.values() if s is not None)
    found: dict[int, Reconciliation] = {}
    for advice in advices:
        submission = submissions[advice.pk]
        pay = totals[submission.pk] if submission is not None else None
        found[advice.pk] = _reconciled(advice, submission, pay)
    return found


def reconcile(advice: RemittanceAdvice) -> Reconciliation:
    submission = pay_submission_for(advice)
    pay: CategoryTotals | None = submission_totals(submission) if submission else None
    return _reconciled(advice, submission, pay)


def _reconciled(
    advice: RemittanceAdvice, submission: Submission | None, pay: CategoryTotals | None
) -> Reconciliation:
    advice_totals = CategoryTotals.of_advice(advice)
    rows = tuple(
        CategoryRow(
            key,
            label,
            advice_totals.amounts[key],
            pay.amounts[key] if pay is not None else None,
        )
        for key, label in CATEGORIES
    )
    paid = sum((p.amount for p in advice.payments.all()), ZERO)
    return Reconciliation(
        advice=advice,
        submission=submission,
        rows=rows,
        advice_total=advice_totals.total,
        pay_total=pay.total if pay is not None else None,
        header_amount=submission.remittance_amount if submission else None,
        paid=paid,
    )
