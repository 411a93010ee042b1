"""Who reports what to the CRA for a buyback: T4A or T4 for each payment, and the pension
adjustment (PA) for the service bought.

Source: seeds/buybacks.txt "Pension adjustments", "Leaves of absence and temporary
part-time work arrangements", "Non-contributory service", "T4 tax reporting", "Buyback
procedures" steps 5 and 6.

* **Payments.** The administrator gives the member a T4A by mid-February for buyback
  payments made in the previous year: for CORPAY employers every payment (payroll, monthly,
  quarterly, lump sum); for non-CORPAY employers only the payments the member made directly
  (monthly, quarterly, lump sum). A non-CORPAY employer reports payroll deductions on the
  member's T4.
* **PA.** Buybacks of post-1989 service can reduce RRSP room. For a leave of absence or a
  temporary part-time work arrangement that ended in tax year Y, the administrator
  calculates the PA, reports it to the CRA and issues a T4A, when the signed Agreement to
  Purchase Credit (1017) was received before April 30 of Y + 1 (and, for a non-CORPAY
  employer, the member pays by lump sum). In every other case where a PA is required
  (other leaves and arrangements, prior non-contributory service, and the other types of
  post-1989 service) the administrator asks the employer to amend the PA on the T4.
  The employer also reports the PA for the reduced hours worked during an arrangement.

"CORPAY employer" is an employer whose payroll takes the administrator's deduction file
(seeds/buybacks.txt "Payroll deductions": "For CORPAY employers, OPTrust's Data Management
Group sends a deduction file"). The amount of a PA is not computed here: the seeds give no
formula for it.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from pensionportal.rules import parameters
from pensionportal.rules.buybacks import ServiceType
from pensionportal.rules.member_events import cra_t4_deadline

_SEED = "seeds/buybacks.txt"
LEAVE_OR_ARRANGEMENT = frozenset(
    {ServiceType.STATUTORY_LEAVE, ServiceType.SPECIAL_LEAVE, ServiceType.PART_TIME}
)


class PaymentMethod(enum.StrEnum):
    PAYROLL = "payroll"  # payroll deductions
    DIRECT = "direct"  # monthly or quarterly payments made directly to the plan
    LUMP_SUM = "lump_sum"


class Slip(enum.StrEnum):
    T4A_BY_ADMINISTRATOR = "T4A issued by the administrator"
    T4_BY_EMPLOYER = "reported by the employer on the member's T4"


@dataclass(frozen=True)
class PaymentReporting:
    slip: Slip
    tax_year: int
    due: dt.date
    reason: str

    @property
    def by_employer(self) -> bool:
        return self.slip is Slip.T4_BY_EMPLOYER


def t4a_due(tax_year: int) -> dt.date:
    """Mid-February of the year after the payments (read as 15 February)."""
    first = dt.date(tax_year + 1, 1, 1)
    month = parameters.load("buyback_t4a_month").int_at(first)
    day = parameters.load("buyback_t4a_day").int_at(first)
    return dt.date(tax_year + 1, month, day)


def payment_reporting(method: PaymentMethod, paid_on: dt.date, corpay: bool) -> PaymentReporting:
    """Who reports one buyback payment ('T4 tax reporting', 'Buyback procedures' step 6)."""
    year = paid_on.year
    if method is PaymentMethod.PAYROLL and not corpay:
        return PaymentReporting(
            Slip.T4_BY_EMPLOYER,
            year,
            cra_t4_deadline(year),
            f"{_SEED} 'T4 tax reporting': non-CORPAY employers must report any buyback "
            "payments made through payroll deduction on the individual's annual T4",
        )
    kind = "all payroll, monthly, quarterly and lump sum" if corpay else "direct"
    who = "CORPAY employer" if corpay else "non-CORPAY employer: a payment made directly"
    return PaymentReporting(
        Slip.T4A_BY_ADMINISTRATOR,
        year,
        t4a_due(year),
        f"{_SEED} 'T4 tax reporting' ({who}): the administrator reports {kind} buyback "
        "payments on a T4A by mid-February",
    )


class PaFiler(enum.StrEnum):
    ADMINISTRATOR = "administrator files the PA with the CRA and issues a T4A"
    EMPLOYER_AMENDS = "PA amendment request to the employer (amend the PA on the T4)"
    NONE = "no PA"


@dataclass(frozen=True)
class PaResponsibility:
    filer: PaFiler
    tax_year: int | None
    reason: str
    agreement_cutoff: dt.date | None = None  # the 1017 must be received before this day
    employer_reports_reduced_hours: bool = False  # part-time: PA for the hours worked

    @property
    def administrator_files(self) -> bool:
        return self.filer is PaFiler.ADMINISTRATOR


def agreement_cutoff(tax_year: int) -> dt.date:
    """April 30 of the year after the leave or arrangement ended: the signed 1017 must be
    received before it."""
    first = dt.date(tax_year + 1, 1, 1)
    month = parameters.load("buyback_pa_agreement_month").int_at(first)
    day = parameters.load("buyback_pa_agreement_day").int_at(first)
    return dt.date(tax_year + 1, month, day)


@dataclass(frozen=True)
class Purchase:
    service_type: ServiceType
    service_start: dt.date
    service_end: dt.date
    agreement_received: dt.date | None  # the signed 1017
    corpay: bool
    lump_sum: bool  # the member pays by lump sum only


def pa_responsibility(purchase: Purchase) -> PaResponsibility:
    """Who reports the buyback-related PA ('Pension adjustments', step 5)."""
    first_day = parameters.load("pension_adjustment_service_from").date_at(purchase.service_end)
    if purchase.service_end < first_day:
        return PaResponsibility(
            PaFiler.NONE,
            None,
            f"{_SEED} 'Pension adjustments': only benefits earned after 1989 reduce RRSP room; "
            f"this service ends {purchase.service_end.isoformat()}",
        )
    part_time = purchase.service_type is ServiceType.PART_TIME
    if purchase.service_type in LEAVE_OR_ARRANGEMENT:
        year = purchase.service_end.year
        cutoff = agreement_cutoff(year)
        signed_in_time = (
            purchase.agreement_received is not None and purchase.agreement_received < cutoff
        )
        if signed_in_time and (purchase.corpay or purchase.lump_sum):
            return PaResponsibility(
                PaFiler.ADMINISTRATOR,
                year,
                f"{_SEED} 'Leaves of absence and temporary part-time work arrangements': the "
                f"leave or arrangement ended in {year} and the signed 1017 was received before "
                f"{cutoff.isoformat()}"
                + ("" if purchase.corpay else ", paid by lump sum (non-CORPAY)"),
                cutoff,
                part_time,
            )
        why = (
            "the signed 1017 has not been received"
            if purchase.agreement_received is None
            else (
                f"the signed 1017 was received on {purchase.agreement_received.isoformat()}, not "
                f"before {cutoff.isoformat()}"
                if not signed_in_time
                else "a non-CORPAY employer's member is not paying by lump sum"
            )
        )
        return PaResponsibility(
            PaFiler.EMPLOYER_AMENDS,
            year,
            f"{_SEED} 'Buyback procedures' step 5: for all other leaves and arrangements the "
            f"administrator asks the employer to amend the PA ({why})",
            cutoff,
            part_time,
        )
    year = (purchase.agreement_received or purchase.service_end).year
    if purchase.service_type is ServiceType.NON_CONTRIBUTORY:
        reason = (
            f"{_SEED} 'Non-contributory service': the administrator provides the employer "
            "with the information to amend the PA"
        )
    else:
        reason = (
            f"{_SEED} 'Leaves of absence and temporary part-time work arrangements': for all "
            "other cases where a PA is required, a request to the employer to amend the PA"
        )
    return PaResponsibility(PaFiler.EMPLOYER_AMENDS, year, reason)
