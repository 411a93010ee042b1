"""OPTrust Select membership: status, enrolment date, end of participation, retirement.

Source: seeds/select-employer-manual.txt Section 3, "Enrolment" (Mandatory Membership,
Optional Membership, Excluded from Membership, Continuation of Membership), "Ending
Employment" and "Retirement".
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from pensionportal.rules import parameters
from pensionportal.rules.dates import age_on, birthday, end_of_month


class Status(enum.StrEnum):
    MANDATORY = "mandatory"
    OPTIONAL = "optional"
    EXCLUDED = "excluded"
    NOT_ELIGIBLE = "not eligible"  # not in a class named in the participation agreement


@dataclass(frozen=True)
class Employee:
    birth_date: dt.date
    in_eligible_class: bool = True
    permanent: bool = True
    full_time: bool = True
    in_primary_schedule: bool = False  # contributing to the OPSEU primary schedule
    receiving_pension: bool = False  # from OPTrust Select or the primary schedule


@dataclass(frozen=True)
class StatusRuling:
    status: Status
    reason: str


_S3 = "seeds/select-employer-manual.txt §3"


def end_of_year_turning_max_age(birth_date: dt.date) -> dt.date:
    """31 December of the year the member turns 71 (the dated membership maximum age)."""
    age = parameters.load("membership_max_age").int_at(birth_date)
    return dt.date(birth_date.year + age, 12, 31)


def status(employee: Employee, on: dt.date) -> StatusRuling:
    """Mandatory, optional or excluded on ``on``.

    "Over the age of 71" is read as: after the end of the year the employee turns 71, the
    same day membership ends for a member (choice, docs/rules.md).
    """
    if not employee.in_eligible_class:
        return StatusRuling(Status.NOT_ELIGIBLE, "not in an eligible class (§3 'Enrolment')")
    if employee.in_primary_schedule:
        return StatusRuling(
            Status.EXCLUDED, f"{_S3} 'Excluded from Membership': primary schedule member"
        )
    if employee.receiving_pension:
        return StatusRuling(
            Status.EXCLUDED, f"{_S3} 'Excluded from Membership': in receipt of a pension"
        )
    if on > end_of_year_turning_max_age(employee.birth_date):
        return StatusRuling(Status.EXCLUDED, f"{_S3} 'Excluded from Membership': over age 71")
    max_age = parameters.load("mandatory_membership_max_age").int_at(on)
    under_age = age_on(employee.birth_date, on) < max_age
    if under_age and employee.permanent and employee.full_time:
        return StatusRuling(
            Status.MANDATORY, f"{_S3} 'Mandatory Membership': permanent full time, under 65"
        )
    return StatusRuling(
        Status.OPTIONAL,
        f"{_S3} 'Optional Membership': 65 or over, not permanent, or less than full time",
    )


def mandatory_enrolment_date(
    hire_date: dt.date,
    participation_date: dt.date,
    return_from_leave: dt.date | None = None,
    became_permanent_full_time: dt.date | None = None,
) -> dt.date:
    """The latest of the four dates in §3 'Mandatory Membership'.

    ``return_from_leave`` only if the employee was on leave on the plan participation date;
    ``became_permanent_full_time`` only if membership had been optional and the employee
    was under 65 on that date (the caller checks both conditions).
    """
    dates = [hire_date, participation_date]
    dates += [day for day in (return_from_leave, became_permanent_full_time) if day is not None]
    return max(dates)


def end_of_participation(
    birth_date: dt.date,
    termination: dt.date | None = None,
    retirement: dt.date | None = None,
    death: dt.date | None = None,
    employer_ceases: dt.date | None = None,
) -> dt.date:
    """The earliest of the five events in §3 'Ending Employment' (end of the year of 71
    is always a candidate)."""
    candidates = [end_of_year_turning_max_age(birth_date)]
    candidates += [d for d in (termination, retirement, death, employer_ceases) if d is not None]
    return min(candidates)


@dataclass(frozen=True)
class RetirementDates:
    earliest_reduced: dt.date  # 55th birthday
    unreduced: dt.date  # 65th birthday
    latest_start: dt.date  # end of November of the year the member turns 71


def retirement_dates(birth_date: dt.date) -> RetirementDates:
    """Retirement dates from §3 'Retirement'."""
    early = parameters.load("early_retirement_age").int_at(birth_date)
    normal = parameters.load("normal_retirement_age").int_at(birth_date)
    latest_age = parameters.load("membership_max_age").int_at(birth_date)
    month = parameters.load("pension_start_deadline_month").int_at(birth_date)
    return RetirementDates(
        earliest_reduced=birthday(birth_date, early),
        unreduced=birthday(birth_date, normal),
        latest_start=end_of_month(dt.date(birth_date.year + latest_age, month, 1)),
    )
