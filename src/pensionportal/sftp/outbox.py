"""An account's `outbox/`, made from the portal's records through the apps' access helpers
(acting as the account's service user): nothing is copied into a folder, so what a
payroll system sees is always what the portal holds.

    outbox/results/  SUB-000123_PAY_2026-03-13.status.txt    status of each submission
                     SUB-000123_PAY_2026-03-13.problems.csv  its problem report, once checked
                     REFUSED-000007_PAY.exe.txt               why a dropped file was refused
    outbox/files/    F0000042_PA_2025.csv                     files from the administrator
    outbox/reports/  R0000005_missed-contributions.pdf        reports published to you

Results cover the submissions made since the account was approved (at most the last
RESULT_DAYS days). A problem report is written back (stored, encrypted) when the check of
its submission finishes; every download is audited like a download from the portal."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts.models import User
from pensionportal.core.notify import absolute_url
from pensionportal.exchange.access import files_for
from pensionportal.exchange.actions import open_download
from pensionportal.exchange.models import Direction
from pensionportal.exchange.models import Status as FileStatus
from pensionportal.files import store as files
from pensionportal.files.serving import open_audited, open_generated
from pensionportal.integrations.models import SftpAccount
from pensionportal.reports.access import reports_for
from pensionportal.reports.actions import open_report_file
from pensionportal.reports.models import ReportFile
from pensionportal.submissions.access import access_submission, visible_submissions
from pensionportal.submissions.models import Submission
from pensionportal.submissions.report import problem_report_csv
from pensionportal.submissions.results import is_checked, result_sentence

from .models import InboxRefusal, ResultFile
from .names import safe, stem

log = logging.getLogger(__name__)
RESULT_DAYS = 90
MAX_ENTRIES = 500


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    modified: dt.datetime


# --- Writing problem reports back ---------------------------------------------------------------


def write_back(submission_id: int) -> ResultFile | None:
    """Store the submission's problem report for its organization's SFTP account, if the
    organization has one."""
    account = (
        SftpAccount.objects.filter(
            organization__submissions__pk=submission_id, suspended_at__isnull=True
        )
        .select_related("account")
        .first()
    )
    if account is None:
        return None
    try:
        submission = access_submission(account.account, submission_id)
    except Http404:
        return None
    return result_file(submission)


def result_file(submission: Submission) -> ResultFile | None:
    if not is_checked(submission):
        return None
    existing = ResultFile.objects.filter(submission=submission).select_related("file").first()
    if existing is not None:
        return existing
    stored = files.store(
        [problem_report_csv(submission)],
        purpose="sftp.problem_report",
        filename=problems_name(submission),
        organization=submission.organization,
        content_type="text/csv; charset=utf-8",
        keep_now=False,
    )
    try:
        with transaction.atomic():
            made = ResultFile.objects.create(submission=submission, file=stored)
            files.keep(stored, organization=submission.organization)
    except IntegrityError:  # written back at the same moment by another process
        files.purge(stored)
        return ResultFile.objects.filter(submission=submission).select_related("file").first()
    return made


# --- Names --------------------------------------------------------------------------------------


def status_name(submission: Submission) -> str:
    return f"{submission.reference}_{stem(submission.filename)}.status.txt"


def problems_name(submission: Submission) -> str:
    return f"{submission.reference}_{stem(submission.filename)}.problems.csv"


def refusal_name(refusal: InboxRefusal) -> str:
    return f"{refusal.reference}_{safe(refusal.filename, 100)}.txt"


def status_text(submission: Submission) -> bytes:
    when = timezone.localtime(submission.submitted_at).strftime("%Y-%m-%d %H:%M:%S %Z")
    lines = [
        f"Submission {submission.reference}",
        f"File: {submission.filename} ({submission.size} bytes, SHA-256 {submission.sha256})",
        f"Received: {when} ({submission.get_source_display()})",
        f"Template: {submission.template or 'not known yet'}",
        f"Status: {submission.get_status_display()}",
        f"Result: {result_sentence(submission)}",
        f"Errors: {submission.error_count}",
        f"Warnings: {submission.warning_count}",
        f"Rows: {submission.rows_total}",
        f"Rows applied: {submission.rows_done}",
    ]
    if is_checked(submission):
        lines.append(f"Problem report: outbox/results/{problems_name(submission)}")
    lines.append(
        "In the portal: " + absolute_url(reverse("submissions:detail", args=[submission.pk]))
    )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def refusal_text(refusal: InboxRefusal) -> bytes:
    when = timezone.localtime(refusal.refused_at).strftime("%Y-%m-%d %H:%M:%S %Z")
    return (
        f"{refusal.filename} was not accepted ({when}).\r\n{refusal.reason}\r\n"
        "Nothing was stored. Correct the file and put it in inbox/ again.\r\n"
    ).encode()


# --- Listing ------------------------------------------------------------------------------------


def _since(account: SftpAccount) -> dt.datetime:
    return max(account.approved_at, timezone.now() - dt.timedelta(days=RESULT_DAYS))


def _submissions(user: User, account: SftpAccount) -> Iterator[Submission]:
    return iter(
        visible_submissions(user)
        .filter(submitted_at__gte=_since(account))
        .select_related("sftp_result__file")
        .order_by("-submitted_at", "-id")[:MAX_ENTRIES]
    )


def results(user: User, account: SftpAccount) -> list[Entry]:
    found: list[Entry] = []
    for submission in _submissions(user, account):
        found.append(
            Entry(status_name(submission), len(status_text(submission)), _latest(submission))
        )
        if is_checked(submission):
            made = getattr(submission, "sftp_result", None) or result_file(submission)
            if made is not None:
                found.append(Entry(problems_name(submission), made.file.size, made.created_at))
    for refusal in InboxRefusal.objects.filter(
        organization=account.organization, refused_at__gte=_since(account)
    )[:MAX_ENTRIES]:
        found.append(Entry(refusal_name(refusal), len(refusal_text(refusal)), refusal.refused_at))
    return sorted(found, key=lambda entry: entry.name)


def _latest(submission: Submission) -> dt.datetime:
    moments = [submission.submitted_at, submission.validated_at, submission.applied_at]
    return max(moment for moment in moments if moment is not None)


def _deliveries(user: User) -> Any:
    return files_for(user).filter(
        direction=Direction.FROM_ADMINISTRATOR, status=FileStatus.DELIVERED, file__isnull=False
    )


def delivery_files(user: User) -> list[Entry]:
    return [
        Entry(f"{d.reference}_{safe(d.name)}", d.size, d.sent_at)
        for d in _deliveries(user).order_by("-sent_at", "-pk")[:MAX_ENTRIES]
    ]


def _report_files(user: User) -> Any:
    return ReportFile.objects.filter(
        report__in=reports_for(user), file__isnull=False
    ).select_related("report")


def report_files(user: User) -> list[Entry]:
    return [
        Entry(f"{f.report.reference}_{safe(f.name)}", f.size, f.report.published_at)
        for f in _report_files(user).order_by("-report__published_at", "-pk")[:MAX_ENTRIES]
    ]


def listing(user: User, account: SftpAccount, folder: str) -> list[Entry]:
    if folder == "results":
        return results(user, account)
    if folder == "files":
        return delivery_files(user)
    if folder == "reports":
        return report_files(user)
    raise FileNotFoundError(folder)


def find(user: User, account: SftpAccount, folder: str, name: str) -> Entry:
    for entry in listing(user, account, folder):
        if entry.name == name:
            return entry
    raise FileNotFoundError(name)


# --- Opening ------------------------------------------------------------------------------------


def _reference_id(name: str, prefix: str) -> int:
    head = name.split("_", 1)[0]
    if not head.startswith(prefix) or not head[len(prefix) :].isdigit():
        raise FileNotFoundError(name)
    return int(head[len(prefix) :])


def open_file(
    user: User, account: SftpAccount, folder: str, name: str, ip_address: str | None
) -> tuple[IO[bytes], int]:
    """A reader of the outbox file and its size; FileNotFoundError when there is none (an
    unknown name, or another organization's reference: the same answer)."""
    entry = find(user, account, folder, name)  # the name must be one the listing gives
    if folder == "files":
        delivery = _deliveries(user).filter(pk=_reference_id(name, "F")).first()
        if delivery is None:
            raise FileNotFoundError(name)
        return open_download(user, delivery, ip_address=ip_address), entry.size
    if folder == "reports":
        report_id = _reference_id(name, "R")
        for item in _report_files(user).filter(report_id=report_id):
            if f"{item.report.reference}_{safe(item.name)}" == name:
                return open_report_file(user, item, ip_address=ip_address), entry.size
        raise FileNotFoundError(name)
    if name.startswith("REFUSED-"):
        refusal = InboxRefusal.objects.filter(
            organization=account.organization, pk=_reference_id(name, "REFUSED-")
        ).first()
        if refusal is None:
            raise FileNotFoundError(name)
        content = refusal_text(refusal)
        return (
            open_generated(
                user,
                content,
                filename=name,
                purpose="sftp.refusal",
                organization=account.organization,
                content_type="text/plain; charset=utf-8",
                action="sftp.refusal_downloaded",
                target=refusal.reference,
                ip_address=ip_address,
            ),
            len(content),
        )
    try:
        submission = access_submission(user, _reference_id(name, "SUB-"))
    except Http404:
        raise FileNotFoundError(name) from None
    if name == status_name(submission):
        content = status_text(submission)
        return (
            open_generated(
                user,
                content,
                filename=name,
                purpose="sftp.status",
                organization=submission.organization,
                content_type="text/plain; charset=utf-8",
                action="submissions.status_downloaded",
                target=submission.reference,
                details={"channel": "sftp", "status": submission.status},
                ip_address=ip_address,
            ),
            len(content),
        )
    made = result_file(submission)
    if name != problems_name(submission) or made is None:
        raise FileNotFoundError(name)
    return (
        open_audited(
            user,
            made.file,
            action="submissions.problem_report_downloaded",
            target=submission.reference,
            details={"channel": "sftp"},
            ip_address=ip_address,
        ),
        made.file.size,
    )
