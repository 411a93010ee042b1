"""Temporary Part-time Work Arrangement Contribution/Buyback Application (OPTrust 1030):
page 1 is the member's, page 2 the employer's (buybacks.txt "Procedures" 1 and 2)."""

from __future__ import annotations

from decimal import Decimal

from pensionportal.rules import parameters

from ..spec import FormSpec, Party, Section, Values, date_order
from .common import BUYBACKS, RPD, SELECT, VERSION_2026, choice, confirm, date, hours, money, ratio

# The form of this version states the rules in force on its version date.
_EMPLOYMENT_MONTHS = parameters.load("tpt_minimum_employment_months").int_at(VERSION_2026)
_GENERAL_YEARS = parameters.load("leave_cumulative_limit_years").int_at(VERSION_2026)
_PARENTAL_YEARS = parameters.load("parental_leave_additional_limit_years").int_at(VERSION_2026)

PURPOSES = (
    ("election", "Choose how I contribute during an arrangement"),
    ("buyback", "Buy back the hours not worked during an arrangement that has ended"),
)
ELECTIONS = (
    ("regular_hours", "Contribute on my regular hours (full contributions; the employer matches)"),
    ("reduced_hours", "Contribute on my reduced hours only"),
)


def _ratios(values: Values) -> list[tuple[str, str]]:
    regular, reduced = values.get("regular_ratio"), values.get("reduced_ratio")
    if isinstance(regular, Decimal) and isinstance(reduced, Decimal) and reduced >= regular:
        return [("reduced_ratio", "The reduced ratio must be below the regular ratio.")]
    if isinstance(reduced, Decimal) and reduced <= 0:
        return [("reduced_ratio", "A ratio of 0 is a leave of absence, not reduced hours.")]
    return []


F1030 = FormSpec(
    code="1030",
    title="Temporary Part-time Work Arrangement Contribution/Buyback Application",
    version=VERSION_2026,
    source=f'{BUYBACKS} "Temporary part-time work arrangements" and "Procedures"; {SELECT} '
    f'Section 1 "Temporary Part-time Work Arrangements" and Section 3; {RPD} "Missed mandatory '
    'contributions" cause 4',
    purpose="Before an arrangement starts the member chooses, in writing, to contribute on "
    "their regular hours or on their reduced hours only (page 1); you describe the "
    "arrangement and confirm it qualifies (page 2). After an arrangement ends the same form "
    "applies to buy back the hours not worked. The member signs page 1 first, then you sign "
    f"page 2. The {_EMPLOYMENT_MONTHS}-month employment rule and the "
    f"{_GENERAL_YEARS}-plus-{_PARENTAL_YEARS}-year limit are checked from the member's record "
    "before anyone signs.",
    sections=(
        Section(
            "Page 1: the member's choice",
            Party.MEMBER,
            (
                choice("purpose", "I use this form to", PURPOSES, required=True),
                choice(
                    "election",
                    "During the arrangement I will",
                    ELECTIONS,
                    required_when=("purpose", ("election",)),
                ),
                confirm("member_confirms", "This is my written choice for this arrangement."),
            ),
        ),
        Section(
            "Page 2: the arrangement",
            Party.EMPLOYER,
            (
                date("arrangement_start", "Start of the arrangement", required=True),
                date("arrangement_end", "Anticipated end of the arrangement", required=True),
                ratio(
                    "regular_ratio",
                    "Regular employment ratio",
                    required=True,
                    prefill="employment_ratio",
                ),
                ratio("reduced_ratio", "Employment ratio during the arrangement", required=True),
                hours(
                    "standard_hours",
                    "Standard hours (full-time weekly)",
                    required=True,
                    prefill="standard_hours",
                ),
                money(
                    "pay_rate",
                    "Pensionable pay rate (full-time annual)",
                    required=True,
                    prefill="pay_rate",
                ),
            ),
        ),
        Section(
            "Page 2: employer's declaration",
            Party.EMPLOYER,
            (
                confirm(
                    "employer_confirms",
                    "The arrangement is temporary, was agreed in advance "
                    "with a start and an anticipated end, and meets the plan's definition.",
                ),
            ),
        ),
    ),
    signers=(Party.MEMBER, Party.EMPLOYER),
    effect="For a choice: the arrangement as employment changes through pension data intake "
    "(EMCHG, CHG at the start and at the end) and the member's written election (form 1030). "
    "For a buyback: a buyback application (form 1030) for the hours not worked.",
    checks=(
        date_order(
            "arrangement_start", "arrangement_end", "The arrangement cannot end before it starts."
        ),
        _ratios,
    ),
)
