"""Employment Information (OPTrust 1035) and Transfer of Membership between the OPSEU
Pension Plan and the PSPP (OPTrust 1040)."""

from __future__ import annotations

from decimal import Decimal

from ..spec import FormField, FormSpec, Kind, Party, Section, Values, date_order
from .common import BUYBACKS, RPD, VERSION_2026, choice, confirm, date, decimal, hours, money, text

HISTORY_ROWS = 10
STATUSES = (
    ("FT", "Full time"),
    ("PT", "Part time"),
    ("CONTRACT", "Contract"),
    ("UNCLASSIFIED", "Unclassified"),
    ("SEASONAL", "Seasonal"),
)


def _some_year(values: Values) -> list[tuple[str, str]]:
    if any(values.get(f"year_{i}") for i in range(1, HISTORY_ROWS + 1)):
        return []
    return [("year_1", "Give at least one year of employment.")]


def _distinct_years(values: Values) -> list[tuple[str, str]]:
    seen: set[object] = set()
    problems = []
    for i in range(1, HISTORY_ROWS + 1):
        year = values.get(f"year_{i}")
        if year is None:
            continue
        if year in seen:
            problems.append((f"year_{i}", f"{year} is already on an earlier row."))
        seen.add(year)
    return problems


F1035 = FormSpec(
    code="1035",
    title="Employment Information",
    version=VERSION_2026,
    source=f'{BUYBACKS} "What is a complete application?" (the employer provides the '
    f'Employment Information (OPTrust 1035) form for non-contributory service); {RPD} "Forms '
    'and tools"',
    purpose="The member's employment history before they joined the plan, completed by you, "
    "for a buyback of non-contributory service (contract, unclassified or seasonal "
    "employment): for each calendar year the hours worked and the pensionable pay. It is "
    "recorded as the member's prior service, which the buyback quote uses.",
    sections=(
        Section(
            "Employment",
            Party.EMPLOYER,
            (
                date(
                    "employment_start", "Earliest date of hire", required=True, prefill="hire_date"
                ),
                choice("status", "Employment status during this service", STATUSES, required=True),
                hours(
                    "standard_hours",
                    "Standard hours (full-time weekly)",
                    required=True,
                    prefill="standard_hours",
                ),
            ),
        ),
        Section(
            "Employment history by calendar year",
            Party.EMPLOYER,
            (
                FormField(
                    "year", "Year", Kind.INTEGER, True, minimum=Decimal(1987), maximum=Decimal(2100)
                ),
                decimal(
                    "hours",
                    "Hours worked",
                    minimum=Decimal(0),
                    maximum=Decimal(3000),
                    required=True,
                    help="Excluding overtime.",
                ),
                money("annual_pay", "Annual pensionable pay", required=True),
                text("notes", "Notes", max_length=200),
            ),
            repeat=HISTORY_ROWS,
            note="One row per calendar year; leave the rows you do not need empty.",
        ),
        Section(
            "Employer's declaration",
            Party.EMPLOYER,
            (confirm("employer_confirms", "This history is taken from our payroll records."),),
        ),
    ),
    signers=(Party.EMPLOYER,),
    effect="A PRIORSVC submission through pension data intake: the member's prior service by "
    "year, shown on the member's record and used to cost a buyback of that service.",
    checks=(_some_year, _distinct_years),
)

DIRECTIONS = (
    ("to_pspp", "From the OPSEU Pension Plan to the Public Service Pension Plan (PSPP)"),
    ("to_opseu", "From the PSPP to the OPSEU Pension Plan"),
)

F1040 = FormSpec(
    code="1040",
    title="Transfer of Membership between the OPSEU Pension Plan and the PSPP",
    version=VERSION_2026,
    source=f'{RPD} "Forms and tools" (Transfer of Membership Between the OPSEU Pension Plan '
    'and the Public Service Pension Plan, OPTrust 1040; "electronically sign and submit '
    'transfer ... forms")',
    purpose="A member moves between the OPSEU Pension Plan and the Public Service Pension "
    "Plan because their position changes. You give the transfer; the member signs first, then "
    "you. The plan administrator records the transfer on the member's file.",
    sections=(
        Section(
            "The transfer",
            Party.EMPLOYER,
            (
                choice("direction", "Transfer", DIRECTIONS, required=True),
                date("transfer_date", "Effective date of the transfer", required=True),
                text(
                    "new_position",
                    "New position and ministry or employer",
                    required=True,
                    max_length=200,
                ),
                text("reason", "Reason for the change", max_length=200),
            ),
        ),
        Section(
            "Member's consent",
            Party.MEMBER,
            (confirm("member_confirms", "I agree to the transfer of my membership."),),
        ),
        Section(
            "Employer's declaration",
            Party.EMPLOYER,
            (confirm("employer_confirms", "The member's position changes as described."),),
        ),
    ),
    signers=(Party.MEMBER, Party.EMPLOYER),
    effect="The transfer recorded on the member's history, for the plan administrator to act on.",
    checks=(),
)

__all__ = ["F1035", "F1040", "date_order"]
