"""Every change to messaging is one of these atomic actions: each checks the actor's right,
writes its audit row and queues its content-free e-mail for after the commit.

Seeds: secure-employer-portal.txt "Contacting OPTrust", "Secure messages";
select-employer-manual.txt Section 4 (answers within two business days).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts import access as accounts_access
from pensionportal.accounts.access import ROLES_GRANTING, Capability
from pensionportal.accounts.actions import ActionError
from pensionportal.accounts.models import Membership, Organization, User
from pensionportal.audit.record import record
from pensionportal.core.crypto import encrypt_text
from pensionportal.core.notify import Notice, absolute_url, notify_on_commit
from pensionportal.files import store as files
from pensionportal.files.serving import serve_file
from pensionportal.files.uploads import ReceivedUpload
from pensionportal.rules.deadlines import pension_partner_reply_by

from . import conf, references, search_index, unread
from .access import visible_threads
from .filetypes import FileKind
from .models import Attachment, Mailbox, Message, Thread, ThreadRead, ThreadStatus

__all__ = ["ActionError", "AttachmentUpload"]


@dataclass(frozen=True)
class AttachmentUpload:
    """A file the upload handler has encrypted and checked (name, size, type by content)."""

    filename: str
    kind: FileKind
    received: ReceivedUpload


# --- Writing ------------------------------------------------------------------------------


def start_thread(
    actor: User,
    *,
    organization: Organization,
    mailbox: Mailbox,
    subject: str,
    body: str,
    attachments: Sequence[AttachmentUpload] = (),
    request: HttpRequest | None = None,
) -> Thread:
    """A new thread with its first message. Employers write to a mailbox of the
    administrator ("Contacting OPTrust"); staff may start a thread to any organization."""
    if (
        not accounts_access.organizations_for(actor, Capability.MESSAGES)
        .filter(pk=organization.pk, is_active=True)
        .exists()
    ):
        raise ActionError("Choose one of your organizations.", "organization")
    if not mailbox.is_active:
        raise ActionError("Choose one of the mailboxes listed.", "mailbox")
    _check_text(subject=subject, body=body)
    from_staff = accounts_access.is_staff_user(actor)
    stored = _checked_files(attachments)
    with transaction.atomic():
        now = timezone.now()
        thread = Thread.objects.create(
            reference=_unused_reference(),
            organization=organization,
            mailbox=mailbox,
            subject_encrypted=encrypt_text(subject.strip()),
            started_by=actor,
            started_by_staff=from_staff,
            created_at=now,
            last_message_at=now,
        )
        message = _add_message(
            thread, actor, from_staff, body, stored, now, subject=subject.strip()
        )
        record(
            "messaging.thread_started",
            request=request,
            actor=actor,
            organization=organization,
            target=thread.reference,
            details={
                "mailbox": mailbox.slug,
                "attachments": len(stored),
                "message": message.pk,
            },
        )
        _notify(thread, actor, from_staff)
    return thread


def reply(
    actor: User,
    thread: Thread,
    *,
    body: str,
    attachments: Sequence[AttachmentUpload] = (),
    request: HttpRequest | None = None,
) -> Message:
    """A reply keeps the thread's reference ("All replies to a message will have the same
    reference number as the original message")."""
    _require_visible(actor, thread)
    _check_text(body=body)
    from_staff = accounts_access.is_staff_user(actor)
    stored = _checked_files(attachments)
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        message = _add_message(locked, actor, from_staff, body, stored, timezone.now())
        record(
            "messaging.reply_sent",
            request=request,
            actor=actor,
            organization=locked.organization,
            target=locked.reference,
            details={"attachments": len(stored), "message": message.pk},
        )
        _notify(locked, actor, from_staff)
    return message


def _check_text(*, body: str, subject: str | None = None) -> None:
    if subject is not None and not subject.strip():
        raise ActionError("Enter a subject.", "subject")
    if subject is not None and len(subject.strip()) > conf.SUBJECT_MAX_LENGTH:
        raise ActionError(
            f"Keep the subject to {conf.SUBJECT_MAX_LENGTH} characters or fewer.", "subject"
        )
    if not body.strip():
        raise ActionError("Enter a message.", "body")
    if len(body) > conf.BODY_MAX_LENGTH:
        raise ActionError(
            f"Keep the message to {conf.BODY_MAX_LENGTH} characters or fewer.", "body"
        )


def _unused_reference() -> str:
    while True:
        candidate = references.new_reference()
        if not Thread.objects.filter(reference=candidate).exists():
            return candidate


def _checked_files(attachments: Sequence[AttachmentUpload]) -> Sequence[AttachmentUpload]:
    """The files arrived encrypted and checked; they are kept with the message's row (and
    purged after the request if the message is refused)."""
    if len(attachments) > conf.max_attachments_per_message():
        raise ActionError(
            f"Attach at most {conf.max_attachments_per_message()} files to one message.",
            "attachments",
        )
    return attachments


def _add_message(
    thread: Thread,
    actor: User,
    from_staff: bool,
    body: str,
    stored: Sequence[AttachmentUpload],
    now: datetime,
    *,
    subject: str | None = None,
) -> Message:
    """`subject` for a thread's first message: its subject and reference are indexed with it."""
    message = Message.objects.create(
        thread=thread,
        author=actor,
        from_staff=from_staff,
        body_encrypted=encrypt_text(body),
        created_at=now,
        search_key=search_index.current_key().id,
    )
    search_index.index_message(
        message,
        organization_id=thread.organization_id,
        body=body,
        subject=subject,
        reference=thread.reference if subject is not None else None,
    )
    for item in stored:
        Attachment.objects.create(
            message=message,
            filename_encrypted=encrypt_text(item.filename),
            content_type=item.kind.content_type,
            kind=item.kind.name,
            size=item.received.size,
            sha256=item.received.sha256,
            file=item.received.stored,
        )
        files.keep(item.received.stored, organization=thread.organization)
    thread.last_message_at = now
    thread.message_count += 1
    thread.last_message_from_staff = from_staff
    # A new message brings an archived thread back on both sides, so it is not missed.
    thread.archived_by_organization = False
    thread.archived_by_staff = False
    if from_staff:
        thread.respond_by = None
    else:
        # Answered within the Pension Partner's business days (Ontario holidays) of the
        # employer's last message; a new message reopens.
        thread.respond_by = pension_partner_reply_by(timezone.localdate(now))
        thread.status = ThreadStatus.OPEN
    thread.save()
    ThreadRead.objects.update_or_create(thread=thread, user=actor, defaults={"read_at": now})
    unread.message_added(thread, actor.pk)
    return message


# --- Notifications (issue 4, "Notifications": never the content) ------------------------


def _notify(thread: Thread, actor: User, from_staff: bool) -> None:
    if from_staff:
        recipients = organization_recipients(thread.organization)
    else:
        recipients = mailbox_recipients(thread)
    recipients.discard(actor.email)
    link = absolute_url(reverse("messaging:thread", args=[thread.reference]))
    body = (
        "A secure message is waiting for you in the Employer Portal.\n\n"
        f"Reference: {thread.reference}\n"
        f"Sign in to read it: {link}\n\n"
        "For your security, this e-mail never contains the message itself.\n"
    )
    notify_on_commit(
        recipients,
        f"Secure message {thread.reference} is waiting",
        body,
        kind=Notice.MESSAGE,
        organization_id=thread.organization_id,
    )


def organization_recipients(organization: Organization) -> set[str]:
    """The organization's active users who hold a messaging role."""
    role_filter = Q()
    for role in ROLES_GRANTING[Capability.MESSAGES]:
        role_filter |= Q(**{role.value: True})
    memberships = Membership.objects.filter(
        role_filter, organization=organization, user__is_active=True
    )
    return set(memberships.values_list("user__email", flat=True))


def mailbox_recipients(thread: Thread) -> set[str]:
    """The mailbox's keepers and the assignee; if the mailbox has no keeper, every staff
    member who works the mailboxes (a staff role granting messages)."""
    keepers = set(
        thread.mailbox.keepers.filter(is_active=True, is_staff=True).values_list("email", flat=True)
    )
    if thread.assigned_to is not None and thread.assigned_to.is_active:
        keepers.add(thread.assigned_to.email)
    if keepers:
        return keepers
    return set(accounts_access.staff_with(Capability.MESSAGES).values_list("email", flat=True))


# --- Read state, archive, staff workflow --------------------------------------------------


def mark_read(user: User, thread: Thread) -> None:
    """Per-user read state (seed: "Messages you have not viewed are indicated...").
    Not audited: it is the reader's own view, not a change to the thread."""
    _require_visible(user, thread)
    unread.read(user.pk, thread)


def mark_unread(user: User, thread: Thread) -> None:
    _require_visible(user, thread)
    unread.mark_unread(user.pk, thread)


def set_archived(
    actor: User, thread: Thread, archived: bool, *, request: HttpRequest | None = None
) -> None:
    """Seed: messages cannot be deleted, but can be archived. The organization and the
    administrator's staff each archive on their own side."""
    _require_visible(actor, thread)
    staff = accounts_access.is_staff_user(actor)
    with transaction.atomic():
        field = "archived_by_staff" if staff else "archived_by_organization"
        Thread.objects.filter(pk=thread.pk).update(**{field: archived})
        setattr(thread, field, archived)
        record(
            "messaging.thread_archived" if archived else "messaging.thread_unarchived",
            request=request,
            actor=actor,
            organization=thread.organization,
            target=thread.reference,
            details={"side": "staff" if staff else "organization"},
        )


def assign(
    actor: User, thread: Thread, assignee: User | None, *, request: HttpRequest | None = None
) -> None:
    accounts_access.require_staff(actor, Capability.MESSAGES)
    if (
        assignee is not None
        and not accounts_access.staff_with(Capability.MESSAGES).filter(pk=assignee.pk).exists()
    ):
        raise ActionError(
            "Choose a member of the administrator's staff who works the mailboxes.", "assignee"
        )
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(assigned_to=assignee)
        thread.assigned_to = assignee
        record(
            "messaging.thread_assigned",
            request=request,
            actor=actor,
            organization=thread.organization,
            target=thread.reference,
            details={"assignee": assignee.email if assignee else None},
        )


def set_status(
    actor: User, thread: Thread, status: str, *, request: HttpRequest | None = None
) -> None:
    accounts_access.require_staff(actor, Capability.MESSAGES)
    if status not in ThreadStatus.values:
        raise ActionError("Choose open or closed.", "status")
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(status=status)
        thread.status = status
        record(
            "messaging.thread_status_changed",
            request=request,
            actor=actor,
            organization=thread.organization,
            target=thread.reference,
            details={"status": status},
        )


def serve_attachment(
    actor: User, attachment: Attachment, *, request: HttpRequest | None = None
) -> StreamingHttpResponse:
    """Issue 4, "Attachments": each download is written to the audit trail (by the file
    layer's `serve_file`)."""
    thread = attachment.message.thread
    _require_visible(actor, thread)
    if attachment.file is None:
        raise Http404("No such attachment.")
    return serve_file(
        actor,
        attachment.file,
        request=request,
        filename=attachment.filename,
        content_type=attachment.content_type,
        action="messaging.attachment_downloaded",
        target=thread.reference,
        details={"attachment": attachment.pk},
    )


def _require_visible(actor: User, thread: Thread) -> None:
    if not visible_threads(actor).filter(pk=thread.pk).exists():
        raise PermissionDenied("You cannot see this thread.")
