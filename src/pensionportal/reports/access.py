"""Every lookup of reports goes through here (DESIGN.md house rules)."""

from __future__ import annotations

from django.db.models import QuerySet

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
    return access.one_or_404(reports_for(user), report_id, "report")


def access_report_file(user: AnyUser, report_id: int | str, file_id: int | str) -> ReportFile:
    report = access_report(user, report_id)
    return access.one_or_404(report.files.all(), file_id, "report file")
