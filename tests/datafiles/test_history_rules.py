"""PAY checks against the member's record and the payroll history (issue 16 "Checks from
the payroll history"; docs/datafiles.md). Each check: a case that fires, one that does not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pensionportal.datafiles import InMemoryRegistry, MemberFacts
from pensionportal.datafiles.registry import LastPay, PayHistory
from pensionportal.datafiles.suggest import Suggester
from tests.datafiles.helpers import HIRED, PAY_ROW, check, pay_csv, rules_of
from tests.paths import both_paths  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures("both_paths")

LAST = (dt.date(2023, 12, 10), dt.date(2023, 12, 23))


def last(pay: str) -> LastPay:
    return LastPay(Decimal(pay), *LAST)


def member(**values: object) -> MemberFacts:
    return MemberFacts(HIRED, HIRED, **values)  # type: ignore[arg-type]


def reg(history: PayHistory | None = None, **facts: MemberFacts) -> InMemoryRegistry:
    known = facts or {"C000002": member()}
    return InMemoryRegistry(
        facts=dict(known),
        history=history or PayHistory(),
        names={"C000003": "Jordan LEFTOUT", "C000004": "Sam NEWSTART"},
    )


def only(problems: list, code: str) -> list:  # type: ignore[type-arg]
    return [p for p in problems if p.rule == code]


# -- Employee IDs paid but never enrolled: "did you mean"


def test_an_unknown_id_suggests_the_look_alike_enrolled_id() -> None:
    problems = check(pay_csv([{**PAY_ROW, "Employee ID": "D1O03"}]), reg(D1003=member()))
    (unknown,) = only(problems, "registry.unknown_employee")
    assert unknown.row == 5
    assert unknown.column == "Employee ID"
    assert unknown.value == "D1O03"
    assert "Employee ID D1O03 is not an enrolled member. Did you mean D1003?" in unknown.message


def test_an_unknown_id_with_no_look_alike_gets_no_suggestion() -> None:
    problems = check(pay_csv([{**PAY_ROW, "Employee ID": "X9999"}]), reg(D1003=member()))
    (unknown,) = only(problems, "registry.unknown_employee")
    assert "Did you mean" not in unknown.message


def test_suggestions_cover_look_alikes_case_and_a_swap_but_not_any_edit() -> None:
    suggest = Suggester(["D1003", "C000002", "ABC12", "E5555"])
    assert suggest("D1O03") == ["D1003"]
    assert suggest("DIO03") == ["D1003"]  # two look-alikes
    assert suggest("d1003") == ["D1003"]
    assert suggest("C000020") == ["C000002"]  # neighbours swapped
    assert suggest("BAC12") == ["ABC12"]
    assert suggest("E5556") == []  # a different digit is not a look-alike
    assert suggest("DIOO3") == []  # three places differ


# -- a member on an unpaid leave and still paid (after a termination: registry tests)


def test_regular_pay_for_a_member_on_leave_since_before_the_period_is_warned() -> None:
    on_leave = member(open_leave_start=dt.date(2023, 11, 1), open_leave_type="DISC")
    (warning,) = only(check(pay_csv(), reg(C000002=on_leave)), "pay.paid_on_leave")
    assert warning.row == 5
    assert warning.value == "C000002"
    assert "on a leave (DISC) since 2023-11-01" in warning.message
    assert "3,000.00 as Regular service" in warning.message


def test_leave_pay_reported_as_loam_or_a_leave_starting_in_the_period_is_not_warned() -> None:
    on_leave = member(open_leave_start=dt.date(2023, 11, 1), open_leave_type="DISC")
    loam = {**PAY_ROW, "Service Type": "LOAM"}
    assert only(check(pay_csv([loam]), reg(C000002=on_leave)), "pay.paid_on_leave") == []
    starts_now = member(open_leave_start=dt.date(2024, 1, 2))
    assert only(check(pay_csv(), reg(C000002=starts_now)), "pay.paid_on_leave") == []


# -- pensionable pay above the plausibility ceiling, or changed by more than 25 %


def test_a_9999999_biweekly_pay_is_above_the_ceiling_of_the_pay_rate_on_record() -> None:
    huge = {**PAY_ROW, "Pensionable Pay": "9999999.00"}
    facts = member(annual_pay_rate=Decimal(78000))
    (warning,) = only(check(pay_csv([huge]), reg(C000002=facts)), "pay.above_ceiling")
    assert warning.row == 5
    assert warning.column == "Pensionable Pay"
    assert warning.value == "9999999.00"
    # 78,000 / (365.25 / 14) = 2,989.73 a period; twice that is the limit
    assert "Pensionable Pay 9,999,999.00" in warning.message
    assert "78,000.00 a year = 2,989.73 a period; limit 5,979.46" in warning.message


def test_pay_up_to_twice_the_period_share_is_not_warned() -> None:
    facts = member(annual_pay_rate=Decimal(78000))
    at_limit = {**PAY_ROW, "Pensionable Pay": "5979.46"}
    assert only(check(pay_csv([at_limit]), reg(C000002=facts)), "pay.above_ceiling") == []


def test_an_unreadable_pay_is_not_compared_and_its_member_is_not_missing() -> None:
    history = PayHistory(last_pay={"C000002": last("2000.00")})
    unreadable = {**PAY_ROW, "Pensionable Pay": "2,400.OO", "Contribution Type": "X"}
    problems = check(pay_csv([unreadable]), reg(history))
    assert only(problems, "pay.pay_changed") == only(problems, "pay.member_missing") == []
    assert {"value.number", "value.code"} <= set(rules_of(problems))


def test_pay_changed_by_more_than_25_percent_without_an_emchg_is_warned() -> None:
    history = PayHistory(last_pay={"C000002": last("2000.00")})
    (warning,) = only(check(pay_csv(), reg(history)), "pay.pay_changed")
    assert warning.row == 5
    assert warning.value == "3000.00"
    assert "up 50% from 2,000.00 in the last pay period (2023-12-10 to 2023-12-23)" in (
        warning.message
    )
    assert "more than 25%" in warning.message


def test_pay_change_within_25_percent_or_explained_by_an_emchg_is_not_warned() -> None:
    close = PayHistory(last_pay={"C000002": last("2400.00")})
    assert only(check(pay_csv(), reg(close)), "pay.pay_changed") == []  # +25.0 %
    changed = PayHistory(last_pay={"C000002": last("1000")}, changed=frozenset({"C000002"}))
    assert only(check(pay_csv(), reg(changed)), "pay.pay_changed") == []


# -- pensionable hours above full time


def test_hours_above_the_periods_full_time_hours_are_warned() -> None:
    facts = member(standard_hours=Decimal(40))
    long_hours = {**PAY_ROW, "Pensionable Hours": "80.50"}
    (warning,) = only(check(pay_csv([long_hours]), reg(C000002=facts)), "pay.hours_above_full_time")
    assert warning.row == 5
    assert warning.column == "Pensionable Hours"
    assert "40 hours a week on record gives 80.00 hours" in warning.message


def test_hours_up_to_full_time_are_not_warned() -> None:
    facts = member(standard_hours=Decimal(40))
    full = {**PAY_ROW, "Pensionable Hours": "80.00"}
    assert only(check(pay_csv([full]), reg(C000002=facts)), "pay.hours_above_full_time") == []


# -- members paid last period and absent; starters whose first pay is missing


def test_members_paid_last_period_and_absent_are_listed_by_name() -> None:
    history = PayHistory(
        last_pay={"C000002": last("3000"), "C000003": last("2500.00")},
        never_paid=frozenset({"C000004"}),
    )
    facts = {"C000002": member(), "C000003": member(), "C000004": member()}
    problems = check(pay_csv(), reg(history, **facts))
    (missing,) = only(problems, "pay.member_missing")
    assert missing.row is None
    assert missing.value == "C000003"
    assert missing.message.startswith(
        "Jordan LEFTOUT (Employee ID C000003) was paid 2,500.00 in the last pay period "
        "(2023-12-10 to 2023-12-23) and has no row in this file."
    )
    (starter,) = only(problems, "pay.starter_missing")
    assert "Sam NEWSTART (Employee ID C000004) is enrolled" in starter.message


def test_absent_members_explained_by_a_termination_or_a_leave_are_not_listed() -> None:
    history = PayHistory(
        last_pay={"C000002": last("3000"), "C000003": last("1"), "C000004": last("1")},
    )
    facts = {
        "C000002": member(),
        "C000003": member(termination_date=dt.date(2023, 12, 29)),
        "C000004": member(open_leave_start=dt.date(2024, 1, 2)),
    }
    problems = check(pay_csv(), reg(history, **facts))
    assert only(problems, "pay.member_missing") == []


def test_a_pay_row_before_the_enrolment_date_is_warned() -> None:
    # The starters' other half is the registry's "before membership" warning.
    later = MemberFacts(HIRED, dt.date(2024, 2, 1))
    assert rules_of(check(pay_csv(), reg(C000002=later))) == ["registry.before_membership"]
    assert rules_of(check(pay_csv(), reg(C000002=member()))) == []


# -- buyback deduction directions (form 1016)


def test_a_buyback_deduction_due_and_missing_or_at_another_amount_is_warned() -> None:
    history = PayHistory(buyback_due={"C000002": Decimal("45.10")})
    (missing,) = only(check(pay_csv(), reg(history)), "pay.buyback_missing")
    assert missing.row == 5
    assert missing.column == "Buyback Contribution"
    assert "asks for 45.10 on this pay date" in missing.message
    short = {**PAY_ROW, "Buyback Contribution": "40.00", "Buyback Code": "055"}
    problems = check(pay_csv([short], header={"Remittance Amount": "220.00"}), reg(history))
    (amount,) = only(problems, "pay.buyback_amount")
    assert "40.00" in amount.message
    assert "45.10" in amount.message
    assert "difference -5.10" in amount.message


def test_a_buyback_deduction_reported_as_directed_is_not_warned() -> None:
    history = PayHistory(buyback_due={"C000002": Decimal("45.10")})
    paid = {**PAY_ROW, "Buyback Contribution": "45.10", "Buyback Code": "055"}
    assert check(pay_csv([paid], header={"Remittance Amount": "225.10"}), reg(history)) == []
