"""Every lookup of reports goes through here (DESIGN.md house rules)."""

from __future__ import annotations

from django.db.models import QuerySet

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import User

from .models import Report, ReportFile, ReportRead


def reports_for(user: AnyUser) -> QuerySet[Report]:
    """Reports of the organizations where the user is a payroll manager (staff: all)."""
    organizations = access.organizations_for(user, Capability.REPORTS)
    return Report.objects.filter(organization__in=organizations).select_related(
        "organization", "published_by"
    )


def read_report_ids(user: User, report_ids: list[int]) -> set[int]:
    """Which of these reports the user has opened."""
    return set(
        ReportRead.objects.filter(user=user, report_id__in=report_ids).values_list(
            "report_id", flat=True
        )
    )


def access_report(user: AnyUser, report_id: int | str) -> Report:
    return access.one_or_404(reports_for(user), report_id, "report")


def access_report_file(user: AnyUser, report_id: int | str, file_id: int | str) -> ReportFile:
    report = access_report(user, report_id)
    return access.one_or_404(report.files.all(), file_id, "report file")
