"""Who wants which e-mail (issue 16, Must do 6): each person chooses, per organization,
the kinds of e-mail they receive (core.notify.Notice). `keep_wanted` is the one check every
e-mail passes (registered into core.notify from AccountsConfig.ready()); `choices_of` and
`save_choices` serve the "E-mail notifications" page.

Defaults (no choice saved): every kind on. Each e-mail only says that something is waiting
and links to it, so receiving it costs nothing in privacy; a person who turns one off
still sees the item on their home page. A choice for an organization wins over the
person's choice for all organizations (staff choose only for all organizations).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils import timezone

from pensionportal.audit.record import record
from pensionportal.core.notify import CHOOSABLE, Notice

from . import access
from .models import NotificationPreference, Organization, User

DEFAULTS: dict[Notice, bool] = dict.fromkeys(CHOOSABLE, True)


def keep_wanted(addresses: list[str], kind: Notice, organization_id: int | None) -> list[str]:
    """The addresses that did not turn ``kind`` off for the organization; addresses of no
    user (a member's) are kept. Two queries whatever the number of recipients."""
    if not addresses:
        return addresses
    users = dict(
        User.objects.annotate(address=Lower("email"))
        .filter(address__in=[a.lower() for a in addresses])
        .values_list("pk", "address")
    )
    if not users:
        return addresses
    scope = Q(organization__isnull=True)
    if organization_id is not None:
        scope |= Q(organization_id=organization_id)
    chosen: dict[int, tuple[bool, bool]] = {}  # user -> (for this organization?, enabled)
    for user_id, org_id, enabled in NotificationPreference.objects.filter(
        scope, user_id__in=list(users), kind=kind.value
    ).values_list("user_id", "organization_id", "enabled"):
        specific = org_id is not None
        if user_id not in chosen or specific:
            chosen[user_id] = (specific, enabled)
    default = DEFAULTS.get(kind, True)
    refused = {users[user_id] for user_id in users if not chosen.get(user_id, (False, default))[1]}
    return [address for address in addresses if address.lower() not in refused]


@dataclass(frozen=True)
class Row:
    """One line of the page: an organization (None: all organizations) and a value per
    kind."""

    organization: Organization | None
    values: dict[Notice, bool]

    @property
    def key(self) -> str:
        return str(self.organization.pk) if self.organization else "all"

    def cells(self) -> list[tuple[Notice, bool, str]]:
        return [(kind, self.values[kind], f"n-{self.key}-{kind.value}") for kind in CHOOSABLE]


def _organizations(user: User) -> list[Organization]:
    if access.is_staff_user(user):
        return []
    return [m.organization for m in access.own_memberships(user)]


def choices_of(user: User) -> list[Row]:
    """The rows of the page: staff one row for all organizations; others one per
    organization they belong to (their choice for all organizations is the default)."""
    saved = {
        (p.organization_id, Notice(p.kind)): p.enabled
        for p in NotificationPreference.objects.filter(user=user, kind__in=list(CHOOSABLE))
    }

    def values(org_id: int | None) -> dict[Notice, bool]:
        return {
            kind: saved.get((org_id, kind), saved.get((None, kind), DEFAULTS[kind]))
            for kind in CHOOSABLE
        }

    organizations = _organizations(user)
    if not organizations:
        return [Row(None, values(None))]
    return [Row(org, values(org.pk)) for org in organizations]


@transaction.atomic
def save_choices(user: User, checked: Iterable[str], request: HttpRequest | None = None) -> int:
    """Store the page's checkboxes (the names of the checked ones); returns how many
    choices changed. Audited with what changed (kinds and organizations, nothing else)."""
    ticked = set(checked)
    changed: list[str] = []
    now = timezone.now()
    for row in choices_of(user):
        for kind, before, name in row.cells():
            wanted = name in ticked
            if wanted == before:
                continue
            NotificationPreference.objects.update_or_create(
                user=user,
                organization=row.organization,
                kind=kind.value,
                defaults={"enabled": wanted, "updated_at": now},
            )
            changed.append(f"{row.key}:{kind.value}={'on' if wanted else 'off'}")
    if changed:
        record(
            "accounts.notifications_changed",
            request=request,
            actor=user,
            target=f"user:{user.pk}",
            details={"changed": changed},
        )
    return len(changed)
