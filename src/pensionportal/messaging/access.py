"""Who may see which thread. Every read of a thread or an attachment goes through here.

Issue 4, "Visibility": every staff member, and every user of the thread's organization who
holds a messaging role (communications, file upload, administrator). Anything else is 404,
so a thread's existence is never revealed.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability
from pensionportal.accounts.models import Organization

from . import references
from .models import Attachment, Mailbox, Thread
from .search_index import Scope


def visible_organizations(user: AnyUser) -> QuerySet[Organization] | None:
    """The organizations whose threads the user may see; None for every organization
    (staff who work the mailboxes)."""
    if not access.can_use(user, Capability.MESSAGES):
        return Organization.objects.none()
    if access.is_staff_user(user):
        return None
    return access.organizations_for(user, Capability.MESSAGES)


def visible_threads(user: AnyUser) -> QuerySet[Thread]:
    """All threads the user may see (staff: all of them)."""
    organizations = visible_organizations(user)
    if organizations is None:
        return Thread.objects.all()
    return Thread.objects.filter(organization__in=organizations)


def search_scope(user: AnyUser, organization: int | None = None) -> Scope:
    """The organizations whose part of the message search index the user may query (the
    tokens are computed per organization): staff every organization, anyone else the
    organizations where they hold a messaging role; `organization` narrows it to one of
    those (another organization gives an empty scope, so nothing matches)."""
    if not access.can_use(user, Capability.MESSAGES):
        return Scope(())
    if access.is_staff_user(user):
        if organization is not None:
            return Scope(
                tuple(Organization.objects.filter(pk=organization).values_list("pk", flat=True))
            )
        return Scope(
            tuple(Organization.objects.order_by("pk").values_list("pk", flat=True)),
            every_organization=True,
        )
    mine = access.organizations_for(user, Capability.MESSAGES)
    if organization is not None:
        mine = mine.filter(pk=organization)
    return Scope(tuple(mine.order_by("pk").values_list("pk", flat=True)))


def access_thread(user: AnyUser, reference: str) -> Thread:
    canonical = references.normalize(reference)
    if canonical is None:
        raise Http404("No such thread.")
    thread = (
        visible_threads(user)
        .select_related("organization", "mailbox", "assigned_to")
        .filter(reference=canonical)
        .first()
    )
    if thread is None:
        raise Http404("No such thread.")
    return thread


def access_thread_by_id(user: AnyUser, thread_id: int | str) -> Thread:
    return access.one_or_404(visible_threads(user), thread_id, "thread")


def access_attachment(user: AnyUser, reference: str, attachment_id: int | str) -> Attachment:
    thread = access_thread(user, reference)
    attachments = Attachment.objects.select_related("message__thread__organization").filter(
        message__thread=thread
    )
    return access.one_or_404(attachments, attachment_id, "attachment")


def writable_mailboxes() -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(is_active=True)
