"""Field rules of select-employer-manual.txt §2, each with a valid and an invalid value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pensionportal.datafiles import SPECS, MemberFacts
from tests.datafiles.helpers import HIRED, check, parse, registry, rules_of, template_csv


@pytest.mark.parametrize("code", list(SPECS))
def test_each_template_sample_row_is_valid(code: str) -> None:
    members = registry("C000002")
    if code == "RTW":
        members = registry(C000002=MemberFacts(HIRED, HIRED, open_leave_start=HIRED))
    problems = check(template_csv(code), members, f"{code}.csv")
    if code == "ENROL":  # the sample enrols C000002, already a member here
        assert rules_of(problems) == ["registry.already_enrolled"]
        problems = check(template_csv(code), registry())
    assert problems == []


INVALID = [
    # (template, field key, value, rule)
    ("ENROL", "sin", "123456789", "sin.check_digit"),
    ("ENROL", "sin", "046454286", "sin.never_issued"),
    ("ENROL", "sin", "812345678", "sin.never_issued"),
    ("ENROL", "sin", "12345", "sin.format"),
    ("ENROL", "gender", "X", "value.code"),
    ("ENROL", "marital_status", "S", "value.code"),
    ("ENROL", "postal_code", "M5V3L", "postal_code.format"),
    ("ENROL", "postal_code", "D5V3L9", "postal_code.format"),
    ("ENROL", "province", "ZZ", "province.code"),
    ("ENROL", "province", "Ontario", "province.code"),
    ("ENROL", "country", "CA", "country.format"),
    ("ENROL", "phone_number", "416123456", "phone.format"),
    ("ENROL", "email", "not-an-email", "email.format"),
    ("ENROL", "employment_ratio", "1.5", "value.range"),
    ("ENROL", "employment_ratio", "0", "value.range"),
    ("ENROL", "standard_hours", "48.50", "value.range"),
    ("ENROL", "pay_rate", "60000.123", "value.decimals"),
    ("ENROL", "last_name", "", "value.required"),
    ("ENROL", "first_name", "x" * 51, "value.too_long"),
    ("ENROL", "hire_date", "1970-01-01", "dates.order"),
    ("ENROL", "membership_date", "2023-12-31", "dates.order"),
    ("TER", "termination_reason", "QUIT", "value.code"),
    ("TER", "grievance", "Maybe", "value.code"),
    ("EMCHG", "event_type", "RAISE", "value.code"),
    ("EMCHG", "employment_ratio", "-0.5", "value.range"),
    ("LOA", "leave_type", "SICK", "value.code"),
    ("LOA", "expected_end", "2024-01-01", "dates.order"),
    ("RTW", "standard_hours", "49", "value.range"),
    ("PRIORSVC", "year", "1986", "value.range"),
    ("PRIORSVC", "year", "86", "value.year"),
    ("PRIORSVC", "year", "2010", "priorsvc.year"),
    ("PRIORSVC", "hours_worked", "2500.00", "priorsvc.hours"),
    ("OPTN", "electronic_consent", "", "value.conditional"),
    ("PA", "amount", "1257.40", "value.whole_dollars"),
    ("PA", "amount", "-5", "value.range"),
    ("PA", "employee_id", "C 1", "employee_id.format"),
]


@pytest.mark.parametrize(("code", "key", "value", "rule"), INVALID)
def test_it_reports_an_invalid_field(code: str, key: str, value: str, rule: str) -> None:
    problems = check(template_csv(code, **{key: value}), registry("C000002"), f"{code}.csv")
    if code == "ENROL":
        problems = [p for p in problems if p.rule != "registry.already_enrolled"]
    assert rule in rules_of(problems), problems
    found = next(p for p in problems if p.rule == rule)
    assert found.row == 2
    assert found.column == SPECS[code].label(key)
    assert found.message


def test_it_requires_employment_ratio_for_full_and_part_time_only() -> None:
    for kind, expected in (
        ("FT", ["value.conditional"]),
        ("PT", ["value.conditional"]),
        ("PS", []),
        ("NP", []),
    ):
        problems = check(
            template_csv("ENROL", employment_type=kind, employment_ratio=""), registry()
        )
        assert rules_of(problems) == expected, kind


def test_it_warns_of_a_temporary_sin() -> None:
    problems = check(template_csv("ENROL", sin="946454287"), registry())
    assert [(p.rule, p.severity.value) for p in problems] == [("sin.temporary", "warning")]
    assert problems[0].value == "*** *** 287"


def test_it_masks_a_sin_in_problems() -> None:
    [problem] = check(template_csv("ENROL", sin="130692545"), registry())
    assert problem.value == "*** *** 545"


def test_it_refuses_a_sin_as_employee_id() -> None:
    problems = check(template_csv("ENROL", employee_id="130692544"), registry())
    assert rules_of(problems) == ["employee_id.is_sin"]


def test_it_warns_when_an_employee_id_looks_like_a_sin() -> None:
    problems = check(template_csv("PA", employee_id="046454286"), registry("046454286"))
    assert rules_of(problems) == []  # never issued (starts with 0): cannot be a SIN
    problems = check(template_csv("PA", employee_id="130692544"), registry("130692544"))
    assert rules_of(problems) == ["employee_id.looks_like_sin"]


def test_it_normalises_phone_postal_code_and_codes() -> None:
    parsed = parse(
        template_csv("ENROL", phone_number="(416) 123-4567", postal_code="m5v 3l9", gender="f")
    )
    values = parsed.rows[0].values
    assert values["phone_number"] == "4161234567"
    assert values["postal_code"] == "M5V3L9"
    assert values["gender"] == "F"


def test_it_accepts_a_foreign_address_without_canadian_formats() -> None:
    problems = check(
        template_csv("ENROL", country="USA", province="NY", postal_code="10001"), registry()
    )
    assert problems == []


def test_it_requires_a_whole_address_when_part_is_given() -> None:
    problems = check(template_csv("PERCHG", address_type="", city=""), registry("C000002"))
    assert rules_of(problems) == ["address.incomplete", "address.incomplete"]


def test_it_pairs_email_type_and_address() -> None:
    problems = check(template_csv("PERCHG", email_type=""), registry("C000002"))
    assert rules_of(problems) == ["row.pair"]


def test_optional_member_leaving_needs_only_id_and_end_date() -> None:
    data = b"Employee ID,Optional Status End Date\r\nC9,2024-06-30\r\n"
    assert check(data, registry(), "OPTN.csv") == []
    data = (
        b"Employee ID,Last Name,First Name,Electronic Consent,Email Type,Email Address\r\n"
        b"C9,Smith,Ann,Y,HOME,ann@example.com\r\n"
    )
    assert check(data, registry(), "OPTN.csv") == []  # consent and e-mail: no mail address
    data = b"Employee ID,Last Name,First Name,Electronic Consent\r\nC9,Smith,Ann,N\r\n"
    assert set(rules_of(check(data, registry(), "OPTN.csv"))) == {"value.conditional"}


def test_it_reports_duplicate_rows() -> None:
    data = b"Employee ID,Year,Amount\r\nC000002,2023,10\r\nC000002,2023,11\r\n"
    problems = check(data, registry("C000002"))
    assert rules_of(problems) == ["row.duplicate"]
    assert problems[0].row == 3


def test_it_accepts_money_with_separators_and_refuses_other_text() -> None:
    parsed = parse(template_csv("ENROL", pay_rate="$60,000.50"))
    assert parsed.rows[0].values["pay_rate"] == Decimal("60000.50")
    parsed = parse(template_csv("ENROL", pay_rate="sixty"))
    assert rules_of(parsed.problems) == ["value.number"]


def test_prior_service_example_heading_is_not_the_field_list_name() -> None:
    # select-employer-manual.txt §2 'Prior Service Data' example heads the pay column
    # "Pensionable Pay Rate (Full-Time Annual)"; the field list (the rule) calls it
    # "Annual Pensionable Pay". The rule as written wins: the example's heading is unknown.
    data = (
        b"Employee ID\tLast Name\tHire Date\tPlan Membership Date\tYear\tHours Worked\t"
        b"Standard Hours (Full-Time Weekly)\tPensionable Pay Rate (Full-Time Annual)\tNotes\r\n"
        b"C000002\tALASTNAME\t4-Aug-2011\t1-Jan-2019\t2011\t851.43\t40.00\t42090.00\t\r\n"
    )
    problems = check(data, registry(), "PRIORSVC.csv")
    assert sorted(rules_of(problems)) == ["column.missing", "column.unknown"]


@pytest.mark.parametrize(
    ("code", "values", "rule", "key", "flagged"),
    [
        (
            "ENROL",
            {"phone_type": "HOME", "phone_extension": "123"},
            "phone.extension",
            "phone_extension",
            True,
        ),
        (
            "ENROL",
            {"phone_type": "CELL", "phone_extension": "123"},
            "phone.extension",
            "phone_extension",
            True,
        ),
        (
            "ENROL",
            {"phone_type": "BUS", "phone_extension": "123"},
            "phone.extension",
            "phone_extension",
            False,
        ),
        (
            "ENROL",
            {"phone_type": "CELLB", "phone_extension": "123"},
            "phone.extension",
            "phone_extension",
            False,
        ),
        (
            "LOA",
            {"leave_type": "DISC", "disability_date": "2024-03-01"},
            "leave.disability_date",
            "disability_date",
            True,
        ),
        (
            "LOA",
            {"leave_type": "ILL", "disability_date": "2024-03-01"},
            "leave.disability_date",
            "disability_date",
            False,
        ),
        (
            "LOA",
            {"leave_type": "LTIP", "disability_date": "2024-03-01"},
            "leave.disability_date",
            "disability_date",
            False,
        ),
    ],
)
def test_a_value_only_for_some_types_is_reported_on_other_rows(
    code: str, values: dict[str, str], rule: str, key: str, flagged: bool
) -> None:
    """An extension is for business phones; a disability date for ILL or LTIP leaves."""
    members = registry() if code == "ENROL" else registry("C000002")
    problems = [p for p in check(template_csv(code, **values), members) if p.rule == rule]
    if not flagged:
        assert problems == []
        return
    [found] = problems
    assert (found.row, found.column, found.value, found.field) == (
        2,
        SPECS[code].label(key),
        values[key],
        key,
    )
