"""Tokens, revocation, expiry, addresses, rate limits and the audit of every call."""

from __future__ import annotations

import datetime as dt
import json
import re

import jwt
import pytest
from django.conf import LazySettings
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.utils import timezone

from pensionportal.audit.models import AuditEvent
from pensionportal.integrations import actions
from pensionportal.integrations.models import ApiClient, Scope
from pensionportal.submissions.models import Submission
from tests.factories import make_org

from .helpers import Credential, bearer, call, make_client, operations, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential() -> Credential:
    return make_client(make_org())


def _token_request(
    http: Client, body: str, basic: str | None = None
) -> tuple[int, dict[str, object]]:
    answer = http.post(
        "/api/v1/oauth/token",
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": basic} if basic else None,
    )
    return answer.status_code, json.loads(answer.content)


def test_the_token_endpoint_issues_a_signed_token_for_an_hour(credential: Credential) -> None:
    status, body = _token_request(
        Client(), "grant_type=client_credentials", basic=credential.basic()
    )
    assert status == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert set(str(body["scope"]).split()) == {scope.value for scope in Scope}
    claims = jwt.decode(str(body["access_token"]), options={"verify_signature": False})
    assert claims["sub"] == credential.client.client_id
    assert claims["exp"] - claims["iat"] == 3600


def test_the_client_may_send_its_credentials_in_the_form(credential: Credential) -> None:
    body = (
        "grant_type=client_credentials"
        f"&client_id={credential.client.client_id}&client_secret={credential.secret}"
    )
    status, _ = _token_request(Client(), body)
    assert status == 200


def test_a_token_can_be_asked_for_fewer_scopes(credential: Credential) -> None:
    http = Client()
    status, body = _token_request(
        http,
        "grant_type=client_credentials&scope=read_members",
        basic=credential.basic(),
    )
    assert status == 200
    assert body["scope"] == "read_members"
    answer = http.get("/api/v1/submissions", headers=bearer(str(body["access_token"])))
    assert answer.status_code == 403


def test_a_scope_the_client_does_not_have_is_refused(credential: Credential) -> None:
    org = credential.client.organization
    narrow = make_client(org, [Scope.READ_MEMBERS], admin=credential.admin)
    status, body = _token_request(
        Client(),
        "grant_type=client_credentials&scope=submit_data",
        basic=narrow.basic(),
    )
    assert status == 400
    assert body["error"] == "invalid_scope"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("grant_type=password&username=a&password=b", "unsupported_grant_type"),
        ("", "invalid_request"),
    ],
)
def test_other_grants_and_empty_requests_are_refused(
    credential: Credential, body: str, error: str
) -> None:
    status, answer = _token_request(Client(), body, basic=credential.basic())
    assert status == 400
    assert answer["error"] == error


def test_a_wrong_secret_or_unknown_client_gets_invalid_client(credential: Credential) -> None:
    wrong = Credential(credential.client, credential.secret + "x", credential.admin)
    status, body = _token_request(Client(), "grant_type=client_credentials", basic=wrong.basic())
    assert status == 401
    assert body["error"] == "invalid_client"
    status, body = _token_request(
        Client(),
        "grant_type=client_credentials&client_id=ppc_unknown&client_secret=whatever",
    )
    assert status == 401
    assert body["error"] == "invalid_client"


def test_the_secret_is_stored_only_as_a_password_hash(credential: Credential) -> None:
    stored = ApiClient.objects.get(pk=credential.client.pk)
    assert credential.secret not in stored.secret_hash
    assert check_password(credential.secret, stored.secret_hash)
    assert not AuditEvent.objects.filter(details__icontains=credential.secret).exists()


def test_a_revoked_client_gets_401_for_its_token_and_for_a_new_one(credential: Credential) -> None:
    http = Client()
    token = token_for(http, credential)
    assert http.get("/api/v1/me", headers=bearer(token)).status_code == 200
    actions.revoke_client(credential.admin, credential.client)
    answer = http.get("/api/v1/me", headers=bearer(token))
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert "revoked" in json.loads(answer.content)["detail"]
    status, body = _token_request(http, "grant_type=client_credentials", basic=credential.basic())
    assert status == 401
    assert body["error"] == "invalid_client"


def test_an_expired_client_gets_401(credential: Credential) -> None:
    http = Client()
    token = token_for(http, credential)
    ApiClient.objects.filter(pk=credential.client.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    answer = http.get("/api/v1/me", headers=bearer(token))
    assert answer.status_code == 401
    assert "expired" in json.loads(answer.content)["detail"]


def test_an_expired_token_gets_401(credential: Credential, settings: LazySettings) -> None:
    settings.API_TOKEN_SECONDS = -10
    token = token_for(Client(), credential)
    answer = Client().get("/api/v1/me", headers=bearer(token))
    assert answer.status_code == 401
    assert (
        json.loads(answer.content)["detail"] == "The access token has expired: ask for a new one."
    )


def test_a_token_signed_with_another_key_or_garbage_gets_401(credential: Credential) -> None:
    forged = jwt.encode(
        {"sub": credential.client.client_id, "aud": "pensionportal-api", "iss": "pensionportal"},
        "not-the-key-but-long-enough-for-hs256-0123",
        algorithm="HS256",
        headers={"kid": "abc"},
    )
    for token in (forged, "garbage", "a.b.c"):
        assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_token_signed_under_an_older_key_still_works_while_the_key_is_listed(
    credential: Credential, settings: LazySettings
) -> None:
    settings.API_SIGNING_KEYS = ["old-key-1234567890-1234567890-1234567890"]
    token = token_for(Client(), credential)
    settings.API_SIGNING_KEYS = [
        "new-key-0987654321-0987654321-0987654321",
        "old-key-1234567890-1234567890-1234567890",
    ]
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 200
    settings.API_SIGNING_KEYS = ["new-key-0987654321-0987654321-0987654321"]
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("operation", operations(), ids=lambda o: f"{o.method} {o.path}")
def test_every_operation_needs_a_token(operation: object) -> None:
    answer = call(Client(), operation)  # type: ignore[arg-type]
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert answer["WWW-Authenticate"].startswith("Bearer")
    body = json.loads(answer.content)
    assert set(body) >= {"type", "title", "status", "detail"}


def test_an_address_outside_the_allow_list_is_refused() -> None:
    credential = make_client(make_org(), allowed_networks="203.0.113.0/24")
    inside = Client(REMOTE_ADDR="203.0.113.9")
    token = token_for(inside, credential)
    assert inside.get("/api/v1/me", headers=bearer(token)).status_code == 200
    outside = Client(REMOTE_ADDR="198.51.100.7")
    answer = outside.get("/api/v1/me", headers=bearer(token))
    assert answer.status_code == 403
    assert "address" in json.loads(answer.content)["detail"]
    status, _ = _token_request(outside, "grant_type=client_credentials", basic=credential.basic())
    assert status == 401


def test_over_the_rate_limit_the_answer_is_429_with_retry_after_and_nothing_is_done() -> None:
    credential = make_client(make_org(), rate_limit_per_minute=2)
    http = Client()
    token = token_for(http, credential)
    first = http.get("/api/v1/me", headers=bearer(token))
    assert first["RateLimit-Limit"] == "2"
    assert first["RateLimit-Remaining"] == "1"
    assert http.get("/api/v1/me", headers=bearer(token)).status_code == 200
    answer = http.post("/api/v1/submissions", {"file": b""}, headers=bearer(token))
    assert answer.status_code == 429
    assert 1 <= int(answer["Retry-After"]) <= 60
    assert json.loads(answer.content)["status"] == 429
    assert not Submission.objects.exists()


def test_every_call_is_audited_with_client_endpoint_and_object(credential: Credential) -> None:
    http = Client()
    token = token_for(http, credential)
    http.get("/api/v1/submissions/424242", headers=bearer(token))
    event = AuditEvent.objects.filter(action="api.call").latest("id")
    assert event.details["client"] == credential.client.client_id
    assert event.details["endpoint"] == "GET /api/v1/submissions/{submission_id}"
    assert event.details["status"] == 404
    assert event.actor_id == credential.client.account_id
    assert event.organization_id == credential.client.organization_id
    assert AuditEvent.objects.filter(action="api.token_issued").exists()


def test_last_used_time_and_address_are_kept(credential: Credential) -> None:
    http = Client(REMOTE_ADDR="192.0.2.44")
    token = token_for(http, credential)
    http.get("/api/v1/me", headers=bearer(token))
    client = ApiClient.objects.get(pk=credential.client.pk)
    assert client.last_used_at is not None
    assert client.last_used_ip == "192.0.2.44"


@pytest.mark.parametrize(
    "address",
    ["/api/v1/members?search=a%00b", "/api/v1/deliveries?category=%00", "/api/v1/no-such%00"],
)
def test_a_nul_character_in_an_api_address_is_a_problem_document(address: str) -> None:
    """schemathesis (CI step 5) sent NUL in query strings and got the portal's text/plain
    400, which the API's documented answers do not include."""
    answer = Client().get(address)
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    body = json.loads(answer.content)
    assert body["status"] == 400
    assert "NUL character" in body["detail"]


def test_the_schema_says_no_string_parameter_of_an_address_holds_a_nul() -> None:
    """schemathesis (CI step 5) called a NUL in `search` schema-valid and its 400 a wrong
    refusal: the schema's string parameters exclude NUL, as the middleware does."""
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    free_text = []
    for item in schema["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] not in ("query", "path"):
                    continue
                options = parameter["schema"].get("anyOf", [parameter["schema"]])
                for option in options:
                    if option.get("type") == "string" and "enum" not in option:
                        free_text.append(parameter["name"])
                        assert re.fullmatch(option["pattern"], "D1003")
                        assert not re.fullmatch(option["pattern"], "D1\x00003")
    assert {"search", "employee_id"} <= set(free_text)
