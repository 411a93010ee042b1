"""The dated payroll-deduction schedule of a financed buyback, and the employer's share.
Pure Python over `rules.buybacks` / `rules.amortization`.

Seeds: buybacks.txt "Payment options" (financing, combined option, minimum $10 a pay,
at most 10 years, declining-balance amortization), "Employer payments" (the employer's
share follows the member's payments; no prepayment), "Buyback costs" (10 years 3 months);
reporting-pension-data.txt "Buyback deductions" (form 1016: start date, end date, member
and employer amounts, number of payments).

Choices (docs/buybacks.md): the employer's share of the financed part is its cost times the
financed part of the member's cost, spread in equal payments over the member's number of
payments (no interest: the employer does not borrow), the last payment taking the cents
left over; the employer's share of a lump sum is the same proportion of that payment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from pensionportal.rules import buybacks as rules
from pensionportal.rules.amortization import Schedule
from pensionportal.rules.dates import add_months
from pensionportal.rules.money import to_cents
from pensionportal.rules.pay_cycles import Frequency

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Line:
    number: int
    due_date: dt.date
    member_payment: Decimal
    interest: Decimal
    principal: Decimal
    balance: Decimal
    employer_payment: Decimal


@dataclass(frozen=True)
class DeductionPlan:
    financed: Decimal
    employer_financed: Decimal
    member_amount: Decimal  # the regular payment (the last may differ)
    employer_amount: Decimal
    lines: tuple[Line, ...]

    @property
    def start_date(self) -> dt.date:
        return self.lines[0].due_date

    @property
    def end_date(self) -> dt.date:
        return self.lines[-1].due_date


def pay_date(first: dt.date, frequency: Frequency, index: int) -> dt.date:
    """The date of payment number ``index + 1`` (semi-monthly: the first date and 15 days
    later, each month)."""
    if frequency is Frequency.WEEKLY:
        return first + dt.timedelta(weeks=index)
    if frequency is Frequency.BIWEEKLY:
        return first + dt.timedelta(weeks=2 * index)
    if frequency is Frequency.MONTHLY:
        return add_months(first, index)
    if frequency is Frequency.SEMI_MONTHLY:
        base = add_months(first, index // 2)
        return base + dt.timedelta(days=15) if index % 2 else base
    raise ValueError(f"no payroll deductions {frequency.value}")


def employer_share(employer_cost: Decimal, member_cost: Decimal, paid: Decimal) -> Decimal:
    """The employer's share following a member payment of ``paid`` (same proportion)."""
    if member_cost <= 0 or employer_cost <= 0:
        return ZERO
    return to_cents(employer_cost * paid / member_cost)


def spread(total: Decimal, count: int) -> list[Decimal]:
    """``total`` in ``count`` equal payments (cents dropped), the last taking the rest."""
    if count <= 0:
        raise ValueError("the number of payments must be positive")
    level = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    return [level] * (count - 1) + [total - level * (count - 1)]


def _lines(
    amortized: Schedule, first_deduction: dt.date, frequency: Frequency, employer: list[Decimal]
) -> tuple[Line, ...]:
    """The schedule's payments on their pay dates, each with the employer's share."""
    return tuple(
        Line(
            p.number,
            pay_date(first_deduction, frequency, p.number - 1),
            p.payment,
            p.interest,
            p.principal,
            p.balance,
            employer[p.number - 1],
        )
        for p in amortized.payments
    )


def _amortized(
    financed: Decimal,
    annual_rate: Decimal,
    frequency: Frequency,
    payment: Decimal,
    on: dt.date,
    repay: str,
) -> Schedule:
    """The amortization of ``financed`` at ``payment`` a pay; ``ValueError`` when the payment
    is under the minimum in force on ``on`` (``repay`` says what it must be enough for)."""
    minimum = rules.minimum_payment(financed, annual_rate, frequency, on)
    floor, years = rules.financing_terms(on)
    if payment < minimum:
        raise ValueError(
            f"The payment must be at least ${minimum} a pay (at least ${floor}, and enough to "
            f"{repay} within {years} years)."
        )
    return rules.financing_schedule(financed, annual_rate, frequency, payment, on)


def build(
    *,
    member_cost: Decimal,
    employer_cost: Decimal,
    lump_sum: Decimal,
    annual_rate: Decimal,
    frequency: Frequency,
    payment: Decimal,
    first_deduction: dt.date,
    agreed_on: dt.date,
    quote_date: dt.date,
) -> DeductionPlan:
    """The deduction plan; ``ValueError`` with a plain reason when a payment rule is broken."""
    financed = (
        rules.financed_after_lump_sum(member_cost, lump_sum, agreed_on) if lump_sum else member_cost
    )
    amortized = _amortized(financed, annual_rate, frequency, payment, agreed_on, "repay")
    count = len(amortized.payments)
    employer_financed = employer_cost - employer_share(employer_cost, member_cost, lump_sum)
    employer_payments = spread(employer_financed, count) if employer_financed else [ZERO] * count
    lines = _lines(amortized, first_deduction, frequency, employer_payments)
    deadline = rules.completion_deadline(quote_date)
    if lines[-1].due_date > deadline:
        raise ValueError(
            f"The last deduction ({lines[-1].due_date:%Y-%m-%d}) would fall after the "
            f"{rules.completion_window_words(quote_date)} completion deadline "
            f"({deadline:%Y-%m-%d}); raise the payment."
        )
    return DeductionPlan(financed, employer_financed, payment, employer_payments[0], lines)


def rebuild(
    *,
    remaining: Decimal,
    employer_remaining: Decimal,
    annual_rate: Decimal,
    frequency: Frequency,
    payment: Decimal,
    first_deduction: dt.date,
    changed_on: dt.date,
    completion_deadline: dt.date,
) -> DeductionPlan:
    """A new schedule for a changed deduction amount: the remaining balance at the same rate
    from the effective pay date, the employer's remaining share spread over the new number
    of payments; the same rules as the first schedule ($10 at least, within 10 years, the
    last deduction inside the completion window)."""
    amortized = _amortized(
        remaining,
        annual_rate,
        frequency,
        payment,
        changed_on,
        f"repay the remaining ${remaining}",
    )
    count = len(amortized.payments)
    employer_payments = (
        spread(employer_remaining, count) if employer_remaining > 0 else [ZERO] * count
    )
    lines = _lines(amortized, first_deduction, frequency, employer_payments)
    if lines[-1].due_date > completion_deadline:
        raise ValueError(
            f"The last deduction ({lines[-1].due_date:%Y-%m-%d}) would fall after the "
            f"completion deadline ({completion_deadline:%Y-%m-%d}); raise the payment."
        )
    return DeductionPlan(
        remaining, max(employer_remaining, ZERO), payment, employer_payments[0], lines
    )
