"""Every lookup of remittance data goes through here (DESIGN.md house rules): 404 for
anything outside the user's organizations."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization

from .models import Invoice, Payment, ReconciliationCase, RegulatorNotice, RemittanceAdvice


def organizations(user: AnyUser) -> QuerySet[Organization]:
    return access.organizations_for(user, Capability.REMITTANCES).filter(kind="employer")


def access_org(user: AnyUser, organization_id: int | str) -> Organization:
    return access.access_organization(user, organization_id, Capability.REMITTANCES)


def advices_for(user: AnyUser) -> QuerySet[RemittanceAdvice]:
    return RemittanceAdvice.objects.filter(organization__in=organizations(user)).select_related(
        "organization"
    )


def reconciliation_cases_for(user: AnyUser) -> QuerySet[ReconciliationCase]:
    return ReconciliationCase.objects.filter(organization__in=organizations(user)).select_related(
        "organization", "advice"
    )


def invoices_for(user: AnyUser) -> QuerySet[Invoice]:
    return Invoice.objects.filter(organization__in=organizations(user)).select_related(
        "organization", "advice"
    )


def access_advice(user: AnyUser, ref: int | str) -> RemittanceAdvice:
    return access.one_or_404(advices_for(user), ref, "remittance")


def access_reconciliation_case(user: AnyUser, ref: int | str) -> ReconciliationCase:
    return access.one_or_404(reconciliation_cases_for(user), ref, "case")


def access_invoice(user: AnyUser, ref: int | str) -> Invoice:
    return access.one_or_404(invoices_for(user), ref, "invoice")


def access_payment(user: AnyUser, ref: int | str) -> Payment:
    """Payments are matched by staff; unmatched ones belong to no organization yet."""
    if not access.staff_can(user, Capability.REMITTANCES):
        raise Http404("No such payment.")
    return access.one_or_404(Payment.objects.all(), ref, "payment")


def unmatched_payments(user: AnyUser) -> QuerySet[Payment]:
    """Staff only: payments matched to no remittance advice or invoice yet."""
    access.require_staff(user, Capability.REMITTANCES)
    return Payment.objects.filter(advice__isnull=True, invoice__isnull=True)


def payments_of(user: AnyUser, organization: Organization) -> QuerySet[Payment]:
    """The organization's payments, for whoever may see its remittances."""
    return Payment.objects.filter(
        organization__in=organizations(user), organization=organization
    ).select_related("advice", "invoice")


def regulator_notices(user: AnyUser) -> QuerySet[RegulatorNotice]:
    """Staff only: the notices to the regulator, latest due first."""
    access.require_staff(user, Capability.REMITTANCES)
    return RegulatorNotice.objects.select_related("organization", "advice").order_by(
        "-due_date", "-id"
    )


def access_notice(user: AnyUser, ref: int | str) -> RegulatorNotice:
    return access.one_or_404(regulator_notices(user), ref, "notice")
