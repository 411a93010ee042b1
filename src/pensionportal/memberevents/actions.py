"""Member-event actions: the notice of intent to retire, the employer's PA arrangement, and
the refresh after a data file is applied. One atomic action each, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import record
from pensionportal.members.models import Member, MemberStatus
from pensionportal.rules import member_events as rules

from . import sync
from .models import PaArrangement, RetirementNotice

REFRESHING_TEMPLATES = frozenset({"TER", "PRIORSVC", "PA", "PAY", "ENROL"})


class EventError(ValueError):
    """A refusal whose message says why; nothing was changed."""


@transaction.atomic
def record_retirement_notice(
    user: User,
    member: Member,
    *,
    received_on: dt.date,
    retirement_date: dt.date,
    notes: str = "",
    request: HttpRequest | None = None,
) -> RetirementNotice:
    """The member's notice of intent to retire, as given to the employer (who records it
    here) or to the administrator. Staff get the task to start the pension on time; the
    employer gets the to-do to report the retirement in its TER data."""
    access.access_organization(user, member.organization_id, Capability.FILES)
    today = timezone.localdate()
    if received_on > today:
        raise EventError("The date the notice was received cannot be in the future.")
    if retirement_date <= received_on:
        raise EventError("The retirement date must come after the notice.")
    if member.status == MemberStatus.TERMINATED:
        raise EventError("This member's membership has already ended.")
    timing = rules.notice_timing(received_on, retirement_date)
    notice = RetirementNotice.objects.create(
        member=member,
        received_on=received_on,
        retirement_date=retirement_date,
        timing=timing.value,
        notes=notes.strip()[:300],
        recorded_by=user,
    )
    record(
        "memberevents.retirement_notice_recorded",
        request=request,
        actor=user,
        organization=member.organization,
        target=f"member:{member.pk}",
        details={"retires": retirement_date.isoformat(), "timing": timing.value},
    )
    sync.refresh(member.organization, today)
    return notice


@transaction.atomic
def set_pa_arrangement(
    staff: User,
    organization: Organization,
    employer_calculates: bool,
    request: HttpRequest | None = None,
) -> PaArrangement:
    """Whether the employer calculates its own PAs (§2 'Pension Adjustment Data')."""
    access.require_staff(staff, Capability.FILES)
    arrangement, _ = PaArrangement.objects.update_or_create(
        organization=organization,
        defaults={"employer_calculates": employer_calculates, "changed_by": staff},
    )
    record(
        "memberevents.pa_arrangement_set",
        request=request,
        actor=staff,
        organization=organization,
        details={"employer_calculates": employer_calculates},
    )
    sync.refresh(organization, timezone.localdate())
    return arrangement


def on_submission_applied(organization: Organization, template: str) -> None:
    """Intake's hook after a data file is applied: the organization's items follow it."""
    if template in REFRESHING_TEMPLATES:
        sync.refresh(organization, timezone.localdate())
