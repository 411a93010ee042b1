"""Every API call: the bearer token (OAuth2 client credentials, integrations.tokens), the
client's rate limit, then the scope the operation needs. The request then acts as the
client's service account (`request.user`), so the apps' own access helpers scope every
lookup to the client's organization."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security.base import AuthBase

from pensionportal.accounts.models import User
from pensionportal.audit.record import client_ip
from pensionportal.integrations import actions, ratelimit, tokens
from pensionportal.integrations.models import Scope

from .problems import ApiProblem

SCHEME = "PortalClient"
TOKEN_URL = "/api/v1/oauth/token"  # noqa: S105 (a URL, not a secret)


def _challenge(error: str, description: str) -> dict[str, str]:
    return {
        "WWW-Authenticate": f'Bearer realm="pensionportal", error="{error}", '
        f'error_description="{description}"'
    }


class PortalClient(AuthBase):
    openapi_type = "oauth2"
    openapi_description = (
        "OAuth2 client credentials: POST the client ID and secret to the token URL, then "
        "send `Authorization: Bearer <access_token>` (valid one hour)."
    )
    openapi_flows = {
        "clientCredentials": {
            "tokenUrl": TOKEN_URL,
            "scopes": {scope.value: scope.label for scope in Scope},
        }
    }

    def __call__(self, request: HttpRequest) -> Any:
        raw = request.headers.get("Authorization", "")
        scheme, _, token = raw.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiProblem(
                401,
                "Send an access token: Authorization: Bearer <token>. Get one from "
                f"{TOKEN_URL} with the client ID and secret.",
                headers={"WWW-Authenticate": 'Bearer realm="pensionportal"'},
            )
        address = client_ip(request)
        try:
            caller = tokens.verify(token.strip(), address)
        except tokens.TokenRefused as refusal:
            raise ApiProblem(
                401, str(refusal), headers=_challenge("invalid_token", str(refusal))
            ) from None
        except tokens.AddressRefused as refusal:
            raise ApiProblem(403, str(refusal)) from None
        decision = ratelimit.take(caller.client)
        request.rate_decision = decision  # type: ignore[attr-defined]
        if not decision.allowed:
            raise ApiProblem(
                429,
                f"This client may make {decision.limit} calls a minute; try again in "
                f"{decision.retry_after} seconds. Nothing was done.",
                headers={"Retry-After": str(decision.retry_after)},
            )
        actions.note_client_used(caller.client, address)
        request.caller = caller  # type: ignore[attr-defined]
        request.user = caller.client.account
        return caller


def caller_of(request: HttpRequest) -> tokens.Caller:
    caller = getattr(request, "caller", None)
    assert isinstance(caller, tokens.Caller)
    return caller


def need(request: HttpRequest, scope: Scope) -> User:
    """403 unless the token carries `scope`; the service account to act as otherwise."""
    caller = caller_of(request)
    if scope.value not in caller.scopes:
        raise ApiProblem(
            403,
            f"This client's token does not include the scope {scope.value} "
            f"({scope.label.lower()}). Its administrator can create a client that has it.",
        )
    return caller.client.account


def mark(request: HttpRequest, reference: str) -> None:
    """The object an operation touched, for the call's audit row."""
    request.api_object = reference  # type: ignore[attr-defined]
