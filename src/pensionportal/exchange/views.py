"""File Upload pages. Views parse input, call one action, render (DESIGN.md house rules).

Seeds: secure-employer-portal.txt "File upload"; issue 5 "Must do" 1-5. Every page asks for
`Capability.FILES` ("File upload": only the file upload and administrator roles).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability, acting_user
from pensionportal.accounts.models import Organization
from pensionportal.accounts.sections import Audience, section
from pensionportal.files.uploads import accepts_uploads, handler_of
from pensionportal.submissions.access import intake_by_upload

from . import actions, conf, policies
from .access import access_file, files_for, notices_for
from .forms import DeleteForm, DeliveryForm, FileFilterForm, UploadForm

PAGE_SIZE = 25


@section(Capability.FILES)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = acting_user(request, Capability.FILES)
    organizations = access.organizations_for(user, Capability.FILES)
    filters = FileFilterForm(request.GET or None, organizations=organizations)
    files = files_for(user)
    if filters.is_valid():
        if filters.cleaned_data["organization"]:
            files = files.filter(organization=filters.cleaned_data["organization"])
        if filters.cleaned_data["direction"]:
            files = files.filter(direction=filters.cleaned_data["direction"])
        if filters.cleaned_data["status"]:
            files = files.filter(status=filters.cleaned_data["status"])
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    unread_ids = set(
        notices_for(user).filter(read_at__isnull=True).values_list("file_id", flat=True)
    )
    is_staff = access.is_staff_user(user)
    return render(
        request,
        "exchange/index.html",
        {
            "page": page,
            "intake": intake_by_upload(user, [f.pk for f in page]),
            "filters": filters,
            "unread_ids": unread_ids,
            "is_staff": is_staff,
            "upload_form": None if is_staff else UploadForm(organizations=organizations),
            "delivery_form": DeliveryForm(organizations=organizations) if is_staff else None,
            "unread_count": len(unread_ids),
            **_limits(),
        },
    )


_REASONS = {
    "empty": "The file is empty",
    "too large": "The file is too large",
    "not allowed": "This is not allowed",
    "duplicate": "It is a duplicate",
}


def plain_reason(reason: str) -> str:
    """A refusal in a clerk's words: "empty: the file has no content." becomes "The file is
    empty: it has no content." — the short code before the colon is for logs and tests,
    never the only explanation (issue 15, item 13)."""
    code, sep, rest = reason.partition(": ")
    if not sep or code not in _REASONS:
        return reason[:1].upper() + reason[1:]
    lead = _REASONS[code]
    if not lead:
        return rest[:1].upper() + rest[1:]
    if code == "empty":
        return "The file is empty: it has no content. Check that you chose the right file."
    return f"{lead}: {rest}"


def _limits() -> dict[str, object]:
    return {
        "max_file_size": conf.max_file_size(),
        "max_file_mb": conf.max_file_size() // (1024 * 1024),
        "max_files": conf.max_files_per_upload(),
        "allowed_extensions": ", ".join(sorted(conf.allowed_extensions())),
        "accept": ",".join(f".{ext}" for ext in sorted(conf.allowed_extensions())),
    }


# --- Streaming uploads ----------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _finish(request: HttpRequest, url: str) -> HttpResponse:
    """The progress bar's script asks for JSON and follows `redirect` itself; a plain form post
    gets the redirect (so flash messages are shown exactly once)."""
    if _wants_json(request):
        return JsonResponse({"redirect": url})
    return redirect(url)


def _refuse(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return _finish(request, reverse("exchange:index"))


def _authorize_upload(request: HttpRequest) -> None:
    user = acting_user(request, Capability.FILES)
    if access.is_staff_user(user):
        raise PermissionDenied("Staff send files with the form for delivering a file.")


def _authorize_delivery(request: HttpRequest) -> None:
    access.require_staff(acting_user(request, Capability.FILES), Capability.FILES)


def _form_errors(form: UploadForm | DeliveryForm) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _outcome(request: HttpRequest) -> tuple[list[Any], list[Any]]:
    handler = handler_of(request)
    if handler is None:
        return [], []
    return handler.outcome.received, handler.outcome.refused


def _report_refusals(request: HttpRequest) -> None:
    for refused in _outcome(request)[1]:
        messages.error(request, refused.reason)


NOTHING_ARRIVED = (
    "No file arrived. Choose one or more files to send "
    "(a file name made only of dots is not allowed)."
)


def _arrived(
    request: HttpRequest, form: UploadForm | DeliveryForm
) -> tuple[list[Any], HttpResponse | None]:
    """The files that arrived with a valid form, or the answer to give instead (the form's
    errors; each refused file named; "no file arrived")."""
    if not form.is_valid():
        return [], _refuse(request, _form_errors(form))
    _report_refusals(request)
    received, refused = _outcome(request)
    if not received:
        if not refused:
            messages.error(request, NOTHING_ARRIVED)
        return [], _finish(request, reverse("exchange:index"))
    return received, None


@section(Capability.FILES, audience=Audience.EMPLOYERS)
@accepts_uploads(policies.employer_uploads(_authorize_upload, _refuse))
def upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("exchange:index")
    user = acting_user(request)
    form = UploadForm(request.POST, organizations=access.organizations_for(user, Capability.FILES))
    received, answer = _arrived(request, form)
    if answer is not None:
        return answer
    organization: Organization = form.cleaned_data["organization"]
    try:
        result = actions.receive_uploads(
            user,
            organization,
            received,
            send_anyway=form.cleaned_data["send_anyway"],
            request=request,
        )
    except actions.ExchangeError as error:
        return _refuse(request, str(error))
    for refusal in result.refused:
        messages.error(request, f"{refusal.name} was not accepted. {plain_reason(refusal.reason)}")
    if not result.stored:
        return _finish(request, reverse("exchange:index"))
    count = len(result.stored)
    messages.success(
        request,
        f"Received {count} file{'s' if count != 1 else ''}. The plan administrator has been "
        "notified, and a receipt was e-mailed to you.",
    )
    ids = ",".join(str(upload.pk) for upload in result.stored)
    return _finish(request, reverse("exchange:receipt") + f"?ids={ids}")


@section(Capability.FILES, audience=Audience.STAFF)
@accepts_uploads(policies.staff_deliveries(_authorize_delivery, _refuse))
def deliver(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("exchange:index")
    user = acting_user(request)
    form = DeliveryForm(
        request.POST, organizations=access.organizations_for(user, Capability.FILES)
    )
    received, answer = _arrived(request, form)
    if answer is not None:
        return answer
    delivered = []
    for item in received:
        try:
            delivery = actions.record_delivery(
                user,
                form.cleaned_data["organization"],
                item.name,
                item.stored,
                form.cleaned_data["category"],
                request=request,
            )
        except actions.ExchangeError as error:
            messages.error(request, f"{item.name} was not accepted. {plain_reason(str(error))}")
            continue
        delivered.append(delivery)
    if delivered:
        messages.success(
            request,
            f"Delivered {len(delivered)} file{'s' if len(delivered) != 1 else ''} to "
            f"{form.cleaned_data['organization']}; its users have been notified.",
        )
    return _finish(request, reverse("exchange:index"))


# --- Reading, receipts, downloads, deletion --------------------------------------------------


def _parse_ids(raw: str) -> list[int]:
    ids = []
    for part in raw.split(",")[:50]:
        if part.strip().isdigit():
            ids.append(int(part))
    return ids


@section(Capability.FILES)
@require_GET
def receipt(request: HttpRequest) -> HttpResponse:
    user = acting_user(request, Capability.FILES)
    files = [access_file(user, pk) for pk in _parse_ids(request.GET.get("ids", ""))]
    return render(request, "exchange/receipt.html", {"files": files})


@section(Capability.FILES)
@require_GET
def detail(request: HttpRequest, file_id: int) -> HttpResponse:
    user = acting_user(request, Capability.FILES)
    upload = access_file(user, file_id)
    actions.mark_read(user, upload)
    is_staff = access.is_staff_user(user)
    return render(
        request,
        "exchange/detail.html",
        {
            "file": upload,
            "submission": intake_by_upload(user, [upload.pk]).get(upload.pk),
            "is_staff": is_staff,
            "delete_form": DeleteForm() if is_staff and not upload.is_deleted else None,
        },
    )


@section(Capability.FILES)
@require_GET
def download(request: HttpRequest, file_id: int) -> HttpResponseBase:
    user = acting_user(request, Capability.FILES)
    upload = access_file(user, file_id)
    if upload.is_deleted or upload.file is None or not upload.file.has_content:
        messages.error(request, "This file was deleted; its content is no longer kept.")
        return redirect("exchange:detail", file_id=upload.pk)
    return actions.serve_download(user, upload, request=request)


# secure-employer-portal.txt "File upload": "Only OPTrust can delete files".
@section(Capability.FILES, audience=Audience.STAFF)
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, file_id: int) -> HttpResponse:
    user = acting_user(request, Capability.FILES)
    upload = access_file(user, file_id)
    if upload.is_deleted:
        messages.error(request, "This file was already deleted.")
        return redirect("exchange:detail", file_id=upload.pk)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.delete_file(user, upload, form.cleaned_data["reason"], request=request)
        except actions.ExchangeError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, f"{upload.name} was deleted; its record stays.")
            return redirect("exchange:detail", file_id=upload.pk)
    return render(request, "exchange/delete.html", {"file": upload, "form": form})


@section(Capability.FILES, audience=Audience.STAFF)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The staff's "New uploads" list with unread state (issue 5 "Must do" 2)."""
    user = acting_user(request, Capability.FILES)
    notices = notices_for(user)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/inbox.html", {"page": page})
