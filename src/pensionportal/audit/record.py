"""The one way the rest of the product writes to the audit trail."""

from __future__ import annotations

from typing import Any, Protocol

from django.http import HttpRequest

from pensionportal.core import logs
from pensionportal.core.addresses import client_address

from . import chain
from .models import AuditEvent


# The audit trail sits below accounts (docs/architecture.md): it knows a user and an
# organization by their id (and the user's e-mail, kept on the row), never by their model.
class User(Protocol):
    @property
    def pk(self) -> Any: ...

    @property
    def email(self) -> str: ...


class Organization(Protocol):
    @property
    def pk(self) -> Any: ...


def client_ip(request: HttpRequest | None) -> str | None:
    """The real client behind the trusted proxies (core/addresses.py): a forwarded-for
    header is believed only from PORTAL_TRUSTED_PROXIES."""
    if request is None:
        return None
    return client_address(request)


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: User | None = None,
    actor_email: str = "",
    organization: Organization | None = None,
    target: str = "",
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Write one audit row. Never pass a SIN, a password or message content in `details`.
    `ip_address` is for callers without an HTTP request (the SFTP server)."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if organization is not None:
        logs.bind(organization_id=organization.pk)
    return chain.append(
        action=action,
        actor_id=actor.pk if actor is not None else None,
        actor_email=actor.email if actor is not None else actor_email,
        ip_address=client_ip(request) if request is not None else ip_address,
        organization_id=organization.pk if organization is not None else None,
        target=target,
        details=details or {},
    )
