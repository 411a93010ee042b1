"""Rules given as parametrized lists; each case names its source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pensionportal.rules import (
    amortization,
    buybacks,
    leaves,
    membership,
    parameters,
    part_time,
    pensionable_pay,
)
from pensionportal.rules.business_days import add_business_days, is_business_day
from pensionportal.rules.contributions import Plan
from pensionportal.rules.leaves import Election, Leave, LeaveType, Remittance, Requirement
from pensionportal.rules.parameters import DatedTable, ParameterError, ParameterNotInForce
from pensionportal.rules.pay_cycles import Frequency

D = dt.date
CHART = "seeds/select-employer-manual.txt §1 'Leave Contributions - Summary Chart'"

# (source, leave, member, employer, member contributes, employer contributes, remittance)
LEAVE_CASES = [
    (
        f"{CHART}: With pay",
        Leave(LeaveType.PAID, D(2024, 1, 1), D(2024, 6, 30)),
        Requirement.MANDATORY,
        Requirement.MANDATORY,
        True,
        True,
        Remittance.EMPLOYER_DURING_LEAVE,
    ),
    (
        f"{CHART}: Unpaid <= 30 days (30 calendar days is still short)",
        Leave(LeaveType.DISCRETIONARY, D(2024, 4, 1), D(2024, 4, 30), Election.NOT_CONTRIBUTE),
        Requirement.MANDATORY,
        Requirement.MANDATORY,
        True,
        True,
        Remittance.EMPLOYER_ON_RETURN,
    ),
    (
        "seeds/select-employer-manual.txt §1 '30 Days or Less': mandatory for statutory "
        "leaves too, even if the member elects not to contribute",
        Leave(LeaveType.STATUTORY, D(2024, 4, 1), D(2024, 4, 30), Election.NOT_CONTRIBUTE),
        Requirement.MANDATORY,
        Requirement.MANDATORY,
        True,
        True,
        Remittance.EMPLOYER_ON_RETURN,
    ),
    (
        f"{CHART}: Unpaid > 30 days - Statutory, no election: mandatory",
        Leave(LeaveType.STATUTORY, D(2024, 4, 1), D(2024, 5, 1)),
        Requirement.MANDATORY_UNLESS_OPTED_OUT,
        Requirement.MANDATORY_UNLESS_OPTED_OUT,
        True,
        True,
        Remittance.INVOICED,
    ),
    (
        f"{CHART}: Unpaid > 30 days - Statutory, written opt-out",
        Leave(LeaveType.STATUTORY, D(2024, 4, 1), D(2025, 3, 31), Election.NOT_CONTRIBUTE),
        Requirement.MANDATORY_UNLESS_OPTED_OUT,
        Requirement.MANDATORY_UNLESS_OPTED_OUT,
        False,
        False,
        Remittance.NOT_REMITTED,
    ),
    (
        f"{CHART}: Unpaid > 30 days - Discretionary, member contributes",
        Leave(LeaveType.DISCRETIONARY, D(2024, 1, 1), D(2024, 12, 31), Election.CONTRIBUTE),
        Requirement.OPTIONAL,
        Requirement.NONE,
        True,
        False,
        Remittance.MEMBER_WITH_ADMINISTRATOR,
    ),
    (
        f"{CHART}: Unpaid > 30 days - Illness or WSIB, member contributes",
        Leave(LeaveType.ILLNESS_WSIB, D(2024, 1, 1), D(2024, 3, 31), Election.CONTRIBUTE),
        Requirement.OPTIONAL,
        Requirement.MANDATORY_IF_MEMBER_CONTRIBUTES,
        True,
        True,
        Remittance.INVOICED,
    ),
    (
        f"{CHART}: Unpaid > 30 days - Illness or WSIB, no election",
        Leave(LeaveType.ILLNESS_WSIB, D(2024, 1, 1), D(2024, 3, 31)),
        Requirement.OPTIONAL,
        Requirement.MANDATORY_IF_MEMBER_CONTRIBUTES,
        False,
        False,
        Remittance.NOT_REMITTED,
    ),
    (
        f"{CHART}: LTIP (mandatory, member share paid by the employer)",
        Leave(LeaveType.LTIP, D(2024, 1, 1), D(2030, 1, 1), Election.NOT_CONTRIBUTE),
        Requirement.MANDATORY,
        Requirement.MANDATORY,
        True,
        True,
        Remittance.EMPLOYER_DURING_LEAVE,
    ),
    (
        "seeds/select-employer-manual.txt §1 'Suspended Contributions'",
        Leave(LeaveType.PAID, D(2024, 1, 1), D(2024, 2, 1), in_primary_schedule=True),
        Requirement.SUSPENDED,
        Requirement.SUSPENDED,
        False,
        False,
        Remittance.NOT_REMITTED,
    ),
]


@pytest.mark.parametrize(
    ("source", "leave", "member", "employer", "member_pays", "employer_pays", "remittance"),
    LEAVE_CASES,
    ids=[c[0][-60:] for c in LEAVE_CASES],
)
def test_leave_contributions_follow_the_summary_chart(
    source: str,
    leave: Leave,
    member: Requirement,
    employer: Requirement,
    member_pays: bool,
    employer_pays: bool,
    remittance: Remittance,
) -> None:
    ruling = leaves.rule_for(leave)
    assert (ruling.member, ruling.employer) == (member, employer), source
    assert (ruling.member_contributes, ruling.employer_contributes) == (member_pays, employer_pays)
    assert ruling.remittance is remittance


def test_an_unpaid_leave_of_31_days_is_not_short() -> None:
    # source: select-employer-manual.txt §1 'Over 30 Days'
    assert not leaves.is_short_leave(Leave(LeaveType.STATUTORY, D(2024, 4, 1), D(2024, 5, 1)))


def test_leave_base_rises_by_each_later_years_cola() -> None:
    # source: select-employer-manual.txt §1 'Leave Contributions' (COLA each later calendar year)
    cola = DatedTable.from_rows(
        "select_cola",
        [(D(2024, 1, 1), Decimal("0.03"), "admin"), (D(2025, 1, 1), Decimal("0.02"), "admin")],
    )
    assert leaves.contribution_base(Decimal(2000), D(2023, 6, 1), D(2023, 12, 31), cola) == Decimal(
        "2000.00"
    )
    assert leaves.contribution_base(Decimal(2000), D(2023, 6, 1), D(2024, 1, 1), cola) == Decimal(
        "2060.00"
    )
    assert leaves.contribution_base(Decimal(2000), D(2023, 6, 1), D(2025, 7, 1), cola) == Decimal(
        "2101.20"
    )


def test_it_refuses_a_leave_base_without_the_years_cola() -> None:
    # the shipped Select COLA table is empty: the administrator must enter each year
    with pytest.raises(ParameterNotInForce):
        leaves.contribution_base(
            Decimal(2000), D(2023, 6, 1), D(2024, 1, 1), parameters.load("select_cola")
        )


@pytest.mark.parametrize(
    ("source", "recovery", "membership_end", "expected"),
    [
        ("§1 'LTIP Provisions': turns 65", None, None, D(2030, 5, 10)),
        ("§1 'LTIP Provisions': ceases to be disabled", D(2027, 1, 1), None, D(2027, 1, 1)),
        (
            "§1 'LTIP Provisions': ceases to be a member",
            D(2029, 1, 1),
            D(2028, 3, 1),
            D(2028, 3, 1),
        ),
    ],
)
def test_ltip_contributions_run_until_the_earliest_event(
    source: str, recovery: dt.date | None, membership_end: dt.date | None, expected: dt.date
) -> None:
    assert leaves.ltip_contributions_end(D(1965, 5, 10), recovery, membership_end) == expected


# --- temporary part-time work arrangements ---------------------------------------------
TPT = "seeds/select-employer-manual.txt §1 'Temporary Part-time Work Arrangements'"


@pytest.mark.parametrize(
    ("source", "employed", "start", "meets"),
    [
        (f"{TPT}: 36 months before the start", D(2016, 3, 1), D(2019, 3, 1), True),
        (f"{TPT}: one day short of 36 months", D(2016, 3, 2), D(2019, 3, 1), False),
        (f"{TPT}: waived for arrangements that began in 2020", D(2019, 12, 1), D(2020, 1, 1), True),
        (
            f"{TPT}: waived for arrangements that began in 2021",
            D(2021, 6, 1),
            D(2021, 12, 31),
            True,
        ),
        (f"{TPT}: the rule is back for 2022", D(2021, 6, 1), D(2022, 1, 1), False),
    ],
)
def test_the_36_month_rule_and_its_2020_2021_waiver(
    source: str, employed: dt.date, start: dt.date, meets: bool
) -> None:
    arrangement = part_time.Arrangement(start, start + dt.timedelta(days=180), Decimal("0.6"))
    assert part_time.eligibility(arrangement, employed).meets_employment_rule is meets, source


def test_the_cumulative_limit_counts_unpaid_leaves_and_reduced_hours_together() -> None:
    # source: TPT five-year cumulative limit, shared with unpaid leaves; +3 for parental
    earlier = [
        part_time.LimitedPeriod(D(2010, 1, 1), D(2013, 12, 31)),  # 4 years of unpaid leave
        part_time.LimitedPeriod(D(2015, 1, 1), D(2017, 12, 31), part_time.LimitKind.PARENTAL),
        part_time.LimitedPeriod(D(2018, 1, 1), D(2019, 12, 31), part_time.LimitKind.EXEMPT),
    ]
    ok = part_time.Arrangement(D(2024, 1, 1), D(2025, 12, 31), Decimal("0.5"))  # 1 year
    assert part_time.eligibility(ok, D(2000, 1, 1), earlier).eligible
    too_long = part_time.Arrangement(D(2024, 1, 1), D(2027, 12, 31), Decimal("0.5"))  # 2 years
    result = part_time.eligibility(too_long, D(2000, 1, 1), earlier)
    assert not result.eligible
    assert not result.limit.within_limit


@pytest.mark.parametrize(
    ("source", "start", "election", "basis", "employer_matches"),
    [
        (f"{TPT}: from 2022-02-01, no election", D(2022, 2, 1), "none", "regular_hours", True),
        (f"{TPT}: written election", D(2023, 1, 1), "reduced_hours", "reduced_hours", False),
        (
            f"{TPT}: election of regular hours",
            D(2023, 1, 1),
            "regular_hours",
            "regular_hours",
            True,
        ),
        (f"{TPT}: started before 2022-02-01", D(2022, 1, 31), "none", "reduced_hours", False),
    ],
)
def test_part_time_contribution_base_by_start_date_and_election(
    source: str, start: dt.date, election: str, basis: str, employer_matches: bool
) -> None:
    found = part_time.contribution_basis(start, part_time.ElectionTPT(election))
    assert found.basis == part_time.Basis(basis), source
    assert found.employer_matches_full_contributions is employer_matches
    base = part_time.contribution_base(
        start, part_time.ElectionTPT(election), Decimal(3000), Decimal(1800)
    )
    assert base == (Decimal(3000) if basis == "regular_hours" else Decimal(1800))


# --- membership ------------------------------------------------------------------------
S3 = "seeds/select-employer-manual.txt §3"


@pytest.mark.parametrize(
    ("source", "employee", "on", "status"),
    [
        (f"{S3} Mandatory", membership.Employee(D(1980, 1, 1)), D(2024, 1, 1), "mandatory"),
        (
            f"{S3} Optional: not permanent",
            membership.Employee(D(1980, 1, 1), permanent=False),
            D(2024, 1, 1),
            "optional",
        ),
        (
            f"{S3} Optional: less than full time",
            membership.Employee(D(1980, 1, 1), full_time=False),
            D(2024, 1, 1),
            "optional",
        ),
        (f"{S3} Optional: 65", membership.Employee(D(1959, 1, 1)), D(2024, 1, 1), "optional"),
        (f"{S3} Mandatory: 64", membership.Employee(D(1959, 1, 2)), D(2024, 1, 1), "mandatory"),
        (
            f"{S3} Excluded: primary schedule",
            membership.Employee(D(1980, 1, 1), in_primary_schedule=True),
            D(2024, 1, 1),
            "excluded",
        ),
        (
            f"{S3} Excluded: receiving a pension",
            membership.Employee(D(1980, 1, 1), receiving_pension=True),
            D(2024, 1, 1),
            "excluded",
        ),
        (f"{S3} Optional: age 71", membership.Employee(D(1953, 3, 1)), D(2024, 12, 31), "optional"),
        (f"{S3} Excluded: over 71", membership.Employee(D(1953, 3, 1)), D(2025, 1, 1), "excluded"),
    ],
)
def test_membership_status(
    source: str, employee: membership.Employee, on: dt.date, status: str
) -> None:
    assert membership.status(employee, on).status == membership.Status(status), source


def test_enrolment_date_is_the_latest_of_the_four_dates() -> None:
    # source: select manual §3 'Mandatory Membership' (latest of 1-4)
    assert membership.mandatory_enrolment_date(D(2015, 1, 1), D(2020, 1, 1)) == D(2020, 1, 1)
    assert membership.mandatory_enrolment_date(
        D(2015, 1, 1), D(2020, 1, 1), return_from_leave=D(2020, 9, 14)
    ) == D(2020, 9, 14)
    assert membership.mandatory_enrolment_date(
        D(2021, 1, 1), D(2020, 1, 1), became_permanent_full_time=D(2022, 4, 1)
    ) == D(2022, 4, 1)


def test_participation_ends_at_the_earliest_of_the_five_events() -> None:
    # source: select manual §3 'Ending Employment'
    born = D(1960, 7, 1)
    assert membership.end_of_participation(born) == D(2031, 12, 31)
    assert membership.end_of_participation(born, termination=D(2029, 3, 1)) == D(2029, 3, 1)
    assert membership.end_of_participation(
        born, retirement=D(2026, 1, 1), employer_ceases=D(2025, 6, 30)
    ) == D(2025, 6, 30)


def test_retirement_dates_at_55_65_and_end_of_november_of_71() -> None:
    # source: select manual §3 'Retirement'
    dates = membership.retirement_dates(D(1970, 4, 15))
    assert dates.earliest_reduced == D(2025, 4, 15)
    assert dates.unreduced == D(2035, 4, 15)
    assert dates.latest_start == D(2041, 11, 30)


# --- pensionable pay -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "component", "opseu", "select"),
    [
        (
            "shift premiums: excluded in OPSEU, included in Select",
            "regular_shift_premium",
            False,
            True,
        ),
        ("overtime excluded in both", "overtime", False, False),
        ("vacation taken included in both", "vacation_taken", True, True),
        (
            "severance as salary continuance: Select only",
            "severance_salary_continuance",
            False,
            True,
        ),
        ("pay in lieu of notice: Select chart includes it", "pay_in_lieu_of_notice", False, True),
        (
            "regular periodic bonus: OPSEU definition includes it",
            "regular_periodic_bonus",
            True,
            False,
        ),
        ("on-call / standby pay excluded (Select chart)", "on_call_standby", False, False),
    ],
)
def test_pay_components_are_classified_per_plan(
    source: str, component: str, opseu: bool, select: bool
) -> None:
    kind = pensionable_pay.PayComponent(component)
    assert pensionable_pay.classify(Plan.OPSEU, kind).included is opseu, source
    assert pensionable_pay.classify(Plan.SELECT, kind).included is select, source


def test_every_component_is_classified_for_both_plans_with_a_reason() -> None:
    for plan in Plan:
        for component in pensionable_pay.PayComponent:
            assert pensionable_pay.classify(plan, component).reason


def test_pensionable_total_sums_only_included_lines() -> None:
    lines = [
        (pensionable_pay.PayComponent.REGULAR_SALARY, Decimal("2000.00")),
        (pensionable_pay.PayComponent.REGULAR_SHIFT_PREMIUM, Decimal("100.00")),
        (pensionable_pay.PayComponent.OVERTIME, Decimal("300.00")),
    ]
    assert pensionable_pay.pensionable_total(Plan.OPSEU, lines) == Decimal("2000.00")
    assert pensionable_pay.pensionable_total(Plan.SELECT, lines) == Decimal("2100.00")


# --- buyback payment options and amortization ------------------------------------------
PAY = "seeds/buybacks.txt 'Payment options'"


@pytest.mark.parametrize(
    ("source", "cost", "classified", "financing"),
    [
        (f"{PAY}: lump sum only under $500", "499.99", True, False),
        (f"{PAY}: $500 may be financed (docs/rules.md)", "500.00", True, True),
        (f"{PAY}: financing only for classified members", "5000.00", False, False),
    ],
)
def test_payment_options(source: str, cost: str, classified: bool, financing: bool) -> None:
    options = buybacks.payment_options(Decimal(cost), classified, D(2024, 1, 1))
    assert options.lump_sum
    assert options.financing is financing, source


def test_it_rejects_a_combined_option_leaving_less_than_500_financed() -> None:
    # source: buybacks.txt 'Combined lump sum / financing option'
    on = D(2024, 1, 1)
    assert buybacks.financed_after_lump_sum(Decimal(1200), Decimal(700), on) == Decimal("500.00")
    with pytest.raises(ValueError, match="500"):
        buybacks.financed_after_lump_sum(Decimal(1200), Decimal("700.01"), on)


def test_it_rejects_a_payment_under_10_dollars_a_pay() -> None:
    # source: buybacks.txt 'Financing option' (minimum payment $10 per pay period)
    with pytest.raises(ValueError, match="at least"):
        buybacks.financing_schedule(
            Decimal(600), Decimal("0.05"), Frequency.BIWEEKLY, Decimal("9.99"), D(2024, 1, 1)
        )


def test_it_rejects_a_payment_that_takes_more_than_10_years() -> None:
    # source: buybacks.txt 'Financing option' (maximum payment period of 10 years)
    with pytest.raises(ValueError, match="10-year"):
        buybacks.financing_schedule(
            Decimal(30000), Decimal("0.05"), Frequency.BIWEEKLY, Decimal(100), D(2024, 1, 1)
        )


def test_the_minimum_payment_repays_within_10_years() -> None:
    on = D(2024, 1, 1)
    payment = buybacks.minimum_payment(Decimal(30000), Decimal("0.05"), Frequency.BIWEEKLY, on)
    plan = buybacks.financing_schedule(
        Decimal(30000), Decimal("0.05"), Frequency.BIWEEKLY, payment, on
    )
    assert len(plan.payments) <= buybacks.maximum_payments(Frequency.BIWEEKLY, on) == 260
    assert buybacks.minimum_payment(Decimal(500), Decimal("0.05"), Frequency.BIWEEKLY, on) == 10


def test_amortization_by_hand_at_one_percent_a_month() -> None:
    # 12% a year, monthly: 10.00 interest, then 5.10, then 0.15 on the last 15.10
    plan = amortization.schedule(
        Decimal(1000), Decimal("0.12"), Frequency.MONTHLY, Decimal(500), D(2024, 1, 1)
    )
    assert [(p.payment, p.interest, p.balance) for p in plan.payments] == [
        (Decimal("500"), Decimal("10.00"), Decimal("510.00")),
        (Decimal("500"), Decimal("5.10"), Decimal("15.10")),
        (Decimal("15.25"), Decimal("0.15"), Decimal("0.00")),
    ]
    assert plan.total_paid == Decimal("1015.25")


def test_it_rejects_a_payment_that_does_not_cover_interest() -> None:
    with pytest.raises(ValueError, match="interest"):
        amortization.schedule(
            Decimal(10000), Decimal("0.12"), Frequency.MONTHLY, Decimal(100), D(2024, 1, 1)
        )


def test_buyback_windows() -> None:
    # source: buybacks.txt (24-month application window; 10 years 3 months to complete)
    assert buybacks.application_deadline(D(2022, 2, 28)) == D(2024, 2, 28)
    assert buybacks.completion_deadline(D(2010, 9, 30)) == D(2020, 12, 30)


def test_it_refuses_a_cost_for_service_before_2005_rather_than_guess_a_rate() -> None:
    request = buybacks.BuybackRequest(
        buybacks.ServiceType.NON_CONTRIBUTORY,
        D(2003, 1, 1),
        D(2003, 12, 31),
        Decimal(60000),
        D(2024, 1, 1),
        D(2023, 1, 1),
    )
    with pytest.raises(ParameterNotInForce):
        buybacks.quote(request)


# --- parameters and business days ------------------------------------------------------


def test_every_shipped_parameter_value_names_its_source() -> None:
    names = parameters.all_parameter_names()
    assert "ympe" in names
    for name in names:
        for value in parameters.load(name).values:
            assert value.source.strip(), name


def test_a_table_can_be_built_from_database_rows() -> None:
    table = DatedTable.from_rows("fund", [(D(2024, 1, 1), Decimal("0.061"), "board 2024-01")])
    assert table.decimal_at(D(2024, 5, 1)) == Decimal("0.061")
    with pytest.raises(ParameterNotInForce):
        table.decimal_at(D(2023, 12, 31))


def test_it_rejects_a_value_without_a_source() -> None:
    with pytest.raises(ParameterError):
        DatedTable.from_rows("x", [(D(2024, 1, 1), Decimal(1), " ")])


def test_it_rejects_two_values_on_the_same_date() -> None:
    with pytest.raises(ParameterError):
        DatedTable.from_rows(
            "x", [(D(2024, 1, 1), Decimal(1), "a"), (D(2024, 1, 1), Decimal(2), "b")]
        )


def test_business_days_skip_weekends_and_ontario_holidays() -> None:
    assert not is_business_day(D(2024, 2, 19))  # Family Day
    assert is_business_day(D(2024, 11, 11))  # Remembrance Day is not an ESA holiday
    assert add_business_days(D(2024, 2, 16), 1) == D(2024, 2, 20)
    assert add_business_days(D(2024, 2, 20), -1) == D(2024, 2, 16)
    assert add_business_days(D(2024, 2, 17), 0) == D(2024, 2, 20)
