"""Pages: the staff overview, an employer's findings and cases, a case, member letters and
the election form. Views parse input, call one action, render."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pensionportal.accounts import access as account_access
from pensionportal.accounts.access import Capability, acting_staff
from pensionportal.accounts.models import User
from pensionportal.accounts.sections import Audience, section
from pensionportal.core.query_filters import QueryFilters
from pensionportal.files.serving import serve_file
from pensionportal.members.access import access_member
from pensionportal.members.models import Member
from pensionportal.reports.actions import PublishError

from . import actions, previews
from .access import (
    access_case,
    access_employer,
    access_letter,
    access_transfer,
    cases_for,
    employers,
    findings_for,
)
from .forms import BridgingForm, ElectionEntryForm, TransferReceivedForm, WrongPlanForm
from .models import OPEN_STAGES, FindingStatus


@section(Capability.MISSED, audience=Audience.STAFF)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request, Capability.MISSED)
    summary = (
        findings_for(user)
        .filter(status=FindingStatus.OPEN)
        .values("organization_id", "organization__name")
        .annotate(
            periods=Count("id"),
            members=Count("member_id", distinct=True),
            member_owed=Sum("member_owed"),
            employer_owed=Sum("employer_owed"),
        )
        .order_by("organization__name")
    )
    cases = cases_for(user).filter(stage__in=OPEN_STAGES)
    return render(
        request,
        "missed/index.html",
        {"summary": summary, "cases": cases, "employers": employers(user)},
    )


@section(Capability.MISSED, audience=Audience.STAFF)
@require_GET
def run_preview(request: HttpRequest, organization_id: int) -> HttpResponse:
    """What "Run detection now" would issue: read only, confirmed on the same page."""
    user = acting_staff(request, Capability.MISSED)
    employer = access_employer(user, organization_id)
    preview = previews.preview_run(user, employer, timezone.localdate())
    return render(request, "missed/run_preview.html", {"employer": employer, "preview": preview})


@section(Capability.MISSED, audience=Audience.STAFF)
@require_POST
def run_now(request: HttpRequest) -> HttpResponse:
    """The confirmation of a preview: issues exactly what was previewed, or nothing."""
    user = acting_staff(request, Capability.MISSED)
    organization = access_employer(user, request.POST.get("organization", ""))
    count = request.POST.get("periods", "")
    try:
        run = previews.confirm_run(
            user,
            organization,
            timezone.localdate(),
            request.POST.get("fingerprint", ""),
            previewed_count=int(count) if count.isdigit() else 0,
            previewed_total=request.POST.get("total", "")[:20],
            request=request,
        )
    except previews.PreviewChanged as changed:
        messages.error(request, str(changed))
        return render(
            request,
            "missed/run_preview.html",
            {"employer": organization, "preview": changed.preview},
            status=409,
        )
    text = f"Detection found {run.findings} periods with missed contributions."
    if run.case is not None:
        text += f" Invoice {run.case.number} issued for the new ones."
    else:
        text += " No invoice was issued."
    messages.success(request, text)
    return redirect("missed:organization", organization.pk)


@section(Capability.MISSED, audience=Audience.STAFF)
@require_GET
def organization(request: HttpRequest, organization_id: int) -> HttpResponse:
    user = acting_staff(request, Capability.MISSED)
    employer = access_employer(user, organization_id)
    findings = (
        findings_for(user)
        .filter(organization=employer)
        .select_related("member", "case")
        .order_by("status", "member__employee_id", "period_start")
    )
    found = QueryFilters(request.GET)
    status = found.choice("status", "Show", FindingStatus.choices) or FindingStatus.OPEN
    findings = findings.filter(status=status)
    page = Paginator(findings, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "missed/organization.html",
        {
            "employer": employer,
            "page": page,
            "status": status,
            "statuses": FindingStatus.choices,
            "errors": found.errors,
            "cases": cases_for(user).filter(organization=employer),
        },
    )


@section(Capability.MISSED, audience=Audience.STAFF)
@require_POST
def publish_now(request: HttpRequest, organization_id: int) -> HttpResponse:
    user = acting_staff(request, Capability.MISSED)
    employer = access_employer(user, organization_id)
    try:
        report = actions.publish_list(employer, timezone.localdate(), user, request)
    except PublishError as error:
        messages.error(request, str(error))
        return redirect("missed:organization", employer.pk)
    assert report is not None
    messages.success(request, f"Report {report.reference} published to the payroll managers.")
    return redirect("missed:organization", employer.pk)


@section(Capability.MISSED)
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id)
    is_staff = account_access.is_staff_user(request.user)
    return render(
        request,
        "missed/case.html",
        {
            "case": case,
            "findings": case.findings.select_related("member").order_by(
                "member__employee_id", "period_start"
            ),
            "events": case.events.all(),
            "letters": case.letters.select_related("member") if is_staff else [],
            "is_staff": is_staff,
        },
    )


@section(Capability.MISSED, audience=Audience.STAFF)
@require_GET
def letter_download(request: HttpRequest, letter_id: int) -> HttpResponseBase:
    letter = access_letter(request.user, letter_id)
    if letter.file is None:
        raise Http404("No such letter.")
    assert isinstance(request.user, User)
    return serve_file(
        request.user,
        letter.file,
        request=request,
        filename=letter.filename,
        content_type="application/pdf",
        action="missed.member_letter_downloaded",
        target=f"case:{letter.case_id}",
        details={"letter": letter.pk, "kind": letter.kind},
    )


@section(Capability.MISSED, audience=Audience.STAFF)
@require_http_methods(["GET", "POST"])
def election_new(request: HttpRequest, member_id: int) -> HttpResponse:
    user = acting_staff(request, Capability.MISSED)
    member = access_member(user, member_id)
    form = ElectionEntryForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.record_election(user, member, form.to_input(), request)
            except actions.MissedError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Election recorded.")
                return redirect("members:detail", member.pk)
        return render(
            request, "missed/election_form.html", {"form": form, "member": member}, status=400
        )
    return render(request, "missed/election_form.html", {"form": form, "member": member})


def _fact_form(
    request: HttpRequest,
    member_id: int,
    form_class: type[forms.Form],
    title: str,
    notice: str,
    save: Callable[[User, Member, forms.Form], object],
) -> HttpResponse:
    user = acting_staff(request, Capability.MISSED)
    member = access_member(user, member_id)
    form = form_class(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                save(user, member, form)
            except actions.MissedError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"{title}: recorded. Detection runs with it tonight.")
                return redirect("members:detail", member.pk)
        status = 400
    else:
        status = 200
    context = {"form": form, "member": member, "title": title, "notice": notice}
    return render(request, "missed/fact_form.html", context, status=status)


@section(Capability.MISSED, audience=Audience.STAFF)
@require_http_methods(["GET", "POST"])
def bridging_new(request: HttpRequest, member_id: int) -> HttpResponse:
    def save(user: User, member: Member, form: forms.Form) -> object:
        d = form.cleaned_data
        return actions.record_bridging(
            user,
            member,
            actions.BridgingInput(d["start_date"], d["end_date"], d["notes"]),
            request,
        )

    return _fact_form(
        request,
        member_id,
        BridgingForm,
        "Record a bridging leave with pay",
        "A leave of absence with pay under a bridging benefit: contributions are mandatory "
        "for it; periods without them are missed (cause: pension bridging).",
        save,
    )


@section(Capability.MISSED, audience=Audience.STAFF)
@require_http_methods(["GET", "POST"])
def wrong_plan_new(request: HttpRequest, member_id: int) -> HttpResponse:
    def save(user: User, member: Member, form: forms.Form) -> object:
        d = form.cleaned_data
        return actions.record_wrong_plan(
            user,
            member,
            actions.WrongPlanInput(
                d["other_plan"],
                d["period_start"],
                d["period_end"],
                d["amount_found"],
                d["found_on"],
                d["notes"],
            ),
            request,
        )

    return _fact_form(
        request,
        member_id,
        WrongPlanForm,
        "Record contributions found at another plan",
        "The employer remitted this member's contributions to another plan in error. The "
        "period is opened as missed (cause: wrong plan) until the transfer arrives.",
        save,
    )


@section(Capability.MISSED, audience=Audience.STAFF)
@require_POST
def transfer_received(request: HttpRequest, transfer_id: int) -> HttpResponse:
    user = acting_staff(request, Capability.MISSED)
    transfer = access_transfer(user, transfer_id)
    form = TransferReceivedForm(request.POST)
    if form.is_valid():
        try:
            count = actions.record_transfer_received(
                user,
                transfer,
                received_on=form.cleaned_data["received_on"],
                amount=form.cleaned_data["amount"],
                request=request,
            )
        except actions.MissedError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Transfer received: {count} period(s) paid.")
    else:
        messages.error(request, "Enter the date received and the amount.")
    return redirect("members:detail", transfer.member_id)
