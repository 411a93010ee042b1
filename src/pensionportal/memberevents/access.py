"""Lookups of member-event data for the pages, with the acting user (docs/architecture.md
"Access helpers")."""

from __future__ import annotations

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization

from .models import PaArrangement


def pa_arrangement_of(user: AnyUser, organization: Organization) -> PaArrangement | None:
    """Staff only: whether the employer calculates its own PAs (None: never set)."""
    access.require_staff(user, Capability.FILES)
    return PaArrangement.objects.filter(organization=organization).first()
