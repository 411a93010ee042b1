"""Demo members for the apps' demo data (an edge: only other demo modules use it)."""

from __future__ import annotations

from pensionportal.accounts.models import Organization

from .models import Member


def demo_member(
    organization: Organization,
    employee_id: str,
    sin: str,
    last: str,
    first: str,
    **values: object,
) -> Member:
    """The member with this employee ID at the organization; created with these values when
    it is not there yet, so that each demo load stays idempotent."""
    found = Member.objects.filter(organization=organization, employee_id=employee_id).first()
    if found is not None:
        return found
    return Member.objects.create(
        organization=organization,
        employee_id=employee_id,
        **Member.sin_fields(sin),
        last_name=last,
        first_name=first,
        **values,
    )
