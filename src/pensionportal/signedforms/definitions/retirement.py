"""Retired Member Quarterly Employment Earnings Report (OPTrust 1008) and Employer's
Statement on Disability (OPTrust 3002)."""

from __future__ import annotations

from decimal import Decimal

from ..spec import FormField, FormSpec, Kind, Party, Section, date_order
from .common import (
    RPD,
    VERSION_2026,
    YES_NO,
    choice,
    confirm,
    date,
    decimal,
    hours,
    money,
    ratio,
    text,
)

QUARTERS = (
    ("1", "January to March"),
    ("2", "April to June"),
    ("3", "July to September"),
    ("4", "October to December"),
)

F1008 = FormSpec(
    code="1008",
    title="Retired Member Quarterly Employment Earnings Report",
    version=VERSION_2026,
    source=f'{RPD} "Reporting employment earnings for a retired member" and "Pensionable '
    'salary" (the maximum quarterly re-employment earnings)',
    purpose="Each quarter, the earnings of a retired member who receives a pension while "
    "working for you, measured with the plan's definition of pensionable salary (without "
    "retroactive salary for their pre-retirement employment). The earnings are checked "
    "against the member's maximum quarterly re-employment earnings when it is on record.",
    sections=(
        Section(
            "Retired member",
            Party.EMPLOYER,
            (
                text("last_name", "Last name", required=True),
                text("first_name", "First name", required=True),
                date("birth_date", "Date of birth", required=True),
                text(
                    "employee_id",
                    "Employee ID",
                    required=True,
                    max_length=30,
                    help="As on your payroll; a retiree who was your member keeps their ID.",
                ),
                date("reemployment_date", "Date of re-employment", required=True),
            ),
        ),
        Section(
            "Earnings",
            Party.EMPLOYER,
            (
                FormField(
                    "year", "Year", Kind.INTEGER, True, minimum=Decimal(2000), maximum=Decimal(2100)
                ),
                choice("quarter", "Quarter", QUARTERS, required=True),
                money(
                    "earnings",
                    "Employment earnings in the quarter",
                    required=True,
                    help="Pensionable salary as the plan defines it.",
                ),
                decimal(
                    "hours",
                    "Hours worked in the quarter",
                    minimum=Decimal(0),
                    maximum=Decimal(1000),
                ),
            ),
        ),
        Section(
            "Employer's declaration",
            Party.EMPLOYER,
            (
                confirm(
                    "employer_confirms",
                    "The earnings follow the plan's definition of "
                    "pensionable salary and exclude retroactive pay for pre-retirement "
                    "employment.",
                ),
            ),
        ),
    ),
    signers=(Party.EMPLOYER,),
    needs_member=False,
    effect="The quarter's earnings recorded for the retired member, checked against their "
    "maximum quarterly re-employment earnings when on record.",
    checks=(
        date_order(
            "birth_date",
            "reemployment_date",
            "The re-employment date cannot be before the birth date.",
        ),
    ),
)

F3002 = FormSpec(
    code="3002",
    title="Employer's Statement on Disability",
    version=VERSION_2026,
    source=f'{RPD} "Forms and tools" (Employer\'s Statement on Disability, OPTrust 3002, with '
    "the Member's Statement on Disability 3001 and the Medical Examination Report 3003)",
    purpose="Your statement for a member who applies for a disability benefit: their "
    "position, pay and hours, and their absence. The plan administrator adds it to the "
    "member's application.",
    sections=(
        Section(
            "Employment",
            Party.EMPLOYER,
            (
                text("job_title", "Position title", required=True),
                FormField("duties", "Main duties of the position", Kind.LONG_TEXT, True),
                money(
                    "pay_rate",
                    "Pensionable pay rate (full-time annual)",
                    required=True,
                    prefill="pay_rate",
                ),
                hours(
                    "standard_hours",
                    "Standard hours (full-time weekly)",
                    required=True,
                    prefill="standard_hours",
                ),
                ratio(
                    "employment_ratio",
                    "Employment ratio",
                    required=True,
                    prefill="employment_ratio",
                ),
            ),
        ),
        Section(
            "Absence",
            Party.EMPLOYER,
            (
                date("last_day_worked", "Last day worked", required=True),
                date("paid_until", "Paid (sick leave or salary) until"),
                choice(
                    "ltip_claim",
                    "Long-term income protection (LTIP) claim made",
                    YES_NO,
                    required=True,
                ),
                choice("wsib_claim", "WSIB claim made", YES_NO, required=True),
                choice(
                    "modified_work", "Modified or alternative work offered", YES_NO, required=True
                ),
                FormField("comments", "Comments", Kind.LONG_TEXT),
            ),
        ),
        Section(
            "Employer's declaration",
            Party.EMPLOYER,
            (confirm("employer_confirms", "This statement is complete and correct."),),
        ),
    ),
    signers=(Party.EMPLOYER,),
    effect="The statement recorded on the member's history for the disability application.",
    checks=(
        date_order(
            "last_day_worked", "paid_until", "The pay cannot stop before the last day worked."
        ),
    ),
)
