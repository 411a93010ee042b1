"""One entry point for contributions in either plan: :func:`compute`."""

from __future__ import annotations

import datetime as dt
import enum

from pensionportal.rules import contributions_opseu, contributions_select
from pensionportal.rules.contributions_opseu import OpseuContribution
from pensionportal.rules.contributions_select import Participation, SelectContribution
from pensionportal.rules.pay_basis import HourlyPay, PayBasis, ReportedPay, SalariedPay
from pensionportal.rules.pay_cycles import Frequency

__all__ = [
    "Frequency",
    "HourlyPay",
    "OpseuContribution",
    "Participation",
    "Plan",
    "ReportedPay",
    "SalariedPay",
    "SelectContribution",
    "compute",
]


class Plan(enum.StrEnum):
    """The two plans the administrator runs: the one Plan of the code (an organization's
    `plan` field takes its values and labels, accounts/models.py)."""

    OPSEU = "opseu"
    SELECT = "select"

    @property
    def label(self) -> str:
        return "OPSEU Pension Plan" if self is Plan.OPSEU else "OPTrust Select"


def compute(
    plan: Plan,
    pay: PayBasis,
    pay_date: dt.date,
    frequency: Frequency,
    participation: Participation | None = None,
) -> OpseuContribution | SelectContribution:
    """Member and employer contributions for one pay period of ``plan``."""
    if plan is Plan.OPSEU:
        return contributions_opseu.compute(pay, pay_date, frequency)
    return contributions_select.compute(pay, pay_date, frequency, participation)
