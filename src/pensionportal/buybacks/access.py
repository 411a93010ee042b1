"""Who sees which buybacks: staff see all; employers' file-upload and administrator users see
their own organizations' members' buybacks (another organization's answer 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability

from .models import Buyback


def visible_buybacks(user: AnyUser) -> QuerySet[Buyback]:
    access.require(user, Capability.FILES)
    return Buyback.objects.filter(
        organization__in=access.organizations_for(user, Capability.FILES)
    ).select_related("organization", "member")


def access_buyback(user: AnyUser, buyback_id: int | str) -> Buyback:
    return access.one_or_404(visible_buybacks(user), buyback_id, "buyback")
