"""Every lookup of remittance data goes through here (DESIGN.md house rules): 404 for
anything outside the user's organizations."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization

from .models import Invoice, Payment, ReconciliationCase, RemittanceAdvice


def organizations(user: AnyUser) -> QuerySet[Organization]:
    return access.organizations_for(user, Capability.REMITTANCES).filter(kind="employer")


def access_org(user: AnyUser, organization_id: int | str) -> Organization:
    return access.access_organization(user, organization_id, Capability.REMITTANCES)


def advices_for(user: AnyUser) -> QuerySet[RemittanceAdvice]:
    return RemittanceAdvice.objects.filter(organization__in=organizations(user)).select_related(
        "organization"
    )


def cases_for(user: AnyUser) -> QuerySet[ReconciliationCase]:
    return ReconciliationCase.objects.filter(organization__in=organizations(user)).select_related(
        "organization", "advice"
    )


def invoices_for(user: AnyUser) -> QuerySet[Invoice]:
    return Invoice.objects.filter(organization__in=organizations(user)).select_related(
        "organization", "advice"
    )


def access_advice(user: AnyUser, ref: int | str) -> RemittanceAdvice:
    return access.one_or_404(advices_for(user), ref, "remittance")


def access_case(user: AnyUser, ref: int | str) -> ReconciliationCase:
    return access.one_or_404(cases_for(user), ref, "case")


def access_invoice(user: AnyUser, ref: int | str) -> Invoice:
    return access.one_or_404(invoices_for(user), ref, "invoice")


def access_payment(user: AnyUser, ref: int | str) -> Payment:
    """Payments are matched by staff; unmatched ones belong to no organization yet."""
    if not access.is_staff_user(user):
        raise Http404("No such payment.")
    return access.one_or_404(Payment.objects.all(), ref, "payment")
