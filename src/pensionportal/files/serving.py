"""The one way a stored file leaves the portal: `serve_file`.

The caller has already found the owner through its access helper (another organization's
file is 404 there); `serve_file` checks once more that the user belongs to the file's
organization (or is staff), writes the audit row (who, what, which organization) and
streams the decrypted content chunk by chunk, never whole in memory.
"""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils.http import content_disposition_header

from pensionportal.accounts import access
from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import record

from .models import StoredFile
from .store import open_chunks, open_reader, store


def may_read(user: User, stored: StoredFile) -> bool:
    return access.belongs_to(user, stored.organization_id)


def _audit_read(
    user: User,
    stored: StoredFile,
    action: str,
    target: str,
    details: dict[str, Any] | None,
    *,
    request: HttpRequest | None = None,
    ip_address: str | None = None,
) -> None:
    """The last check before content leaves (404 when the user may not read it, or there is
    none), and its audit row."""
    if not stored.has_content or not may_read(user, stored):
        raise Http404("No such file.")
    with transaction.atomic():
        record(
            action,
            request=request,
            actor=user,
            organization=stored.organization,
            target=target or stored.reference,
            details={
                "file": stored.reference,
                "what": stored.purpose,
                "sha256": stored.sha256,
                **(details or {}),
            },
            ip_address=ip_address,
        )


def serve_file(
    user: User,
    stored: StoredFile,
    *,
    request: HttpRequest | None = None,
    filename: str | None = None,
    content_type: str | None = None,
    action: str = "files.downloaded",
    target: str = "",
    details: dict[str, Any] | None = None,
    inline: bool = False,
) -> StreamingHttpResponse:
    """An attachment download of `stored`, audited as `action` (the owner's own name for
    the event, e.g. "exchange.file_downloaded"), with `target` the owner's reference."""
    _audit_read(user, stored, action, target, details, request=request)
    response = StreamingHttpResponse(
        open_chunks(stored),
        content_type=content_type or stored.content_type or "application/octet-stream",
    )
    response["Content-Length"] = str(stored.size)
    response["Content-Disposition"] = (
        content_disposition_header(not inline, filename or stored.filename) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _kept(
    content: bytes,
    filename: str,
    purpose: str,
    organization: Organization | None,
    content_type: str,
) -> StoredFile:
    """The copy of a generated document given out, kept encrypted as a stored file."""
    return store(
        [content],
        purpose=purpose,
        filename=filename,
        organization=organization,
        content_type=content_type,
    )


def serve_generated(
    user: User,
    content: bytes,
    *,
    filename: str,
    purpose: str,
    organization: Organization | None,
    content_type: str,
    request: HttpRequest | None = None,
    action: str = "files.downloaded",
    target: str = "",
    details: dict[str, Any] | None = None,
) -> StreamingHttpResponse:
    """A document the portal makes on request (an invoice, a form 1017, a problem report):
    the copy given out is kept, encrypted, as a stored file, then served like any other, so
    every document that leaves the portal has an audit row and its exact bytes on record."""
    stored = _kept(content, filename, purpose, organization, content_type)
    return serve_file(
        user,
        stored,
        request=request,
        action=action,
        target=target,
        details=details,
    )


def open_audited(
    user: User,
    stored: StoredFile,
    *,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> IO[bytes]:
    """`serve_file` for a door that is not HTTP (the SFTP outbox): the same last check and
    audit row, then a seekable reader of the decrypted content (random access, chunk by
    chunk, never the whole file in memory)."""
    _audit_read(user, stored, action, target, details, ip_address=ip_address)
    return open_reader(stored)


def open_generated(
    user: User,
    content: bytes,
    *,
    filename: str,
    purpose: str,
    organization: Organization | None,
    content_type: str,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> IO[bytes]:
    """`serve_generated` for a door that is not HTTP: the copy given out is stored (so it
    is on record with its exact bytes), audited, then read back."""
    stored = _kept(content, filename, purpose, organization, content_type)
    return open_audited(
        user, stored, action=action, target=target, details=details, ip_address=ip_address
    )
