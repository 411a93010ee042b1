"""Contributions during leaves of absence (OPTrust Select).

Source: seeds/select-employer-manual.txt Section 1, "Leaves of Absence" and "Leave
Contributions - Summary Chart"; "Leave Contributions" (base and COLA); "LTIP Provisions";
"Suspended Contributions".

Length of a leave is counted in calendar days, first and last day included ("30 calendar
days or less"); an unfinished leave is measured to its expected end date.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.rules import parameters
from pensionportal.rules.dates import birthday, days_inclusive
from pensionportal.rules.money import to_cents
from pensionportal.rules.parameters import DatedTable


class LeaveType(enum.StrEnum):
    PAID = "paid"
    STATUTORY = "statutory"  # ESA leaves: pregnancy, parental, family medical, caregiver, ...
    DISCRETIONARY = "discretionary"  # personal, educational, extended parental, ...
    ILLNESS_WSIB = "illness_wsib"
    LTIP = "ltip"


class Election(enum.StrEnum):
    """The member's written election (S1025 form)."""

    NONE = "none"
    CONTRIBUTE = "contribute"
    NOT_CONTRIBUTE = "not_contribute"


class Requirement(enum.StrEnum):
    MANDATORY = "mandatory"
    MANDATORY_UNLESS_OPTED_OUT = "mandatory unless the member opts out in writing"
    MANDATORY_IF_MEMBER_CONTRIBUTES = "mandatory if the member contributes"
    OPTIONAL = "optional"
    NONE = "none"
    SUSPENDED = "suspended"


class Remittance(enum.StrEnum):
    EMPLOYER_DURING_LEAVE = "remitted by the employer during the leave"
    EMPLOYER_ON_RETURN = (
        "remitted by the employer upon the member's return to work "
        "(or at termination if the member does not return)"
    )
    INVOICED = "the member pays OPTrust directly; OPTrust invoices the employer, as applicable"
    MEMBER_WITH_ADMINISTRATOR = "arranged between the member and OPTrust"
    NOT_REMITTED = "no contributions are remitted"


@dataclass(frozen=True)
class Leave:
    leave_type: LeaveType
    start: dt.date
    end: dt.date  # last day of the leave, or its expected end
    election: Election = Election.NONE
    in_primary_schedule: bool = False  # the member contributes to the primary schedule

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a leave cannot end before it starts")

    @property
    def days(self) -> int:
        return days_inclusive(self.start, self.end)


@dataclass(frozen=True)
class LeaveRuling:
    member: Requirement
    employer: Requirement
    member_contributes: bool  # after applying the election
    employer_contributes: bool
    member_share_paid_by_employer: bool
    remittance: Remittance
    source: str


_CHART = "seeds/select-employer-manual.txt §1 'Leave Contributions - Summary Chart'"


def is_short_leave(leave: Leave) -> bool:
    """Unpaid leave of 30 calendar days or less (the dated threshold at the leave start)."""
    limit = parameters.load("unpaid_leave_short_max_days").int_at(leave.start)
    return leave.days <= limit


def rule_for(leave: Leave) -> LeaveRuling:
    """Who must contribute during ``leave``, and who remits when."""
    if leave.in_primary_schedule:
        # §1 'Suspended Contributions': no Select contributions while in the primary schedule
        return LeaveRuling(
            Requirement.SUSPENDED,
            Requirement.SUSPENDED,
            False,
            False,
            False,
            Remittance.NOT_REMITTED,
            "seeds/select-employer-manual.txt §1 'Suspended Contributions'",
        )
    kind = leave.leave_type
    if kind is LeaveType.PAID:
        return LeaveRuling(
            Requirement.MANDATORY,
            Requirement.MANDATORY,
            True,
            True,
            False,
            Remittance.EMPLOYER_DURING_LEAVE,
            f"{_CHART}: With pay; §1 'Paid Leaves of Absence'",
        )
    if kind is LeaveType.LTIP:
        return LeaveRuling(
            Requirement.MANDATORY,
            Requirement.MANDATORY,
            True,
            True,
            True,
            Remittance.EMPLOYER_DURING_LEAVE,
            f"{_CHART}: LTIP (member share paid by the employer); §1 'LTIP Provisions'",
        )
    if is_short_leave(leave):
        # mandatory for all unpaid leaves of 30 days or less, even if the member elects not to
        return LeaveRuling(
            Requirement.MANDATORY,
            Requirement.MANDATORY,
            True,
            True,
            False,
            Remittance.EMPLOYER_ON_RETURN,
            f"{_CHART}: Unpaid <= 30 days; §1 '30 Days or Less'",
        )
    opted_out = leave.election is Election.NOT_CONTRIBUTE
    contributes = leave.election is Election.CONTRIBUTE
    if kind is LeaveType.STATUTORY:
        return LeaveRuling(
            Requirement.MANDATORY_UNLESS_OPTED_OUT,
            Requirement.MANDATORY_UNLESS_OPTED_OUT,
            not opted_out,
            not opted_out,
            False,
            Remittance.NOT_REMITTED if opted_out else Remittance.INVOICED,
            f"{_CHART}: Unpaid > 30 days - Statutory; §1 'Statutory Leaves'",
        )
    if kind is LeaveType.DISCRETIONARY:
        return LeaveRuling(
            Requirement.OPTIONAL,
            Requirement.NONE,
            contributes,
            False,
            False,
            Remittance.MEMBER_WITH_ADMINISTRATOR if contributes else Remittance.NOT_REMITTED,
            f"{_CHART}: Unpaid > 30 days - Discretionary; §1 'Discretionary Leaves'",
        )
    return LeaveRuling(
        Requirement.OPTIONAL,
        Requirement.MANDATORY_IF_MEMBER_CONTRIBUTES,
        contributes,
        contributes,
        False,
        Remittance.INVOICED if contributes else Remittance.NOT_REMITTED,
        f"{_CHART}: Unpaid > 30 days - Illness or WSIB; §1 'Illness / WSIB Leave'",
    )


def contribution_base(
    pay_before_leave: Decimal, leave_start: dt.date, on: dt.date, cola: DatedTable
) -> Decimal:
    """Pensionable pay on which leave (or LTIP) contributions are based on date ``on``.

    The pay immediately before the leave (or disability date), raised by the COLA of each
    later calendar year the leave reaches, compounded, and rounded once to the cent.
    ``cola`` is the OPTrust Select COLA table the administrator maintains (one value a
    year, effective 1 January); a missing year raises ``ParameterNotInForce``.
    Source: §1 'Leave Contributions' and 'LTIP Provisions'.
    """
    if on < leave_start:
        raise ValueError("the date is before the leave starts")
    base = pay_before_leave
    for year in range(leave_start.year + 1, on.year + 1):
        base *= 1 + cola.decimal_at(dt.date(year, 1, 1))
    return to_cents(base)


def ltip_contributions_end(
    birth_date: dt.date,
    recovery_date: dt.date | None = None,
    membership_end: dt.date | None = None,
) -> dt.date:
    """First day no LTIP contribution is owed: the earliest of the date the member ceases
    to be disabled, turns 65 and ceases to be a member (§1 'LTIP Provisions')."""
    age = parameters.load("ltip_end_age")
    turns = birthday(birth_date, age.int_at(birth_date))
    candidates = [turns]
    candidates += [day for day in (recovery_date, membership_end) if day is not None]
    return min(candidates)
