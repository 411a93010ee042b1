"""Files dropped in an account's `inbox/`: streamed through the file layer as they arrive
(the same policy, content checks and caps as the Pension data page), and handed to the
intake pipeline once the upload is complete: at close, or, for a file written under a
temporary name (`PAY.csv.part`, `.PAY.csv`), when it is renamed to its real name.

Everything here is synchronous Django code; server.py runs it in worker threads."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction

from pensionportal.accounts.models import Organization, User
from pensionportal.files import store as files
from pensionportal.files.uploads import FileRefusedError, IncomingFile, ReceivedUpload
from pensionportal.submissions import actions as intake
from pensionportal.submissions.models import Source, Submission
from pensionportal.submissions.uploads import upload_policy

from .models import InboxRefusal
from .names import judged_name

log = logging.getLogger(__name__)
POLICY = upload_policy()


class InboxError(Exception):
    """A file refused; `reason` is in the portal's words (also kept in outbox/results/)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def refuse(organization: Organization, filename: str, reason: str) -> InboxError:
    InboxRefusal.objects.create(
        organization=organization, filename=filename[:255], reason=reason[:1000]
    )
    return InboxError(reason)


@dataclass(eq=False)
class Upload:
    """One open handle in `inbox/`."""

    name: str  # as the client named it
    final_name: str
    temporary: bool
    incoming: IncomingFile
    received_bytes: int = 0

    failed: bool = False


@dataclass
class Inbox:
    """One SFTP session's inbox: uploads in progress, and complete files still under a
    temporary name (purged if the session ends before they are renamed)."""

    actor: User
    organization: Organization
    held: dict[str, tuple[str, ReceivedUpload]] = field(default_factory=dict)

    def open(self, name: str) -> Upload:
        final_name, temporary = judged_name(name)
        if name in self.held:
            self.discard(name)
        try:
            incoming = IncomingFile(POLICY, final_name)
        except FileRefusedError as refusal:
            raise refuse(self.organization, name, refusal.reason) from None
        return Upload(name, incoming.name, temporary, incoming)

    def write(self, upload: Upload, offset: int, data: bytes) -> None:
        if upload.failed:
            raise InboxError(f"{upload.final_name} was already refused; nothing was kept.")
        if offset != upload.received_bytes:
            upload.failed = True
            upload.incoming.abort()
            raise refuse(
                self.organization,
                upload.name,
                f"{upload.final_name}: this server takes a file in one pass from its start "
                f"(the write at byte {offset} was out of order), so nothing was kept. Send it "
                "again.",
            )
        try:
            upload.incoming.write(data)
        except FileRefusedError as refusal:
            upload.failed = True
            raise refuse(self.organization, upload.name, refusal.reason) from None
        upload.received_bytes += len(data)

    def close(self, upload: Upload) -> Submission | None:
        if upload.failed:
            raise InboxError(f"{upload.final_name} was refused; nothing was kept.")
        try:
            received = upload.incoming.finish()
        except FileRefusedError as refusal:
            raise refuse(self.organization, upload.name, refusal.reason) from None
        if upload.temporary:
            self.held[upload.name] = (upload.final_name, received)
            return None
        return self._submit(upload.final_name, received)

    def abandon(self, upload: Upload) -> None:
        """The session ended with the handle still open: nothing is kept."""
        if not upload.failed:
            upload.failed = True
            upload.incoming.abort()

    def rename(self, old: str, new: str) -> Submission:
        final_name, temporary = judged_name(new)
        entry = self.held.get(old)
        if entry is None:
            raise InboxError(f"{old} is not an upload of this session that can be renamed.")
        judged, received = entry
        if temporary:
            raise InboxError(f"{new} is a temporary name; rename the file to its real name.")
        if _extension(final_name) != _extension(judged):
            raise InboxError(
                f"{old} was checked as a {_extension(judged) or 'file without extension'}; it "
                f"cannot become {new}. Send it again under its real name."
            )
        del self.held[old]
        return self._submit(final_name, received)

    def discard(self, name: str) -> bool:
        entry = self.held.pop(name, None)
        if entry is None:
            return False
        files.discard_pending([entry[1].stored])
        return True

    def close_session(self) -> None:
        for name in list(self.held):
            self.discard(name)

    def _submit(self, name: str, received: ReceivedUpload) -> Submission:
        try:
            with transaction.atomic():
                return intake.receive_stored(
                    self.actor, self.organization, name, received.stored, source=Source.SFTP
                )
        except intake.IntakeError as error:
            raise refuse(self.organization, name, f"{name}: {error.message}") from None


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""
