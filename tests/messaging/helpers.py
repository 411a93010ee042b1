"""Builders for messaging tests: files of each type and threads made through the actions."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile

from pensionportal.accounts.models import Organization, User
from pensionportal.files.uploads import receive
from pensionportal.messaging import actions
from pensionportal.messaging.forms import ATTACHMENTS
from pensionportal.messaging.models import STANDARD_MAILBOXES, Mailbox, Thread

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CSV_BYTES = "sin,name\n046454286,Zoë\n".encode()


def ooxml(main_part: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types>'
            f'<Override PartName="/x" ContentType="{main_part}"/></Types>',
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(
    name: str, content: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def attachment(name: str, content: bytes) -> actions.AttachmentUpload:
    received = receive(ATTACHMENTS, name, [content])
    assert received.kind is not None
    return actions.AttachmentUpload(filename=received.name, kind=received.kind, received=received)


def ensure_standard_mailboxes() -> None:
    """Migration 0002 seeds them, but a transactional test's flush removes them."""
    for slug, name, description in STANDARD_MAILBOXES:
        Mailbox.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )


def mailbox(slug: str = "data-management") -> Mailbox:
    ensure_standard_mailboxes()
    return Mailbox.objects.get(slug=slug)


def start(
    author: User,
    org: Organization,
    *,
    subject: str = "Salary correction",
    body: str = "Please correct the salary.",
    box: str = "data-management",
    files: Sequence[actions.AttachmentUpload] = (),
) -> Thread:
    return actions.start_thread(
        author,
        organization=org,
        mailbox=mailbox(box),
        subject=subject,
        body=body,
        attachments=files,
    )
