"""What buybacks does when another app's fact is published (core/events.py)."""

from __future__ import annotations

from pensionportal.core.events import MemberEnrolled
from pensionportal.members.models import Member

from . import actions


def quote_prior_service(event: MemberEnrolled) -> None:
    """A member enrolled after continuous employment began: the automatic quote for the
    prior non-contributory service (buybacks.txt 'Automatic quotes')."""
    if event.hire_date >= event.membership_date:
        return  # no prior service: spare reading the member
    member = Member.objects.select_related("organization").get(pk=event.member_id)
    actions.on_member_enrolled(member)
