"""The navigation shows only what the user's roles allow (issue: Foundation, Navigation)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.messaging.queries import unread_count

from .issuer import issuer


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool
    badge: int = 0

    @property
    def badge_text(self) -> str:
        return f"{BADGE_MOST}+" if self.badge > BADGE_MOST else str(self.badge)

    @property
    def badge_label(self) -> str:
        if self.badge > BADGE_MOST:
            return f"more than {BADGE_MOST} unread"
        return f"{self.badge} unread"


# The Messages badge counts up to this many unread threads, then reads "99+".
BADGE_MOST = 99


# The sections in the navigation, in order: (capability, label, URL name, staff only).
SECTIONS: list[tuple[Capability, str, str, bool]] = [
    (Capability.MESSAGES, "Messages", "messaging:index", False),
    (Capability.FILES, "File Upload", "exchange:index", False),
    (Capability.SUBMISSIONS, "Pension data", "submissions:list", False),
    (Capability.MEMBERS, "Members", "members:list", False),
    (Capability.REMITTANCES, "Remittances", "remittances:index", False),
    (Capability.BUYBACKS, "Buybacks", "buybacks:index", False),
    (Capability.FILES, "Forms and Publications", "signedforms:index", False),
    (Capability.REPORTS, "Reports", "reports:index", False),
    (Capability.USERS, "Users", "accounts:users", False),
    (Capability.USERS, "Payroll connections", "integrations:index", False),
    (Capability.USERS, "Organizations", "accounts:organizations", True),
    (Capability.MISSED, "Missed contributions", "missed:index", True),
    (Capability.AUDIT, "Audit trail", "audit:list", True),
    (Capability.OPERATIONS, "Operations", "core:operations", True),
]


def nav_items_for(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    entries: list[tuple[str, str]] = [("Home", reverse("core:home"))]
    if access.is_staff_user(user):
        entries.append(("Staff queue", reverse("worklist:staff")))
    usable = access.usable_capabilities(user)
    if Capability.FILES in usable or Capability.REMITTANCES in usable:
        entries.append(("To do", reverse("worklist:todo")))
    for capability, label, url_name, staff_only in SECTIONS:
        allowed = access.staff_can(user, capability) if staff_only else capability in usable
        if allowed:
            entries.append((label, reverse(url_name)))
    entries.append(("Security settings", reverse("mfa_index")))
    entries.append(("Signed-in sessions", reverse("accounts:sessions")))
    entries.append(("E-mail notifications", reverse("accounts:notifications")))
    path = request.path
    items = []
    for label, url in entries:
        current = path == url if url == "/" else path.startswith(url)
        badge = _unread_messages(request) if label == "Messages" else 0
        items.append(NavItem(label=label, url=url, current=current, badge=badge))
    return items


def _unread_messages(request: HttpRequest) -> int:
    """Issue 4: the user's unread threads as the badge of the Messages item."""
    return unread_count(request.user, at_most=BADGE_MOST + 1)


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"nav_items": nav_items_for(request), "issuer": issuer()}
