"""The audit trail in words (issue 15, item 13): `missed.detection_run` is shown as
"Missed contributions: detection run", `organization:1` as the organization's name. The
stored action and target stay as written (the hash chain covers them); only the page reads
them out."""

from __future__ import annotations

from collections.abc import Mapping

SECTIONS = {
    "account": "Account",
    "accounts": "Accounts",
    "audit": "Audit trail",
    "buybacks": "Buybacks",
    "exchange": "File Upload",
    "invitation": "Invitation",
    "login": "Sign-in",
    "members": "Members",
    "membership": "Roles",
    "messaging": "Messages",
    "mfa": "Two-factor authentication",
    "missed": "Missed contributions",
    "organization": "Organization",
    "remittances": "Remittances",
    "reports": "Reports",
    "submission": "Pension data",
    "submissions": "Pension data",
    "user": "User",
}


def action_label(action: str) -> str:
    section, _, what = action.partition(".")
    if not what:
        return action.replace("_", " ").capitalize()
    name = SECTIONS.get(section, section.replace("_", " ").capitalize())
    return f"{name}: {what.replace('_', ' ').replace('.', ', ')}"


def target_label(target: str, organizations: Mapping[int, str]) -> str:
    kind, sep, ident = target.partition(":")
    if sep and kind == "organization" and ident.isdigit():
        return organizations.get(int(ident), target)
    return target


# The trail's "What" filter (issue 18): an area of the portal, filtered by the action's
# prefix, instead of a DISTINCT over the whole trail on every request.
AREAS: list[tuple[str, str]] = sorted(
    ((f"{key}.", name) for key, name in SECTIONS.items()), key=lambda area: area[1]
)
