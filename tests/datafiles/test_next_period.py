"""Issue 16 Must do 4: the next pay period from the last one by the pay cycle, the payment
reference by the last one's pattern, and the expected contributions beside a row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pensionportal.datafiles.context import ValidationContext
from pensionportal.datafiles.next_period import (
    Period,
    expected_contributions,
    next_period,
    next_reference,
)
from pensionportal.datafiles.registry import MemberFacts
from pensionportal.rules.contributions import Participation, Plan

D = dt.date


@pytest.mark.parametrize(
    ("cycle", "last", "expected"),
    [
        # The demo's bi-weekly calendar: Sunday to Saturday, paid the Friday after.
        ("bi-weekly", Period(D(2026, 10, 11), D(2026, 10, 24), D(2026, 10, 30)),
         Period(D(2026, 10, 25), D(2026, 11, 7), D(2026, 11, 13))),
        ("biweekly", Period(D(2026, 12, 20), D(2027, 1, 2), D(2027, 1, 8)),
         Period(D(2027, 1, 3), D(2027, 1, 16), D(2027, 1, 22))),
        ("weekly", Period(D(2026, 2, 22), D(2026, 2, 28), D(2026, 3, 6)),
         Period(D(2026, 3, 1), D(2026, 3, 7), D(2026, 3, 13))),
        # Semi-monthly halves 1-15 and 16-end, paid on the period's last day.
        ("semi-monthly", Period(D(2026, 1, 16), D(2026, 1, 31), D(2026, 1, 31)),
         Period(D(2026, 2, 1), D(2026, 2, 15), D(2026, 2, 15))),
        ("semi-monthly", Period(D(2026, 2, 1), D(2026, 2, 15), D(2026, 2, 15)),
         Period(D(2026, 2, 16), D(2026, 2, 28), D(2026, 2, 28))),
        # Other halves (8th-22nd, 23rd-7th), paid five days after the period.
        ("semi-monthly", Period(D(2026, 3, 8), D(2026, 3, 22), D(2026, 3, 27)),
         Period(D(2026, 3, 23), D(2026, 4, 7), D(2026, 4, 12))),
        # Monthly: a calendar month, a month-end pay date stays at the month's end.
        ("monthly", Period(D(2026, 1, 1), D(2026, 1, 31), D(2026, 1, 31)),
         Period(D(2026, 2, 1), D(2026, 2, 28), D(2026, 2, 28))),
        ("monthly", Period(D(2026, 1, 1), D(2026, 1, 31), D(2026, 1, 25)),
         Period(D(2026, 2, 1), D(2026, 2, 28), D(2026, 2, 25))),
    ],
)  # fmt: skip
def test_the_next_period_follows_the_cycle(cycle: str, last: Period, expected: Period) -> None:
    assert next_period(cycle, last) == expected


def test_an_unknown_cycle_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown pay cycle"):
        next_period("fortnightly-ish", Period(D(2026, 1, 1), D(2026, 1, 14), D(2026, 1, 16)))


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("EFT-DEMO-1030", "EFT-DEMO-1113"),  # MMDD of the last pay date
        ("EFT-20261030", "EFT-20261113"),
        ("PAY 2026-10-30 B", "PAY 2026-11-13 B"),
        ("EFT-2026-009", "EFT-2026-010"),  # a counter keeps its width
        ("REF99", "REF100"),
        ("EFT-2026-001-A", "EFT-2026-002-A"),
        ("MANUAL", ""),  # no pattern: left for the clerk
    ],
)
def test_the_payment_reference_follows_the_last_ones_pattern(last: str, expected: str) -> None:
    assert next_reference(last, D(2026, 10, 30), D(2026, 11, 13)) == expected


def test_expected_contributions_are_the_plans_formula() -> None:
    select = ValidationContext(Plan.SELECT, Participation(D(2025, 6, 1)))
    found = expected_contributions(select, "bi-weekly", D(2026, 3, 13), Decimal("2400.00"), None)
    # OPTrust Select: 3% member, 3% employer, 0.2% special in the first years after the
    # employer's participation date (the demo employer's, 2025-06-01).
    assert found == {
        "employee_regular": Decimal("72.00"),
        "employer_regular": Decimal("72.00"),
        "employer_special": Decimal("4.80"),
    }
    no_special = ValidationContext(Plan.SELECT, None)
    assert "employer_special" not in expected_contributions(
        no_special, "bi-weekly", D(2026, 3, 13), Decimal("2400.00"), None
    )
    assert expected_contributions(select, "fortnightly", D(2026, 3, 13), Decimal(1), None) == {}


def test_opseu_expected_needs_the_pay_rate_on_record() -> None:
    opseu = ValidationContext(Plan.OPSEU)
    pay_date, pay = D(2026, 3, 13), Decimal("2400.00")
    assert expected_contributions(opseu, "bi-weekly", pay_date, pay, None) == {}
    facts = MemberFacts(annual_pay_rate=Decimal("62400"))
    found = expected_contributions(opseu, "bi-weekly", pay_date, pay, facts)
    assert found["employee_regular"] == found["employer_regular"] > Decimal(0)
