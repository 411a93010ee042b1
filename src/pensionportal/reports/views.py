"""The Reports section: payroll managers receive reports; staff publish them.

Seed: secure-employer-portal.txt, the Reports paragraph; issue 5 "Must do" 6. The pages ask
for `Capability.REPORTS` ("only accessible to ... the Payroll Managers role").
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability, acting_user
from pensionportal.accounts.models import User
from pensionportal.accounts.sections import Audience, section
from pensionportal.files.uploads import UploadPolicy, accepts_uploads, received, refusals

from . import actions, conf
from .access import access_report, access_report_file, read_report_ids, reports_for
from .forms import PublishForm
from .models import ReportFormat

PAGE_SIZE = 25
MAX_FILES = 3  # one report in up to three formats


@section(Capability.REPORTS)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = acting_user(request, Capability.REPORTS)
    reports = reports_for(user).prefetch_related("files")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    read_ids = read_report_ids(user, [r.pk for r in page])
    return render(
        request,
        "reports/index.html",
        {
            "page": page,
            "read_ids": read_ids,
            "is_staff": access.is_staff_user(user),
            "can_message": access.can_use(user, Capability.MESSAGES),
        },
    )


@section(Capability.REPORTS)
@require_GET
def detail(request: HttpRequest, report_id: int) -> HttpResponse:
    user = acting_user(request, Capability.REPORTS)
    report = access_report(user, report_id)
    if not access.is_staff_user(user):
        actions.mark_report_read(user, report)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "files": report.files.all(),
            "can_message": access.can_use(user, Capability.MESSAGES),
        },
    )


@section(Capability.REPORTS)
@require_GET
def download(request: HttpRequest, report_id: int, file_id: int) -> HttpResponseBase:
    user = acting_user(request, Capability.REPORTS)
    report_file = access_report_file(user, report_id, file_id)
    return actions.serve_report_file(user, report_file, request=request)


def _publish_form_page(request: HttpRequest, form: PublishForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "reports/publish.html",
        {"form": form, "max_file_mb": conf.max_report_file_size() // (1024 * 1024)},
        status=status,
    )


def _authorize_publish(request: HttpRequest) -> None:
    access.require_staff(request.user, Capability.REPORTS)


def _unreadable(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, "The upload could not be read; nothing was published.")
    return redirect("reports:publish")


PUBLISHED_FILES = UploadPolicy(
    purpose="reports.file",
    authorize=_authorize_publish,
    unreadable=_unreadable,
    max_size=conf.max_report_file_size,
    max_files=MAX_FILES,
    extensions=frozenset(ReportFormat.values),
)


@section(Capability.REPORTS, audience=Audience.STAFF)
@accepts_uploads(PUBLISHED_FILES)
def publish(request: HttpRequest) -> HttpResponseBase:
    """Staff publish a report. The files are streamed encrypted into the file layer by the
    same handler as every upload (no plaintext temporary file), then handed to
    `publish_report`, which keeps them."""
    assert isinstance(request.user, User)
    if request.method != "POST":
        return _publish_form_page(request, PublishForm())
    form = PublishForm(request.POST)
    for refused in refusals(request):
        form.add_error(None, refused.reason)
    arrived = received(request)
    if not arrived and not refusals(request):
        form.add_error(None, "Choose at least one file: PDF, CSV or XLSX.")
    if not form.is_valid():
        return _publish_form_page(request, form, status=400)
    files = [actions.ReportFileInput(item.name, "", received=item) for item in arrived]
    try:
        report = actions.publish_report(
            form.cleaned_data["organization"],
            form.cleaned_data["title"],
            form.cleaned_data["kind"],
            files,
            published_by=request.user,
            period=form.cleaned_data["period"],
            request=request,
        )
    except actions.PublishError as error:
        form.add_error(None, str(error))
        return _publish_form_page(request, form, status=400)
    messages.success(
        request,
        f"Published {report.title} to {report.organization}; its payroll managers were notified.",
    )
    return redirect("reports:detail", report_id=report.pk)
