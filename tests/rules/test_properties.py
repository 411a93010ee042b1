"""Property tests (hypothesis) for the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pensionportal.rules import amortization, interest
from pensionportal.rules.contributions import Plan, compute
from pensionportal.rules.contributions_opseu import OpseuContribution
from pensionportal.rules.parameters import DatedTable, load
from pensionportal.rules.pay_basis import HourlyPay, SalariedPay
from pensionportal.rules.pay_cycles import Frequency

money = st.decimals(min_value=0, max_value=500_000, places=2, allow_nan=False)
pay_dates = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2026, 12, 31))
frequencies = st.sampled_from(list(Frequency))
plans = st.sampled_from(list(Plan))


def _total(plan: Plan, salary: Decimal, on: dt.date, frequency: Frequency) -> Decimal:
    result = compute(plan, SalariedPay(salary), on, frequency)
    return result.member.total + result.employer.total


@settings(max_examples=150, deadline=None)
@given(plan=plans, salary=money, on=pay_dates, frequency=frequencies)
def test_contributions_are_never_negative(
    plan: Plan, salary: Decimal, on: dt.date, frequency: Frequency
) -> None:
    result = compute(plan, SalariedPay(salary), on, frequency)
    assert result.member.total >= 0
    assert result.employer.total >= 0


@settings(max_examples=150, deadline=None)
@given(plan=plans, a=money, b=money, on=pay_dates, frequency=frequencies)
def test_contributions_do_not_decrease_as_salary_rises(
    plan: Plan, a: Decimal, b: Decimal, on: dt.date, frequency: Frequency
) -> None:
    low, high = sorted((a, b))
    assert _total(plan, low, on, frequency) <= _total(plan, high, on, frequency)


@settings(max_examples=100, deadline=None)
@given(
    rate=st.decimals(min_value=1, max_value=100, places=2),
    weekly=st.decimals(min_value=1, max_value=60, places=1),
    h1=st.decimals(min_value=0, max_value=120, places=2),
    h2=st.decimals(min_value=0, max_value=120, places=2),
    on=pay_dates,
)
def test_hourly_contributions_do_not_decrease_with_hours(
    rate: Decimal, weekly: Decimal, h1: Decimal, h2: Decimal, on: dt.date
) -> None:
    low, high = sorted((h1, h2))
    first = compute(Plan.OPSEU, HourlyPay(rate, weekly, low), on, Frequency.BIWEEKLY)
    second = compute(Plan.OPSEU, HourlyPay(rate, weekly, high), on, Frequency.BIWEEKLY)
    assert first.member.total <= second.member.total


@settings(max_examples=100, deadline=None)
@given(on=pay_dates, frequency=frequencies, delta=st.decimals(min_value=0, max_value=1, places=2))
def test_opseu_contributions_are_continuous_across_the_ympe(
    on: dt.date, frequency: Frequency, delta: Decimal
) -> None:
    ympe = load("ympe").decimal_at(on)
    below = compute(Plan.OPSEU, SalariedPay(ympe - delta), on, frequency)
    above = compute(Plan.OPSEU, SalariedPay(ympe + delta), on, frequency)
    assert isinstance(below, OpseuContribution)
    assert isinstance(above, OpseuContribution)
    # no jump at the YMPE: the change is at most the top rate on the salary change in one
    # pay, plus a cent of rounding in each of the two parts
    bound = 2 * delta * above.member.rate_above_ympe / above.pay_periods + Decimal("0.02")
    assert abs(above.member.total - below.member.total) <= bound


rates = st.decimals(min_value=0, max_value=Decimal("0.2"), places=4)


@settings(max_examples=100, deadline=None)
@given(
    principal=money,
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 1, 1)),
    fund=rates,
    pji=rates,
)
def test_no_interest_for_zero_days(
    principal: Decimal, day: dt.date, fund: Decimal, pji: Decimal
) -> None:
    table = interest.InterestRates(
        DatedTable.from_rows("fund", [(dt.date(1990, 1, 1), fund, "test")]),
        DatedTable.from_rows("pji", [(dt.date(1990, 1, 1), pji, "test")]),
    )
    assert interest.late_interest(principal, day, day, table).total == 0


@settings(max_examples=100, deadline=None)
@given(
    principal=st.decimals(min_value=1, max_value=200_000, places=2),
    rate=rates,
    frequency=frequencies,
    extra=st.decimals(min_value=Decimal("0.01"), max_value=5000, places=2),
)
def test_amortization_pays_off_to_the_cent(
    principal: Decimal, rate: Decimal, frequency: Frequency, extra: Decimal
) -> None:
    on = dt.date(2024, 1, 1)
    first_interest = amortization.periodic_rate(rate, frequency, on) * principal
    payment = max(first_interest.quantize(Decimal("0.01")) + extra, principal / 400)
    payment = payment.quantize(Decimal("0.01"))
    plan = amortization.schedule(principal, rate, frequency, payment, on)
    assert plan.payments[-1].balance == 0
    assert sum(p.principal for p in plan.payments) == principal
    assert plan.total_paid == principal + plan.total_interest
    assert all(p.payment <= payment for p in plan.payments)
