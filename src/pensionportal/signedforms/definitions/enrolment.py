"""Membership Enrolment (OPTrust 1005) and the Membership Waiver - Religious Exemption
(OPTrust 1074): about an employee who is not yet (or will not be) a member."""

from __future__ import annotations

from decimal import Decimal

from ..spec import FormField, FormSpec, Kind, Party, Section, date_order
from .common import (
    ADDRESS_TYPES,
    EMPLOYMENT_TYPES,
    GENDERS,
    MARITAL,
    PHONE_TYPES,
    RPD,
    SELECT,
    VERSION_2026,
    address,
    choice,
    confirm,
    date,
    hours,
    money,
    ratio,
    text,
)


def employee(*, with_id: bool = True) -> tuple[FormField, ...]:
    """Who the employee is; their birth date and e-mail are what the signing link checks."""
    return (
        text("last_name", "Last name", required=True),
        text("first_name", "First name", required=True),
        text("middle_name", "Middle name"),
        date(
            "birth_date",
            "Date of birth",
            required=True,
            help="The employee confirms it before they can sign.",
        ),
        FormField(
            "email",
            "E-mail address",
            Kind.EMAIL,
            True,
            "The employee's own e-mail: the signing link and code are sent there.",
        ),
        *(
            (
                text(
                    "employee_id",
                    "Employee ID",
                    required=True,
                    max_length=30,
                    help="Your unique identifier for the employee (never the SIN).",
                ),
            )
            if with_id
            else ()
        ),
    )


F1005 = FormSpec(
    code="1005",
    title="Membership Enrolment",
    version=VERSION_2026,
    source=f'{SELECT} Section 3 "Enrolment Process" and Section 2 "Enrolment Data"; {RPD} '
    '"Forms and tools"',
    purpose="Enrols an eligible employee in the plan. You give the employment details; the "
    "employee adds their SIN and contact details and signs; you sign last. The enrolment "
    "then goes through pension data intake like an ENROL file.",
    sections=(
        Section("Employee", Party.EMPLOYER, employee()),
        Section(
            "Employment",
            Party.EMPLOYER,
            (
                date(
                    "hire_date",
                    "Hire date",
                    required=True,
                    help="Most recent period of continuous employment.",
                ),
                date("membership_date", "Plan membership date", required=True),
                choice("employment_type", "Employment type", EMPLOYMENT_TYPES, required=True),
                ratio(
                    "employment_ratio",
                    "Employment ratio",
                    required_when=("employment_type", ("FT", "PT")),
                ),
                money(
                    "pay_rate",
                    "Pensionable pay rate (full-time annual)",
                    required=True,
                    minimum=Decimal("0.01"),
                ),
                hours("standard_hours", "Standard hours (full-time weekly)", required=True),
            ),
        ),
        Section(
            "Personal information",
            Party.MEMBER,
            (
                FormField(
                    "sin",
                    "Social insurance number",
                    Kind.SIN,
                    True,
                    "Nine digits. It is stored encrypted and shown masked.",
                    sensitive=True,
                ),
                choice("gender", "Gender", GENDERS),
                choice("marital_status", "Marital status", MARITAL),
                choice("address_type", "Address type", ADDRESS_TYPES, required=True),
                *address(),
                choice("phone_type", "Phone type", PHONE_TYPES, required=True),
                FormField("phone_number", "Phone number", Kind.PHONE, True, "10 digits"),
            ),
        ),
        Section(
            "Employee's declaration",
            Party.MEMBER,
            (
                confirm(
                    "member_confirms",
                    "The information I give is true and complete, and I apply to join the plan.",
                ),
            ),
        ),
        Section(
            "Employer's declaration",
            Party.EMPLOYER,
            (
                confirm(
                    "employer_confirms",
                    "The employee is in an eligible class and the employment details are correct.",
                ),
            ),
        ),
    ),
    signers=(Party.MEMBER, Party.EMPLOYER),
    needs_member=False,
    effect="An ENROL submission through pension data intake (the same validation as a file).",
    checks=(
        date_order("birth_date", "hire_date", "The hire date cannot be before the birth date."),
        date_order(
            "hire_date",
            "membership_date",
            "The plan membership date cannot be before the hire date.",
        ),
    ),
)

F1074 = FormSpec(
    code="1074",
    title="Membership Waiver - Religious Exemption from Pension Participation",
    version=VERSION_2026,
    source=f'{SELECT} Section 3 "Mandatory Membership" (note: the S1074 waiver); {RPD} '
    '"Forms and tools"',
    purpose="An employee who must otherwise join may waive participation on the grounds of "
    "their religious beliefs. The employee states them and signs; you confirm and sign.",
    sections=(
        Section(
            "Employee",
            Party.EMPLOYER,
            (
                *employee(),
                date("hire_date", "Hire date", required=True),
                date(
                    "eligible_date",
                    "Date the employee became eligible",
                    required=True,
                    help="When membership would otherwise have been mandatory.",
                ),
            ),
        ),
        Section(
            "Employee's statement",
            Party.MEMBER,
            (
                FormField(
                    "religious_grounds",
                    "The religious beliefs on which I waive participation",
                    Kind.LONG_TEXT,
                    True,
                ),
                confirm(
                    "member_confirms",
                    "I waive my right to participate in the plan on the "
                    "grounds of my religious beliefs. I understand I will earn no pension "
                    "from this employment while the waiver stands.",
                ),
            ),
        ),
        Section(
            "Employer's declaration",
            Party.EMPLOYER,
            (
                confirm(
                    "employer_confirms",
                    "The employee is in a class for which membership is "
                    "mandatory and asked for this waiver themselves.",
                ),
            ),
        ),
    ),
    signers=(Party.MEMBER, Party.EMPLOYER),
    needs_member=False,
    effect="The waiver recorded in the member registry for the employee ID.",
    checks=(
        date_order("birth_date", "hire_date", "The hire date cannot be before the birth date."),
        date_order(
            "hire_date",
            "eligible_date",
            "The employee cannot become eligible before they were hired.",
        ),
    ),
)
