"""Buyback pages: views parse input, call one action, render."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability, acting_staff
from pensionportal.accounts.chooser import organization_filter
from pensionportal.accounts.models import Organization, User
from pensionportal.accounts.sections import Audience, section
from pensionportal.core.feedback import refusal_on_form
from pensionportal.core.query_filters import QueryFilters
from pensionportal.exchange.access import files_for
from pensionportal.files.serving import serve_file, serve_generated
from pensionportal.files.uploads import UploadPolicy, accepts_uploads, refusals_into
from pensionportal.members.access import visible_members
from pensionportal.rules import buyback_tax

from . import actions, changes, history, lapsing, ledger, other_apps, pdfs, tax_reporting
from .access import (
    access_buyback,
    access_letter,
    deduction_file_employers,
    deduction_problems_for,
    deduction_runs_for,
    directions_of,
    employers,
    problems_of,
    tax_notice_runs,
    visible_buybacks,
)
from .forms import (
    AgreementForm,
    ApplicationEntryForm,
    ChangeDeductionForm,
    DeductionFileForm,
    DeductionFileSettingForm,
    LumpSumForm,
    ProblemReportForm,
    QuoteForm,
    ReissueForm,
    StopForm,
    TaxYearForm,
    percent,
)
from .models import (
    Buyback,
    Status,
)

MAX_REPORT_BYTES = 2 * 1024 * 1024


def _employers(request: HttpRequest) -> QuerySet[Organization]:
    return employers(request.user)


def _ds_employers(request: HttpRequest) -> QuerySet[Organization]:
    return deduction_file_employers(request.user)


@section(Capability.BUYBACKS)
def index(request: HttpRequest) -> HttpResponse:
    query = visible_buybacks(request.user)
    found = QueryFilters(request.GET)
    status = found.choice("status", "Status", Status.choices)
    if status:
        query = query.filter(status=status)
    org_filter = organization_filter(found, _employers(request))
    if org_filter.chosen is not None:
        query = query.filter(organization=org_filter.chosen)
    page = Paginator(query.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return _render_index(
        request, page=page, status=status, errors=found.errors, org_filter=org_filter
    )


def _render_index(request: HttpRequest, **context: Any) -> HttpResponse:
    is_staff = access.is_staff_user(request.user)
    orgs = _employers(request)
    ds_orgs = _ds_employers(request)
    runs = (
        deduction_runs_for(request.user)
        .filter(organization__in=orgs)
        .annotate(line_count=Count("lines"))[:20]
    )
    context.setdefault("page", None)
    if context["page"] is None:
        context["page"] = Paginator(
            visible_buybacks(request.user).order_by("-created_at", "-id"), 50
        ).get_page(1)
    context.setdefault("problem_form", ProblemReportForm(organizations=ds_orgs))
    if is_staff:
        context.setdefault("ds_form", DeductionFileForm(organizations=ds_orgs))
        context.setdefault("ds_setting_form", DeductionFileSettingForm(organizations=orgs))
    context.update(
        {
            "is_staff": is_staff,
            "takes_deduction_files": ds_orgs.exists(),
            "statuses": Status.choices,
            "runs": runs,
            "share_invoices": other_apps.share_invoices(orgs.values("pk")),
            "problems": deduction_problems_for(request.user).filter(
                line__run__organization__in=orgs
            )[:50],
        }
    )
    return render(request, "buybacks/index.html", context)


@section(Capability.BUYBACKS, audience=Audience.STAFF)
def new_application(request: HttpRequest) -> HttpResponse:
    staff = acting_staff(request, Capability.BUYBACKS)
    form = ApplicationEntryForm(request.POST or None, organizations=_employers(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = (
            visible_members(staff)
            .filter(organization=data["organization"], employee_id=data["employee_id"].strip())
            .select_related("organization")
            .first()
        )
        if member is None:
            form.add_error("employee_id", "No member with this employee ID at that organization.")
        else:
            try:
                buyback = actions.create_application(
                    staff,
                    member,
                    actions.ApplicationInput(
                        form=data["form"],
                        service_type=data["service_type"],
                        service_start=data["service_start"],
                        service_end=data["service_end"],
                        received_date=data["received_date"],
                        share=data["share"],
                        limit_kind=data["limit_kind"],
                        reduced_hours_elected=data["reduced_hours_elected"],
                        notes=data["notes"],
                    ),
                    request=request,
                )
            except actions.BuybackError as error:
                refusal_on_form(form, error)
            else:
                if buyback.status == Status.REFUSED:
                    messages.warning(request, f"{buyback.reference} was recorded and refused.")
                else:
                    messages.success(request, f"Application {buyback.reference} recorded.")
                return redirect("buybacks:detail", buyback.pk)
    return render(request, "buybacks/new.html", {"form": form})


def _render_detail(request: HttpRequest, buyback: Buyback, **forms: Any) -> HttpResponse:
    is_staff = access.is_staff_user(request.user)
    directions = list(directions_of(buyback))
    direction = directions[0] if directions else None
    options = None
    if buyback.member_cost is not None and buyback.quote_date is not None:
        options = actions.options_for(buyback)
    context: dict[str, Any] = {
        "buyback": buyback,
        "member": buyback.member,
        "is_staff": is_staff,
        "direction": direction,
        "lines": list(direction.lines.all()) if direction else [],
        "earlier_directions": directions[1:],
        "tracking": ledger.tracking_for(buyback),
        "options": options,
        "lump_sums": buyback.lump_sums.all(),
        "quotes": buyback.quotes.all(),
        "letters": buyback.letters.all() if is_staff else [],
        "pa": tax_reporting.pa_for(buyback),
        "history": history.for_period(buyback.member, buyback.service_start, buyback.service_end),
        "problems": problems_of(buyback),
    }
    if is_staff:
        context["quote_form"] = forms.get("quote_form") or QuoteForm(
            initial={"salary_rate": buyback.member.pay_rate}
        )
        context["agreement_form"] = forms.get("agreement_form") or AgreementForm(
            initial={
                "interest_rate": (buyback.interest_rate * 100).quantize(Decimal("0.001"))
                if buyback.interest_rate
                else None
            }
        )
        context["lump_sum_form"] = forms.get("lump_sum_form") or LumpSumForm()
        context["stop_form"] = forms.get("stop_form") or StopForm()
        context["reissue_form"] = forms.get("reissue_form") or ReissueForm(
            initial={"salary_rate": buyback.member.pay_rate}
        )
        context["change_form"] = forms.get("change_form") or ChangeDeductionForm()
    status = 400 if forms else 200
    return render(request, "buybacks/detail.html", context, status=status)


@section(Capability.BUYBACKS)
def detail(request: HttpRequest, buyback_id: int) -> HttpResponse:
    return _render_detail(request, access_buyback(request.user, buyback_id))


DetailStep = Callable[[User, Buyback, dict[str, Any]], str]


def _detail_action(
    request: HttpRequest,
    buyback_id: int,
    form_class: type[django_forms.Form],
    form_name: str,
    step: DetailStep,
) -> HttpResponse:
    """A staff form of the buyback's page: the step runs the action with the cleaned data and
    returns the message to show; a refusal is shown on the form, on the page again (400)."""
    buyback = access_buyback(request.user, buyback_id)
    staff = acting_staff(request, Capability.BUYBACKS)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            done = step(staff, buyback, form.cleaned_data)
        except actions.BuybackError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, done)
            return redirect("buybacks:detail", buyback.pk)
    return _render_detail(request, buyback, **{form_name: form})


@section(Capability.BUYBACKS, audience=Audience.STAFF)
@require_POST
def quote(request: HttpRequest, buyback_id: int) -> HttpResponse:
    def step(staff: User, buyback: Buyback, data: dict[str, Any]) -> str:
        actions.issue_quote(
            staff,
            buyback,
            complete_date=data["complete_date"],
            salary_rate=data["salary_rate"],
            entered_cost=data["entered_cost"],
            interest_rate=percent(data["interest_rate"]),
            quote_date=data["quote_date"],
            request=request,
        )
        return "Quote issued. Download the Agreement to Purchase Credit."

    return _detail_action(request, buyback_id, QuoteForm, "quote_form", step)


@section(Capability.BUYBACKS, audience=Audience.STAFF)
@require_POST
def agreement(request: HttpRequest, buyback_id: int) -> HttpResponse:
    def step(staff: User, buyback: Buyback, data: dict[str, Any]) -> str:
        actions.record_agreement(
            staff,
            buyback,
            actions.AgreementInput(
                agreement_date=data["agreement_date"],
                option=data["option"],
                lump_sum=data["lump_sum"],
                interest_rate=percent(data["interest_rate"]),
                frequency=data["frequency"],
                payment=data["payment"],
                first_deduction=data["first_deduction"],
            ),
            request=request,
        )
        return "Agreement recorded."

    return _detail_action(request, buyback_id, AgreementForm, "agreement_form", step)


@section(Capability.BUYBACKS, audience=Audience.STAFF)
@require_POST
def lump_sum(request: HttpRequest, buyback_id: int) -> HttpResponse:
    def step(staff: User, buyback: Buyback, data: dict[str, Any]) -> str:
        actions.record_lump_sum(
            staff,
            buyback,
            received_date=data["received_date"],
            amount=data["amount"],
            request=request,
        )
        return "Payment recorded."

    return _detail_action(request, buyback_id, LumpSumForm, "lump_sum_form", step)


@section(Capability.BUYBACKS, audience=Audience.STAFF)
@require_POST
def stop(request: HttpRequest, buyback_id: int) -> HttpResponse:
    def step(staff: User, buyback: Buyback, data: dict[str, Any]) -> str:
        actions.stop_buyback(staff, buyback, reason=data["reason"], on=data["on"], request=request)
        return "Buyback stopped."

    return _detail_action(request, buyback_id, StopForm, "stop_form", step)


@section(Capability.BUYBACKS, audience=Audience.STAFF)
def agreement_pdf(request: HttpRequest, buyback_id: int) -> HttpResponseBase:
    buyback = access_buyback(request.user, buyback_id)
    staff = acting_staff(request, Capability.BUYBACKS)
    try:
        content = actions.agreement_pdf(staff, buyback, request)
    except actions.BuybackError as error:
        messages.error(request, str(error))
        return redirect("buybacks:detail", buyback.pk)
    return serve_generated(
        staff,
        content,
        filename=f"1017_{buyback.reference}.pdf",
        purpose="buybacks.agreement_1017",
        organization=buyback.organization,
        content_type="application/pdf",
        request=request,
        action="buybacks.agreement_downloaded",
        target=buyback.reference,
    )


@section(Capability.BUYBACKS)
def direction_pdf(request: HttpRequest, buyback_id: int) -> HttpResponseBase:
    """The form 1016 as delivered to the employer (the stored file), or, for a direction from
    before deliveries were stored, as it reads now."""
    buyback = access_buyback(request.user, buyback_id)
    assert isinstance(request.user, User)
    directions = directions_of(buyback)
    wanted = request.GET.get("direction", "")
    direction = (
        directions.filter(pk=int(wanted)).first() if wanted.isdigit() else directions.first()
    )
    if direction is None:
        messages.error(request, "This buyback has no such deduction direction.")
        return redirect("buybacks:detail", buyback.pk)
    filename = f"1016_{buyback.reference}_{direction.pk}.pdf"
    delivered = (
        files_for(request.user)
        .filter(pk=direction.delivered_file_id)
        .select_related("file")
        .first()
        if direction.delivered_file_id
        else None
    )
    if delivered is not None and delivered.file is not None and delivered.file.has_content:
        return serve_file(
            request.user,
            delivered.file,
            request=request,
            filename=filename,
            content_type="application/pdf",
            action="buybacks.direction_downloaded",
            target=buyback.reference,
        )
    return serve_generated(
        request.user,
        pdfs.direction_1016(direction, list(direction.lines.all())),
        filename=filename,
        purpose="buybacks.direction_1016",
        organization=buyback.organization,
        content_type="application/pdf",
        request=request,
        action="buybacks.direction_downloaded",
        target=buyback.reference,
    )


@section(Capability.BUYBACKS, audience=Audience.STAFF)
@require_POST
def deduction_file(request: HttpRequest) -> HttpResponse:
    staff = acting_staff(request, Capability.BUYBACKS)
    form = DeductionFileForm(request.POST, organizations=_ds_employers(request))
    if form.is_valid():
        org = access.access_organization(
            staff, form.cleaned_data["organization"].pk, Capability.BUYBACKS
        )
        try:
            run = actions.produce_deduction_file(
                staff, org, form.cleaned_data["pay_date"], request=request
            )
        except actions.BuybackError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, f"{run.filename} delivered to {org.name}.")
            return redirect("buybacks:index")
    return _render_index(request, ds_form=form)


@section(Capability.BUYBACKS, audience=Audience.STAFF)
@require_POST
def deduction_file_setting(request: HttpRequest) -> HttpResponse:
    staff = acting_staff(request, Capability.BUYBACKS)
    form = DeductionFileSettingForm(request.POST, organizations=_employers(request))
    if form.is_valid():
        org = access.access_organization(
            staff, form.cleaned_data["organization"].pk, Capability.BUYBACKS
        )
        actions.set_deduction_file(staff, org, form.cleaned_data["enabled"], request)
        messages.success(request, f"Deduction file setting saved for {org.name}.")
        return redirect("buybacks:index")
    return _render_index(request, ds_setting_form=form)


def _authorize_problem_report(request: HttpRequest) -> None:
    access.require(request.user, Capability.BUYBACKS)


PROBLEM_REPORTS = UploadPolicy(
    purpose="buybacks.problem_report",
    authorize=_authorize_problem_report,
    max_size=MAX_REPORT_BYTES,
    max_files=1,
    extensions=frozenset({"csv"}),
)


@section(Capability.BUYBACKS)
@require_POST
@accepts_uploads(PROBLEM_REPORTS)
def problem_report(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = ProblemReportForm(request.POST, request.FILES, organizations=_ds_employers(request))
    row_errors: list[str] = []
    valid = form.is_valid()
    valid = refusals_into(form, request, "file") and valid
    if valid:
        org = access.access_organization(
            request.user, form.cleaned_data["organization"].pk, Capability.BUYBACKS
        )
        upload = form.cleaned_data["file"]
        try:
            problems = actions.accept_problem_report(
                request.user, org, upload.read_all(), stored=upload.stored, request=request
            )
        except actions.ProblemReportRefused as error:
            form.add_error("file", str(error))
            row_errors = [str(row) for row in error.errors[:200]]
        else:
            messages.success(request, f"{len(problems)} problem(s) recorded. Thank you.")
            return redirect("buybacks:index")
    response = _render_index(request, problem_form=form, row_errors=row_errors)
    response.status_code = 400
    return response


@section(Capability.BUYBACKS, audience=Audience.STAFF)
@require_POST
def reissue(request: HttpRequest, buyback_id: int) -> HttpResponse:
    def step(staff: User, buyback: Buyback, data: dict[str, Any]) -> str:
        try:
            lapsing.reissue_quote(
                staff,
                buyback,
                quote_date=data["quote_date"],
                salary_rate=data["salary_rate"],
                entered_cost=data["entered_cost"],
                interest_rate=percent(data["interest_rate"]),
                request=request,
            )
        except actions.BuybackError as error:
            if buyback.status != Status.LAPSED:  # the form is not on the page: say it here
                messages.error(request, str(error))
            raise
        return "New quote issued. Download the new 1017."

    return _detail_action(request, buyback_id, ReissueForm, "reissue_form", step)


@section(Capability.BUYBACKS, audience=Audience.STAFF)
@require_POST
def change_deduction(request: HttpRequest, buyback_id: int) -> HttpResponse:
    def step(staff: User, buyback: Buyback, data: dict[str, Any]) -> str:
        new = changes.change_deduction(
            staff,
            buyback,
            changes.ChangeInput(
                payment=data["payment"],
                effective_from=data["effective_from"],
                requested_on=data["requested_on"],
                reason=data["reason"],
            ),
            request,
        )
        return (
            f"Deduction changed to ${new.member_amount} a pay from "
            f"{new.start_date:%Y-%m-%d}; the new 1016 was sent to the employer."
        )

    return _detail_action(request, buyback_id, ChangeDeductionForm, "change_form", step)


@section(Capability.BUYBACKS, audience=Audience.STAFF)
def letter(request: HttpRequest, letter_id: int) -> HttpResponseBase:
    staff = acting_staff(request, Capability.BUYBACKS)
    found = access_letter(staff, letter_id)
    assert found.file is not None
    return serve_file(
        staff,
        found.file,
        request=request,
        filename=found.filename,
        content_type="application/pdf",
        action="buybacks.member_letter_downloaded",
        target=f"buyback:{found.buyback_id}",
        details={"letter": found.pk, "kind": found.kind},
    )


@section(Capability.BUYBACKS, audience=Audience.STAFF)
def tax(request: HttpRequest) -> HttpResponseBase:
    staff = acting_staff(request, Capability.BUYBACKS)
    today = timezone.localdate()
    # until last year's slips are due, last year; then the year in progress
    default = today.year - 1 if today <= buyback_tax.t4a_due(today.year - 1) else today.year
    form = TaxYearForm(request.GET or {"year": default})
    year = form.cleaned_data["year"] if form.is_valid() else default
    lines = tax_reporting.year_lines(year)
    if request.GET.get("format") == "csv":
        return serve_generated(
            staff,
            tax_reporting.lines_csv(lines),
            filename=f"buyback-tax-reporting-{year}.csv",
            purpose="buybacks.tax_reporting_list",
            organization=None,
            content_type="text/csv",
            request=request,
            action="buybacks.tax_list_downloaded",
            details={"year": year},
        )
    if request.method == "POST":
        try:
            runs = tax_reporting.issue_notices(staff, year, request)
        except tax_reporting.TaxNoticeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{len(runs)} employer notice(s) sent for {year}.")
        return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "buybacks/tax.html",
        {
            "form": form,
            "year": year,
            "lines": lines,
            "runs": tax_notice_runs(staff, year),
            "t4a_due": buyback_tax.t4a_due(year),
        },
    )
