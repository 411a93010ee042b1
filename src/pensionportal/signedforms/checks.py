"""The plan's rules shown before a 1030 is signed: the 36-month minimum employment rule and
the five-plus-three-year cumulative limit (buybacks.txt "What is a temporary part-time work
arrangement?"; select-employer-manual.txt Section 1), computed by `rules.part_time` from
the member's record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from pensionportal.members.models import Member
from pensionportal.presentation import formatting as fmt
from pensionportal.rules import parameters, part_time

from .spec import Values

# How a leave type counts against the limit (buybacks.txt "Unpaid leaves of absence": the
# limit does not apply to Illness/WSIB leaves; pregnancy and parental leaves have 3 more).
_LIMIT_KIND = {
    "ESA_PAR": part_time.LimitKind.PARENTAL,
    "ILL": part_time.LimitKind.EXEMPT,
    "LTIP": part_time.LimitKind.EXEMPT,
}


def _whole_months(since: dt.date, until: dt.date) -> int:
    months = (until.year - since.year) * 12 + until.month - since.month
    return months - 1 if until.day < since.day else months


@dataclass(frozen=True)
class RuleCheck:
    label: str
    met: bool
    text: str


def _earlier_periods(member: Member, before: dt.date) -> list[part_time.LimitedPeriod]:
    today = timezone.localdate()
    periods = []
    for leave in member.leaves.filter(start_date__lt=before):
        end = leave.end_date or leave.expected_end_date or min(today, before)
        if end < leave.start_date:
            continue
        kind = _LIMIT_KIND.get(leave.leave_type, part_time.LimitKind.GENERAL)
        periods.append(part_time.LimitedPeriod(leave.start_date, end, kind))
    return periods


def part_time_checks(member: Member | None, values: Values) -> list[RuleCheck]:
    start, end = values.get("arrangement_start"), values.get("arrangement_end")
    reduced = values.get("reduced_ratio")
    if member is None or not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return []
    if not isinstance(reduced, Decimal) or not Decimal(0) <= reduced < 1 or end < start:
        return []
    result = part_time.eligibility(
        part_time.Arrangement(start, end, reduced),
        member.hire_date,
        _earlier_periods(member, start),
    )
    months = _whole_months(member.hire_date, start)
    minimum = parameters.load("tpt_minimum_employment_months").int_at(start)
    if result.months_required == 0:
        employment = RuleCheck(
            f"{minimum}-month minimum employment",
            True,
            "Waived: the federal government waived it for arrangements that began in 2020 or 2021.",
        )
    else:
        employment = RuleCheck(
            f"{minimum}-month minimum employment",
            result.meets_employment_rule,
            f"Employed since {fmt.iso_date(member.hire_date)}: {months} months before the "
            f"start of the arrangement ({result.months_required} needed).",
        )
    limit = result.limit
    cumulative = RuleCheck(
        "Five-year cumulative limit (plus three for pregnancy and parental leaves)",
        limit.within_limit,
        f"{fmt.decimal(limit.general_years, 2)} of {fmt.decimal(limit.general_limit, 0)} years "
        f"used, this arrangement included ({fmt.decimal(limit.general_remaining, 2)} left); "
        f"pregnancy and parental leaves: {fmt.decimal(limit.parental_years, 2)} of "
        f"{fmt.decimal(limit.parental_limit, 0)} additional years.",
    )
    return [employment, cumulative]
