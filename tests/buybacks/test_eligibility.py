"""Eligibility: windows, termination, part-time arrangements, the Income Tax Act limits,
with a plain reason for every refusal (seeds/buybacks.txt 'Application and eligibility')."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pensionportal.buybacks.eligibility import Application, decide
from pensionportal.rules.buybacks import ServiceType
from pensionportal.rules.part_time import LimitedPeriod, LimitKind


def app(**fields: object) -> Application:
    values: dict[str, object] = {
        "plan": "opseu",
        "service_type": ServiceType.STATUTORY_LEAVE,
        "service_start": dt.date(2024, 1, 1),
        "service_end": dt.date(2024, 6, 30),
        "received_date": dt.date(2025, 1, 10),
        "membership_date": dt.date(2020, 1, 1),
    }
    values.update(fields)
    return Application(**values)  # type: ignore[arg-type]


def test_the_window_runs_24_months_from_the_later_of_membership_and_the_leave_end() -> None:
    decision = decide(app(received_date=dt.date(2026, 6, 30)))
    assert decision.window_start == dt.date(2024, 6, 30)
    assert decision.application_deadline == dt.date(2026, 6, 30)
    assert decision.eligible
    assert decision.within_window
    assert not decision.notes


def test_the_day_after_the_window_only_an_open_option_buyback_is_possible() -> None:
    decision = decide(app(received_date=dt.date(2026, 7, 1)))
    assert decision.eligible
    assert not decision.within_window
    assert "open option" in decision.notes[0]


def test_prior_service_window_counts_from_the_membership_date() -> None:
    decision = decide(
        app(
            service_type=ServiceType.NON_CONTRIBUTORY,
            service_start=dt.date(2015, 1, 1),
            service_end=dt.date(2019, 12, 31),
            received_date=dt.date(2022, 1, 1),
        )
    )
    assert decision.window_start == dt.date(2020, 1, 1)
    assert decision.application_deadline == dt.date(2022, 1, 1)
    assert decision.within_window


def test_it_refuses_an_application_received_after_termination() -> None:
    decision = decide(app(termination_date=dt.date(2024, 12, 31)))
    assert not decision.eligible
    assert "before the member's termination or retirement" in decision.refusals[0]


def test_it_refuses_a_leave_of_one_month_or_less() -> None:
    decision = decide(app(service_start=dt.date(2024, 3, 1), service_end=dt.date(2024, 3, 30)))
    assert not decision.eligible
    assert "30 days or less are mandatory" in decision.refusals[0]


def test_it_refuses_a_period_that_has_not_ended() -> None:
    decision = decide(app(service_end=dt.date(2025, 2, 1)))
    assert "must have ended before" in decision.refusals[0]


def test_it_refuses_an_arrangement_from_2022_without_a_reduced_hours_election() -> None:
    decision = decide(
        app(service_type=ServiceType.PART_TIME, share=Decimal("0.4"), reduced_hours_elected=False)
    )
    assert not decision.eligible
    assert "elected reduced hours in writing" in decision.refusals[0]


def test_an_arrangement_with_a_reduced_hours_election_is_eligible() -> None:
    decision = decide(
        app(service_type=ServiceType.PART_TIME, share=Decimal("0.4"), reduced_hours_elected=True)
    )
    assert decision.eligible


def test_an_arrangement_before_2022_needs_no_election() -> None:
    decision = decide(
        app(
            service_type=ServiceType.PART_TIME,
            service_start=dt.date(2021, 1, 1),
            service_end=dt.date(2021, 12, 31),
            received_date=dt.date(2023, 6, 1),
            share=Decimal("0.5"),
        )
    )
    assert decision.eligible


def test_it_refuses_leave_beyond_the_five_year_limit_shared_with_arrangements() -> None:
    earlier = [
        LimitedPeriod(dt.date(2010, 1, 1), dt.date(2013, 12, 31)),  # 4 years of leave
        LimitedPeriod(dt.date(2016, 1, 1), dt.date(2017, 12, 31), fraction=Decimal("0.4")),
    ]  # + 0.8 of an arrangement = 4.8 years
    decision = decide(app(earlier_limited=earlier))  # + 0.5 year
    assert not decision.eligible
    assert "0.20 years remain" in decision.refusals[0]


def test_parental_leave_uses_the_additional_three_years_first() -> None:
    earlier = [LimitedPeriod(dt.date(2010, 1, 1), dt.date(2014, 12, 31))]  # 5 years used
    parental = decide(app(earlier_limited=earlier, limit_kind=LimitKind.PARENTAL))
    general = decide(app(earlier_limited=earlier))
    assert parental.eligible
    assert not general.eligible


def test_illness_and_wsib_leaves_are_not_limited() -> None:
    earlier = [LimitedPeriod(dt.date(2010, 1, 1), dt.date(2014, 12, 31))]
    assert decide(app(earlier_limited=earlier, limit_kind=LimitKind.EXEMPT)).eligible


def test_select_members_cannot_buy_service_with_another_plan() -> None:
    decision = decide(
        app(
            plan="select",
            service_type=ServiceType.OTHER_PLAN,
            service_start=dt.date(2010, 1, 1),
            service_end=dt.date(2012, 1, 1),
        )
    )
    assert not decision.eligible
    assert "OPTrust Select members may buy back" in decision.refusals[0]


def test_select_members_cannot_buy_service_before_1987() -> None:
    decision = decide(
        app(
            plan="select",
            service_type=ServiceType.NON_CONTRIBUTORY,
            service_start=dt.date(1985, 1, 1),
            service_end=dt.date(1988, 1, 1),
        )
    )
    assert "after 1986" in decision.refusals[0]
