"""Deadlines that follow from a member's life events and from the employer's yearly data.

Sources: seeds/select-employer-manual.txt Section 3 "Ending Employment" ("Termination",
"Retirement") and Section 2 "Prior Service Data", "Pension Adjustment Data". Every period is
a dated parameter (``rules/parameters``); these functions only count.

* Termination: the statement of benefits and options is due 30 days after the termination
  of employment. The administrator learns of it from the TER data, so the due date is
  counted from the later of the termination date and the day the TER data arrived (a TER
  sent late cannot make an earlier deadline; choice, docs/memberevents.md).
* Retirement: the member's notice of intent to retire is expected four to six months before
  the retirement date; the pension must start by the end of November of the year the member
  turns 71 (``rules.membership.retirement_dates``), listed for staff and the employer from
  six months before (a choice, ``pension_start_listing_months``).
* Prior service data: due 30 days after the employer's plan participation date.
* Pension adjustments: the administrator calculates them within 15 business days of
  receiving all of the tax year's data; an employer that calculates its own sends the PA
  file within 5 business days after the CRA T4 deadline (the last day of February of the
  following year, moved to the next business day when it is not one).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from pensionportal.rules import parameters
from pensionportal.rules.business_days import add_business_days, is_business_day
from pensionportal.rules.dates import add_months, end_of_month
from pensionportal.rules.membership import retirement_dates


def _n(name: str, on: dt.date) -> int:
    return parameters.load(name).int_at(on)


def termination_statement_due(termination_date: dt.date, reported_on: dt.date) -> dt.date:
    """Statement of benefits and options: 30 days after the termination, counted from the
    later of the termination date and the day the TER data was received."""
    start = max(termination_date, reported_on)
    return start + dt.timedelta(days=_n("termination_statement_days", termination_date))


class NoticeTiming(enum.StrEnum):
    EARLY = "early"  # more than six months before the retirement date
    ON_TIME = "on time"
    LATE = "late"  # less than four months before: the pension may not start on time


@dataclass(frozen=True)
class RetirementNoticeWindow:
    earliest: dt.date  # six months before the retirement date
    latest: dt.date  # four months before


def retirement_notice_window(retirement_date: dt.date) -> RetirementNoticeWindow:
    """When the notice of intent to retire should be given (§3 'Retirement')."""
    earliest = _n("retirement_notice_earliest_months", retirement_date)
    latest = _n("retirement_notice_latest_months", retirement_date)
    return RetirementNoticeWindow(
        add_months(retirement_date, -earliest), add_months(retirement_date, -latest)
    )


def notice_timing(received: dt.date, retirement_date: dt.date) -> NoticeTiming:
    window = retirement_notice_window(retirement_date)
    if received < window.earliest:
        return NoticeTiming.EARLY
    if received > window.latest:
        return NoticeTiming.LATE
    return NoticeTiming.ON_TIME


@dataclass(frozen=True)
class PensionStartDeadline:
    deadline: dt.date  # the end of November of the year the member turns 71
    listed_from: dt.date  # the first day the member is listed for staff and the employer


def pension_start_deadline(birth_date: dt.date) -> PensionStartDeadline:
    deadline = retirement_dates(birth_date).latest_start
    months = _n("pension_start_listing_months", deadline)
    return PensionStartDeadline(deadline, add_months(deadline, -months))


def prior_service_due(participation_date: dt.date) -> dt.date:
    """PRIORSVC data: 30 days after the employer's plan participation date (§2)."""
    return participation_date + dt.timedelta(days=_n("prior_service_data_days", participation_date))


def pa_calculation_due(all_data_received: dt.date) -> dt.date:
    """The administrator's PA calculation: 15 business days after all of the tax year's
    data is received (§2 'Pension Adjustment Data')."""
    return add_business_days(
        all_data_received, _n("pa_calculation_business_days", all_data_received)
    )


def cra_t4_deadline(tax_year: int) -> dt.date:
    """The T4 return (with the PAs) for ``tax_year``: the last day of February of the next
    year, or the next business day when that day is not one (CRA RC4120)."""
    first = dt.date(tax_year + 1, 1, 1)
    day = end_of_month(dt.date(tax_year + 1, _n("cra_t4_filing_month", first), 1))
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def employer_pa_file_due(tax_year: int) -> dt.date:
    """An employer that calculates its own PAs sends the PA file 5 business days after the
    CRA deadline (§2 'Pension Adjustment Data')."""
    deadline = cra_t4_deadline(tax_year)
    return add_business_days(deadline, _n("employer_pa_file_business_days", deadline))
