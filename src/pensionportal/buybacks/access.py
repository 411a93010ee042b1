"""Who sees which buybacks: staff see all; employers' file-upload and administrator users see
their own organizations' members' buybacks (another organization's answer 404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability

from .models import Buyback


def visible_buybacks(user: AnyUser) -> QuerySet[Buyback]:
    access.require(user, Capability.FILES)
    return Buyback.objects.filter(
        organization__in=access.organizations_for(user, Capability.FILES)
    ).select_related("organization", "member")


def access_buyback(user: AnyUser, buyback_id: int | str) -> Buyback:
    try:
        pk = int(buyback_id)
    except (TypeError, ValueError):
        raise Http404("No such buyback.") from None
    found = visible_buybacks(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such buyback.")
    return found
