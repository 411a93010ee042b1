"""Who may see which signed forms. Staff see every form; an employer's file-upload and
administrator users (the people who send its members' data) see and fill their own
organizations' forms. Another organization's form is 404. A member reaches only the one
form of their signing link (`links.open_link`), never through these helpers."""

from __future__ import annotations

from django.db.models import QuerySet

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization

from .models import MembershipWaiver, ReemploymentEarnings, SignedForm

CAPABILITY = Capability.FILES


def visible_forms(user: AnyUser) -> QuerySet[SignedForm]:
    access.require(user, CAPABILITY)
    return SignedForm.objects.filter(organization__in=access.organizations_for(user, CAPABILITY))


def access_form(user: AnyUser, form_id: int | str) -> SignedForm:
    forms = visible_forms(user).select_related(
        "organization", "member", "created_by", "sealed_file"
    )
    return access.one_or_404(forms, form_id, "form")


def waivers_for(user: AnyUser) -> QuerySet[MembershipWaiver]:
    """Waivers of membership (1074) on record, of the organizations whose forms the user
    may see."""
    access.require(user, CAPABILITY)
    return access.visible_to(
        user, MembershipWaiver.objects.select_related("organization", "form"), CAPABILITY
    )


def earnings_for(user: AnyUser) -> QuerySet[ReemploymentEarnings]:
    """Re-employment earnings (1008) on record, likewise."""
    access.require(user, CAPABILITY)
    return access.visible_to(
        user, ReemploymentEarnings.objects.select_related("organization", "form"), CAPABILITY
    )


def employer_organizations(user: AnyUser) -> QuerySet[Organization]:
    """Where the user may start and sign forms: their own employers (never staff's)."""
    if access.is_staff_user(user):
        return Organization.objects.none()
    return access.organizations_for(user, CAPABILITY).filter(kind="employer")


def may_act_for_employer(user: AnyUser, form: SignedForm) -> bool:
    return employer_organizations(user).filter(pk=form.organization_id).exists()
