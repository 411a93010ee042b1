"""Publishing a report to an organization: the one way reports enter the Reports section.

Called by staff through the Publish page and by the product's own scheduled jobs (the missed
mandatory contributions issue calls `publish_report` with `published_by=None`). Seed:
secure-employer-portal.txt, the Reports paragraph; issue 5 "Must do" 6.

    from pensionportal.reports.actions import ReportFileInput, publish_report
    report = publish_report(
        organization, "Missed mandatory contributions", ReportKind.MISSED_MANDATORY_CONTRIBUTIONS,
        [ReportFileInput("mmc-2026-01.csv", "text/csv", csv_bytes)],
        published_by=None, period="January 2026",
    )
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from django.db import transaction
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.urls import reverse

from pensionportal.accounts import access
from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import record
from pensionportal.core.notify import Notice, absolute_url, notify_on_commit
from pensionportal.files import store as file_store
from pensionportal.files.filenames import NameRefused, clean_name, extension_of
from pensionportal.files.models import StoredFile
from pensionportal.files.serving import open_audited, serve_file
from pensionportal.files.uploads import ReceivedUpload

from . import conf
from .models import CONTENT_TYPES, Report, ReportFile, ReportFormat, ReportKind, ReportRead

SCHEDULED_JOB = "system:scheduled-job"


class PublishError(ValueError):
    """A refusal whose message says why; nothing was stored."""


@dataclass(frozen=True)
class ReportFileInput:
    filename: str
    content_type: str  # informative; the format is judged from the name's extension
    content: bytes | Iterable[bytes] = b""
    # A file that arrived through the upload handler (already stored and checked).
    received: ReceivedUpload | None = None


def _chunks(content: bytes | Iterable[bytes]) -> Iterable[bytes]:
    if isinstance(content, bytes):
        return [content]
    return content


def _format_of(name: str) -> ReportFormat:
    extension = extension_of(name)
    if extension not in ReportFormat.values:
        raise PublishError(f"not allowed: {name} is not a PDF, CSV or XLSX file.")
    return ReportFormat(extension)


def payroll_managers_of(organization: Organization) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization=organization,
            memberships__payroll_manager=True,
        ).distinct()
    )


def publish_report(
    organization: Organization,
    title: str,
    kind: str,
    files: Sequence[ReportFileInput | tuple[str, str, bytes | Iterable[bytes]]],
    *,
    published_by: User | None,
    period: str = "",
    request: HttpRequest | None = None,
) -> Report:
    """Store the files encrypted, record the report, write the audit row and notify the
    organization's payroll managers (content-free e-mail after commit). Raises PublishError
    (and stores nothing) on a bad title, kind, file name, format, or an empty or over-size
    file."""
    if published_by is not None:
        access.require_staff(published_by, access.Capability.REPORTS)
    title = title.strip()
    if not title:
        raise PublishError("Give the report a title.")
    if kind not in ReportKind.values:
        raise PublishError("Choose what kind of report this is.")
    if not organization.is_employer:
        raise PublishError("Reports are published to employers only.")
    if not files:
        raise PublishError("A report needs at least one file (PDF, CSV or XLSX).")
    inputs = [
        item if isinstance(item, ReportFileInput) else ReportFileInput(*item) for item in files
    ]
    prepared: list[tuple[str, ReportFormat]] = []
    for item in inputs:
        try:
            name = clean_name(item.filename)
        except NameRefused as refusal:
            raise PublishError(f"{item.filename!r}: {refusal}") from None
        prepared.append((name, _format_of(name)))
    blobs: list[StoredFile] = []
    try:
        for item, (name, file_format) in zip(inputs, prepared, strict=True):
            if item.received is not None:
                blob = item.received.stored
            else:
                try:
                    blob = file_store.store(
                        _chunks(item.content),
                        purpose="reports.file",
                        filename=name,
                        organization=organization,
                        content_type=CONTENT_TYPES[file_format],
                        max_size=conf.max_report_file_size(),
                        keep_now=False,
                    )
                except file_store.SizeLimitExceeded:
                    raise PublishError(
                        f"too large: {name} is over the report size limit."
                    ) from None
            blobs.append(blob)
            if blob.size == 0:
                raise PublishError(f"empty: {name} has no content.")
        with transaction.atomic():
            report = Report.objects.create(
                organization=organization,
                title=title,
                kind=kind,
                period=period.strip(),
                published_by=published_by,
            )
            for (name, file_format), blob in zip(prepared, blobs, strict=True):
                ReportFile.objects.create(
                    report=report,
                    name=name,
                    format=file_format,
                    size=blob.size,
                    sha256=blob.sha256,
                    file=blob,
                )
                file_store.keep(blob, organization=organization)
            record(
                "reports.published",
                request=request,
                actor=published_by,
                actor_email="" if published_by is not None else SCHEDULED_JOB,
                organization=organization,
                target=report.reference,
                details={"kind": kind, "period": report.period, "files": len(blobs)},
            )
            notify_on_commit(
                [user.email for user in payroll_managers_of(organization)],
                "A new report is available",
                "The plan administrator published a report for your organization. "
                "Sign in to the Employer Portal to see it:\n"
                + absolute_url(reverse("reports:detail", args=[report.pk])),
                kind=Notice.REPORT,
                organization_id=organization.pk,
            )
    except BaseException:
        for blob in blobs:
            if blob.state == "pending":
                file_store.purge(blob)
        raise
    return report


def serve_report_file(
    user: User, report_file: ReportFile, *, request: HttpRequest | None
) -> StreamingHttpResponse:
    """Each download is written to the audit trail (issue 5 "Must do" 4, by `serve_file`)."""
    if report_file.file is None:
        raise Http404("No such file.")
    response = serve_file(
        user,
        report_file.file,
        request=request,
        filename=report_file.name,
        content_type=report_file.content_type,
        action="reports.file_downloaded",
        target=report_file.report.reference,
        details={"report_file": report_file.pk, "format": report_file.format},
    )
    mark_report_read(user, report_file.report)
    return response


def open_report_file(user: User, report_file: ReportFile, *, ip_address: str | None) -> IO[bytes]:
    """The same download for the SFTP outbox (audited as reports.file_downloaded)."""
    if report_file.file is None:
        raise Http404("No such file.")
    reader = open_audited(
        user,
        report_file.file,
        action="reports.file_downloaded",
        target=report_file.report.reference,
        details={"report_file": report_file.pk, "format": report_file.format, "channel": "sftp"},
        ip_address=ip_address,
    )
    mark_report_read(user, report_file.report)
    return reader


def mark_report_read(user: User, report: Report) -> None:
    ReportRead.objects.get_or_create(report=report, user=user)
