"""A submission's problem report (CSV and XLSX, with the original rows), built by
`pensionportal.datafiles.report` from the stored problems: formula-like values escaped,
SINs masked."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, StreamingHttpResponse

from pensionportal.accounts.models import User
from pensionportal.datafiles import report
from pensionportal.datafiles.model import ParsedFile, Unreadable
from pensionportal.datafiles.problems import Problem
from pensionportal.datafiles.problems import Severity as ProblemSeverity
from pensionportal.files.serving import serve_generated

from .intake import read_submission
from .models import Severity, Submission


def _problems(submission: Submission) -> list[Problem]:
    return [
        Problem(
            row=None if p.row is None else p.row + submission.row_offset,
            column=p.column or None,
            value=p.value,
            rule=p.rule,
            message=p.message,
            severity=ProblemSeverity.ERROR
            if p.severity == Severity.ERROR
            else ProblemSeverity.WARNING,
        )
        for p in submission.problems.all().order_by("row", "id")
    ]


def _parsed(submission: Submission) -> ParsedFile | Unreadable:
    return read_submission(submission)


def problem_report_csv(submission: Submission) -> bytes:
    return report.problems_csv(_parsed(submission), _problems(submission))


def problem_report_xlsx(submission: Submission) -> bytes:
    return report.problems_xlsx(_parsed(submission), _problems(submission))


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_BUILDERS = {"csv": problem_report_csv, "xlsx": problem_report_xlsx}


def serve_problem_report(
    user: User,
    submission: Submission,
    extension: str,
    request: HttpRequest,
    details: dict[str, Any] | None = None,
) -> StreamingHttpResponse:
    """The problem report as a download (``csv`` or ``xlsx``), kept and audited like every
    document the portal gives out; the caller has checked the user may see the submission."""
    return serve_generated(
        user,
        _BUILDERS[extension](submission),
        filename=f"problems-{submission.reference}.{extension}",
        purpose="submissions.problem_report",
        organization=submission.organization,
        content_type=CONTENT_TYPES[extension],
        request=request,
        action="submissions.problem_report_downloaded",
        target=submission.reference,
        details=details,
    )
