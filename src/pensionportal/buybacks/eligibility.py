"""Who may buy back what, and a plain reason for every refusal. Pure Python.

Seeds: buybacks.txt "Types of service a member can buy back", "Unpaid leaves of absence",
"Temporary part-time work arrangements", "Application and eligibility"; select-employer-
manual.txt §3 "Buybacks". Windows, limits and dates come from `pensionportal.rules`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pensionportal.rules import buybacks as rules
from pensionportal.rules import parameters
from pensionportal.rules.buybacks import ServiceType
from pensionportal.rules.dates import days_inclusive
from pensionportal.rules.part_time import LimitedPeriod, LimitKind, limit_use

LEAVE_TYPES = frozenset({ServiceType.STATUTORY_LEAVE, ServiceType.SPECIAL_LEAVE})
LIMITED_TYPES = LEAVE_TYPES | {ServiceType.PART_TIME}
# select-employer-manual.txt §3 "Buybacks": prior employment, unpaid leaves, arrangements.
SELECT_TYPES = frozenset(
    {
        ServiceType.NON_CONTRIBUTORY,
        ServiceType.STATUTORY_LEAVE,
        ServiceType.SPECIAL_LEAVE,
        ServiceType.PART_TIME,
    }
)


def select_earliest_service(on: dt.date) -> dt.date:
    """OPTrust Select buys back "periods of post-1986 employment" (§3 'Buybacks')."""
    return parameters.load("select_prior_service_from").date_at(on)


def limit_counts_from(on: dt.date) -> dt.date:
    """The Income Tax Act limit is on post-1990 leaves (buybacks.txt 'Unpaid leaves')."""
    return parameters.load("leave_limit_service_from").date_at(on)


@dataclass(frozen=True)
class Application:
    plan: str  # "opseu" or "select"
    service_type: ServiceType
    service_start: dt.date
    service_end: dt.date
    received_date: dt.date
    membership_date: dt.date
    termination_date: dt.date | None = None
    share: Decimal = Decimal(1)
    limit_kind: LimitKind = LimitKind.GENERAL
    reduced_hours_elected: bool = False
    earlier_limited: Sequence[LimitedPeriod] = field(default_factory=tuple)


@dataclass(frozen=True)
class Decision:
    eligible: bool
    refusals: tuple[str, ...]
    window_start: dt.date
    application_deadline: dt.date
    within_window: bool
    notes: tuple[str, ...]


def window_start(service_type: ServiceType, service_end: dt.date, membership: dt.date) -> dt.date:
    """The later of the membership date and the last day of the leave (or arrangement)
    ('Application and eligibility' / '24-month application deadline')."""
    if service_type in LIMITED_TYPES:
        return max(membership, service_end)
    return membership


def limited_period(
    service_type: ServiceType,
    start: dt.date,
    end: dt.date,
    share: Decimal,
    kind: LimitKind,
) -> LimitedPeriod | None:
    """The part of a bought-back leave or arrangement that counts against the limit."""
    counts_from = limit_counts_from(start)
    if service_type not in LIMITED_TYPES or kind is LimitKind.EXEMPT or end < counts_from:
        return None
    return LimitedPeriod(max(start, counts_from), end, kind, share)


def decide(app: Application) -> Decision:
    refusals: list[str] = []
    notes: list[str] = []
    kind = app.service_type
    start = window_start(kind, app.service_end, app.membership_date)
    deadline = rules.application_deadline(start)
    within = app.received_date <= deadline

    if app.plan == "select" and kind not in SELECT_TYPES:
        refusals.append(
            "OPTrust Select members may buy back employment before their employer joined, "
            "unpaid leaves and part-time arrangements only (Employer Manual, Buybacks)."
        )
    earliest = select_earliest_service(app.service_start)
    if app.plan == "select" and app.service_start < earliest:
        refusals.append(
            f"OPTrust Select buybacks are for periods of employment after {earliest.year - 1}."
        )
    if app.service_end >= app.received_date:
        refusals.append(
            "The period bought back must have ended before the application was received."
        )
    if app.termination_date is not None and app.received_date > app.termination_date:
        refusals.append(
            "Buyback applications must be received before the member's termination or "
            f"retirement ({app.termination_date:%Y-%m-%d})."
        )
    if kind in LEAVE_TYPES:
        short = parameters.load("unpaid_leave_short_max_days").int_at(app.service_start)
        if days_inclusive(app.service_start, app.service_end) <= short:
            refusals.append(
                f"Contributions for an unpaid leave of {short} days or less are mandatory and "
                "deducted by the employer, so the leave cannot be bought back."
            )
    if kind is ServiceType.PART_TIME:
        cutover = parameters.load("tpt_new_rules_date").date_at(app.service_start)
        if app.service_start >= cutover and not app.reduced_hours_elected:
            refusals.append(
                f"For an arrangement that started on or after {cutover:%Y-%m-%d}, contributions "
                "are made on regular hours unless the member elected reduced hours in writing "
                "(form 1030), so there are no hours to buy back."
            )
    this = limited_period(kind, app.service_start, app.service_end, app.share, app.limit_kind)
    if this is not None:
        use = limit_use([*app.earlier_limited, this], app.service_end)
        if not use.within_limit:
            earlier = limit_use(app.earlier_limited, app.service_end)
            refusals.append(
                "The Income Tax Act limits leaves and reduced-hours periods bought back from "
                f"{limit_counts_from(app.service_start):%Y-%m-%d} to {use.general_limit} "
                f"years, plus {use.parental_limit} for pregnancy, "
                f"parental and adoption leaves (shared with part-time arrangements); "
                f"{earlier.general_remaining:.2f} years remain and this period needs "
                f"{this.years:.2f}."
            )
    if not within and not refusals:
        notes.append(
            f"Received after the {rules.application_window_months(start)}-month deadline "
            f"({deadline:%Y-%m-%d}): only an open option "
            "buyback at the actuarial cost is possible, with no employer share."
        )
    return Decision(not refusals, tuple(refusals), start, deadline, within, tuple(notes))
