"""Every lookup of reports goes through here (DESIGN.md house rules)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability

from .models import Report, ReportFile


def reports_for(user: AnyUser) -> QuerySet[Report]:
    """Reports of the organizations where the user is a payroll manager (staff: all)."""
    organizations = access.organizations_for(user, Capability.REPORTS)
    return Report.objects.filter(organization__in=organizations).select_related(
        "organization", "published_by"
    )


def access_report(user: AnyUser, report_id: int | str) -> Report:
    try:
        pk = int(report_id)
    except (TypeError, ValueError):
        raise Http404("No such report.") from None
    found = reports_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such report.")
    return found


def access_report_file(user: AnyUser, report_id: int | str, file_id: int | str) -> ReportFile:
    report = access_report(user, report_id)
    try:
        pk = int(file_id)
    except (TypeError, ValueError):
        raise Http404("No such report file.") from None
    found = report.files.filter(pk=pk).first()
    if found is None:
        raise Http404("No such report file.")
    return found
