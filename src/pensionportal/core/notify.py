"""E-mail notifications that say only that something is waiting, never its content.

Queued in the surrounding transaction (core/outbox.py) and sent by a task after it commits,
so a rolled-back action e-mails nobody and an SMTP outage delays an e-mail, never an action.

Every e-mail names its kind and organization, and passes the one preference check here
(issue 16, Must do 6): the people who turned that kind off for that organization are left
out. The check lives in accounts (which knows users and their choices, and sits above this
module), registered from AccountsConfig.ready() through `register_filter`. ALWAYS is for
e-mails a person cannot do without (a member's signing link and code: not a portal user).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum

from django.conf import settings

from . import outbox

SUBJECT_PREFIX = "[Employer Portal] "


class Notice(StrEnum):
    MESSAGE = "message"
    FILE_RESULT = "file_result"
    DUE_REMINDER = "due_reminder"
    INVOICE = "invoice"
    REPORT = "report"
    ALWAYS = "always"  # no choice: sent to people without an account, to finish an action

    @property
    def label(self) -> str:
        return NOTICE_LABELS[self]


NOTICE_LABELS: dict[Notice, str] = {
    Notice.MESSAGE: "New secure messages",
    Notice.FILE_RESULT: "File results: pension data checked, uploads received, files and "
    "signed forms for you",
    Notice.DUE_REMINDER: "Reminders of contribution and data due dates",
    Notice.INVOICE: "Invoices, missed contributions and remittance discrepancies",
    Notice.REPORT: "New reports",
    Notice.ALWAYS: "Signing links and codes (always sent)",
}
CHOOSABLE: tuple[Notice, ...] = tuple(kind for kind in Notice if kind is not Notice.ALWAYS)

# (addresses, kind, organization id) -> the addresses that still want it
RecipientFilter = Callable[[list[str], Notice, int | None], list[str]]
_FILTERS: list[RecipientFilter] = []


def register_filter(keep: RecipientFilter) -> None:
    if keep not in _FILTERS:
        _FILTERS.append(keep)


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _undeliverable(address: str) -> bool:
    """A service account's address (accounts.models.SERVICE_EMAIL_DOMAIN): no person."""
    return address.lower().endswith(".invalid")


def recipients_for(
    recipients: Iterable[str], kind: Notice, organization_id: int | None
) -> list[str]:
    """The addresses an e-mail of ``kind`` about ``organization_id`` goes to."""
    addresses = sorted({a for a in recipients if a and not _undeliverable(a)})
    if kind is not Notice.ALWAYS:
        for keep in _FILTERS:
            addresses = keep(addresses, kind, organization_id)
    return addresses


def notify_on_commit(
    recipients: Iterable[str],
    subject: str,
    body: str,
    *,
    kind: Notice,
    organization_id: int | None,
) -> None:
    """Queue one e-mail per recipient who wants this kind (no shared To: line) for after
    the commit."""
    outbox.queue(recipients_for(recipients, kind, organization_id), SUBJECT_PREFIX + subject, body)
