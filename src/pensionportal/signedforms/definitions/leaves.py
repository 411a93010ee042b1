"""Notice of Unpaid Leave of Absence (OPTrust 1025ER) and Application to Contribute for an
Unpaid Leave of Absence (OPTrust 1025)."""

from __future__ import annotations

import datetime as dt

from pensionportal.rules import parameters

from ..spec import FormField, FormSpec, Kind, Party, Section, Values, date_order
from .common import BUYBACKS, LEAVE_TYPES, RPD, SELECT, VERSION_2026, choice, confirm, date

# The form of this version states the rule in force on its version date.
_SHORT_LEAVE_DAYS = parameters.load("unpaid_leave_short_max_days").int_at(VERSION_2026)


def leave_fields() -> tuple[FormField, ...]:
    return (
        choice("leave_type", "Leave type", LEAVE_TYPES, required=True, prefill="leave_type"),
        date("leave_start", "First day of the leave", required=True, prefill="leave_start"),
        date(
            "expected_end",
            "Expected last day of the leave",
            prefill="expected_end",
            help="If known.",
        ),
    )


F1025ER = FormSpec(
    code="1025ER",
    title="Notice of Unpaid Leave of Absence",
    version=VERSION_2026,
    source=f'{BUYBACKS} "Unpaid leaves of absence" ("Before an employee starts any LOA, the '
    'employer must complete a Notice of Unpaid Leave of Absence (OPTrust 1025ER) form"); '
    f'{SELECT} Section 3 "Leaves of Absence"; {RPD} "Forms and tools"',
    purpose="Tells the plan administrator that a member starts an unpaid leave. You sign "
    "first; the member acknowledges the notice and signs. The leave then goes through pension "
    "data intake like an LOA file and appears on the member's record.",
    sections=(
        Section(
            "The leave",
            Party.EMPLOYER,
            (
                *leave_fields(),
                date(
                    "disability_date",
                    "Disability date",
                    help="For long-term illness or WSIB leaves.",
                    required_when=("leave_type", ("LTIP",)),
                ),
            ),
        ),
        Section(
            "Employer's declaration",
            Party.EMPLOYER,
            (confirm("employer_confirms", "The member was granted this unpaid leave."),),
        ),
        Section(
            "Member's acknowledgement",
            Party.MEMBER,
            (
                confirm(
                    "member_confirms",
                    "I have read this notice. If my leave is longer than "
                    f"{_SHORT_LEAVE_DAYS} days I will tell the plan, on an OPTrust 1025, whether I "
                    "contribute during it.",
                ),
            ),
        ),
    ),
    signers=(Party.EMPLOYER, Party.MEMBER),
    effect="An LOA submission through pension data intake: the leave on the member's record, "
    "used by the leave rules and by missed-contribution detection.",
    checks=(date_order("leave_start", "expected_end", "The leave cannot end before it starts."),),
)


def _sub_period(values: Values) -> list[tuple[str, str]]:
    start, end = values.get("sub_from"), values.get("sub_to")
    problems: list[tuple[str, str]] = []
    if (start is None) != (end is None):
        key = "sub_to" if start is not None else "sub_from"
        problems.append((key, "Give both the first and the last day of the SUB-allowance period."))
    if start is not None and values.get("leave_type") != "ESA_PAR":
        problems.append(
            ("sub_from", "A SUB-allowance period belongs to a pregnancy or parental leave only.")
        )
    leave_start = values.get("leave_start")
    if isinstance(start, dt.date) and isinstance(leave_start, dt.date) and start < leave_start:
        problems.append(("sub_from", "The SUB-allowance period cannot start before the leave."))
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        problems.append(("sub_to", "The SUB-allowance period cannot end before it starts."))
    return problems


F1025 = FormSpec(
    code="1025",
    title="Application to Contribute for an Unpaid Leave of Absence",
    version=VERSION_2026,
    source=f'{BUYBACKS} "Contributing during the LOA" and "Important! Pregnancy, parental and '
    f'adoption leaves"; {SELECT} Section 1 "Leaves of Absence" (the S1025 election); {RPD} '
    '"Forms and tools"',
    purpose="The member's written election to contribute, or not, during an unpaid leave of "
    "more than 30 days. For a pregnancy or parental leave you give the period of the "
    "supplementary unemployment benefit (SUB) allowance from which contributions are deducted. "
    "The member signs first, then you.",
    sections=(
        Section(
            "The leave",
            Party.EMPLOYER,
            (
                *leave_fields(),
                date(
                    "sub_from",
                    "SUB allowance: first day",
                    help="Pregnancy or parental leave paid in part through the SUB allowance.",
                ),
                date("sub_to", "SUB allowance: last day"),
                FormField(
                    "employer_contact",
                    "Employer contact (name and phone)",
                    Kind.TEXT,
                    True,
                    "Who authorizes the deductions from the SUB allowance.",
                ),
            ),
        ),
        Section(
            "Member's election",
            Party.MEMBER,
            (
                choice(
                    "election",
                    "During the leave I will",
                    (
                        ("contribute", "Contribute during the leave"),
                        ("not_contribute", "Not contribute during the leave"),
                    ),
                    required=True,
                ),
                confirm("member_confirms", "This is my written election for this leave."),
            ),
        ),
        Section(
            "Employer's authorization",
            Party.EMPLOYER,
            (
                confirm(
                    "employer_confirms",
                    "I authorize the contribution deductions described "
                    "(from the SUB allowance, if a period is given).",
                ),
            ),
        ),
    ),
    signers=(Party.MEMBER, Party.EMPLOYER),
    effect="The member's written election on record (form 1025), used by the leave rules and "
    "by missed-contribution detection.",
    checks=(
        date_order("leave_start", "expected_end", "The leave cannot end before it starts."),
        _sub_period,
    ),
)
