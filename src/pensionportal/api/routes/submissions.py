"""Pension data submissions: send a file (streamed through the file layer, the same checks
and pipeline as the Pension data page), follow its status, read its problems, fetch its
problem report, confirm its warnings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponseBase
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from ninja import Router
from ninja import Status as Answer
from ninja.params.functions import Header, Query

from pensionportal.files.uploads import EncryptingUploadHandler
from pensionportal.integrations.models import Scope
from pensionportal.submissions import actions as intake
from pensionportal.submissions.access import access_submission, visible_submissions
from pensionportal.submissions.models import Severity, Source, Status, Submission
from pensionportal.submissions.report import CONTENT_TYPES, serve_problem_report
from pensionportal.submissions.results import is_checked, result_sentence
from pensionportal.submissions.uploads import upload_policy

from ..auth import SCHEME, mark, need
from ..paging import MAX_PAGE_SIZE, paged
from ..problems import COMMON, ApiProblem, responses
from ..schemas import ProblemPage, SubmissionOut, SubmissionPage, TemplateCode

router = Router(tags=["Pension data submissions"])

POLICY = upload_policy(bearer_tokens=True)
SECURITY = [{SCHEME: [Scope.SUBMIT_DATA.value]}]


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def submission_out(submission: Submission) -> dict[str, Any]:
    base = reverse("api:submission", args=[submission.pk])
    return {
        "id": submission.pk,
        "reference": submission.reference,
        "status": submission.status,
        "status_label": submission.get_status_display(),
        "result": result_sentence(submission),
        "template": submission.template or None,
        "source": submission.source,
        "test_mode": submission.test_mode,
        "filename": submission.filename,
        "size": submission.size,
        "sha256": submission.sha256,
        "submitted_at": submission.submitted_at,
        "validated_at": submission.validated_at,
        "applied_at": submission.applied_at,
        "rows_total": submission.rows_total,
        "rows_applied": submission.rows_done,
        "errors": submission.error_count,
        "warnings": submission.warning_count,
        "failure_message": submission.failure_message or None,
        "pay_date": submission.pay_date,
        "period_start": submission.period_start,
        "period_end": submission.period_end,
        "payment_reference": submission.payment_reference or None,
        "remittance_amount": _money(submission.remittance_amount),
        "links": {
            "self": base,
            "problems": base + "/problems",
            "problem_report_csv": base + "/problem-report.csv",
            "problem_report_xlsx": base + "/problem-report.xlsx",
        },
    }


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The pension data file: any of the ten templates "
                            "(PAY, ENROL, TER, PERCHG, EMCHG, LOA, RTW, PRIORSVC, OPTN, PA), "
                            "CSV or XLSX, in the published layout.",
                        },
                        "test_mode": {
                            "type": "boolean",
                            "default": False,
                            "description": "Check the file only; never apply it.",
                        },
                    },
                }
            }
        },
    },
    "security": SECURITY,
}

TRUE_WORDS = {"true", "1", "on", "yes"}
FALSE_WORDS = {"false", "0", "off", "no", ""}


def _test_mode(raw: str | None) -> bool:
    value = (raw or "").strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ApiProblem(400, "test_mode must be true or false.", field="test_mode")


@router.post(
    "/submissions",
    url_name="submissions_create",
    summary="Send a pension data file",
    description="Streams the file through the portal's file layer (encrypted as it arrives, "
    "checked by content) and records a submission, checked in the background like a file "
    "sent on the Pension data page. Send an `Idempotency-Key` (any unique text, e.g. the "
    "pay date and payment reference) so that a retry after a lost answer returns the same "
    "submission (200) instead of recording a second one (201).",
    response={201: SubmissionOut, 200: SubmissionOut, **responses(*COMMON, 413, 415, 422, 503)},
    openapi_extra=UPLOAD_BODY,
)
def create(
    request: HttpRequest,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=intake.MAX_IDEMPOTENCY_KEY,
        description="A key naming this upload; a retry with the same key and file returns "
        "the first submission.",
    ),
) -> Answer[dict[str, Any]]:
    actor = need(request, Scope.SUBMIT_DATA)
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiProblem(
            415,
            "Send the file as multipart/form-data with the file in the field named file "
            "(curl -F file=@PAY.csv).",
            field="file",
        )
    organization = actor.service_account.organization
    handler = EncryptingUploadHandler(POLICY, request)
    request.upload_handlers = [handler]
    try:
        try:
            request.FILES  # noqa: B018 (parses the body through the handler)
            test_mode = _test_mode(request.POST.get("test_mode"))
        except (MultiPartParserError, SuspiciousOperation):
            if getattr(request, "body_cut_at", None) is not None:
                raise
            raise ApiProblem(
                400, "The upload could not be read; nothing was stored. Try again.", field="file"
            ) from None
        refused = handler.outcome.refused
        if handler.outcome.storage_failed:
            raise ApiProblem(503, refused[0].reason, headers={"Retry-After": "60"})
        if refused:
            raise ApiProblem(422, refused[0].reason, field="file")
        uploads = [item for item in handler.outcome.received if item.field_name == "file"]
        others = [name for name in request.FILES if name != "file"]
        if not uploads:
            detail = "No file arrived. Choose a CSV or Excel file to send."
            if others:
                detail += f" (The file was sent in the field {others[0]}; name it file.)"
            raise ApiProblem(400, detail, field="file")
        upload = uploads[0]
        try:
            receipt = intake.receive_once(
                actor,
                organization,
                upload.name,
                upload.stored,
                idempotency_key=idempotency_key or "",
                source=Source.API,
                test_mode=test_mode,
                request=request,
            )
        except intake.IdempotencyConflict as conflict:
            raise ApiProblem(
                422, conflict.message, field="Idempotency-Key", kind="idempotency-key-reused"
            ) from None
        except intake.IntakeError as error:
            raise ApiProblem(422, error.message, field=error.field) from None
    finally:
        handler.discard_unclaimed()
    mark(request, receipt.submission.reference)
    return Answer(200 if receipt.replayed else 201, submission_out(receipt.submission))


StatusFilter = Query(None, description="Only submissions in this status.")
TemplateFilter = Query(None, description="Only files of this template.")


@router.get(
    "/submissions",
    url_name="submissions",
    summary="List the organization's submissions",
    response={200: SubmissionPage, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def list_submissions(
    request: HttpRequest,
    status: Status | None = StatusFilter,
    template: TemplateCode | None = TemplateFilter,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    actor = need(request, Scope.SUBMIT_DATA)
    query = visible_submissions(actor).order_by("-submitted_at", "-id")
    if status is not None:
        query = query.filter(status=status)
    if template is not None:
        query = query.filter(template=template)
    return paged(request, query, page, page_size, submission_out)


@router.get(
    "/submissions/{submission_id}",
    url_name="submission",
    summary="A submission's status",
    response={200: SubmissionOut, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def get_submission(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    actor = need(request, Scope.SUBMIT_DATA)
    submission = access_submission(actor, submission_id)
    mark(request, submission.reference)
    return submission_out(submission)


@router.get(
    "/submissions/{submission_id}/problems",
    url_name="submission_problems",
    summary="A submission's problems, page by page",
    description="Each problem names the row and column of the file, the value as given (a "
    "SIN masked), its severity (error: nothing is applied; warning: to be confirmed), the "
    "rule and the message shown on the submission's page.",
    response={200: ProblemPage, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def list_problems(
    request: HttpRequest,
    submission_id: int,
    severity: Severity | None = Query(None),  # noqa: B008
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(100, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    actor = need(request, Scope.SUBMIT_DATA)
    submission = access_submission(actor, submission_id)
    mark(request, submission.reference)
    problems = submission.problems.order_by("row", "id")
    if severity is not None:
        problems = problems.filter(severity=severity)
    body = paged(
        request,
        problems,
        page,
        page_size,
        lambda p: {
            "row": p.row,
            "column": p.column or None,
            "value": p.value,
            "severity": p.severity,
            "rule": p.rule,
            "message": p.message,
        },
    )
    return {
        **body,
        "submission": submission.reference,
        "errors": submission.error_count,
        "warnings": submission.warning_count,
    }


CSV_TYPE = CONTENT_TYPES["csv"]
XLSX_TYPE = CONTENT_TYPES["xlsx"]


def _file_response(content_type: str, description: str) -> dict[str, Any]:
    return {
        "security": SECURITY,
        "responses": {
            "200": {
                "description": description,
                "content": {
                    content_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                },
            }
        },
    }


def _checked(actor: Any, submission_id: int) -> Submission:
    submission = access_submission(actor, submission_id)
    if not is_checked(submission):
        raise ApiProblem(
            404,
            f"{submission.reference} is still being checked; its problem report exists once "
            "the check has finished. Ask for the submission until its status changes.",
            kind="not-ready",
        )
    return submission


@router.get(
    "/submissions/{submission_id}/problem-report.csv",
    url_name="submission_report_csv",
    summary="The problem report as CSV",
    response={200: None, **responses(*COMMON)},
    openapi_extra=_file_response(CSV_TYPE, "The problems beside the original rows (CSV)."),
)
def report_csv(request: HttpRequest, submission_id: int) -> HttpResponseBase:
    return _problem_report(request, submission_id, "csv")


@router.get(
    "/submissions/{submission_id}/problem-report.xlsx",
    url_name="submission_report_xlsx",
    summary="The problem report as Excel (XLSX)",
    response={200: None, **responses(*COMMON)},
    openapi_extra=_file_response(XLSX_TYPE, "The problems beside the original rows (XLSX)."),
)
def report_xlsx(request: HttpRequest, submission_id: int) -> HttpResponseBase:
    return _problem_report(request, submission_id, "xlsx")


def _problem_report(request: HttpRequest, submission_id: int, extension: str) -> HttpResponseBase:
    actor = need(request, Scope.SUBMIT_DATA)
    submission = _checked(actor, submission_id)
    mark(request, submission.reference)
    return serve_problem_report(actor, submission, extension, request, {"channel": "api"})


@router.post(
    "/submissions/{submission_id}/confirm",
    url_name="submission_confirm",
    summary="Confirm a submission's warnings",
    description="The same as ticking 'I have read the warnings' on the submission's page: a "
    "submission awaiting confirmation is accepted and applied. Any other status is refused "
    "(409 is not used: the answer is 422 with the reason).",
    response={200: SubmissionOut, **responses(*COMMON, 422)},
    openapi_extra={"security": SECURITY},
)
def confirm(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    actor = need(request, Scope.SUBMIT_DATA)
    submission = access_submission(actor, submission_id)
    mark(request, submission.reference)
    try:
        confirmed = intake.confirm(actor, submission, request)
    except intake.IntakeError as error:
        raise ApiProblem(422, error.message) from None
    confirmed.refresh_from_db()
    return submission_out(confirmed)
