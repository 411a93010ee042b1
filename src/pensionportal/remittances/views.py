"""Remittances pages: the employer dashboard, the staff overview, advice, reconciliation
cases, invoices, the ledger, payments, bank files, rate tables and the regulator list.

Views parse input, call one action, render (DESIGN.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pensionportal.accounts import access as accounts_access
from pensionportal.accounts.access import Capability, acting_staff, acting_user
from pensionportal.accounts.models import User
from pensionportal.accounts.sections import Audience, section
from pensionportal.core.feedback import errors_as_messages, form_page
from pensionportal.core.issuer import issuer
from pensionportal.files.serving import serve_generated
from pensionportal.files.uploads import UploadPolicy, accepts_uploads, refusals_into

from . import actions, conf, regulator_documents, summary
from . import regulator as notices
from .access import (
    access_advice,
    access_invoice,
    access_notice,
    access_org,
    access_payment,
    access_reconciliation_case,
    advices_for,
    invoices_for,
    organizations,
    payments_of,
    reconciliation_cases_for,
    regulator_notices,
    unmatched_payments,
)
from .bank_file import BankFileError
from .categories import CATEGORIES
from .forms import (
    AdviceForm,
    BankFileForm,
    CaseForm,
    CreditForm,
    InvoiceForm,
    NoticeFilingForm,
    NoticeReviewForm,
    PaymentForm,
    RateForm,
    RecalculateForm,
    RecoveryInvoiceForm,
)
from .models import (
    CaseStatus,
    InterestRate,
    InvoiceKind,
    InvoiceStatus,
    NoticeStatus,
    RateTable,
    RegulatorNotice,
)
from .pdf import serve_invoice_pdf
from .rates import rows_in_force
from .reconciliation import reconcile
from .timing import period_timing


@section(Capability.REMITTANCES)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = acting_user(request, Capability.REMITTANCES)
    if accounts_access.is_staff_user(user):
        return _staff_overview(request, user)
    orgs = list(organizations(user))
    if len(orgs) == 1:
        return redirect("remittances:dashboard", org_id=orgs[0].pk)
    return render(request, "remittances/choose.html", {"organizations": orgs})


def _staff_overview(request: HttpRequest, user: User) -> HttpResponse:
    today = timezone.localdate()
    periods = summary.periods(advices_for(user), today, limit=100)
    return render(
        request,
        "remittances/overview.html",
        {
            "late_remittances": [p for p in periods if p.remittance_late],
            "late_data": [p for p in periods if p.data_late],
            "unmatched": unmatched_payments(user),
            "open_cases": reconciliation_cases_for(user).exclude(status=CaseStatus.RESOLVED),
            "overdue_invoices": invoices_for(user).filter(
                status=InvoiceStatus.ISSUED, due_date__lt=today
            ),
            **_employer_search(request, user),
        },
    )


def _employer_search(request: HttpRequest, user: User) -> dict[str, Any]:
    """The overview's employers: found by name, 25 a page, never all of them at once
    (issue 18: the page must not grow with the number of employers)."""
    typed = request.GET.get("q", "").strip()[:100]
    employers = organizations(user).order_by("name", "id")
    if typed:
        employers = employers.filter(name__icontains=typed)
    page = Paginator(employers, 25).get_page(request.GET.get("page"))
    return {"employer_page": page, "page": page, "employer_query": typed}


@section(Capability.REMITTANCES)
@require_GET
def dashboard(request: HttpRequest, org_id: int) -> HttpResponse:
    user = acting_user(request, Capability.REMITTANCES)
    organization = access_org(user, org_id)
    today = timezone.localdate()
    periods = summary.periods(advices_for(user).filter(organization=organization), today, limit=12)
    bars = summary.chart(periods)
    return render(
        request,
        "remittances/dashboard.html",
        {
            "organization": organization,
            "periods": periods,
            "upcoming": summary.upcoming(organization, today),
            "cases": reconciliation_cases_for(user)
            .filter(organization=organization)
            .exclude(status=CaseStatus.RESOLVED),
            "invoices": invoices_for(user)
            .filter(organization=organization)
            .exclude(status=InvoiceStatus.SUPERSEDED),
            "bars": bars,
            "chart_width": summary.chart_width(bars),
            "is_staff": accounts_access.is_staff_user(user),
            "today": today,
        },
    )


@section(Capability.REMITTANCES)
@require_http_methods(["GET", "POST"])
def advice_new(request: HttpRequest, org_id: int) -> HttpResponse:
    user = acting_user(request, Capability.REMITTANCES)
    organization = access_org(user, org_id)
    form = AdviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            advice = actions.enter_advice(
                user,
                organization,
                actions.AdviceInput(
                    pay_date=data["pay_date"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    payment_reference=data["payment_reference"],
                    payment_method=data["payment_method"],
                    amounts={key: data[key] for key, _ in CATEGORIES},
                    other_description=data["other_description"],
                ),
                request=request,
            )
        except actions.RemittanceError as error:
            form.add_error("payment_reference", str(error))
        else:
            messages.success(request, "Remittance advice saved.")
            return redirect("remittances:advice", advice_id=advice.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "remittances/advice_form.html",
        {"form": form, "organization": organization},
        status=status,
    )


@section(Capability.REMITTANCES)
@require_GET
def advice(request: HttpRequest, advice_id: int) -> HttpResponse:
    user = acting_user(request, Capability.REMITTANCES)
    found = access_advice(user, advice_id)
    timing = period_timing(found, timezone.localdate())
    return render(
        request,
        "remittances/advice.html",
        {
            "advice": found,
            "timing": timing,
            "rec": timing.reconciliation,
            "payments": found.payments.all(),
            "invoices": found.invoices.all(),
            "case": getattr(found, "case", None),
            "is_staff": accounts_access.is_staff_user(user),
            "invoice_form": InvoiceForm(initial={"invoice_date": timezone.localdate()}),
            "recovery_form": RecoveryInvoiceForm(initial={"invoice_date": timezone.localdate()}),
            "has_late_invoice": found.invoices.filter(kind=InvoiceKind.LATE)
            .exclude(status=InvoiceStatus.SUPERSEDED)
            .exists(),
            "notice": getattr(found, "regulator_notice", None),
        },
    )


@section(Capability.REMITTANCES, audience=Audience.STAFF)
@require_POST
def invoice_issue(request: HttpRequest, advice_id: int) -> HttpResponse:
    staff = acting_staff(request, Capability.REMITTANCES)
    found = access_advice(staff, advice_id)
    form = InvoiceForm(request.POST)
    if form.is_valid():
        invoice_date = form.cleaned_data["invoice_date"]
        fingerprint = request.POST.get("fingerprint", "")
        try:
            if not fingerprint:  # the first press shows what would be issued, nothing more
                preview = actions.preview_invoice(
                    staff, found, invoice_date, recovery_lines=form.recovery_lines()
                )
                return render(
                    request,
                    "remittances/invoice_preview.html",
                    {"advice": found, "preview": preview, "posted": _posted_fields(request)},
                )
            invoice = actions.issue_invoice(
                staff,
                found,
                invoice_date,
                request=request,
                recovery_lines=form.recovery_lines(),
                previewed=fingerprint,
            )
        except actions.RemittanceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Invoice {invoice.number} issued.")
            return redirect("remittances:invoice", invoice_id=invoice.pk)
    else:
        errors_as_messages(request, form)
    return redirect("remittances:advice", advice_id=found.pk)


def _posted_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The invoice form's fields, carried by the preview's confirmation unchanged."""
    return [
        (name, request.POST.get(name, ""))
        for name in request.POST
        if name == "invoice_date" or name.startswith("recovery_")
    ]


@section(Capability.REMITTANCES, audience=Audience.STAFF)
@require_POST
def recovery_invoice(request: HttpRequest, advice_id: int) -> HttpResponse:
    staff = acting_staff(request, Capability.REMITTANCES)
    found = access_advice(staff, advice_id)
    form = RecoveryInvoiceForm(request.POST)
    if form.is_valid():
        try:
            invoice = actions.invoice_recovery_costs(
                staff, found, form.cleaned_data["invoice_date"], form.recovery_lines(), request
            )
        except actions.RemittanceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Invoice {invoice.number} issued for recovery costs.")
            return redirect("remittances:invoice", invoice_id=invoice.pk)
    else:
        errors_as_messages(request, form)
    return redirect("remittances:advice", advice_id=found.pk)


@section(Capability.REMITTANCES)
@require_GET
def invoice(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = acting_user(request, Capability.REMITTANCES)
    found = access_invoice(user, invoice_id)
    return render(
        request,
        "remittances/invoice.html",
        {
            "invoice": found,
            "issuer": issuer(),
            "lines": found.lines.all(),
            "is_staff": accounts_access.is_staff_user(user),
            "overdue": found.status == InvoiceStatus.ISSUED
            and found.due_date < timezone.localdate(),
            "recalc_form": RecalculateForm(initial={"on": timezone.localdate()}),
        },
    )


@section(Capability.REMITTANCES)
@require_GET
def invoice_download(request: HttpRequest, invoice_id: int) -> HttpResponseBase:
    user = acting_user(request, Capability.REMITTANCES)
    found = access_invoice(user, invoice_id)
    return serve_invoice_pdf(user, found, request=request)


@section(Capability.REMITTANCES, audience=Audience.STAFF)
@require_POST
def invoice_recalculate(request: HttpRequest, invoice_id: int) -> HttpResponse:
    staff = acting_staff(request, Capability.REMITTANCES)
    found = access_invoice(staff, invoice_id)
    form = RecalculateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the date to recalculate to (YYYY-MM-DD).")
        return redirect("remittances:invoice", invoice_id=found.pk)
    try:
        replacement = actions.recalculate_invoice(
            staff, found, form.cleaned_data["on"], request=request
        )
    except actions.RemittanceError as error:
        messages.error(request, str(error))
        return redirect("remittances:invoice", invoice_id=found.pk)
    messages.success(
        request, f"Interest recalculated: {replacement.number} replaces {found.number}."
    )
    return redirect("remittances:invoice", invoice_id=replacement.pk)


@section(Capability.REMITTANCES)
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    user = acting_user(request, Capability.REMITTANCES)
    found = access_reconciliation_case(user, case_id)
    is_staff = accounts_access.is_staff_user(user)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        step = request.POST.get("step", "")
        try:
            if step == "notify" and is_staff:
                actions.notify_employer(user, found, note, timezone.localdate(), request=request)
            elif step == "resolve" and is_staff:
                actions.resolve_case(user, found, note, request=request)
            elif step == "respond":
                actions.employer_response(user, found, note, request=request)
            else:
                raise actions.RemittanceError("Choose an action.")
        except actions.RemittanceError as error:
            form.add_error("note", str(error))
        else:
            messages.success(request, "The case was updated.")
            return redirect("remittances:case", case_id=found.pk)
    return form_page(
        request,
        "remittances/case.html",
        {
            "case": found,
            "events": found.events.select_related("actor"),
            "form": form,
            "is_staff": is_staff,
            "rec": reconcile(found.advice),
        },
    )


@section(Capability.REMITTANCES)
@require_http_methods(["GET", "POST"])
def ledger(request: HttpRequest, org_id: int) -> HttpResponse:
    user = acting_user(request, Capability.REMITTANCES)
    organization = access_org(user, org_id)
    is_staff = accounts_access.is_staff_user(user)
    form = CreditForm(request.POST or None) if is_staff else None
    if request.method == "POST":
        accounts_access.require_staff(user, Capability.REMITTANCES)
        assert form is not None
        if form.is_valid():
            actions.add_credit(user, organization, **form.cleaned_data, request=request)
            messages.success(request, "Credit added.")
            return redirect("remittances:ledger", org_id=organization.pk)
    entries = summary.ledger(organization)
    return form_page(
        request,
        "remittances/ledger.html",
        {
            "organization": organization,
            "entries": entries,
            "balance": entries[-1].balance if entries else Decimal("0.00"),
            "form": form,
            "payments": payments_of(user, organization)[:50],
        },
    )


@section(Capability.REMITTANCES, audience=Audience.STAFF)
@require_http_methods(["GET", "POST"])
def payment_new(request: HttpRequest) -> HttpResponse:
    staff = acting_staff(request, Capability.REMITTANCES)
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        payment = actions.record_payment(
            staff, actions.PaymentInput(**form.cleaned_data), request=request
        )
        if payment.is_matched:
            messages.success(request, f"Payment recorded and matched to {payment.organization}.")
        else:
            messages.warning(
                request, "Payment recorded; it matches nothing and is listed as unmatched."
            )
        return redirect("remittances:index")
    return form_page(request, "remittances/payment_form.html", {"form": form})


def _authorize_bank_import(request: HttpRequest) -> None:
    acting_staff(request, Capability.REMITTANCES)


BANK_FILES = UploadPolicy(
    purpose="remittances.bank_file",
    authorize=_authorize_bank_import,
    max_size=conf.max_bank_file_bytes,
    max_files=1,
    extensions=frozenset({"csv", "txt"}),
)


@section(Capability.REMITTANCES, audience=Audience.STAFF)
@require_http_methods(["GET", "POST"])
@accepts_uploads(BANK_FILES)
def bank_import(request: HttpRequest) -> HttpResponse:
    staff = acting_staff(request, Capability.REMITTANCES)
    form = BankFileForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    valid = request.method == "POST" and form.is_valid()
    if request.method == "POST":
        valid = refusals_into(form, request, "file") and valid
    if valid:
        upload = form.cleaned_data["file"]
        try:
            imported = actions.import_bank_file(
                staff,
                upload.name or "bank.csv",
                upload.read_all(),
                timezone.localdate(),
                stored=upload.stored,
                request=request,
            )
        except BankFileError as error:
            problems = [str(p) for p in error.problems]
            form.add_error("file", "Nothing was imported: fix the rows listed and upload again.")
        else:
            unmatched = imported.payments.filter(advice__isnull=True, invoice__isnull=True).count()
            messages.success(request, f"Imported {imported.rows} payments; {unmatched} unmatched.")
            return redirect("remittances:index")
    return form_page(request, "remittances/bank_import.html", {"form": form, "problems": problems})


@section(Capability.REMITTANCES, audience=Audience.STAFF)
@require_http_methods(["GET", "POST"])
def payment_match(request: HttpRequest, payment_id: int) -> HttpResponse:
    staff = acting_staff(request, Capability.REMITTANCES)
    payment = access_payment(staff, payment_id)
    error = ""
    if request.method == "POST":
        try:
            target = access_advice(staff, request.POST.get("advice", ""))
            actions.match_payment_by_hand(staff, payment, target, request=request)
        except actions.RemittanceError as refused:
            error = str(refused)
        except Exception:
            error = "Choose a remittance to match."
        else:
            messages.success(request, "Payment matched.")
            return redirect("remittances:advice", advice_id=target.pk)
    candidates = advices_for(staff).order_by("-pay_date")[:50]
    return render(
        request,
        "remittances/payment_match.html",
        {"payment": payment, "candidates": candidates, "error": error},
        status=400 if error else 200,
    )


@section(Capability.REMITTANCES, audience=Audience.STAFF)
@require_http_methods(["GET", "POST"])
def rates(request: HttpRequest) -> HttpResponse:
    staff = acting_staff(request, Capability.REMITTANCES)
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_rate(
                staff,
                RateTable(data["table"]),
                data["effective"],
                data["until"],
                (data["percent"] / 100).quantize(Decimal("0.000001")),
                data["source"],
                request=request,
            )
        except actions.RemittanceError as error:
            form.add_error("effective", str(error))
        else:
            messages.success(request, "Rate added.")
            return redirect("remittances:rates")
    tables: list[dict[str, Any]] = []
    for table in RateTable:
        in_force = {row.pk for row in rows_in_force(table)}
        tables.append(
            {
                "label": table.label,
                "rows": InterestRate.objects.filter(table=table).select_related("entered_by"),
                "in_force": in_force,
            }
        )
    return form_page(request, "remittances/rates.html", {"form": form, "tables": tables})


@section(Capability.REMITTANCES, audience=Audience.STAFF)
@require_GET
def regulator(request: HttpRequest) -> HttpResponse:
    staff = acting_staff(request, Capability.REMITTANCES)
    today = timezone.localdate()
    status = request.GET.get("status", "")
    notices = _notices(staff, status)
    return render(
        request,
        "remittances/regulator.html",
        {
            "periods": summary.not_paid_when_due(advices_for(staff), today),
            "notices": notices,
            "statuses": NoticeStatus.choices,
            "status": status,
            "today": today,
        },
    )


def _notices(staff: User, status: str) -> list[RegulatorNotice]:
    query = regulator_notices(staff)
    if status in NoticeStatus.values:
        query = query.filter(status=status)
    return list(query[:500])


@section(Capability.REMITTANCES, audience=Audience.STAFF)
@require_GET
def regulator_list(request: HttpRequest, fmt: str) -> HttpResponseBase:
    staff = acting_staff(request, Capability.REMITTANCES)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    today = timezone.localdate()
    notices = _notices(staff, request.GET.get("status", ""))
    if fmt == "csv":
        content, mime = regulator_documents.list_csv(notices, today), "text/csv"
    else:
        content = regulator_documents.list_xlsx(notices, today)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return serve_generated(
        staff,
        content,
        filename=f"notices-to-regulator-{today:%Y-%m-%d}.{fmt}",
        purpose="remittances.regulator_list",
        organization=None,
        content_type=mime,
        request=request,
        action="remittances.regulator_list_downloaded",
        details={"notices": len(notices)},
    )


@section(Capability.REMITTANCES, audience=Audience.STAFF)
@require_http_methods(["GET", "POST"])
def regulator_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    staff = acting_staff(request, Capability.REMITTANCES)
    notice = access_notice(staff, notice_id)
    review_form = NoticeReviewForm(request.POST if request.POST.get("step") == "review" else None)
    filing_form = NoticeFilingForm(
        request.POST if request.POST.get("step") == "file" else None,
        initial={"filed_on": timezone.localdate()},
    )
    if request.method == "POST":
        try:
            if request.POST.get("step") == "review" and review_form.is_valid():
                notices.review_notice(
                    staff,
                    notice,
                    withdraw=review_form.cleaned_data["decision"] == "withdraw",
                    note=review_form.cleaned_data["note"],
                    request=request,
                )
                messages.success(request, f"{notice.reference} reviewed.")
                return redirect("remittances:regulator_notice", notice_id=notice.pk)
            if request.POST.get("step") == "file" and filing_form.is_valid():
                notices.record_filing(
                    staff,
                    notice,
                    filed_on=filing_form.cleaned_data["filed_on"],
                    reference=filing_form.cleaned_data["reference"],
                    request=request,
                )
                messages.success(request, f"{notice.reference}: filing recorded.")
                return redirect("remittances:regulator_notice", notice_id=notice.pk)
        except notices.NoticeError as error:
            messages.error(request, str(error))
    return form_page(
        request,
        "remittances/regulator_notice.html",
        {
            "notice": notice,
            "days_late": regulator_documents.days_late(notice, timezone.localdate()),
            "review_form": review_form,
            "filing_form": filing_form,
        },
    )


@section(Capability.REMITTANCES, audience=Audience.STAFF)
@require_GET
def regulator_notice_pdf(request: HttpRequest, notice_id: int) -> HttpResponseBase:
    staff = acting_staff(request, Capability.REMITTANCES)
    notice = access_notice(staff, notice_id)
    return serve_generated(
        staff,
        regulator_documents.notice_pdf(notice, timezone.localdate()),
        filename=f"{notice.reference}.pdf",
        purpose="remittances.regulator_notice",
        organization=notice.organization,
        content_type="application/pdf",
        request=request,
        action="remittances.regulator_notice_downloaded",
        target=notice.reference,
    )
