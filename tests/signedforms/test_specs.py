"""Each form's validation, from its declarative definition (issue 20 "Tests": each form's
validation). The same checks run in the online form and before signing."""

from __future__ import annotations

import pytest

from pensionportal.signedforms.definitions import FORMS
from pensionportal.signedforms.spec import (
    FormSpec,
    Invalid,
    Kind,
    Party,
    Value,
    missing,
    parse,
    validate,
)

from .samples import SAMPLES

EXPECTED = {"1005", "1012", "1025ER", "1025", "1030", "1035", "1040", "1008", "1074", "3002"}


def _typed(spec: FormSpec, raw: dict[str, str]) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for f in spec.fields:
        text = raw.get(f.key, "")
        values[f.key] = parse(f, text)
    return values


def _sample(code: str, **changes: str) -> tuple[FormSpec, dict[str, Value]]:
    spec = FORMS[code]
    employer, member = SAMPLES[code]
    declarations = {f.key: "on" for f in spec.fields if f.kind is Kind.CONFIRM}
    raw = {**declarations, **employer, **member, **changes}
    return spec, _typed(spec, raw)


def test_the_ten_forms_of_the_seed_are_defined_with_a_source_and_a_signing_order() -> None:
    assert set(FORMS) == EXPECTED
    for spec in FORMS.values():
        assert spec.source
        assert spec.purpose
        assert spec.effect
        assert Party.EMPLOYER in spec.signers
        assert spec.version.isoformat() == "2026-01-01"
        assert len({f.key for f in spec.fields}) == len(spec.fields), spec.code


def test_1030_is_signed_by_the_member_page_1_then_the_employer_page_2() -> None:
    assert FORMS["1030"].signers == (Party.MEMBER, Party.EMPLOYER)
    assert FORMS["1025ER"].signers == (Party.EMPLOYER, Party.MEMBER)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_sample_of_each_form_is_valid(code: str) -> None:
    spec, values = _sample(code)
    assert validate(spec, values) == {}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_required_field_left_empty_is_named_beside_itself(code: str) -> None:
    spec, values = _sample(code)
    for f in spec.fields:
        if not f.required or f.key.rsplit("_", 1)[-1].isdigit():
            continue
        emptied = {**values, f.key: False if f.kind is Kind.CONFIRM else None}
        errors = validate(spec, emptied)
        assert f.key in errors, (code, f.key)
        if f.kind is Kind.CONFIRM:
            assert errors[f.key] == ["Tick this box to go on."]
        else:
            assert errors[f.key] == [missing(f)]
            if f.kind is not Kind.CHOICE:
                assert f.label[1:] in errors[f.key][0]


@pytest.mark.parametrize(
    ("code", "changes", "field", "message"),
    [
        (
            "1005",
            {"membership_date": "2025-12-31"},
            "membership_date",
            "The plan membership date cannot be before the hire date.",
        ),
        ("1005", {"employment_ratio": ""}, "employment_ratio", "Enter the employment ratio."),
        (
            "1005",
            {"hire_date": "1989-01-01"},
            "hire_date",
            "The hire date cannot be before the birth date.",
        ),
        (
            "1025ER",
            {"expected_end": "2026-03-01"},
            "expected_end",
            "The leave cannot end before it starts.",
        ),
        ("1025ER", {"leave_type": "LTIP"}, "disability_date", "Enter the disability date."),
        (
            "1025",
            {"leave_type": "DISC"},
            "sub_from",
            "A SUB-allowance period belongs to a pregnancy or parental leave only.",
        ),
        (
            "1025",
            {"sub_to": ""},
            "sub_to",
            "Give both the first and the last day of the SUB-allowance period.",
        ),
        (
            "1025",
            {"sub_from": "2026-03-01"},
            "sub_from",
            "The SUB-allowance period cannot start before the leave.",
        ),
        (
            "1030",
            {"reduced_ratio": "1.00"},
            "reduced_ratio",
            "The reduced ratio must be below the regular ratio.",
        ),
        (
            "1030",
            {"reduced_ratio": "0"},
            "reduced_ratio",
            "A ratio of 0 is a leave of absence, not reduced hours.",
        ),
        (
            "1030",
            {"arrangement_end": "2026-08-31"},
            "arrangement_end",
            "The arrangement cannot end before it starts.",
        ),
        (
            "1030",
            {"election": ""},
            "election",
            "Choose an answer for \u201cDuring the arrangement I will\u201d.",
        ),
        ("1035", {"year_2": "2013"}, "year_2", "2013 is already on an earlier row."),
        (
            "1035",
            {
                "year_1": "",
                "hours_1": "",
                "annual_pay_1": "",
                "year_2": "",
                "hours_2": "",
                "annual_pay_2": "",
                "notes_2": "",
            },
            "year_1",
            "Give at least one year of employment.",
        ),
        ("1035", {"annual_pay_2": ""}, "annual_pay_2", "Enter the annual pensionable pay, row 2."),
        (
            "1074",
            {"eligible_date": "2026-01-01"},
            "eligible_date",
            "The employee cannot become eligible before they were hired.",
        ),
        (
            "3002",
            {"paid_until": "2026-02-01"},
            "paid_until",
            "The pay cannot stop before the last day worked.",
        ),
        (
            "1008",
            {"reemployment_date": "1980-01-01"},
            "reemployment_date",
            "The re-employment date cannot be before the birth date.",
        ),
    ],
)
def test_each_form_s_own_rules(
    code: str, changes: dict[str, str], field: str, message: str
) -> None:
    spec, values = _sample(code, **changes)
    assert message in validate(spec, values).get(field, []), validate(spec, values)


def test_a_1035_row_left_empty_is_ignored_but_a_row_begun_must_be_complete() -> None:
    spec, values = _sample("1035")
    assert "year_3" not in validate(spec, values)


@pytest.mark.parametrize(
    ("kind_of", "text", "message"),
    [
        (("1005", "sin"), "123 456 789", "This is not a valid social insurance number (9 digits)."),
        (("1005", "postal_code"), "M5C 3A", "Enter the six-character postal code, e.g. M5C3A7."),
        (("1005", "phone_number"), "555-0199", "Enter the 10-digit phone number, e.g. 4161234567."),
        (("1005", "pay_rate"), "58000.125", "Use at most 2 decimal places."),
        (("1005", "pay_rate"), "-5", "An amount cannot be negative."),
        (("1005", "standard_hours"), "50", "The highest value allowed is 48."),
        (("1005", "hire_date"), "05/01/2026", "05/01/2026 is not a date: enter it as YYYY-MM-DD."),
        (("1005", "email"), "elodie@", "elodie@ is not an e-mail address."),
        (
            ("1005", "employment_type"),
            "XX",
            "Choose one of: Full time, Part time, Permanent "
            "seasonal, Non-permanent (contract or irregular hours).",
        ),
        (("1035", "year_1"), "20x3", "20x3 is not a whole number."),
    ],
)
def test_a_value_that_does_not_fit_its_field_says_why(
    kind_of: tuple[str, str], text: str, message: str
) -> None:
    code, key = kind_of
    with pytest.raises(Invalid) as refused:
        parse(FORMS[code].field(key), text)
    assert str(refused.value) == message


def test_a_sin_is_kept_as_digits_and_shown_masked() -> None:
    from pensionportal.signedforms.spec import text_of

    f = FORMS["1005"].field("sin")
    assert parse(f, "130-692-544") == "130692544"
    assert text_of(f, "130692544") == "*** *** 544"
