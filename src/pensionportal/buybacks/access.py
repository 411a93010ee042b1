"""Who sees which buybacks: staff see all; employers' file-upload and administrator users see
their own organizations' members' buybacks (another organization's answer 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization, OrganizationKind

from .models import (
    Buyback,
    BuybackLetter,
    DeductionDirection,
    DeductionFileEmployer,
    DeductionFileRun,
    DeductionProblem,
    TaxNoticeRun,
)


def visible_buybacks(user: AnyUser) -> QuerySet[Buyback]:
    access.require(user, Capability.BUYBACKS)
    return access.visible_to(user, Buyback.objects.all(), Capability.BUYBACKS).select_related(
        "organization", "member"
    )


def access_buyback(user: AnyUser, buyback_id: int | str) -> Buyback:
    return access.one_or_404(visible_buybacks(user), buyback_id, "buyback")


def employers(user: AnyUser) -> QuerySet[Organization]:
    """The active employers whose buybacks the user may work on."""
    return access.organizations_for(user, Capability.FILES).filter(
        kind=OrganizationKind.EMPLOYER, is_active=True
    )


def deduction_file_employers(user: AnyUser) -> QuerySet[Organization]:
    """Those of them whose payroll takes the deduction file."""
    taking = DeductionFileEmployer.objects.filter(enabled=True).values("organization_id")
    return employers(user).filter(pk__in=taking)


def deduction_runs_for(user: AnyUser) -> QuerySet[DeductionFileRun]:
    return access.visible_to(user, DeductionFileRun.objects.all(), Capability.FILES)


def deduction_problems_for(user: AnyUser) -> QuerySet[DeductionProblem]:
    """Problems reported with deduction files of the user's organizations."""
    return access.visible_to(
        user,
        DeductionProblem.objects.select_related("line__run", "line__direction__buyback__member"),
        Capability.FILES,
        organization_field="line__run__organization",
    )


def directions_of(buyback: Buyback) -> QuerySet[DeductionDirection]:
    """A buyback's deduction directions, newest first (the buyback came from access_buyback)."""
    return buyback.directions.order_by("-issued_at", "-id")


def problems_of(buyback: Buyback) -> QuerySet[DeductionProblem]:
    """Problems reported with a buyback's deduction lines (the buyback came from
    access_buyback)."""
    return DeductionProblem.objects.filter(line__direction__buyback=buyback).select_related(
        "line__run"
    )


def access_letter(user: AnyUser, letter_id: int | str) -> BuybackLetter:
    """Staff only: a letter to a member, with its stored file (404 when it has none)."""
    access.require_staff(user, Capability.BUYBACKS)
    letters = BuybackLetter.objects.filter(file__isnull=False).select_related("file")
    return access.one_or_404(letters, letter_id, "letter")


def tax_notice_runs(user: AnyUser, year: int) -> QuerySet[TaxNoticeRun]:
    """Staff only: the employer tax notices sent for ``year``."""
    access.require_staff(user, Capability.BUYBACKS)
    return TaxNoticeRun.objects.filter(year=year).select_related("organization")
