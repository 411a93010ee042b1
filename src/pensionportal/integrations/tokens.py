"""OAuth2 client credentials (RFC 6749 section 4.4) for API clients.

oauthlib runs the protocol (the token request, its errors and their JSON); the access
token is a JWT signed by PyJWT (HS256, key id in the header) with the client, its scopes
and a one-hour life. Tokens are not stored: each API call checks the signature and then the
client's row (revoked, expired, tokens issued before `tokens_valid_after`), so revoking a
client stops its tokens at once.

Signing keys: `settings.API_SIGNING_KEYS`, newest first. A token is signed with the first
and accepted under any, so a key is rotated by putting a new one in front and removing the
old one an hour later.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

import jwt
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone
from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth2 import BackendApplicationServer, RequestValidator

from .models import ApiClient
from .networks import allows

ISSUER = "pensionportal"
AUDIENCE = "pensionportal-api"
ALGORITHM = "HS256"
CLIENT_ID_PREFIX = "ppc_"


def token_lifetime() -> int:
    return int(getattr(settings, "API_TOKEN_SECONDS", 3600))


def new_client_id() -> str:
    return CLIENT_ID_PREFIX + secrets.token_hex(10)


def new_secret() -> tuple[str, str]:
    """A client secret and its password hash (the only thing stored)."""
    secret = "pps_" + secrets.token_urlsafe(32)
    return secret, make_password(secret)


def _keys() -> list[str]:
    return list(settings.API_SIGNING_KEYS)


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]


# --- Issuing (the token endpoint) -------------------------------------------------------------


@dataclass
class _AuthenticatedClient:
    client_id: str
    row: ApiClient


def _basic_credentials(headers: dict[str, str]) -> tuple[str, str] | None:
    raw = headers.get("Authorization", "")
    if not raw.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(raw[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        return None
    return unquote_plus(client_id), unquote_plus(secret)


class PortalValidator(RequestValidator):  # type: ignore[misc]
    """oauthlib's questions, answered from `ApiClient`."""

    def __init__(self, remote_address: str | None) -> None:
        self.remote_address = remote_address
        self.authenticated: ApiClient | None = None

    def client_authentication_required(self, request: OAuthRequest, *args: Any, **kw: Any) -> bool:
        return True

    def authenticate_client(self, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        credentials = _basic_credentials(request.headers)
        if credentials is None and request.client_id and request.client_secret:
            credentials = (request.client_id, request.client_secret)
        if credentials is None:
            return False
        client_id, secret = credentials
        row = (
            ApiClient.objects.select_related("organization", "account")
            .filter(client_id=client_id)
            .first()
        )
        if row is None:
            make_password(secret)  # the same work as a wrong secret: no timing oracle
            return False
        if not check_password(secret, row.secret_hash):
            return False
        if not usable(row, self.remote_address):
            return False
        request.client = _AuthenticatedClient(client_id, row)
        request.client_id = client_id
        self.authenticated = row
        return True

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: OAuthRequest, *a: Any, **k: Any
    ) -> bool:
        return grant_type == "client_credentials"

    def get_default_scopes(
        self, client_id: str, request: OAuthRequest, *a: Any, **k: Any
    ) -> list[str]:
        return list(request.client.row.scope_list)

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Any,
        request: OAuthRequest,
        *a: Any,
        **k: Any,
    ) -> bool:
        return set(scopes) <= set(client.row.scope_list)

    def save_bearer_token(
        self, token: dict[str, Any], request: OAuthRequest, *a: Any, **k: Any
    ) -> None:
        return None  # signed tokens are not stored


def usable(client: ApiClient, remote_address: str | None) -> bool:
    """Not revoked, not expired, the organization active, the caller's address allowed."""
    return (
        not client.is_revoked
        and not client.is_expired()
        and client.organization.is_active
        and client.account.is_active
        and allows(client.allowed_networks, remote_address)
    )


def _sign(request: OAuthRequest) -> str:
    now = timezone.now()
    row: ApiClient = request.client.row
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": row.client_id,
        "scope": " ".join(request.scopes or []),
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int(now.timestamp()) + token_lifetime(),
        "jti": secrets.token_hex(8),
    }
    key = _keys()[0]
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": key_id(key)})


@dataclass(frozen=True)
class TokenAnswer:
    status: int
    headers: dict[str, str]
    body: str
    client: ApiClient | None


def token_response(
    uri: str, body: str, headers: dict[str, str], remote_address: str | None
) -> TokenAnswer:
    validator = PortalValidator(remote_address)
    server = BackendApplicationServer(
        validator, token_generator=_sign, token_expires_in=token_lifetime()
    )
    answer_headers, answer_body, status = server.create_token_response(
        uri, http_method="POST", body=body, headers=headers
    )
    return TokenAnswer(status, dict(answer_headers), answer_body, validator.authenticated)


# --- Checking (every API call) ---------------------------------------------------------------


class TokenRefused(Exception):
    """The bearer token is missing, malformed, expired or revoked: 401."""


class AddressRefused(Exception):
    """A valid token used from an address outside the client's allow-list: 403."""


@dataclass(frozen=True)
class Caller:
    client: ApiClient
    scopes: frozenset[str]


def verify(token: str, remote_address: str | None) -> Caller:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenRefused("The access token is not valid.") from None
    keys = _keys()
    key = next((k for k in keys if key_id(k) == header.get("kid")), None)
    if key is None:
        raise TokenRefused("The access token is not valid (unknown signing key).")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenRefused("The access token has expired: ask for a new one.") from None
    except jwt.PyJWTError:
        raise TokenRefused("The access token is not valid.") from None
    client = (
        ApiClient.objects.select_related("organization", "account", "account__service_account")
        .filter(client_id=str(claims["sub"]))
        .first()
    )
    if client is None:
        raise TokenRefused("The access token is not valid.")
    if client.is_revoked:
        raise TokenRefused("This API client was revoked.")
    if client.is_expired():
        raise TokenRefused("This API client has expired.")
    issued = dt.datetime.fromtimestamp(int(claims["iat"]), tz=dt.UTC)
    if issued < client.tokens_valid_after.replace(microsecond=0):
        raise TokenRefused("The access token was issued before the client was changed.")
    if not client.organization.is_active or not client.account.is_active:
        raise TokenRefused("This API client's organization is not active.")
    if not allows(client.allowed_networks, remote_address):
        raise AddressRefused(
            "This API client may not be used from this address: its administrator allows "
            "only the addresses listed on the client."
        )
    granted = set(str(claims.get("scope", "")).split()) & set(client.scope_list)
    return Caller(client, frozenset(granted))
