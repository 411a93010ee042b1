"""Quotes: each service type's cost sharing from the rules engine at the salary rate on the
complete-application date; actuarial and Select costs entered by staff
(seeds/buybacks.txt 'Buyback costs')."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pensionportal.accounts.models import User
from pensionportal.audit.models import AuditEvent
from pensionportal.buybacks import actions
from pensionportal.buybacks.models import Status
from pensionportal.rules import buybacks as rules
from tests.factories import make_member, make_org, make_staff

from .helpers import QUOTE_DATE, application, opseu_member, quoted

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> User:
    return make_staff(mfa=False)


def engine(kind: str, share: str = "1") -> rules.BuybackQuote:
    return rules.quote(
        rules.BuybackRequest(
            rules.ServiceType(kind),
            dt.date(2020, 1, 1),
            dt.date(2021, 12, 31),
            Decimal("70000"),
            dt.date(2026, 2, 2),
            dt.date(2025, 1, 1) if kind == "non-contributory" else dt.date(2025, 6, 30),
            Decimal(share),
        )
    )


def test_non_contributory_service_is_shared_by_member_and_employer(staff: User) -> None:
    buyback = quoted(staff, opseu_member())
    expected = engine("non-contributory")
    assert buyback.status == Status.QUOTED
    assert buyback.member_cost == expected.member_cost
    assert buyback.employer_cost == expected.employer_cost
    assert buyback.member_cost
    assert buyback.member_cost > 0
    assert (buyback.member_code, buyback.employer_code) == ("055", "056")
    assert buyback.salary_rate == Decimal("70000")
    assert buyback.response_deadline == QUOTE_DATE + dt.timedelta(days=45)
    assert buyback.completion_deadline == dt.date(2036, 6, 2)
    assert AuditEvent.objects.filter(action="buybacks.quote_issued").count() == 1


def test_a_statutory_leave_is_matched_by_the_employer(staff: User) -> None:
    member = opseu_member()
    buyback = quoted(
        staff,
        member,
        service_type="statutory-leave",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 6, 30),
    )
    assert buyback.member_cost == buyback.employer_cost
    assert buyback.employer_code == "056"


def test_a_special_leave_is_paid_by_the_member_alone_with_code_054(staff: User) -> None:
    buyback = quoted(
        staff,
        opseu_member(),
        service_type="special-leave",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 6, 30),
    )
    assert buyback.employer_cost == Decimal("0.00")
    assert buyback.member_code == "054"
    assert buyback.employer_code == ""


def test_a_part_time_arrangement_costs_the_hours_not_worked(staff: User) -> None:
    member = opseu_member()
    full = quoted(
        staff,
        member,
        service_type="statutory-leave",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
    )
    part = quoted(
        staff,
        member,
        service_type="part-time",
        start=dt.date(2023, 1, 1),
        end=dt.date(2023, 12, 31),
        share=Decimal("0.4"),
        reduced_hours_elected=True,
    )
    assert part.member_cost
    assert full.member_cost
    assert part.member_cost < full.member_cost
    assert part.employer_cost == part.member_cost


def test_the_salary_rate_at_the_complete_application_date_is_used(staff: User) -> None:
    buyback = application(staff, opseu_member())
    higher = actions.issue_quote(
        staff,
        buyback,
        complete_date=dt.date(2026, 2, 20),
        salary_rate=Decimal("80000"),
        quote_date=QUOTE_DATE,
    )
    assert higher.salary_rate == Decimal("80000")
    assert higher.complete_date == dt.date(2026, 2, 20)
    assert higher.member_cost
    assert higher.member_cost > (engine("non-contributory").member_cost or 0)


def test_service_with_another_plan_needs_a_cost_entered_by_staff(staff: User) -> None:
    buyback = application(staff, opseu_member(), service_type="other-plan")
    with pytest.raises(actions.BuybackError) as refused:
        actions.issue_quote(staff, buyback, complete_date=buyback.received_date)
    assert refused.value.field == "entered_cost"
    buyback.refresh_from_db()
    assert buyback.status == Status.RECEIVED
    done = actions.issue_quote(
        staff,
        buyback,
        complete_date=buyback.received_date,
        entered_cost=Decimal("12345.67"),
        quote_date=QUOTE_DATE,
    )
    assert done.actuarial
    assert done.member_cost == Decimal("12345.67")
    assert done.employer_cost == Decimal("0.00")


def test_a_late_application_is_an_open_option_at_actuarial_cost(staff: User) -> None:
    member = opseu_member(membership_date=dt.date(2022, 1, 1))
    buyback = application(staff, member)
    assert "open option" in buyback.refusal_reasons[0]
    done = actions.issue_quote(
        staff,
        buyback,
        complete_date=buyback.received_date,
        entered_cost=Decimal("9000"),
        quote_date=QUOTE_DATE,
    )
    assert done.actuarial
    assert done.employer_cost == Decimal("0.00")


def test_a_formula_cost_cannot_be_overridden(staff: User) -> None:
    buyback = application(staff, opseu_member())
    with pytest.raises(actions.BuybackError, match="comes from the plan's formula"):
        actions.issue_quote(
            staff, buyback, complete_date=buyback.received_date, entered_cost=Decimal("1")
        )


def test_select_buybacks_have_no_employer_share(staff: User) -> None:
    member = make_member(
        make_org(), hire_date=dt.date(2015, 1, 5), membership_date=dt.date(2024, 1, 1)
    )
    buyback = application(staff, member)
    done = actions.issue_quote(
        staff,
        buyback,
        complete_date=buyback.received_date,
        entered_cost=Decimal("4000"),
        quote_date=QUOTE_DATE,
    )
    assert done.employer_cost == Decimal("0.00")
    assert "OPTrust Select" in done.cost_basis


def test_a_refused_application_is_kept_with_its_reasons(staff: User) -> None:
    member = opseu_member(termination_date=dt.date(2026, 1, 1), status="terminated")
    buyback = application(staff, member)
    assert buyback.status == Status.REFUSED
    assert "termination" in buyback.refusal_reasons[0]
    with pytest.raises(actions.BuybackError):
        actions.issue_quote(staff, buyback, complete_date=buyback.received_date)


def test_form_1030_is_only_for_arrangements(staff: User) -> None:
    with pytest.raises(actions.BuybackError) as refused:
        application(staff, opseu_member(), form="1030")
    assert refused.value.field == "form"
