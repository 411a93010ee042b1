"""The REST API (`/api/v1/`): django-ninja, OpenAPI 3.1 at `/api/v1/openapi.json`.

Every operation needs an access token (auth.py) and a scope; every refusal is a problem
document (problems.py). The operations live in routes/ by subject."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError

from pensionportal.integrations.models import Scope

from .auth import SCHEME, PortalClient, caller_of
from .problems import COMMON, CONTENT_TYPE, ApiProblem, response, responses, too_large
from .routes import deliveries, members, remittances, submissions
from .schemas import ClientOut

log = logging.getLogger(__name__)

DESCRIPTION = """\
The Employer Portal for payroll systems: send pension data files and follow their checks,
fetch what the plan administrator delivered (reports, the buyback deduction file, forms
1016), read remittances, invoices and the balance, and the organization's members.

An employer administrator creates an API client on the portal's **Payroll connections**
page, choosing its scopes; the client exchanges its ID and secret for an access token
(OAuth2 client credentials) at `/api/v1/oauth/token`. Every call is audited. Refusals are
problem documents (RFC 9457). See docs/api.md for a worked example.
"""


class PortalApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        # Refusals are application/problem+json (RFC 9457), not plain JSON.
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if str(status).startswith(("4", "5")) and "application/json" in content:
                        answer["content"] = {CONTENT_TYPE: content["application/json"]}
                        answer["description"] = _DESCRIPTIONS.get(
                            int(status), answer.get("description", "")
                        )
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") in ("query", "path"):
                        _refuse_nul(parameter.get("schema", {}))
        return schema


# Every address holding a NUL character is refused before any operation runs
# (core/middleware.py, answered as a 400 problem): the schema says so.
NO_NUL = "^[^\\x00]*$"


def _refuse_nul(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and not {"pattern", "format", "enum"} & set(schema):
        schema["pattern"] = NO_NUL
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            _refuse_nul(option)
    if isinstance(schema.get("items"), dict):
        _refuse_nul(schema["items"])


_DESCRIPTIONS = {
    400: "The request is not valid (a parameter, the body); the problem names the field.",
    401: "No access token, or one that is not valid, expired, or of a revoked client.",
    403: "The token lacks the scope this operation needs, or the address is not allowed.",
    404: "No such object for this organization (another organization's is 404 too).",
    413: "The upload is larger than the limit; nothing was stored.",
    415: "The body is not multipart/form-data.",
    422: "The file or request was refused (the reason in the portal's own words).",
    429: "Over the client's rate limit; wait the seconds in Retry-After.",
    503: "The file store is unavailable; nothing was stored. Try again later.",
}

api = PortalApi(
    title="Employer Portal API",
    version="1",
    description=DESCRIPTION,
    auth=PortalClient(),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiProblem)
def _problem(request: HttpRequest, problem: ApiProblem) -> HttpResponse:
    return response(problem)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = []
    for item in error.errors:
        location = [
            str(part)
            for part in item.get("loc", ())
            if part not in ("query", "path", "header", "body")
        ]
        field = ".".join(location) or "request"
        errors.append({"field": field, "detail": str(item.get("msg", "is not valid"))})
    first = errors[0] if errors else {"field": "request", "detail": "is not valid"}
    return response(
        ApiProblem(
            400,
            f"{first['field']}: {first['detail']}.",
            field=first["field"],
            errors=errors,
        )
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return response(ApiProblem(401, "Send a valid access token: Authorization: Bearer <token>."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    detail = str(error) or "No such object."
    return response(ApiProblem(404, detail if len(detail) < 300 else "No such object."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return response(ApiProblem(403, str(error) or "This client may not do that."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return response(ApiProblem(error.status_code, str(error)))


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
    if getattr(request, "body_cut_at", None) is not None:
        return too_large(request, "limit")  # the middleware answers with the real limit
    return response(ApiProblem(400, "The request could not be read; nothing was changed."))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    log.exception("API operation failed: %s %s", request.method, request.path)
    return response(
        ApiProblem(
            500,
            "Something went wrong on our side; nothing was changed. Try again, and tell the "
            "plan administrator if it keeps happening.",
        )
    )


me = Router(tags=["This client"])


@me.get(
    "/me",
    url_name="me",
    summary="The client the token belongs to",
    response={200: ClientOut, **responses(*COMMON)},
    openapi_extra={"security": [{SCHEME: []}]},
)
def whoami(request: HttpRequest) -> dict[str, Any]:
    caller = caller_of(request)
    client = caller.client
    return {
        "client_id": client.client_id,
        "name": client.name,
        "organization": client.organization.name,
        "scopes": sorted(caller.scopes),
        "rate_limit_per_minute": client.rate_limit_per_minute,
        "expires_at": client.expires_at,
    }


api.add_router("", me)
api.add_router("", submissions.router)
api.add_router("", deliveries.router)
api.add_router("", remittances.router)
api.add_router("", members.router)

ALL_SCOPES = [scope.value for scope in Scope]
