"""`{% member_elections member as elections %}`: the member's elections for the acting user
(through missed.access)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet

from pensionportal.members.models import Member

from ..access import elections_visible, staff_facts_visible
from ..models import Election

register = template.Library()


@register.simple_tag(takes_context=True)
def member_elections(context: dict[str, Any], member: Member) -> QuerySet[Election]:
    request = context.get("request")
    if request is None:
        return Election.objects.none()
    return elections_visible(request.user, member)


@register.simple_tag(takes_context=True)
def member_missed_facts(context: dict[str, Any], member: Member) -> dict[str, list[Any]]:
    """`{% member_missed_facts member as facts %}`: bridging leaves and transfers found at
    another plan (facts staff recorded), for the acting user."""
    request = context.get("request")
    if request is None:
        return {"bridging": [], "wrong_plan": []}
    bridging, wrong_plan = staff_facts_visible(request.user, member)
    return {"bridging": bridging, "wrong_plan": wrong_plan}
