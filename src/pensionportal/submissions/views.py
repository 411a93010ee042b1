"""Pension data submissions: list, upload (with test mode), status and problems, the
problem report, confirmation of warnings, and online entry."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability, acting_user
from pensionportal.accounts.chooser import organization_filter
from pensionportal.accounts.models import Organization, User
from pensionportal.accounts.sections import Audience, section
from pensionportal.core.query_filters import QueryFilters
from pensionportal.datafiles import templates
from pensionportal.datafiles.model import ParsedFile
from pensionportal.datafiles.specs import SPECS
from pensionportal.files.uploads import accepts_uploads, received, refusals

from . import actions, corrections, online
from .access import access_submission, visible_submissions
from .intake import read_submission
from .models import Correction, Severity, Source, Status, Submission
from .report import CONTENT_TYPES, serve_problem_report
from .uploads import upload_policy

logger = logging.getLogger(__name__)

REFRESHING = {Status.RECEIVED, Status.VALIDATING, Status.APPLYING}


def _organizations(user: User) -> list[Organization]:
    return list(
        access.organizations_for(user, Capability.SUBMISSIONS).filter(
            kind="employer", is_active=True
        )
    )


@section(Capability.SUBMISSIONS)
def submission_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    query = visible_submissions(user)
    filters = request.GET
    found = QueryFilters(filters)
    if status := found.choice("status", "Status", Status.choices):
        query = query.filter(status=status)
    if template := found.choice("template", "Template", [(c, c) for c in sorted(SPECS)]):
        query = query.filter(template=template)
    visible_orgs = access.organizations_for(user, Capability.SUBMISSIONS)
    org_filter = organization_filter(found, visible_orgs)
    if org_filter.chosen is not None:
        query = query.filter(organization=org_filter.chosen)
    pay_from, pay_to = found.date_range("pay_from", "pay_to", "Pay date from", "Pay date to")
    if pay_from is not None:
        query = query.filter(pay_date__gte=pay_from)
    if pay_to is not None:
        query = query.filter(pay_date__lte=pay_to)
    errors = found.errors
    page = Paginator(query.order_by("-submitted_at", "-id"), 25).get_page(filters.get("page"))
    return render(
        request,
        "submissions/list.html",
        {
            "page": page,
            "filters": filters,
            "errors": errors,
            "statuses": Status.choices,
            "templates": sorted(SPECS),
            "organizations": visible_orgs if not access.is_staff_user(user) else [],
            "org_filter": org_filter,
            "is_staff": access.is_staff_user(user),
            "online_templates": online.online_templates(),
        },
    )


@section(Capability.SUBMISSIONS)
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_submission(request.user, submission_id)
    problems = submission.problems.all()
    page = Paginator(problems, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "submissions/detail.html",
        {
            "submission": submission,
            "page": page,
            "refresh": submission.status in REFRESHING,
            "errors": problems.filter(severity=Severity.ERROR).count(),
            "warnings": problems.filter(severity=Severity.WARNING).count(),
            "can_run_again": access.staff_can(request.user, Capability.SUBMISSIONS)
            and submission.status in actions.RUNNABLE_AGAIN,
            "can_correct": not access.is_staff_user(request.user)
            and not actions.correction_refusal(submission),
            "replaced_by": submission.replaced_by.order_by("-id").first(),
            "can_apply_now": not access.is_staff_user(request.user)
            and submission.status == Status.VALIDATED_TEST
            and submission.test_mode
            and not submission.error_count,
        },
    )


@section(Capability.SUBMISSIONS)
@require_POST
def confirm(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_submission(request.user, submission_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm that you have read the warnings.")
        return redirect("submissions:detail", submission.pk)
    return _act(request, submission, actions.confirm, "Confirmed. The data is being applied.")


def _act(
    request: HttpRequest,
    submission: Submission,
    act: Callable[[User, Submission, HttpRequest], object],
    done: str,
) -> HttpResponse:
    """One action on a submission from its page: the refusal or `done` shown there."""
    try:
        act(acting_user(request), submission, request)
    except actions.IntakeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("submissions:detail", submission.pk)


@section(Capability.SUBMISSIONS, audience=Audience.EMPLOYERS)
@require_POST
def apply_now(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_submission(request.user, submission_id)
    return _act(
        request,
        submission,
        actions.apply_tested,
        "Applying the file: it is checked once more as a real submission first.",
    )


@section(Capability.SUBMISSIONS, audience=Audience.STAFF)
@require_POST
def run_again(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_submission(request.user, submission_id)
    return _act(request, submission, actions.run_again, "Queued to run again.")


@section(Capability.SUBMISSIONS)
def report(request: HttpRequest, submission_id: int, fmt: str) -> HttpResponseBase:
    submission = access_submission(request.user, submission_id)
    if fmt not in CONTENT_TYPES:
        raise PermissionDenied("Unknown report format.")
    return serve_problem_report(acting_user(request), submission, fmt, request)


# --- Upload with test mode (streamed, encrypted as it arrives) --------------------------------


def _authorize_upload(request: HttpRequest) -> None:
    access.require_employer(request.user, Capability.SUBMISSIONS)


def _refuse(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("submissions:list")


UPLOADS = upload_policy(authorize=_authorize_upload, unreadable=_refuse)


@section(Capability.SUBMISSIONS, audience=Audience.EMPLOYERS)
@accepts_uploads(UPLOADS)
def upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("submissions:list")
    user = acting_user(request)
    organizations = {str(o.pk): o for o in _organizations(user)}
    organization = organizations.get(request.POST.get("organization", ""))
    if organization is None:
        messages.error(request, "Choose one of your organizations.")
        return redirect("submissions:list")
    for refused in refusals(request):
        messages.error(request, refused.reason)
    arrived = received(request)
    if not arrived:
        if not refusals(request):
            messages.error(request, "No file arrived. Choose a CSV or Excel file to send.")
        return redirect("submissions:list")
    test_mode = request.POST.get("test_mode") == "on"
    last = None
    for item in arrived:
        try:
            last = actions.receive_stored(
                user, organization, item.name, item.stored, test_mode=test_mode, request=request
            )
        except actions.IntakeError as error:
            messages.error(request, f"{item.name}: {error.message}")
    if last is None:
        return redirect("submissions:list")
    messages.success(
        request,
        "Received. Checking it now"
        + (" in test mode: nothing will be applied." if test_mode else "."),
    )
    return redirect("submissions:detail", last.pk)


# --- Online entry -------------------------------------------------------------------------


def _row_count(request: HttpRequest, default: int) -> int:
    raw = request.POST.get("row_count") or request.GET.get("rows") or ""
    count = int(raw) if raw.isdigit() else default
    return max(1, min(count, online.MAX_ROWS))


@section(Capability.SUBMISSIONS, audience=Audience.EMPLOYERS)
def online_entry(request: HttpRequest, template: str) -> HttpResponse:
    user = acting_user(request)
    spec = SPECS.get(template.upper())
    if spec is None or not spec.online_transmission:
        return redirect("submissions:list")
    organizations = _organizations(user)
    header: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    chosen = request.POST.get("organization") or request.GET.get("organization") or ""
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None:
        header = {f.key: request.POST.get(f"h-{f.key}", "").strip() for f in spec.header_fields}
        count = _row_count(request, online.DEFAULT_ROWS)
        rows = [
            {f.key: request.POST.get(f"r{i}-{f.key}", "").strip() for f in spec.fields}
            for i in range(1, count + 1)
        ]
        if action == "more":
            rows += [{} for _ in range(min(5, online.MAX_ROWS - len(rows)))]
    if action in ("submit", "test"):
        filled = [row for row in rows if not online.blank(row)]
        organization = next((o for o in organizations if str(o.pk) == chosen), None)
        if organization is None:
            messages.error(request, "Choose one of your organizations.")
        elif not filled:
            messages.error(request, "Enter at least one row.")
        else:
            submission = actions.receive(
                user,
                organization,
                f"online-{spec.code}.csv",
                # Blank rows stay (the reader skips them) so problems keep the form's numbers.
                [online.to_csv(spec, rows, header if spec.has_header else None)],
                source=Source.ONLINE,
                row_offset=online.row_offset(spec),
                test_mode=action == "test",
                request=request,
            )
            messages.success(request, "Received. Checking it now.")
            return redirect("submissions:detail", submission.pk)
    elif request.GET.get("from_last") == "1" and spec.code == "PAY":
        org = next(
            (o for o in organizations if str(o.pk) == chosen),
            organizations[0] if organizations else None,
        )
        if org is not None:
            chosen = str(org.pk)
            last = online.last_pay_rows(org.pk)
            header, rows = last.header, last.rows
            if last.problem:
                messages.warning(request, last.problem)
            elif last.filled_from:
                messages.info(request, last.filled_from)
    count = max(len(rows), _row_count(request, online.DEFAULT_ROWS))
    while len(rows) < count:
        rows.append({})
    expected: list[dict[str, online.Expected]] = [{} for _ in rows]
    chosen_org = next((o for o in organizations if str(o.pk) == chosen), None)
    if spec.code == "PAY" and chosen_org is not None:
        expected = online.expected_rows(chosen_org, header, rows)
    return render(
        request,
        "submissions/online.html",
        {
            "spec": spec,
            "organizations": organizations,
            "chosen": chosen,
            "header_cells": [(f, header.get(f.key, "")) for f in spec.header_fields],
            "row_cells": [
                (i, [(f, row.get(f.key, ""), shown.get(f.key)) for f in spec.fields])
                for i, (row, shown) in enumerate(zip(rows, expected, strict=True), 1)
            ],
            "shows_expected": spec.code == "PAY",
            "row_count": len(rows),
            "more_rows": min(len(rows) + 5, online.MAX_ROWS),
        },
    )


@section(Capability.SUBMISSIONS)
def formats(request: HttpRequest) -> HttpResponse:
    """The published format of every template, from the one spec (docs/datafiles.md)."""
    return render(request, "submissions/formats.html", {"specs": list(SPECS.values())})


@section(Capability.SUBMISSIONS)
def template_download(request: HttpRequest, template: str, fmt: str) -> HttpResponse:
    """A blank template with a sample row, generated from the spec."""
    code = template.upper()
    if code not in SPECS or fmt not in ("csv", "xlsx"):
        raise Http404("No such template.")
    if fmt == "csv":
        body, content_type = templates.csv_template(code), "text/csv; charset=utf-8"
    else:
        body = templates.xlsx_template(code)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{code}-template.{fmt}"'
    return response


# --- Correct online (issue 16 Must do 2) -----------------------------------------------------


def _sheet(
    original: Submission, parsed: ParsedFile
) -> tuple[corrections.Sheet, Correction | None, int | None]:
    """The original's rows under the open draft's edits, marked with the problems of the
    draft's last check (with their total) or else the original's own."""
    draft = actions.open_draft(original)
    edits = corrections.load_edits(draft)
    checked_total = None
    if draft is not None and draft.checked_encrypted:
        marked, checked_total = corrections.load_checked(draft)
    else:
        marked = corrections.stored_problems(original, parsed)
    sheet = corrections.Sheet(original, parsed, edits, marked)
    sheet.use_registry(lambda: corrections.employee_ids_on_record(original.organization))
    return sheet, draft, checked_total


def _correct_url(submission_id: int, show: str, page: int | str = 1) -> str:
    return f"{reverse('submissions:correct', args=[submission_id])}?show={show}&page={page}"


@section(Capability.SUBMISSIONS, audience=Audience.EMPLOYERS)
def correct(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The file's rows with the problem cells marked, to edit, check again and send."""
    user = acting_user(request)
    original = access_submission(user, submission_id)
    show = "all" if (request.POST.get("show") or request.GET.get("show")) == "all" else "problems"
    refusal = actions.correction_refusal(original)
    parsed = None if refusal else _readable(original)
    if refusal or parsed is None:
        return render(
            request,
            "submissions/correct.html",
            {"submission": original, "refusal": refusal or corrections.UNREADABLE},
        )
    sheet, draft, checked_total = _sheet(original, parsed)
    if request.method == "POST":
        return _correct_post(request, user, original, sheet, show)
    numbers = sheet.all_rows() if show == "all" else sheet.problem_rows()
    page = Paginator(numbers, corrections.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [sheet.row(number) for number in page.object_list]
    errors = sum(1 for p in sheet.marked if p.is_error)
    return render(
        request,
        "submissions/correct.html",
        {
            "submission": original,
            "sheet": sheet,
            "draft": draft,
            "checked_total": checked_total,
            "errors": errors,
            "warnings": len(sheet.marked) - errors,
            "show": show,
            "page": page,
            "rows": rows,
            "row_numbers": ",".join(str(n) for n in page.object_list),
            "columns": [f for _, f in sheet.columns],
            "header_cells": sheet.header_cells() if sheet.header_columns else [],
            "header_open": bool(sheet.header_problems or sheet.edits.header),
            "problem_row_count": len(sheet.problem_rows()),
            "edit_count": sheet.edits.count(),
        },
    )


def _readable(original: Submission) -> ParsedFile | None:
    try:
        parsed = read_submission(original)
    except Exception:  # storage or decryption: the page says so, nothing else fails
        logger.warning("submission %s could not be read for correction", original.reference,
                       exc_info=True)  # fmt: skip
        return None
    return parsed if isinstance(parsed, ParsedFile) else None


def _posted_rows(request: HttpRequest) -> list[int]:
    return [int(n) for n in request.POST.get("rows", "").split(",") if n.strip().isdigit()]


def _correct_post(
    request: HttpRequest,
    user: User,
    original: Submission,
    sheet: corrections.Sheet,
    show: str,
) -> HttpResponse:
    sheet.take(request.POST, _posted_rows(request))
    page = request.POST.get("page", "1")
    action = request.POST.get("action", "save")
    if goto := request.POST.get("goto", ""):
        action, page = "save", goto
    accept = request.POST.get("accept", "")
    try:
        if accept:
            number, key, value = [*accept.split(":", 2), "", ""][:3]
            if number.isdigit() and sheet.accept(int(number), key, value):
                actions.save_draft(user, original, sheet.edits, request)
                messages.success(request, f"Row {sheet.shown_number(int(number))}: {value} "
                                 "accepted. Check again or send the corrected file.")  # fmt: skip
            else:
                messages.error(request, "That suggestion no longer applies to the cell.")
        elif action == "check":
            _, problems = actions.check_draft(user, original, sheet, request)
            found = sum(1 for p in problems if p.is_error)
            if found:
                messages.error(request, f"The corrected file still has {found} error"
                               f"{'s' if found != 1 else ''}: they are marked below.")  # fmt: skip
            else:
                warned = len(problems)
                messages.success(
                    request,
                    "No errors left. Send the corrected file"
                    + (f" (it has {warned} warning{'s' if warned != 1 else ''} to confirm)."
                       if warned else "."),
                )  # fmt: skip
            page = "1"
        elif action == "send":
            submission = actions.send_correction(user, original, sheet, request)
            messages.success(
                request,
                f"The corrected file was sent as {submission.reference}, replacing "
                f"{original.reference} (kept as it was). Checking it now.",
            )
            return redirect("submissions:detail", submission.pk)
        elif action == "discard":
            actions.discard_draft(user, original, request)
            messages.success(request, "Your changes were discarded. The file is as it was sent.")
            return redirect("submissions:detail", original.pk)
        else:
            actions.save_draft(user, original, sheet.edits, request)
            if not goto:
                messages.success(request, "Your changes are saved.")
    except actions.IntakeError as error:
        messages.error(request, error.message)
    return redirect(_correct_url(original.pk, show, page))
