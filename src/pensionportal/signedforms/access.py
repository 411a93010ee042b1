"""Who may see which signed forms. Staff see every form; an employer's file-upload and
administrator users (the people who send its members' data) see and fill their own
organizations' forms. Another organization's form is 404. A member reaches only the one
form of their signing link (`links.open_link`), never through these helpers."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization

from .models import SignedForm

CAPABILITY = Capability.FILES


def visible_forms(user: AnyUser) -> QuerySet[SignedForm]:
    access.require(user, CAPABILITY)
    return SignedForm.objects.filter(organization__in=access.organizations_for(user, CAPABILITY))


def access_form(user: AnyUser, form_id: int | str) -> SignedForm:
    try:
        pk = int(form_id)
    except (TypeError, ValueError):
        raise Http404("No such form.") from None
    form = (
        visible_forms(user)
        .select_related("organization", "member", "created_by", "sealed_file")
        .filter(pk=pk)
        .first()
    )
    if form is None:
        raise Http404("No such form.")
    return form


def employer_organizations(user: AnyUser) -> QuerySet[Organization]:
    """Where the user may start and sign forms: their own employers (never staff's)."""
    if access.is_staff_user(user):
        return Organization.objects.none()
    return access.organizations_for(user, CAPABILITY).filter(kind="employer")


def may_act_for_employer(user: AnyUser, form: SignedForm) -> bool:
    return employer_organizations(user).filter(pk=form.organization_id).exists()
