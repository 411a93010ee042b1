"""API clients and tokens for tests: created through the same action as the portal page."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.test import Client

from pensionportal.accounts.models import Organization, Role, User
from pensionportal.integrations import actions
from pensionportal.integrations.models import ApiClient, Scope
from tests.factories import make_user

ALL_SCOPES = [scope.value for scope in Scope]


@dataclass
class Credential:
    client: ApiClient
    secret: str
    admin: User

    def basic(self) -> str:
        raw = f"{self.client.client_id}:{self.secret}".encode()
        return "Basic " + base64.b64encode(raw).decode()


def make_client(
    org: Organization,
    scopes: Iterable[str] = ALL_SCOPES,
    *,
    admin: User | None = None,
    **options: Any,
) -> Credential:
    admin = admin or make_user(org, [Role.ADMINISTRATOR])
    created = actions.create_client(admin, org, name="Payroll sync", scopes=scopes, **options)
    return Credential(created.client, created.secret, admin)


def token_for(http: Client, credential: Credential) -> str:
    answer = http.post(
        "/api/v1/oauth/token",
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": credential.basic()},
    )
    assert answer.status_code == 200, answer.content
    return str(json.loads(answer.content)["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # with {parameters}
    scopes: tuple[str, ...]

    def url(self, **values: int) -> str:
        import re

        return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 999999)), self.path)


def operations() -> list[Operation]:
    """Every operation of the API, from its own OpenAPI schema."""
    from pensionportal.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            scopes = tuple(
                scope
                for entry in operation.get("security", [])
                for scope in next(iter(entry.values()))
            )
            found.append(Operation(method.upper(), path, scopes))
    return found


def call(
    http: Client,
    operation: Operation,
    url: str | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    target = url or operation.url()
    if operation.method == "GET":
        return http.get(target, headers=headers)
    return http.post(target, headers=headers)
