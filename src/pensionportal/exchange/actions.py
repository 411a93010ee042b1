"""Every state change of the File Upload section: one atomic function each, writing its audit
row and queueing its notifications on commit (DESIGN.md house rules)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import record
from pensionportal.core.notify import Notice, absolute_url, notify_on_commit
from pensionportal.files import store as files
from pensionportal.files.filenames import clean_name
from pensionportal.files.models import StoredFile
from pensionportal.files.serving import open_audited, serve_file
from pensionportal.files.uploads import ReceivedUpload, RefusedFile

from . import conf
from .intake import on_pension_data_file_received
from .models import (
    DELIVERY_CATEGORIES,
    Category,
    Direction,
    ExchangedFile,
    FileNotice,
    Status,
)
from .pension_data import detect_template, template_from_name
from .recipients import data_management_staff, file_users_of


class ExchangeError(ValueError):
    """A refusal whose message is shown to the user as is."""


@dataclass
class UploadResult:
    stored: list[ExchangedFile] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)


def _duplicate_of(organization: Organization, sha256: str) -> ExchangedFile | None:
    # Issue 5 "Must do" 2: an identical file sent again is a possible duplicate.
    return (
        ExchangedFile.objects.filter(organization=organization, sha256=sha256)
        .exclude(status=Status.DELETED)
        .order_by("sent_at", "pk")
        .first()
    )


def _notify(recipients: Iterable[User], upload: ExchangedFile, subject: str, path: str) -> None:
    people = list(recipients)
    FileNotice.objects.bulk_create(
        [FileNotice(file=upload, recipient=person) for person in people], ignore_conflicts=True
    )
    notify_on_commit(
        [person.email for person in people],
        subject,
        "A file is waiting for you in the Employer Portal. Sign in to see it:\n"
        + absolute_url(path),
        kind=Notice.FILE_RESULT,
        organization_id=upload.organization_id,
    )


def receive_uploads(
    user: User,
    organization: Organization,
    received: list[ReceivedUpload],
    *,
    send_anyway: bool = False,
    request: HttpRequest | None = None,
) -> UploadResult:
    """Record the files an employer sent (already encrypted by the upload handler and
    checked), flag or refuse duplicates, notify the Data Management Group's staff and send
    the uploader a receipt. Files not kept here are purged after the request.

    Seeds: secure-employer-portal.txt "File upload" ("OPTrust will be notified
    automatically"); issue 5 "Must do" 1, 2 and 7.
    """
    if organization not in access.organizations_for(user, access.Capability.FILES) or user.is_staff:
        raise ExchangeError("not allowed: you cannot send files for this organization.")
    result = UploadResult()
    seen: dict[str, ExchangedFile] = {}
    with transaction.atomic():
        for item in received:
            earlier = seen.get(item.sha256) or _duplicate_of(organization, item.sha256)
            if earlier is not None and not send_anyway:
                result.refused.append(
                    RefusedFile(
                        item.name,
                        f"duplicate: identical to {earlier.name} ({earlier.reference}), sent "
                        f"{timezone.localtime(earlier.sent_at):%Y-%m-%d %H:%M}. Nothing was "
                        "stored. To send it again anyway, tick “Send identical files again”.",
                    )
                )
                continue
            template = detect_template(item.name, item.head)
            upload = ExchangedFile.objects.create(
                organization=organization,
                direction=Direction.TO_ADMINISTRATOR,
                category=Category.PENSION_DATA if template else Category.OTHER_UPLOAD,
                name=item.name,
                size=item.size,
                sha256=item.sha256,
                file=item.stored,
                sent_by=user,
                status=Status.RECEIVED,
                detected_template=template,
                possible_duplicate_of=earlier,
            )
            files.keep(item.stored, organization=organization)
            seen[upload.sha256] = upload
            record(
                "exchange.file_uploaded",
                request=request,
                actor=user,
                organization=organization,
                target=upload.reference,
                details={
                    "size": upload.size,
                    "sha256": upload.sha256,
                    "template": template,
                    "possible_duplicate_of": earlier.reference if earlier else "",
                },
            )
            _notify(
                data_management_staff(),
                upload,
                "New file received from an employer",
                reverse("exchange:inbox"),
            )
            if template:
                on_pension_data_file_received(upload)
            result.stored.append(upload)
        if result.stored:
            _send_receipt(user, result.stored)
    return result


def _send_receipt(user: User, stored: list[ExchangedFile]) -> None:
    """The uploader's receipt (issue 5 "Must do" 2): references, sizes and checksums only."""
    lines = [
        f"{upload.reference}: {upload.size} bytes, SHA-256 {upload.sha256}" for upload in stored
    ]
    ids = ",".join(str(upload.pk) for upload in stored)
    notify_on_commit(
        [user.email],
        "Receipt for your upload",
        "The plan administrator received your upload:\n"
        + "\n".join(lines)
        + "\n\nThe receipt is in the Employer Portal: "
        + absolute_url(reverse("exchange:receipt") + f"?ids={ids}"),
        kind=Notice.FILE_RESULT,
        organization_id=stored[0].organization_id,
    )


def deliver_file(
    staff_user: User,
    organization: Organization,
    filename: str,
    chunks: Iterable[bytes],
    category: str,
    *,
    request: HttpRequest | None = None,
) -> ExchangedFile:
    """Deliver a file from the administrator to an organization (the PA file, a buyback
    deduction file, a letter): encrypts it into the file layer, lists it in the organization's
    File Upload page marked "from the administrator", and notifies its users.

    Seeds: select-employer-manual.txt Section 2 "Pension Adjustment Data" (the administrator
    uploads the PA file on your behalf); reporting-pension-data.txt "Buyback deductions".
    The public API for later issues; see docs/exchange.md.
    """
    name = clean_name(filename)
    stored = files.store(
        chunks,
        purpose="exchange.file",
        filename=name,
        organization=organization,
        max_size=conf.max_file_size(),
        keep_now=False,
    )
    try:
        return record_delivery(staff_user, organization, name, stored, category, request=request)
    except BaseException:
        files.purge(stored)
        raise


def record_delivery(
    staff_user: User,
    organization: Organization,
    name: str,
    stored: StoredFile,
    category: str,
    *,
    request: HttpRequest | None = None,
) -> ExchangedFile:
    """Record a delivery whose bytes are already stored (pending; kept here)."""
    access.require_staff(staff_user, access.Capability.FILES)
    if category not in DELIVERY_CATEGORIES:
        raise ExchangeError("not allowed: choose what kind of document this is.")
    if stored.size == 0:
        raise ExchangeError("empty: the file has no content.")
    with transaction.atomic():
        delivery = ExchangedFile.objects.create(
            organization=organization,
            direction=Direction.FROM_ADMINISTRATOR,
            category=category,
            name=name,
            size=stored.size,
            sha256=stored.sha256,
            file=stored,
            sent_by=staff_user,
            status=Status.DELIVERED,
            detected_template=template_from_name(name),
        )
        files.keep(stored, organization=organization)
        record(
            "exchange.file_delivered",
            request=request,
            actor=staff_user,
            organization=organization,
            target=delivery.reference,
            details={"size": delivery.size, "sha256": delivery.sha256, "category": category},
        )
        _notify(
            file_users_of(organization),
            delivery,
            "A file from the plan administrator is waiting",
            reverse("exchange:detail", args=[delivery.pk]),
        )
    return delivery


def delete_file(
    staff_user: User, upload: ExchangedFile, reason: str, *, request: HttpRequest | None = None
) -> ExchangedFile:
    """Staff-only soft delete with a reason: the bytes are purged, the record and its audit
    rows stay (secure-employer-portal.txt "File upload": "Only OPTrust can delete files";
    issue 5 "Must do" 3)."""
    access.require_staff(staff_user, access.Capability.FILES)
    reason = reason.strip()
    if not reason:
        raise ExchangeError("Give the reason for deleting the file.")
    with transaction.atomic():
        locked = ExchangedFile.objects.select_for_update().get(pk=upload.pk)
        if locked.status == Status.DELETED:
            raise ExchangeError("This file was already deleted.")
        stored = locked.file
        locked.status = Status.DELETED
        locked.deleted_at = timezone.now()
        locked.deleted_by = staff_user
        locked.deletion_reason = reason
        locked.save()
        record(
            "exchange.file_deleted",
            request=request,
            actor=staff_user,
            organization=locked.organization,
            target=locked.reference,
            details={"reason": reason, "sha256": locked.sha256},
        )
        if stored is not None and stored.has_content:
            files.purge(stored)
    return locked


def serve_download(
    user: User, upload: ExchangedFile, *, request: HttpRequest | None
) -> StreamingHttpResponse:
    """The download, audited by the file layer (issue 5 "Must do" 4); opening the file also
    marks the user's notice of it as read."""
    assert upload.file is not None
    response = serve_file(
        user,
        upload.file,
        request=request,
        filename=upload.name,
        action="exchange.file_downloaded",
        target=upload.reference,
    )
    mark_read(user, upload)
    return response


def open_download(user: User, upload: ExchangedFile, *, ip_address: str | None) -> IO[bytes]:
    """The same download for a door that is not HTTP (the SFTP outbox): audited by the file
    layer under the same action, the notice marked read."""
    if upload.file is None or upload.is_deleted:
        raise Http404("No such file.")
    reader = open_audited(
        user,
        upload.file,
        action="exchange.file_downloaded",
        target=upload.reference,
        details={"channel": "sftp"},
        ip_address=ip_address,
    )
    mark_read(user, upload)
    return reader


def mark_read(user: User, upload: ExchangedFile) -> None:
    FileNotice.objects.filter(file=upload, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
