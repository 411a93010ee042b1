"""The navigation shows only what the user's roles allow (issue: Foundation, Navigation)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import StaffRole
from pensionportal.messaging.queries import unread_count

from .issuer import issuer


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool
    badge: int = 0


def nav_items_for(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    entries: list[tuple[str, str]] = [("Home", reverse("core:home"))]
    if access.is_staff_user(user):
        entries.append(("Staff queue", reverse("worklist:staff")))
    if access.can_use(user, Capability.FILES) or access.can_use(user, Capability.REMITTANCES):
        entries.append(("To do", reverse("worklist:todo")))
    if access.can_use(user, Capability.MESSAGES):
        entries.append(("Messages", reverse("messaging:index")))
    if access.can_use(user, Capability.FILES):
        entries.append(("File Upload", reverse("exchange:index")))
        entries.append(("Pension data", reverse("submissions:list")))
        entries.append(("Members", reverse("members:list")))
    if access.can_use(user, Capability.REMITTANCES):
        entries.append(("Remittances", reverse("remittances:index")))
    if access.can_use(user, Capability.FILES):
        entries.append(("Buybacks", reverse("buybacks:index")))
        entries.append(("Forms and Publications", reverse("signedforms:index")))
    if access.can_use(user, Capability.REPORTS):
        entries.append(("Reports", reverse("reports:index")))
    if access.can_use(user, Capability.USERS):
        entries.append(("Users", reverse("accounts:users")))
        entries.append(("Payroll connections", reverse("integrations:index")))
    if access.is_staff_user(user):
        if access.has_staff_role(user, StaffRole.ACCOUNT_ADMINISTRATION):
            entries.append(("Organizations", reverse("accounts:organizations")))
        entries.append(("Missed contributions", reverse("missed:index")))
        entries.append(("Audit trail", reverse("audit:list")))
        entries.append(("Operations", reverse("core:operations")))
    entries.append(("Security settings", reverse("mfa_index")))
    path = request.path
    items = []
    for label, url in entries:
        current = path == url if url == "/" else path.startswith(url)
        badge = _unread_messages(request) if label == "Messages" else 0
        items.append(NavItem(label=label, url=url, current=current, badge=badge))
    return items


def _unread_messages(request: HttpRequest) -> int:
    """Issue 4: the user's unread threads as the badge of the Messages item."""
    return unread_count(request.user)


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"nav_items": nav_items_for(request), "issuer": issuer()}
