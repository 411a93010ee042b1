"""Deadlines for remittances, data, delinquency, invoices and reconciliation.

Sources: seeds/remittance-timing.txt (Timing, Late Remittance, Reconciliation / Audit);
seeds/select-employer-manual.txt §1 'Payments' and §2 'Timing';
seeds/reporting-pension-data.txt 'Missed mandatory contributions' / 'Procedures'.

Business days are Ontario business days (:mod:`pensionportal.rules.business_days`).
"N business days from a date" counts the business days after that date: a Friday pay date
with 5 business days is due the next Friday (later if a holiday intervenes).

Delinquency start dates are the first day of delinquency; interest runs from that day to
the day the money is received (see :mod:`pensionportal.rules.interest`).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from pensionportal.rules import parameters
from pensionportal.rules.business_days import add_business_days
from pensionportal.rules.dates import add_months, end_of_month


def _n(name: str, on: dt.date) -> int:
    return parameters.load(name).int_at(on)


def contribution_due_date(pay_date: dt.date) -> dt.date:
    """Member and employer contributions are due 5 business days after the deduction."""
    return add_business_days(pay_date, _n("contribution_remittance_business_days", pay_date))


def data_due_date(pay_date: dt.date) -> dt.date:
    """Pay-cycle data is due 5 business days after the contributions are due (§2 'Timing')."""
    due = contribution_due_date(pay_date)
    return add_business_days(due, _n("data_submission_business_days", pay_date))


class ContributionKind(enum.StrEnum):
    MEMBER = "member"
    EMPLOYER = "employer"  # employer regular and special contributions
    LTIP = "ltip"  # both shares, paid by the employer, deemed deducted on the pay date


def delinquency_start(kind: ContributionKind, deduction_date: dt.date) -> dt.date:
    """First day of delinquency.

    Member contributions: 15 days after the deduction. Employer contributions, and LTIP
    contributions (deemed deducted from pay): the end of the month following the month of
    the deduction.
    """
    if kind is ContributionKind.MEMBER:
        return deduction_date + dt.timedelta(days=_n("member_delinquency_days", deduction_date))
    months = _n("employer_delinquency_months", deduction_date)
    return end_of_month(add_months(deduction_date.replace(day=1), months))


def invoice_due_date(invoice_date: dt.date) -> dt.date:
    """A late-contribution invoice must be paid within 10 business days of its date."""
    return add_business_days(invoice_date, invoice_payment_business_days(invoice_date))


def invoice_payment_business_days(invoice_date: dt.date) -> int:
    return _n("invoice_payment_business_days", invoice_date)


def reconciliation_notice_by(received: dt.date) -> dt.date:
    """Discrepancies are notified within 60 days of receipt of the contributions."""
    return received + dt.timedelta(days=_n("reconciliation_notice_days", received))


def reconciliation_due_date(notified: dt.date) -> dt.date:
    """The employer has 30 days from the notice to reconcile a discrepancy."""
    return notified + dt.timedelta(days=_n("reconciliation_response_days", notified))


def missed_mandatory_employer_due_date(invoice_date: dt.date) -> dt.date:
    """90 days from the end of the month in which the missed mandatory invoice is dated."""
    days = _n("missed_mandatory_employer_days", invoice_date)
    return end_of_month(invoice_date) + dt.timedelta(days=days)


def missed_mandatory_member_due_date(letter_date: dt.date) -> dt.date:
    """The member has 45 days after OPTrust's letter to pay."""
    return letter_date + dt.timedelta(days=_n("missed_mandatory_member_days", letter_date))


def pension_partner_reply_by(asked: dt.date) -> dt.date:
    """The Pension Partner answers within two business days (§4 'Pension Partner')."""
    return add_business_days(asked, _n("pension_partner_response_business_days", asked))


def inquiry_escalation_date(asked: dt.date) -> dt.date:
    """An inquiry of the administrator not answered or acknowledged within five business
    days may be escalated within the employer's organization (§4 'Pension Partner')."""
    return add_business_days(asked, _n("inquiry_escalation_business_days", asked))


@dataclass(frozen=True)
class PayDateDeadlines:
    pay_date: dt.date
    contributions_due: dt.date
    data_due: dt.date
    member_delinquent_from: dt.date
    employer_delinquent_from: dt.date


def for_pay_date(pay_date: dt.date) -> PayDateDeadlines:
    """All the deadlines that follow from one pay (deduction) date."""
    return PayDateDeadlines(
        pay_date=pay_date,
        contributions_due=contribution_due_date(pay_date),
        data_due=data_due_date(pay_date),
        member_delinquent_from=delinquency_start(ContributionKind.MEMBER, pay_date),
        employer_delinquent_from=delinquency_start(ContributionKind.EMPLOYER, pay_date),
    )
