"""`{% retirement_notices member as notices %}` for the member page (through the access
helper: whoever may see the member)."""

from __future__ import annotations

from typing import Any

from django import template

from pensionportal.members.access import visible_members
from pensionportal.members.models import Member

from ..models import RetirementNotice

register = template.Library()


@register.simple_tag(takes_context=True)
def retirement_notices(context: dict[str, Any], member: Member) -> list[RetirementNotice]:
    request = context.get("request")
    if request is None or not visible_members(request.user).filter(pk=member.pk).exists():
        return []
    return list(RetirementNotice.objects.filter(member=member))
