"""Buybacks (purchase of past service) in the OPSEU Pension Plan.

Sources: seeds/buybacks.txt "Buyback costs", "Application and eligibility", "Payment
options", "Open option buybacks"; deduction codes from seeds/reporting-pension-data.txt
"Buyback deductions" / "Codes" (also reference/README.md).

Cost formula ("Non-contributory service")::

    member cost   = salary rate at application x member rate (period purchased) x years
    employer cost = salary rate at application x employer rate (period purchased) x years

The OPSEU rates are integrated with the CPP, so "the rate" is applied as in the
contribution formula: the lower rate on the salary up to the YMPE and the higher rate on
the salary above it. The YMPE is the one in force on the application date, the same date as
the salary (choice, docs/rules.md). The purchased period is split at each calendar year and
each rate change; a part's years are its days / the days in that calendar year (a whole
calendar year is exactly 1), times the share bought back (for a part-time arrangement, the
hours not worked). Each cost is rounded once, to the cent, half up.

Types whose cost is actuarial give ``actuarial_quote_required`` and no member figure:
service with another plan, open option buybacks (applications after the 24-month window),
prior contributory service applied for on or after 2010-10-01, and late part-time
arrangement applications.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.rules import parameters
from pensionportal.rules.amortization import Schedule, level_payment, schedule
from pensionportal.rules.dates import add_months, year_fraction
from pensionportal.rules.money import to_cents
from pensionportal.rules.pay_cycles import Frequency, pay_periods_per_year

ZERO = Decimal("0.00")
_COSTS = "seeds/buybacks.txt 'Buyback costs'"

# Deduction codes (seeds/reporting-pension-data.txt 'Buyback deductions' / 'Codes')
CODE_MEMBER_PAYS_BOTH = "054"  # special or educational leave: member pays both shares
CODE_MEMBER_SHARE = "055"  # member's share of a matched buyback
CODE_EMPLOYER_SHARE = "056"  # employer's matching share


class ServiceType(enum.StrEnum):
    NON_CONTRIBUTORY = "non-contributory"
    PRIOR_CONTRIBUTORY = "prior-contributory"
    STATUTORY_LEAVE = "statutory-leave"  # illness/WSIB, pregnancy, parental, adoption, ESA
    SPECIAL_LEAVE = "special-leave"  # special and educational leaves
    PART_TIME = "part-time"  # temporary part-time work arrangement, hours not worked
    OTHER_PLAN = "other-plan"  # service with another registered pension plan
    OPEN_OPTION = "open-option"


@dataclass(frozen=True)
class BuybackRequest:
    service_type: ServiceType
    service_start: dt.date  # period being purchased (for a leave or arrangement: its dates)
    service_end: dt.date  # last day purchased
    annual_salary: Decimal  # full-time annual salary rate at the (complete) application date
    application_date: dt.date
    window_start: dt.date  # latter of the membership date and the last day of the leave
    share: Decimal = Decimal(1)  # share of full-time service bought (1 - ratio for part time)
    # The day the application form (1036/1030) was received: only it must arrive within the
    # 24-month window ('What is a "complete application"?'); the cost is as of the complete
    # application (``application_date``). Defaults to ``application_date``.
    received_date: dt.date | None = None

    def __post_init__(self) -> None:
        if self.service_end < self.service_start:
            raise ValueError("the purchased period ends before it starts")
        if self.annual_salary < 0:
            raise ValueError("the salary must not be negative")
        if not Decimal(0) < self.share <= Decimal(1):
            raise ValueError("the share bought back must be more than 0 and at most 1")


@dataclass(frozen=True)
class CostLine:
    start: dt.date
    end: dt.date
    years: Decimal
    member_rate_below_ympe: Decimal
    member_rate_above_ympe: Decimal
    employer_rate_below_ympe: Decimal
    employer_rate_above_ympe: Decimal


@dataclass(frozen=True)
class BuybackQuote:
    service_type: ServiceType
    actuarial_quote_required: bool
    member_cost: Decimal | None  # None when only an actuarial quote can give it
    employer_cost: Decimal
    years: Decimal
    ympe: Decimal | None
    member_deduction_code: str | None
    employer_deduction_code: str | None
    application_deadline: dt.date
    within_application_window: bool
    reason: str
    lines: tuple[CostLine, ...] = ()


def application_deadline(window_start: dt.date) -> dt.date:
    """Last day to apply: 24 months after the later of the membership date and the leave's
    last day ('Application and eligibility' / '24-month application deadline')."""
    return add_months(window_start, application_window_months(window_start))


def application_window_months(window_start: dt.date) -> int:
    return parameters.load("buyback_application_window_months").int_at(window_start)


def completion_deadline(quote_mailed: dt.date) -> dt.date:
    """Last day to complete the purchase: 10 years 3 months after the original quote was
    mailed ('Buyback costs', 'Prior contributory service')."""
    months = parameters.load("buyback_completion_window_months").int_at(quote_mailed)
    return add_months(quote_mailed, months)


def completion_window_words(quote_mailed: dt.date) -> str:
    """The completion window in words for letters and messages ("10 years and 3 months")."""
    months = parameters.load("buyback_completion_window_months").int_at(quote_mailed)
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if rest:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " and ".join(parts)


def response_days(quote_mailed: dt.date) -> int:
    """Days the member has to answer a quote mailed on ``quote_mailed``."""
    return parameters.load("buyback_agreement_response_days").int_at(quote_mailed)


def financing_terms(on: dt.date) -> tuple[Decimal, int]:
    """(least payment a pay, most years) of payroll-deduction financing on ``on``."""
    floor = parameters.load("buyback_minimum_payment_per_pay").decimal_at(on)
    return floor, parameters.load("buyback_maximum_financing_years").int_at(on)


# The OPSEU Pension Plan's contribution rates a buyback's cost is made of.
OPSEU_RATES = {
    "member_below": "opseu_member_rate_below_ympe",
    "member_above": "opseu_member_rate_above_ympe",
    "employer_below": "opseu_employer_rate_below_ympe",
    "employer_above": "opseu_employer_rate_above_ympe",
}


def _pieces(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Split [start, end] at each 1 January and each contribution-rate change."""
    tables = [parameters.load(name) for name in OPSEU_RATES.values()]
    cuts = {c for t in tables for c in t.change_dates() if start < c <= end}
    cuts |= {dt.date(y, 1, 1) for y in range(start.year + 1, end.year + 1)}
    pieces = []
    first = start
    for cut in sorted(cuts):
        pieces.append((first, cut - dt.timedelta(days=1)))
        first = cut
    pieces.append((first, end))
    return pieces


def _lines(request: BuybackRequest) -> list[CostLine]:
    lines = []
    for first, last in _pieces(request.service_start, request.service_end):
        years = year_fraction(first, last) * request.share
        rate = {key: parameters.load(name).decimal_at(first) for key, name in OPSEU_RATES.items()}
        lines.append(
            CostLine(
                first,
                last,
                years,
                rate["member_below"],
                rate["member_above"],
                rate["employer_below"],
                rate["employer_above"],
            )
        )
    return lines


def _cost(salary: Decimal, ympe: Decimal, lines: list[CostLine], who: str) -> Decimal:
    below_salary = min(salary, ympe)
    above_salary = max(salary - ympe, Decimal(0))
    total = Decimal(0)
    for line in lines:
        below = line.member_rate_below_ympe if who == "member" else line.employer_rate_below_ympe
        above = line.member_rate_above_ympe if who == "member" else line.employer_rate_above_ympe
        total += (below_salary * below + above_salary * above) * line.years
    return total


def _actuarial(
    request: BuybackRequest, deadline: dt.date, within: bool, reason: str
) -> BuybackQuote:
    return BuybackQuote(
        service_type=request.service_type,
        actuarial_quote_required=True,
        member_cost=None,
        employer_cost=ZERO,
        years=year_fraction(request.service_start, request.service_end) * request.share,
        ympe=None,
        member_deduction_code=None,
        employer_deduction_code=None,
        application_deadline=deadline,
        within_application_window=within,
        reason=reason,
    )


def quote(request: BuybackRequest) -> BuybackQuote:
    """Member and employer cost of a buyback, or 'actuarial quote required'."""
    kind = request.service_type
    deadline = application_deadline(request.window_start)
    within = (request.received_date or request.application_date) <= deadline
    applied = request.application_date

    if kind is ServiceType.OTHER_PLAN:
        return _actuarial(
            request, deadline, within, f"{_COSTS} / 'Service with another registered pension plan'"
        )
    if kind is ServiceType.OPEN_OPTION:
        return _actuarial(request, deadline, within, f"{_COSTS} / 'Open option buybacks'")
    if kind is ServiceType.PRIOR_CONTRIBUTORY:
        actuarial_from = parameters.load("prior_contributory_actuarial_from").date_at(applied)
        if applied >= actuarial_from:
            return _actuarial(
                request,
                deadline,
                within,
                f"{_COSTS} / 'Prior contributory service': applied on or after "
                f"{actuarial_from}, actuarial basis, no employer share",
            )
    if kind is ServiceType.PART_TIME:
        cutover = parameters.load("tpt_new_rules_date").date_at(request.service_start)
        if request.service_start < cutover:
            window_end = parameters.load("tpt_special_window_end").date_at(applied)
            if (request.received_date or applied) > window_end:
                return _actuarial(
                    request,
                    deadline,
                    within,
                    f"{_COSTS} / '24-month buyback window for temporary part-time work "
                    f"arrangements prior to February 1, 2022': applied after {window_end}",
                )
            # special window: contribution-rate cost with employer match, whatever the
            # general 24-month window says
            within = True
            reason = (
                f"{_COSTS} / '24-month buyback window for temporary part-time work "
                "arrangements prior to February 1, 2022'"
            )
        elif not within:
            return _actuarial(
                request,
                deadline,
                within,
                f"{_COSTS} / 'Temporary part-time work arrangements on or after February 1, "
                f"2022': applied more than {application_window_months(request.window_start)} "
                "months after the arrangement ended",
            )
        else:
            reason = f"{_COSTS} / 'Temporary part-time work arrangements on or after Feb 1, 2022'"
    elif not within:
        return _actuarial(
            request,
            deadline,
            within,
            "seeds/buybacks.txt 'Application and eligibility': the "
            f"{application_window_months(request.window_start)}-month window has expired, so "
            "only an open option (actuarial) buyback is possible",
        )
    else:
        reason = {
            ServiceType.NON_CONTRIBUTORY: f"{_COSTS} / 'Non-contributory service'",
            ServiceType.PRIOR_CONTRIBUTORY: (
                f"{_COSTS} / 'Prior contributory service' (applied before 2010-10-01)"
            ),
            ServiceType.STATUTORY_LEAVE: f"{_COSTS} / 'Unpaid leaves of absence'",
            ServiceType.SPECIAL_LEAVE: (
                f"{_COSTS} / 'Unpaid leaves of absence': special and educational leaves, "
                "the member pays both shares"
            ),
        }[kind]

    ympe = parameters.load("ympe").decimal_at(applied)
    lines = _lines(request)
    member = _cost(request.annual_salary, ympe, lines, "member")
    employer = _cost(request.annual_salary, ympe, lines, "employer")
    years = sum((line.years for line in lines), Decimal(0))
    if kind is ServiceType.SPECIAL_LEAVE:
        return BuybackQuote(
            kind,
            False,
            to_cents(member + employer),
            ZERO,
            years,
            ympe,
            CODE_MEMBER_PAYS_BOTH,
            None,
            deadline,
            within,
            reason,
            tuple(lines),
        )
    return BuybackQuote(
        kind,
        False,
        to_cents(member),
        to_cents(employer),
        years,
        ympe,
        CODE_MEMBER_SHARE,
        CODE_EMPLOYER_SHARE,
        deadline,
        within,
        reason,
        tuple(lines),
    )


# --- Payment options ('Payment options') --------------------------------------------------


@dataclass(frozen=True)
class PaymentOptions:
    lump_sum: bool
    financing: bool  # payroll deductions
    combined: bool  # lump sum(s) plus payroll deductions
    reason: str
    direct: bool = False  # post-dated cheques or regular payments straight to the plan


def payment_options(
    cost: Decimal, classified: bool, on: dt.date, on_unpaid_leave: bool = False
) -> PaymentOptions:
    """Which payment options a member has for a buyback costing ``cost``.

    A lump sum is the only option under $500. Financing (and the combined option) needs a
    cost of $500 or more and a classified (permanent) full- or part-time member who is being
    paid. Members on an unpaid leave (including WSIB or LTIP) and seasonal or unclassified
    members "may be able to make other arrangements": post-dated cheques or regular
    payments directly to the plan ('Other payment options for members').
    """
    threshold = parameters.load("buyback_lump_sum_only_below").decimal_at(on)
    if cost < threshold:
        return PaymentOptions(True, False, False, f"lump sum only below ${threshold}")
    if not classified:
        return PaymentOptions(
            True,
            False,
            False,
            "financing is only for classified full- and part-time members; a seasonal, "
            "unclassified or contract member may pay directly (post-dated cheques or regular "
            "payments)",
            direct=True,
        )
    if on_unpaid_leave:
        return PaymentOptions(
            True,
            False,
            False,
            "no payroll deductions while the member is on an unpaid leave; the member may pay "
            "directly (post-dated cheques or regular payments)",
            direct=True,
        )
    return PaymentOptions(True, True, True, "lump sum, payroll deductions or a combination")


def financed_after_lump_sum(cost: Decimal, lump_sum: Decimal, on: dt.date) -> Decimal:
    """The amount left to finance in a combined option; refuses less than $500."""
    if lump_sum <= 0 or lump_sum >= cost:
        raise ValueError("a combined option needs a lump sum above 0 and below the cost")
    remainder = to_cents(cost - lump_sum)
    minimum = parameters.load("buyback_combined_minimum_financed").decimal_at(on)
    if remainder < minimum:
        raise ValueError(f"at least ${minimum} must remain financed; {remainder} would")
    return remainder


@dataclass(frozen=True)
class CombinedAnswer:
    """Whether the rest of the cost may be financed after a given lump sum, and why."""

    allowed: bool
    lump_sum: Decimal
    remainder: Decimal
    reason: str


def combined_option(
    cost: Decimal, lump_sum: Decimal, classified: bool, on: dt.date, on_unpaid_leave: bool = False
) -> CombinedAnswer:
    """The combined lump sum / financing option for a given lump-sum part
    ('Combined lump sum / financing option'): the same rules as the quote's options, then
    at least $500 must remain to be financed."""
    remainder = to_cents(cost - lump_sum)
    options = payment_options(cost, classified, on, on_unpaid_leave)
    if lump_sum <= 0:
        return CombinedAnswer(False, lump_sum, remainder, "the lump sum must be more than $0")
    if lump_sum >= cost:
        return CombinedAnswer(
            False, lump_sum, max(remainder, ZERO), "the lump sum pays the whole cost"
        )
    if not options.combined:
        return CombinedAnswer(False, lump_sum, remainder, options.reason)
    minimum = parameters.load("buyback_combined_minimum_financed").decimal_at(on)
    if remainder < minimum:
        return CombinedAnswer(
            False,
            lump_sum,
            remainder,
            f"at least ${minimum} must remain to be financed after the lump sum; "
            f"${remainder} would",
        )
    return CombinedAnswer(
        True,
        lump_sum,
        remainder,
        f"${remainder} remains to be financed, at least the ${minimum} the combined option needs",
    )


def response_deadline(quote_mailed: dt.date) -> dt.date:
    """The member must respond to the Agreement to Purchase Credit within 45 days of its
    mailing ('Buyback procedures' step 3): the 45th day is the last."""
    return quote_mailed + dt.timedelta(days=response_days(quote_mailed))


def reminder_date(quote_mailed: dt.date) -> dt.date:
    """The day the member's reminder is written (a chosen number of days before the
    response deadline)."""
    deadline = response_deadline(quote_mailed)
    before = parameters.load("buyback_agreement_reminder_days_before").int_at(quote_mailed)
    return deadline - dt.timedelta(days=before)


def credited_years(years: Decimal, member_cost: Decimal, principal_paid: Decimal) -> Decimal:
    """Service credited for what was paid when a buyback stops before it is complete: the
    years bought in proportion to the cost paid (principal, not interest). The seeds say
    only that 'only service actually paid for by the member is billed to the employer'
    ('Employer payments'); the pro-rata credit is a choice (docs/buybacks.md)."""
    if member_cost <= 0 or principal_paid <= 0:
        return Decimal(0)
    share = min(principal_paid / member_cost, Decimal(1))
    return (years * share).quantize(Decimal("0.000001"))


def maximum_payments(frequency: Frequency, on: dt.date) -> int:
    """The most payments in the 10-year maximum financing period (whole pay periods)."""
    years = parameters.load("buyback_maximum_financing_years").decimal_at(on)
    return int(years * pay_periods_per_year(frequency, on))


def minimum_payment(
    principal: Decimal, annual_rate: Decimal, frequency: Frequency, on: dt.date
) -> Decimal:
    """The least payment a pay: $10, and enough to repay within 10 years."""
    floor = parameters.load("buyback_minimum_payment_per_pay").decimal_at(on)
    level = level_payment(principal, annual_rate, frequency, maximum_payments(frequency, on), on)
    return max(floor, level)


def financing_schedule(
    principal: Decimal,
    annual_rate: Decimal,
    frequency: Frequency,
    payment: Decimal,
    on: dt.date,
) -> Schedule:
    """A payroll-deduction schedule, refusing payments under $10 or longer than 10 years."""
    floor = parameters.load("buyback_minimum_payment_per_pay").decimal_at(on)
    if payment < floor:
        raise ValueError(f"the payment must be at least ${floor} a pay")
    plan = schedule(principal, annual_rate, frequency, payment, on)
    most = maximum_payments(frequency, on)
    if len(plan.payments) > most:
        years = parameters.load("buyback_maximum_financing_years").int_at(on)
        raise ValueError(
            f"{len(plan.payments)} payments exceed the {years}-year maximum ({most} payments)"
        )
    return plan
