"""Notices to the regulator (FSRA) of contributions not paid when due.

Seeds: remittance-timing.txt 'Notice to Regulator' ("If contributions are not paid when
due, OPTrust is required to notify the provincial regulator, the Financial Services
Commission of Ontario (FSCO) in accordance with the Pension Benefits Act");
select-employer-manual.txt §1 'Notice to Regulator' (the same, naming FSCO's successor,
the Financial Services Regulatory Authority of Ontario, FSRA). "When due" is the
contribution due date: five business days after the deduction (rules.deadlines).

Each pay period not paid in full by its due date gets one notice, drafted by the daily job
on the first day after the due date, with what was owed, what had been paid by the due date
and what was unpaid then by kind (payments go to member contributions first, as on the
invoice). Staff review it (or withdraw it with a reason, e.g. money received but matched
late), then record the day it was filed and the regulator's reference. A payment received
later is shown beside it (``paid_in_full_on``); the notice stays, because the contributions
were not paid when due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import record
from pensionportal.rules.deadlines import ContributionKind
from pensionportal.worklist import actions as worklist
from pensionportal.worklist.actions import TaskSpec
from pensionportal.worklist.models import Audience

from . import invoicing
from .models import ZERO, NoticeStatus, RegulatorNotice, RemittanceAdvice
from .timing import PeriodTiming, period_timing

SYSTEM = "system:remittances"
# Not a plan rule: how far back the daily job looks for pay periods to notify.
LOOK_BACK_DAYS = 400
SOURCE = (
    "seeds/remittance-timing.txt and select-employer-manual.txt §1 'Notice to Regulator' "
    "(Pension Benefits Act)"
)


class NoticeError(ValueError):
    """A refusal whose message says why; nothing was changed."""


@dataclass(frozen=True)
class UnpaidAtDue:
    member: Decimal
    employer: Decimal
    ltip: Decimal


def unpaid_at_due(advice: RemittanceAdvice, timing: PeriodTiming) -> UnpaidAtDue:
    owed = invoicing.principal_by_kind(advice)
    due = timing.deadlines.contributions_due
    payments = [(p.received_on, p.amount) for p in advice.payments.all() if p.received_on <= due]
    pieces = invoicing.allocate(owed, payments)
    left = {kind: owed[kind] - sum((a for _, a in pieces[kind]), ZERO) for kind in owed}
    return UnpaidAtDue(
        max(left[ContributionKind.MEMBER], ZERO),
        max(left[ContributionKind.EMPLOYER], ZERO),
        max(left[ContributionKind.LTIP], ZERO),
    )


def _task_key(notice: RegulatorNotice) -> str:
    return f"regulator-notice:{notice.pk}"


def _task(notice: RegulatorNotice) -> TaskSpec:
    return TaskSpec(
        key=_task_key(notice),
        kind="regulator_notice",
        category="Notice to the regulator (FSRA)",
        audience=Audience.STAFF,
        organization_id=notice.organization_id,
        title=f"{notice.reference}: review and file the notice of contributions not paid when due",
        detail=(
            f"pay date {notice.advice.pay_date:%Y-%m-%d}, due {notice.due_date:%Y-%m-%d}, "
            f"${notice.unpaid_at_due:,.2f} unpaid on the due date"
        ),
        subject=notice.organization.name,
        due_date=notice.detected_on,
        url=reverse("remittances:regulator_notice", args=[notice.pk]),
        source=SOURCE,
        closable_by_staff=False,
    )


def draft_notices(today: dt.date, organization: Organization | None = None) -> int:
    """A draft notice for every pay period not paid in full by its due date that has none
    (of one employer, or of all); refreshes the date paid in full of the open ones. Returns
    the number drafted."""
    drafted = 0
    # A period is judged once its due date has passed; the daily job looks back far enough
    # to cover any gap in its runs without re-reading every year of history each day.
    advices = (
        RemittanceAdvice.objects.filter(
            organization__kind="employer",
            pay_date__lt=today,
            pay_date__gte=today - dt.timedelta(days=LOOK_BACK_DAYS),
        )
        .select_related("organization")
        .prefetch_related("payments")
        .order_by("pay_date", "id")
    )
    notices = RegulatorNotice.objects.all()
    if organization is not None:
        advices = advices.filter(organization=organization)
        notices = notices.filter(organization=organization)
    existing = {n.advice_id: n for n in notices}
    for advice in advices:
        timing = period_timing(advice, today)
        notice = existing.get(advice.pk)
        if notice is not None:
            if notice.paid_in_full_on != timing.paid_in_full_on:
                notice.paid_in_full_on = timing.paid_in_full_on
                notice.save(update_fields=["paid_in_full_on"])
            continue
        if not timing.remittance_late or timing.expected <= 0:
            continue
        unpaid = unpaid_at_due(advice, timing)
        with transaction.atomic():
            notice = RegulatorNotice.objects.create(
                organization=advice.organization,
                advice=advice,
                due_date=timing.deadlines.contributions_due,
                amount_due=timing.expected,
                paid_by_due=timing.paid_by_due,
                member_unpaid=unpaid.member,
                employer_unpaid=unpaid.employer,
                ltip_unpaid=unpaid.ltip,
                paid_in_full_on=timing.paid_in_full_on,
                detected_on=today,
            )
            record(
                "remittances.regulator_notice_drafted",
                actor_email=SYSTEM,
                organization=advice.organization,
                target=notice.reference,
                details={
                    "pay_date": advice.pay_date.isoformat(),
                    "due": notice.due_date.isoformat(),
                    "unpaid_at_due": f"{notice.unpaid_at_due:.2f}",
                },
            )
            worklist.sync(_task(notice), today)
        drafted += 1
    return drafted


def _locked_in(staff: User, notice: RegulatorNotice, status: str, refusal: str) -> RegulatorNotice:
    """The notice, locked for a staff change that only a notice in ``status`` may take."""
    access.require_staff(staff, Capability.REMITTANCES)
    locked = RegulatorNotice.objects.select_for_update().get(pk=notice.pk)
    if locked.status != status:
        raise NoticeError(refusal)
    return locked


@transaction.atomic
def review_notice(
    staff: User,
    notice: RegulatorNotice,
    *,
    withdraw: bool,
    note: str,
    request: HttpRequest | None = None,
) -> RegulatorNotice:
    """Staff checked the draft: ready to file, or withdrawn (with the reason)."""
    locked = _locked_in(staff, notice, NoticeStatus.DRAFT, "Only a drafted notice is reviewed.")
    if withdraw and not note.strip():
        raise NoticeError("Say why the notice is withdrawn.")
    today = timezone.localdate()
    locked.status = NoticeStatus.WITHDRAWN if withdraw else NoticeStatus.REVIEWED
    locked.reviewed_on = today
    locked.reviewed_by = staff
    locked.review_note = note.strip()[:500]
    locked.save(update_fields=["status", "reviewed_on", "reviewed_by", "review_note"])
    record(
        "remittances.regulator_notice_withdrawn"
        if withdraw
        else "remittances.regulator_notice_reviewed",
        request=request,
        actor=staff,
        organization=locked.organization,
        target=locked.reference,
    )
    if withdraw:
        worklist.cancel(_task_key(locked), today, f"Withdrawn: {locked.review_note}")
    return locked


@transaction.atomic
def record_filing(
    staff: User,
    notice: RegulatorNotice,
    *,
    filed_on: dt.date,
    reference: str,
    request: HttpRequest | None = None,
) -> RegulatorNotice:
    """The notice was filed with the regulator on ``filed_on`` (its reference, if given)."""
    locked = _locked_in(
        staff,
        notice,
        NoticeStatus.REVIEWED,
        "Review the notice before recording that it was filed.",
    )
    if filed_on > timezone.localdate():
        raise NoticeError("The filing date cannot be in the future.")
    if locked.reviewed_on is not None and filed_on < locked.reviewed_on:
        raise NoticeError(
            f"The filing date cannot be before the review ({locked.reviewed_on:%Y-%m-%d})."
        )
    locked.status = NoticeStatus.FILED
    locked.filed_on = filed_on
    locked.filed_by = staff
    locked.filing_reference = reference.strip()[:60]
    locked.save(update_fields=["status", "filed_on", "filed_by", "filing_reference"])
    record(
        "remittances.regulator_notice_filed",
        request=request,
        actor=staff,
        organization=locked.organization,
        target=locked.reference,
        details={"filed_on": filed_on.isoformat()},
    )
    worklist.close(_task_key(locked), filed_on, f"Filed on {filed_on:%Y-%m-%d}.", staff)
    return locked
