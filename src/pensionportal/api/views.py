"""The API's two pages that are not operations: the OAuth2 token endpoint and the
reference page for signed-in users."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from pensionportal.accounts.sections import section
from pensionportal.audit.record import client_ip, record
from pensionportal.integrations import tokens
from pensionportal.integrations.models import Scope

from . import reference
from .api import api
from .problems import ApiProblem, response

TOKEN_BODY_LIMIT = 4096


@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    """POST grant_type=client_credentials with the client's ID and secret (HTTP Basic, or
    client_id and client_secret in the form): an access token for one hour (RFC 6749 4.4;
    errors as RFC 6749 5.2)."""
    if request.method != "POST":
        refused = response(ApiProblem(405, "Ask for a token with POST."))
        refused["Allow"] = "POST"
        return refused
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return _oauth_error(
            400,
            "invalid_request",
            "Send the token request as application/x-www-form-urlencoded "
            "(curl -d grant_type=client_credentials).",
        )
    body = request.body[:TOKEN_BODY_LIMIT].decode("utf-8", errors="replace")
    headers = {"Authorization": request.headers.get("Authorization", "")}
    answer = tokens.token_response(request.build_absolute_uri(), body, headers, client_ip(request))
    if answer.client is not None:
        record(
            "api.token_issued" if answer.status == 200 else "api.token_refused",
            request=request,
            actor=answer.client.account,
            organization=answer.client.organization,
            target=answer.client.client_id,
            details={"status": answer.status},
        )
    result = HttpResponse(answer.body, status=answer.status, content_type="application/json")
    for name, value in answer.headers.items():
        if name.lower() != "content-type":
            result[name] = value
    result["Cache-Control"] = "no-store"
    result["Pragma"] = "no-cache"
    return result


def _oauth_error(status: int, error: str, description: str) -> HttpResponse:
    answer = HttpResponse(
        json.dumps({"error": error, "error_description": description}),
        status=status,
        content_type="application/json",
    )
    answer["Cache-Control"] = "no-store"
    return answer


@section(None)
@require_GET
def reference_page(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return render(
        request,
        "api/reference.html",
        {
            "sections": reference.sections(schema),
            "version": schema["info"]["version"],
            "scopes": list(Scope),
            "token_url": request.build_absolute_uri("/api/v1/oauth/token"),
        },
    )


@csrf_exempt
def unknown(request: HttpRequest) -> HttpResponse:
    """Any other address under /api/v1/: a problem document, not the portal's 404 page."""
    return response(
        ApiProblem(
            404, "There is no such operation. The operations are listed in /api/v1/openapi.json."
        )
    )
