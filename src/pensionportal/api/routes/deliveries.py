"""What the administrator delivered: files (the PA file, buyback deduction files and forms
1016, letters) and reports (the missed-mandatory-contributions report and others)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import reverse
from ninja import Router
from ninja.params.functions import Query

from pensionportal.exchange.access import access_file, files_for
from pensionportal.exchange.actions import serve_download
from pensionportal.exchange.models import DELIVERY_CATEGORIES, Category, Direction, ExchangedFile
from pensionportal.exchange.models import Status as FileStatus
from pensionportal.integrations.models import Scope
from pensionportal.reports.access import access_report, access_report_file, reports_for
from pensionportal.reports.actions import serve_report_file
from pensionportal.reports.models import Report, ReportKind

from ..auth import SCHEME, mark, need
from ..paging import MAX_PAGE_SIZE, paged
from ..problems import COMMON, responses
from ..schemas import DeliveryOut, DeliveryPage, ReportOut, ReportPage

router = Router(tags=["Delivered files and reports"])
SECURITY = [{SCHEME: [Scope.READ_REPORTS.value]}]
BINARY = {
    "security": SECURITY,
    "responses": {
        "200": {
            "description": "The file's content, as delivered.",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
}


def _deliveries(actor: Any) -> Any:
    return files_for(actor).filter(
        direction=Direction.FROM_ADMINISTRATOR, status=FileStatus.DELIVERED
    )


def delivery_out(delivery: ExchangedFile) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "reference": delivery.reference,
        "category": delivery.category,
        "category_label": delivery.get_category_display(),
        "name": delivery.name,
        "size": delivery.size,
        "sha256": delivery.sha256,
        "delivered_at": delivery.sent_at,
        "content": reverse("api:delivery_content", args=[delivery.pk]),
    }


DeliveryCategory = Query(
    None, description="Only files of this kind, e.g. buyback_deductions (DS files, forms 1016)."
)


@router.get(
    "/deliveries",
    url_name="deliveries",
    summary="Files delivered by the administrator",
    response={200: DeliveryPage, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def list_deliveries(
    request: HttpRequest,
    category: Category | None = DeliveryCategory,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    actor = need(request, Scope.READ_REPORTS)
    query = _deliveries(actor).order_by("-sent_at", "-pk")
    if category is not None:
        query = query.filter(category=category) if category in DELIVERY_CATEGORIES else query.none()
    return paged(request, query, page, page_size, delivery_out)


@router.get(
    "/deliveries/{delivery_id}",
    url_name="delivery",
    summary="One delivered file",
    response={200: DeliveryOut, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def get_delivery(request: HttpRequest, delivery_id: int) -> dict[str, Any]:
    actor = need(request, Scope.READ_REPORTS)
    delivery = _delivered(actor, delivery_id)
    mark(request, delivery.reference)
    return delivery_out(delivery)


def _delivered(actor: Any, delivery_id: int) -> ExchangedFile:
    found = access_file(actor, delivery_id)
    if not found.from_administrator or found.is_deleted:
        raise Http404("No such file.")
    return found


@router.get(
    "/deliveries/{delivery_id}/content",
    url_name="delivery_content",
    summary="Download a delivered file",
    response={200: None, **responses(*COMMON)},
    openapi_extra=BINARY,
)
def delivery_content(request: HttpRequest, delivery_id: int) -> HttpResponseBase:
    actor = need(request, Scope.READ_REPORTS)
    delivery = _delivered(actor, delivery_id)
    mark(request, delivery.reference)
    return serve_download(actor, delivery, request=request)


def report_out(report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "reference": report.reference,
        "title": report.title,
        "kind": report.kind,
        "kind_label": report.get_kind_display(),
        "period": report.period or None,
        "published_at": report.published_at,
        "files": [
            {
                "id": item.pk,
                "name": item.name,
                "format": item.format,
                "size": item.size,
                "sha256": item.sha256,
                "content": reverse("api:report_file_content", args=[report.pk, item.pk]),
            }
            for item in report.files.all()
        ],
    }


@router.get(
    "/reports",
    url_name="reports",
    summary="Reports published to the organization",
    description="The missed-mandatory-contributions report and any other report the "
    "administrator published, newest first, each with its files (PDF, CSV, XLSX).",
    response={200: ReportPage, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def list_reports(
    request: HttpRequest,
    kind: ReportKind | None = Query(None),  # noqa: B008
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    actor = need(request, Scope.READ_REPORTS)
    query = reports_for(actor).prefetch_related("files").order_by("-published_at", "-pk")
    if kind is not None:
        query = query.filter(kind=kind)
    return paged(request, query, page, page_size, report_out)


@router.get(
    "/reports/{report_id}",
    url_name="report",
    summary="One report and its files",
    response={200: ReportOut, **responses(*COMMON)},
    openapi_extra={"security": SECURITY},
)
def get_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    actor = need(request, Scope.READ_REPORTS)
    report = access_report(actor, report_id)
    mark(request, report.reference)
    return report_out(report)


@router.get(
    "/reports/{report_id}/files/{file_id}/content",
    url_name="report_file_content",
    summary="Download one of a report's files",
    response={200: None, **responses(*COMMON)},
    openapi_extra=BINARY,
)
def report_file_content(request: HttpRequest, report_id: int, file_id: int) -> HttpResponseBase:
    actor = need(request, Scope.READ_REPORTS)
    report_file = access_report_file(actor, report_id, file_id)
    mark(request, report_file.report.reference)
    return serve_report_file(actor, report_file, request=request)
