"""PAY-file rules and registry rules (select-employer-manual.txt §2 'Contribution Data',
'Enrolment Data', 'Termination Data', 'Leave Data', 'Return to Work Data')."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pensionportal.datafiles import (
    InMemoryRegistry,
    MemberFacts,
    RemittanceKey,
    ValidationContext,
    read_records,
    validate,
)
from pensionportal.datafiles.values import parser_for
from pensionportal.rules.contributions import (
    Frequency,
    Participation,
    Plan,
    ReportedPay,
    SelectContribution,
    compute,
)
from tests.datafiles.helpers import (
    HIRED,
    PAY_ROW,
    check,
    parse,
    pay_csv,
    registry,
    rules_of,
    template_csv,
)
from tests.paths import both_paths  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures("both_paths")


def test_a_correct_pay_file_has_no_problems() -> None:
    assert check(pay_csv()) == []


def test_it_rejects_remittance_total_mismatch() -> None:
    problems = check(pay_csv(header={"Remittance Amount": "180.01"}))
    assert rules_of(problems) == ["pay.remittance_total"]
    assert problems[0].row == 2
    assert "180.00" in problems[0].message
    assert "0.01" in problems[0].message


def test_remittance_total_counts_all_six_contribution_columns() -> None:
    row = {
        **PAY_ROW,
        "Buyback Contribution": "10.00",
        "Buyback Code": "055",
        "Employee Interest": "1.00",
        "Employer Special Contribution": "6.00",
        "Employer Interest": "2.00",
    }
    assert check(pay_csv([row], {"Remittance Amount": "199.00"})) == []


def test_it_rejects_a_header_period_that_ends_before_it_starts() -> None:
    problems = check(pay_csv(header={"Pay Period Start Date": "2024-01-07"}))
    assert "dates.order" in rules_of(problems)


def test_it_rejects_a_detail_period_that_ends_before_it_starts() -> None:
    row = {
        **PAY_ROW,
        "Contribution Type": "R",
        "Pay Period Start Date": "2023-06-30",
        "Pay Period End Date": "2023-06-01",
    }
    assert "dates.order" in rules_of(check(pay_csv([row])))


def test_it_takes_contribution_and_service_types_exactly_from_the_manual() -> None:
    row = {**PAY_ROW, "Contribution Type": "X", "Service Type": "LOA"}
    problems = check(pay_csv([row]))
    assert rules_of(problems) == ["value.code", "value.code"]
    assert "N, R, A" in problems[0].message
    assert "REG, LOAM, LTIP" in problems[1].message


def test_it_allows_negative_amounts_only_on_adjustments() -> None:
    row = {
        **PAY_ROW,
        "Pensionable Pay": "-3000.00",
        "Employee Regular Contribution": "-90.00",
        "Employer Regular Contribution": "-90.00",
    }
    assert check(pay_csv([{**row, "Contribution Type": "A"}], {"Remittance Amount": "-180"})) == []
    problems = check(pay_csv([row], {"Remittance Amount": "-180"}))
    assert rules_of(problems) == ["pay.negative"] * 3


def test_it_checks_buyback_codes() -> None:
    row = {**PAY_ROW, "Buyback Code": "054"}
    assert rules_of(check(pay_csv([row]))) == ["pay.buyback_code"]
    row = {**PAY_ROW, "Buyback Contribution": "10.00", "Buyback Code": ""}
    problems = check(pay_csv([row], {"Remittance Amount": "190.00"}))
    assert rules_of(problems) == ["pay.buyback_code_missing"]
    row = {**PAY_ROW, "Buyback Contribution": "10.00", "Buyback Code": "57"}
    assert "value.code" in rules_of(check(pay_csv([row], {"Remittance Amount": "190.00"})))


def test_it_warns_with_the_expected_figure_when_a_contribution_differs() -> None:
    row = {**PAY_ROW, "Employee Regular Contribution": "95.00"}
    problems = check(pay_csv([row], {"Remittance Amount": "185.00"}))
    assert [(p.rule, p.severity.value) for p in problems] == [
        ("pay.expected_contribution", "warning")
    ]
    assert "90.00" in problems[0].message
    assert problems[0].value == "95.00"


def test_the_expected_contribution_tolerance_is_a_parameter() -> None:
    row = {**PAY_ROW, "Employee Regular Contribution": "90.05"}
    data = pay_csv([row], {"Remittance Amount": "180.05"})
    assert check(data) == []
    strict = ValidationContext(tolerance=Decimal("0.01"))
    assert rules_of(check(data, context=strict)) == ["pay.expected_contribution"]


def test_it_checks_the_special_contribution_when_participation_is_known() -> None:
    in_first_two_years = ValidationContext(participation=Participation(dt.date(2023, 1, 1)))
    problems = check(pay_csv(), context=in_first_two_years)
    assert rules_of(problems) == ["pay.expected_contribution"]
    assert "6.00" in problems[0].message
    later = ValidationContext(participation=Participation(dt.date(2020, 1, 1)))
    assert check(pay_csv(), context=later) == []


def test_it_reports_an_unknown_employee_id() -> None:
    problems = check(pay_csv(), registry())
    assert rules_of(problems) == ["registry.unknown_employee"]
    assert problems[0].row == 5
    assert problems[0].column == "Employee ID"


def test_it_rejects_contributions_after_a_termination() -> None:
    ended = MemberFacts(HIRED, HIRED, termination_date=dt.date(2023, 12, 1))
    assert rules_of(check(pay_csv(), registry(C000002=ended))) == ["registry.after_termination"]
    retro = {
        **PAY_ROW,
        "Contribution Type": "R",
        "Pay Period Start Date": "2023-11-01",
        "Pay Period End Date": "2023-11-30",
    }
    assert check(pay_csv([retro]), registry(C000002=ended)) == []


def test_it_warns_of_contributions_before_membership() -> None:
    joined_later = MemberFacts(HIRED, dt.date(2024, 2, 1))
    problems = check(pay_csv(), registry(C000002=joined_later))
    assert rules_of(problems) == ["registry.before_membership"]


def test_it_rejects_enrolling_an_existing_member() -> None:
    assert rules_of(check(template_csv("ENROL"))) == ["registry.already_enrolled"]
    rehired = MemberFacts(HIRED, HIRED, termination_date=dt.date(2020, 1, 1))
    assert check(template_csv("ENROL"), registry(C000002=rehired)) == []


def test_it_rejects_a_sin_registered_to_another_employee() -> None:
    members = InMemoryRegistry(sins={"130692544": "C999"})
    assert rules_of(check(template_csv("ENROL"), members)) == ["sin.in_use"]


def test_it_rejects_a_new_sin_registered_to_another_employee() -> None:
    """PERCHG's New SIN: another member's is refused on its cell; the member's own is not."""
    changed = template_csv("PERCHG", new_sin="130692544")
    taken = InMemoryRegistry(
        facts={"C000002": MemberFacts(HIRED, HIRED)}, sins={"130692544": "C999"}
    )
    [found] = check(changed, taken)
    assert (found.rule, found.row, found.column, found.field) == (
        "sin.in_use",
        2,
        "New SIN",
        "new_sin",
    )
    assert found.value != "130692544"  # masked
    own = InMemoryRegistry(
        facts={"C000002": MemberFacts(HIRED, HIRED)}, sins={"130692544": "C000002"}
    )
    assert check(changed, own) == []


def test_it_rejects_a_return_to_work_without_an_open_leave() -> None:
    assert rules_of(check(template_csv("RTW"))) == ["registry.no_open_leave"]
    on_leave = MemberFacts(HIRED, HIRED, open_leave_start=dt.date(2025, 2, 1))
    problems = check(template_csv("RTW"), registry(C000002=on_leave))
    assert rules_of(problems) == ["dates.order"]


def test_it_warns_of_a_leave_while_one_is_open() -> None:
    on_leave = MemberFacts(HIRED, HIRED, open_leave_start=dt.date(2023, 2, 1))
    problems = check(template_csv("LOA"), registry(C000002=on_leave))
    assert rules_of(problems) == ["registry.leave_already_open"]


def test_it_rejects_a_termination_before_the_hire_date() -> None:
    late_hire = MemberFacts(dt.date(2024, 6, 1), dt.date(2024, 6, 1))
    problems = check(template_csv("TER"), registry(C000002=late_hire))
    assert rules_of(problems) == ["registry.before_hire"]


def test_it_rejects_the_same_file_twice() -> None:
    data = pay_csv()
    digest = hashlib.sha256(data).hexdigest()
    members = registry("C000002")
    members.file_hashes.add(digest)
    problems = check(data, members, context=ValidationContext(file_sha256=digest))
    assert rules_of(problems) == ["file.duplicate"]
    assert problems[0].row is None


def test_it_rejects_the_same_pay_period_and_reference_twice() -> None:
    members = registry("C000002")
    members.remittances.add(RemittanceKey(dt.date(2023, 12, 24), dt.date(2024, 1, 6), "EFT-1"))
    assert rules_of(check(pay_csv(), members)) == ["pay.duplicate_remittance"]


def test_it_warns_of_two_identical_detail_rows() -> None:
    problems = check(pay_csv([PAY_ROW, PAY_ROW], {"Remittance Amount": "360.00"}))
    assert rules_of(problems) == ["pay.duplicate_detail"]


def test_it_reports_every_problem_at_once() -> None:
    rows = [
        {**PAY_ROW, "Contribution Type": "Z"},
        {**PAY_ROW, "Employee ID": "NOPE", "Pensionable Pay": "abc"},
        {**PAY_ROW, "Employee Regular Contribution": ""},
    ]
    problems = check(pay_csv(rows))
    assert [(p.row, p.rule) for p in problems] == [
        (2, "pay.remittance_total"),
        (5, "value.code"),
        (6, "value.number"),
        (6, "registry.unknown_employee"),
        (7, "value.required"),
    ]


def test_online_entries_are_validated_like_a_file() -> None:
    header = {
        "pay_cycle": "bi-weekly",
        "pay_date": "2024-01-12",
        "period_start": "2023-12-24",
        "period_end": "2024-01-06",
        "payment_reference": "EFT-9",
        "remittance_amount": "180.00",
    }
    row = {
        "employee_id": "C000002",
        "contribution_type": "N",
        "service_type": "REG",
        "pensionable_hours": "75",
        "pensionable_pay": "3000",
        "employee_regular": "90",
        "employer_regular": "90",
    }
    parsed = read_records("PAY", [row], header)
    assert validate(parsed, registry("C000002")) == []
    parsed = read_records("PAY", [{**row, "employee_regular": "9x"}], header)
    [problem] = validate(parsed, registry("C000002"))
    assert (problem.row, problem.field, problem.rule) == (1, "employee_regular", "value.number")


@settings(max_examples=60, deadline=None)
@given(
    pays=st.lists(
        st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False),
        min_size=1,
        max_size=80,
    ),
    pay_date=st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2026, 12, 31)),
)
def test_expected_contributions_match_the_rules_engine(
    pays: list[Decimal], pay_date: dt.date
) -> None:
    participation = Participation(dt.date(2024, 6, 1))
    rows = []
    for i, pay in enumerate(pays):
        result = compute(
            Plan.SELECT,
            ReportedPay(pay or Decimal(1), pay),
            pay_date,
            Frequency.BIWEEKLY,
            participation,
        )
        assert isinstance(result, SelectContribution)
        rows.append(
            {
                "employee_id": f"E{i}",
                "contribution_type": "N",
                "service_type": "REG",
                "pensionable_hours": "75",
                "pensionable_pay": str(pay),
                "employee_regular": str(result.member.regular),
                "employer_regular": str(result.employer.regular),
                "employer_special": str(result.employer.special),
            }
        )
    header = {
        "pay_cycle": "bi-weekly",
        "pay_date": pay_date.isoformat(),
        "period_start": pay_date.isoformat(),
        "period_end": pay_date.isoformat(),
        "payment_reference": "R",
        "remittance_amount": "0",
    }
    parsed = read_records("PAY", rows, header)
    context = ValidationContext(participation=participation, tolerance=Decimal(0))
    problems = validate(parsed, registry(*(f"E{i}" for i in range(len(pays)))), context)
    assert "pay.expected_contribution" not in rules_of(problems)


def test_fast_column_paths_give_the_same_values_as_cell_by_cell_parsing() -> None:
    rows = [
        {
            **PAY_ROW,
            "Employee ID": f"E{i}",
            "Pensionable Pay": f"{1000 + i}.{i % 100:02d}",
            "Last Name": f" Name{i} ",
        }
        for i in range(300)
    ]
    parsed = parse(pay_csv(rows))  # CSV: whole-column fast paths
    spec = parsed.template
    for key in (
        "employee_id",
        "last_name",
        "pensionable_pay",
        "pensionable_hours",
        "contribution_type",
    ):
        parse_cell = parser_for(spec.field(key))
        position = [c.lower() for c in parsed.columns].index(spec.label(key).lower())
        slow = [parse_cell(row.raw[position]) for row in parsed.rows]
        assert list(parsed.column(key)) == slow, key


def test_a_pay_date_without_the_plans_rates_on_record_is_a_warning_not_a_crash() -> None:
    # Defect (issue 21, found by the demo's 1989 LTIP pay period): an OPSEU Pension Plan PAY
    # file dated before the first captured rate (2005) raised ParameterNotInForce out of the
    # validator; a file's date is bad input for the check, never a server error.
    old = pay_csv(
        header={
            "Pay Date": "1989-12-08",
            "Pay Period Start Date": "1989-11-19",
            "Pay Period End Date": "1989-12-02",
        }
    )
    joined = dt.date(1985, 1, 7)
    facts = MemberFacts(hire_date=joined, membership_date=joined, annual_pay_rate=Decimal(60000))
    problems = check(old, registry(C000002=facts), context=ValidationContext(plan=Plan.OPSEU))
    assert rules_of(problems) == ["pay.rates_not_on_record"]
    assert "1989-12-08" in problems[0].message
    assert problems[0].severity == "warning"
