"""Registry actions outside intake. Intake writes members through `pensionportal.submissions`."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import User
from pensionportal.audit.record import record
from pensionportal.core import crypto

from .models import Member, MemberEvent, SinView


def reveal_sin(actor: User, member: Member, reason: str, request: HttpRequest | None) -> str:
    """Staff only, with a reason; every view is written to the audit trail and the member's
    history. The SIN itself never goes into either."""
    access.require_staff(actor, Capability.SIN)
    reason = reason.strip()
    if not reason:
        raise ValueError("Say why you need the full SIN.")
    with transaction.atomic():
        SinView.objects.create(member=member, viewed_by=actor, reason=reason[:300])
        MemberEvent.objects.create(
            member=member,
            kind="SIN_VIEWED",
            summary=f"Full SIN viewed by {actor.email}",
            details={"reason": reason[:300]},
        )
        record(
            "member.sin_viewed",
            request=request,
            actor=actor,
            organization=member.organization,
            target=f"member {member.pk} ({member.employee_id})",
            details={"reason": reason[:300]},
        )
    return crypto.decrypt_text(member.sin_encrypted)


def format_sin(digits: str) -> str:
    return f"{digits[0:3]} {digits[3:6]} {digits[6:9]}" if len(digits) == 9 else digits


def record_form_event(
    member: Member,
    *,
    kind: str,
    summary: str,
    effective_date: object = None,
    details: dict[str, object] | None = None,
) -> MemberEvent:
    """A fact received on a signed form (a transfer, a statement on disability) on the
    member's history; the caller writes the audit row of its own action."""
    return MemberEvent.objects.create(
        member=member,
        kind=kind[:12],
        summary=summary[:300],
        effective_date=effective_date if isinstance(effective_date, dt.date) else None,
        details=details or {},
    )
