"""Declining-balance amortization of a financed buyback.

Source: seeds/select-employer-manual.txt §3 'Buybacks' ("A declining balance amortization
schedule will be provided"); seeds/buybacks.txt 'Payment options' (the payment must cover
interest and some principal).

Method: the annual rate is nominal, compounded each pay period; the periodic rate is the
annual rate divided by the pay periods in a year (the same divisor as contributions,
e.g. 365.25 / 14 for biweekly). Each period the interest is the balance times the periodic
rate, rounded to the cent half up; the rest of the payment reduces the balance. The last
payment is the remaining balance plus its interest, so the schedule pays off to the cent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.rules.money import to_cents, up_to_cents
from pensionportal.rules.pay_cycles import Frequency, pay_periods_per_year

ZERO = Decimal("0.00")
MAX_PAYMENTS = 100_000


@dataclass(frozen=True)
class Payment:
    number: int
    payment: Decimal
    interest: Decimal
    principal: Decimal
    balance: Decimal  # after this payment


@dataclass(frozen=True)
class Schedule:
    principal: Decimal
    annual_rate: Decimal
    frequency: Frequency
    periodic_rate: Decimal
    payment: Decimal  # the regular payment (the last may be smaller)
    payments: tuple[Payment, ...]

    @property
    def total_paid(self) -> Decimal:
        return sum((p.payment for p in self.payments), ZERO)

    @property
    def total_interest(self) -> Decimal:
        return sum((p.interest for p in self.payments), ZERO)


def periodic_rate(annual_rate: Decimal, frequency: Frequency, on: dt.date) -> Decimal:
    return annual_rate / pay_periods_per_year(frequency, on)


def level_payment(
    principal: Decimal, annual_rate: Decimal, frequency: Frequency, count: int, on: dt.date
) -> Decimal:
    """The level payment that repays ``principal`` in ``count`` payments, rounded up."""
    if count <= 0:
        raise ValueError("the number of payments must be positive")
    rate = periodic_rate(annual_rate, frequency, on)
    if rate == 0:
        return up_to_cents(principal / count)
    return up_to_cents(principal * rate / (1 - (1 + rate) ** -count))


def schedule(
    principal: Decimal,
    annual_rate: Decimal,
    frequency: Frequency,
    payment: Decimal,
    on: dt.date,
) -> Schedule:
    """The payment-by-payment schedule for ``principal`` repaid by ``payment`` a period.

    ``on`` is the date whose pay-period divisor applies (the agreement date).
    """
    principal = to_cents(principal)
    if principal <= 0:
        raise ValueError("the amount financed must be positive")
    if annual_rate < 0:
        raise ValueError("the interest rate must not be negative")
    if payment <= 0:
        raise ValueError("the payment must be positive")
    rate = periodic_rate(annual_rate, frequency, on)
    first_interest = to_cents(principal * rate)
    if payment <= first_interest:
        raise ValueError(
            f"a payment of {payment} does not cover the first period's interest "
            f"({first_interest}) and some principal"
        )
    balance = principal
    rows: list[Payment] = []
    while balance > 0:
        if len(rows) >= MAX_PAYMENTS:
            raise ValueError("the payment is too small to repay the amount")
        interest = to_cents(balance * rate)
        amount = min(payment, balance + interest)
        reduction = amount - interest
        balance -= reduction
        rows.append(Payment(len(rows) + 1, amount, interest, reduction, balance))
    return Schedule(principal, annual_rate, frequency, rate, payment, tuple(rows))
