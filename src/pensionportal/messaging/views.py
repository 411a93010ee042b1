"""Secure messages pages. Views parse input, call one action, and render; every thread
and attachment is reached through `messaging.access`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pensionportal.accounts import access as accounts_access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import User
from pensionportal.accounts.sections import Audience, section
from pensionportal.core.feedback import refusal_on_form
from pensionportal.core.keyset import KeysetPage
from pensionportal.files.uploads import accepts_uploads

from . import actions, conf
from .access import access_attachment, access_thread, access_thread_by_id, visible_threads
from .actions import ActionError
from .forms import (
    ATTACHMENTS,
    AssignForm,
    ComposeForm,
    ReplyForm,
    SearchForm,
    StatusForm,
    add_refusals,
)
from .models import Mailbox, Thread
from .queries import (
    ThreadSearch,
    escalation_date,
    overdue,
    search_page,
    side_filter,
    unread_threads,
)


def _acting(request: HttpRequest) -> User:
    accounts_access.require(request.user, Capability.MESSAGES)
    assert isinstance(request.user, User)
    return request.user


# --- Lists -------------------------------------------------------------------------------


@section(Capability.MESSAGES)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _thread_list(request, archived=False)


@section(Capability.MESSAGES)
@require_GET
def archived(request: HttpRequest) -> HttpResponse:
    return _thread_list(request, archived=True)


def _thread_list(request: HttpRequest, *, archived: bool) -> HttpResponse:
    user = _acting(request)
    form = SearchForm(user, request.GET or None)
    search = ThreadSearch(archived=archived)
    if form.is_bound:
        form.is_valid()
        data: dict[str, Any] = form.cleaned_data
        search.reference = data.get("reference") or ""
        search.words = data.get("words") or ""
        search.mailbox = data.get("mailbox") or ""
        organization = data.get("organization")
        search.organization = organization.pk if organization is not None else None
        search.date_from = data.get("date_from")
        search.date_to = data.get("date_to")
        search.status = data.get("status") or ""
        search.overdue = bool(data.get("overdue"))
        search.assigned_to_me = bool(data.get("mine"))
    page: Any
    if {"reference", "words"} & set(form.errors):
        # A search that cannot be run matches nothing (it says why).
        page = Paginator(visible_threads(user).none(), conf.PAGE_SIZE).get_page(1)
    else:
        # One page, newest activity first, older and newer pages by a cursor, no total:
        # counting would read every matching thread (all of a common word's, or a staff
        # member's every thread), and an OFFSET reads all the pages it skips.
        page = search_page(user, search, request.GET, conf.PAGE_SIZE)
    context: dict[str, Any] = {
        "page": page,
        "counted": not isinstance(page, KeysetPage),
        "form": form,
        "archived": archived,
        "is_staff": accounts_access.is_staff_user(user),
        "searching": form.is_bound,
        "today": timezone.localdate(),
    }
    if context["is_staff"] and not archived:
        context["mailboxes"] = _mailbox_summary(user)
    return render(request, "messaging/list.html", context)


def _mailbox_summary(user: User) -> list[dict[str, Any]]:
    """Staff side: each mailbox's unread (for this staff member) and overdue counts."""
    unread = dict(unread_threads(user).values_list("mailbox_id").annotate(n=Count("id")).order_by())
    late = dict(
        overdue(side_filter(visible_threads(user), user, archived=False))
        .values_list("mailbox_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {"mailbox": m, "unread": unread.get(m.pk, 0), "overdue": late.get(m.pk, 0)}
        for m in Mailbox.objects.all()
    ]


# --- Writing -----------------------------------------------------------------------------


@section(Capability.MESSAGES)
@accepts_uploads(ATTACHMENTS)
def compose(request: HttpRequest) -> HttpResponse:
    user = _acting(request)
    if request.method == "POST":
        form = ComposeForm(user, request.POST, request.FILES)
        if form.is_valid() & add_refusals(form, request):
            data = form.cleaned_data
            try:
                thread = actions.start_thread(
                    user,
                    organization=data["organization"],
                    mailbox=data["mailbox"],
                    subject=data["subject"],
                    body=data["body"],
                    attachments=data["attachments"],
                    request=request,
                )
            except ActionError as error:
                refusal_on_form(form, error)
            else:
                messages.success(
                    request, f"Your message was sent. Its reference is {thread.reference}."
                )
                return redirect("messaging:thread", reference=thread.reference)
    else:
        initial: dict[str, Any] = {}
        slug = request.GET.get("mailbox", "")
        mailbox = Mailbox.objects.filter(slug=slug, is_active=True).first() if slug else None
        if mailbox is not None:
            initial["mailbox"] = mailbox
        form = ComposeForm(user, initial=initial)
    return render(
        request,
        "messaging/compose.html",
        {"form": form, "is_staff": accounts_access.is_staff_user(user)},
    )


# --- One thread --------------------------------------------------------------------------


@section(Capability.MESSAGES)
@require_GET
def thread_by_id(request: HttpRequest, pk: int) -> HttpResponse:
    thread = access_thread_by_id(_acting(request), pk)
    return redirect("messaging:thread", reference=thread.reference)


@section(Capability.MESSAGES)
@require_GET
def thread_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = _acting(request)
    thread = access_thread(user, reference)
    actions.mark_read(user, thread)
    return _render_thread(request, user, thread)


def _render_thread(
    request: HttpRequest,
    user: User,
    thread: Thread,
    *,
    reply_form: ReplyForm | None = None,
    assign_form: AssignForm | None = None,
    status_form: StatusForm | None = None,
) -> HttpResponse:
    is_staff = accounts_access.is_staff_user(user)
    thread_messages = thread.messages.select_related("author").prefetch_related("attachments")
    context: dict[str, Any] = {
        "thread": thread,
        "thread_messages": thread_messages,
        "reply_form": reply_form or ReplyForm(),
        "is_staff": is_staff,
        "is_overdue": overdue(visible_threads(user).filter(pk=thread.pk)).exists(),
        "archived_here": thread.archived_by_staff if is_staff else thread.archived_by_organization,
    }
    if is_staff:
        context["escalate_after"] = escalation_date(thread)
        context["assign_form"] = assign_form or AssignForm(
            initial={"assignee": thread.assigned_to_id}
        )
        context["status_form"] = status_form or StatusForm(initial={"status": thread.status})
    return render(request, "messaging/thread.html", context)


@section(Capability.MESSAGES)
@require_POST
@accepts_uploads(ATTACHMENTS)
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    user = _acting(request)
    thread = access_thread(user, reference)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid() & add_refusals(form, request):
        try:
            actions.reply(
                user,
                thread,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
                request=request,
            )
        except ActionError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, f"Your reply was sent under reference {thread.reference}.")
            return redirect("messaging:thread", reference=thread.reference)
    return _render_thread(request, user, thread, reply_form=form)


@section(Capability.MESSAGES)
@require_POST
def archive(request: HttpRequest, reference: str) -> HttpResponse:
    user = _acting(request)
    thread = access_thread(user, reference)
    actions.set_archived(user, thread, True, request=request)
    messages.success(request, f"Thread {thread.reference} was archived. Find it under Archived.")
    return redirect("messaging:index")


@section(Capability.MESSAGES)
@require_POST
def unarchive(request: HttpRequest, reference: str) -> HttpResponse:
    user = _acting(request)
    thread = access_thread(user, reference)
    actions.set_archived(user, thread, False, request=request)
    messages.success(request, f"Thread {thread.reference} is back in your messages.")
    return redirect("messaging:thread", reference=thread.reference)


@section(Capability.MESSAGES)
@require_POST
def mark_unread(request: HttpRequest, reference: str) -> HttpResponse:
    user = _acting(request)
    thread = access_thread(user, reference)
    actions.mark_unread(user, thread)
    messages.success(request, f"Thread {thread.reference} is marked unread.")
    return redirect("messaging:index")


@section(Capability.MESSAGES, audience=Audience.STAFF)
@require_POST
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    user = _acting(request)
    thread = access_thread(user, reference)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            actions.assign(user, thread, form.cleaned_data["assignee"], request=request)
        except ActionError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, "The assignment was saved.")
            return redirect("messaging:thread", reference=thread.reference)
    return _render_thread(request, user, thread, assign_form=form)


@section(Capability.MESSAGES, audience=Audience.STAFF)
@require_POST
def set_status(request: HttpRequest, reference: str) -> HttpResponse:
    user = _acting(request)
    thread = access_thread(user, reference)
    form = StatusForm(request.POST)
    if form.is_valid():
        actions.set_status(user, thread, form.cleaned_data["status"], request=request)
        messages.success(request, f"The thread is now {thread.get_status_display().lower()}.")
        return redirect("messaging:thread", reference=thread.reference)
    return _render_thread(request, user, thread, status_form=form)


@section(Capability.MESSAGES)
@require_GET
def download(request: HttpRequest, reference: str, attachment_id: int) -> StreamingHttpResponse:
    user = _acting(request)
    attachment = access_attachment(user, reference, attachment_id)
    return actions.serve_attachment(user, attachment, request=request)
