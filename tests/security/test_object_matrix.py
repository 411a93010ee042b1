"""Generated, not hand-listed (issue 17, "Must do" 7): for every URL pattern that takes an
object (web pages and the REST API, enumerated from the URL resolver) and for the SFTP
outbox names that carry ids, a user of one organization asking for another organization's
object gets 404 — never 403, 200 or 500 — and the object's own organization gets it (so the
404 is the access rule, not a wrong id); an anonymous visitor is sent to sign in (the API:
401).

The world: the demo data (every app's loader, one of every kind of object the portal
shows, in "Demo Employer Ltd." and most of them in "Northern Demo Services Inc.") plus, per
organization, a user holding every employer role, an API client with every scope, an SFTP
account, invitations and a passkey — built once for the module. Each request runs in a
savepoint that is rolled back, so a POST (by the owner, or a hole) changes nothing for the
next URL.

Every parameterised pattern must be in exactly one of FILLS (how to find an organization's
object for it), NOT_OBJECTS (the parameter names no tenant object) or TOKENS (the
parameter is a credential, not an id); a staff-only page needs neither (an employer's user
is refused with 403 before any lookup: staff see every organization, docs/security.md).
A new pattern that is in none of them fails here, so the class of hole cannot come back
unnoticed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from pensionportal.accounts.models import Invitation, Membership, Organization, Role, User
from pensionportal.accounts.sections import Audience, section_of
from pensionportal.accounts.sessions import public_id_of
from pensionportal.buybacks.models import Buyback
from pensionportal.core.demo import DEMO_EMPLOYER, SECOND_EMPLOYER
from pensionportal.core.reference_data import ensure
from pensionportal.demo import load_demo_data
from pensionportal.exchange.models import Direction, ExchangedFile
from pensionportal.exchange.models import Status as FileStatus
from pensionportal.integrations import actions as integrations
from pensionportal.integrations.models import ApiClient, SftpAccount, SshKey
from pensionportal.members.models import Member
from pensionportal.messaging import actions as messaging
from pensionportal.messaging.demo import _attachment as demo_attachment
from pensionportal.messaging.models import Attachment, Mailbox, Thread
from pensionportal.missed.models import Case as MissedCase
from pensionportal.remittances.models import Invoice, ReconciliationCase, RemittanceAdvice
from pensionportal.reports.models import Report, ReportFile
from pensionportal.sftp import outbox
from pensionportal.signedforms.models import OPEN_STATUSES, SignedForm
from pensionportal.submissions.models import Submission
from tests.api.helpers import ALL_SCOPES, Credential, bearer
from tests.conftest import _signing_dir, storage_settings
from tests.factories import make_staff, make_user

Kwargs = dict[str, Any]


@dataclass
class Side:
    """One organization's world: its owner (every employer role) and its objects."""

    org: Organization
    owner: User
    api: Credential
    sftp: SftpAccount
    invited: Invitation  # an invitation the organization's administrator sent
    join_request: Invitation  # an invitation addressed to the owner (personal)
    passkey: Authenticator  # the owner's own
    second_session: str  # the public id of the owner's session in another browser
    token: str = ""
    web: Client = field(default_factory=Client)


@dataclass
class World:
    sides: dict[str, Side]  # "B": Demo Employer (every object), "A": Northern
    storage: dict[str, Any]

    def other(self, key: str) -> Side:
        return self.sides["A" if key == "B" else "B"]


# --- How to find an organization's object for each pattern -------------------------------

Fill = Callable[[Side], Kwargs | None]


def _first(queryset: Any, key: str, attr: str = "pk") -> Kwargs | None:
    found = queryset.order_by("pk").first()
    return None if found is None else {key: getattr(found, attr)}


def _org(key: str) -> Fill:
    return lambda side: {key: side.org.pk}


def _member(side: Side) -> Kwargs | None:
    return _first(Member.objects.filter(organization=side.org), "member_id")


def _buyback(side: Side) -> Kwargs | None:
    return _first(
        Buyback.objects.filter(organization=side.org, directions__isnull=False).distinct(),
        "buyback_id",
    )


def _exchanged(side: Side) -> Kwargs | None:
    return _first(
        ExchangedFile.objects.filter(organization=side.org, deleted_at__isnull=True),
        "file_id",
    )


def _delivery(side: Side) -> Kwargs | None:
    return _first(
        ExchangedFile.objects.filter(
            organization=side.org,
            direction=Direction.FROM_ADMINISTRATOR,
            status=FileStatus.DELIVERED,
            file__isnull=False,
        ),
        "delivery_id",
    )


def _form(side: Side) -> Kwargs | None:
    return _first(SignedForm.objects.filter(organization=side.org), "form_id")


def _open_form(side: Side) -> Kwargs | None:
    return _first(
        SignedForm.objects.filter(organization=side.org, status__in=OPEN_STATUSES), "form_id"
    )


def _thread(side: Side) -> Kwargs | None:
    return _first(Thread.objects.filter(organization=side.org), "reference", "reference")


def _attachment(side: Side) -> Kwargs | None:
    found = (
        Attachment.objects.filter(message__thread__organization=side.org)
        .select_related("message__thread")
        .order_by("pk")
        .first()
    )
    if found is None:
        return None
    return {"reference": found.message.thread.reference, "attachment_id": found.pk}


def _submission(side: Side, key: str = "submission_id") -> Kwargs | None:
    return _first(Submission.objects.filter(organization=side.org), key)


def _checked_submission(side: Side) -> Kwargs | None:
    return _first(
        Submission.objects.filter(organization=side.org, problems__isnull=False).distinct(),
        "submission_id",
    )


def _advice(side: Side) -> Kwargs | None:
    return _first(RemittanceAdvice.objects.filter(organization=side.org), "advice_id")


def _invoice(side: Side) -> Kwargs | None:
    return _first(Invoice.objects.filter(organization=side.org), "invoice_id")


def _report(side: Side) -> Kwargs | None:
    return _first(Report.objects.filter(organization=side.org), "report_id")


def _report_file(side: Side) -> Kwargs | None:
    found = ReportFile.objects.filter(report__organization=side.org).order_by("pk").first()
    return None if found is None else {"report_id": found.report_id, "file_id": found.pk}


def _membership(side: Side) -> Kwargs | None:
    return _first(
        Membership.objects.filter(organization=side.org, user__is_active=True)
        .exclude(user=side.owner)
        .filter(user__service_account__isnull=True),
        "membership_id",
    )


def _colleague(side: Side) -> Kwargs | None:
    """A user of this organization only (a user of both is rightly seen by both)."""
    return _first(
        User.objects.filter(memberships__organization=side.org, service_account__isnull=True)
        .exclude(memberships__organization__in=Organization.objects.exclude(pk=side.org.pk))
        .exclude(pk=side.owner.pk),
        "user_id",
    )


FILLS: dict[str, Fill] = {
    # accounts
    "accounts:user": _colleague,
    "accounts:membership_remove": _membership,
    "accounts:membership_roles": _membership,
    "accounts:invitation_cancel": lambda side: {"invitation_id": side.invited.pk},
    "accounts:invitation_resend": lambda side: {"invitation_id": side.invited.pk},
    # personal: the invitee's own request to join, the user's own passkey
    "accounts:invitation_accept": lambda side: {"invitation_id": side.join_request.pk},
    "accounts:invitation_decline": lambda side: {"invitation_id": side.join_request.pk},
    "mfa_edit_webauthn": lambda side: {"pk": side.passkey.pk},
    "mfa_remove_webauthn": lambda side: {"pk": side.passkey.pk},
    "accounts:session_end": lambda side: {"session_id": side.second_session},
    # buybacks
    "buybacks:detail": _buyback,
    "buybacks:direction_pdf": _buyback,
    # files, forms, members, messages
    "exchange:detail": _exchanged,
    "exchange:download": _exchanged,
    "signedforms:detail": _form,
    "signedforms:edit": _form,
    "signedforms:remind": _form,
    "signedforms:download": _form,
    "signedforms:send": _form,
    "signedforms:sign": _form,
    "signedforms:withdraw": _open_form,
    "members:detail": _member,
    "memberevents:retirement": _member,
    "messaging:thread": _thread,
    "messaging:archive": _thread,
    "messaging:unarchive": _thread,
    "messaging:mark_unread": _thread,
    "messaging:reply": _thread,
    "messaging:download": _attachment,
    "messaging:thread_by_id": lambda side: _first(
        Thread.objects.filter(organization=side.org), "pk"
    ),
    # missed contributions
    "missed:case": lambda side: _first(MissedCase.objects.filter(organization=side.org), "case_id"),
    # remittances
    "remittances:advice": _advice,
    "remittances:case": lambda side: _first(
        ReconciliationCase.objects.filter(organization=side.org), "case_id"
    ),
    "remittances:invoice": _invoice,
    "remittances:invoice_pdf": _invoice,
    "remittances:dashboard": _org("org_id"),
    "remittances:advice_new": _org("org_id"),
    "remittances:ledger": _org("org_id"),
    # reports, submissions, the employer's to-do list
    "reports:detail": _report,
    "reports:download": _report_file,
    "submissions:detail": _submission,
    "submissions:confirm": _submission,
    "submissions:correct": _submission,
    "submissions:apply_now": _submission,
    "submissions:report": lambda side: (
        {**(_checked_submission(side) or {}), "fmt": "csv"} if _checked_submission(side) else None
    ),
    "worklist:employer": _org("org_id"),
    # payroll connections
    "integrations:organization": _org("organization_id"),
    "integrations:client_new": _org("organization_id"),
    "integrations:sftp_approve": _org("organization_id"),
    "integrations:key_add": _org("organization_id"),
    "integrations:sftp_suspend": _org("organization_id"),
    "integrations:client_revoke": lambda side: _first(
        ApiClient.objects.filter(organization=side.org, revoked_at__isnull=True), "client_id"
    ),
    "integrations:key_remove": lambda side: _first(
        SshKey.objects.filter(sftp_account__organization=side.org, removed_at__isnull=True),
        "key_id",
    ),
    # the REST API (bearer tokens)
    "api:delivery": _delivery,
    "api:delivery_content": _delivery,
    "api:member": _member,
    "api:advice": _advice,
    "api:invoice": _invoice,
    "api:invoice_pdf": _invoice,
    "api:report": _report,
    "api:report_file_content": _report_file,
    "api:submission": _submission,
    "api:submission_confirm": _submission,
    "api:submission_problems": _checked_submission,
    "api:submission_report_csv": _checked_submission,
    "api:submission_report_xlsx": _checked_submission,
}

# Parameters that name no tenant object: the same for every organization.
NOT_OBJECTS = {
    "signedforms:about": "a form of the plan's catalogue (code)",
    "signedforms:blank": "a form of the plan's catalogue (code)",
    "signedforms:start": "a form of the plan's catalogue (code); the new form is the user's",
    "submissions:template": "a file format's template (name and extension)",
    "submissions:online": "a file format (name)",
}

# The parameter is a credential, not an id: whoever holds it is its owner; a wrong one is
# refused the same way for everyone (tests/accounts, tests/signedforms).
TOKENS = {
    "accounts:invitation_link",
    "account_confirm_email",
    "account_reset_password_from_key",
    "signedforms:member_link",
}


# --- The URL configuration --------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str
    callback: Callable[..., Any]

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")

    def url(self, kwargs: Kwargs) -> str:
        def value(match: re.Match[str]) -> str:
            return str(kwargs[match.group(1)])

        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, self.route)


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else entry.lookup_str
            yield Pattern(prefix + str(entry.pattern), name, entry.callback)


def _parameterised() -> list[Pattern]:
    found = []
    for pattern in _patterns(get_resolver()):
        if pattern.route.startswith("admin/"):
            continue  # Django's admin: superusers only, no tenant rule (tests/core)
        if "<" in pattern.route or "(?P<" in pattern.route:
            found.append(pattern)
    return sorted(found, key=lambda p: p.route)


PATTERNS = _parameterised()


def _staff_only(pattern: Pattern) -> bool:
    section = section_of(pattern.callback)
    return section is not None and section.audience is Audience.STAFF


def test_every_pattern_taking_an_object_is_known_to_the_matrix() -> None:
    unknown = [
        f"{p.route} ({p.name})"
        for p in PATTERNS
        if p.name not in FILLS
        and p.name not in NOT_OBJECTS
        and p.name not in TOKENS
        and not _staff_only(p)
    ]
    assert not unknown, (
        "patterns taking an object the object matrix cannot fill (add them to FILLS in "
        "tests/security/test_object_matrix.py): " + ", ".join(unknown)
    )
    names = {p.name for p in PATTERNS}
    stale = (set(FILLS) | set(NOT_OBJECTS) | TOKENS) - names
    assert not stale, f"the matrix names patterns that no longer exist: {sorted(stale)}"
    both = [p.name for p in PATTERNS if p.name in FILLS and _staff_only(p)]
    assert not both, f"staff-only pages need no filling: {both}"


# --- The world -----------------------------------------------------------------------------


def _ssh_key() -> str:
    key = asyncssh.generate_private_key("ssh-ed25519", comment="matrix")
    return bytes(key.export_public_key("openssh")).decode()


def _side(org: Organization, staff: User, elsewhere: Organization) -> Side:
    owner = make_user(org, list(Role), mfa=True)
    created = integrations.create_client(owner, org, name="Matrix client", scopes=ALL_SCOPES)
    sftp = SftpAccount.objects.filter(organization=org).first() or integrations.approve_sftp(
        staff, org
    )
    if not SshKey.objects.filter(sftp_account=sftp, removed_at__isnull=True).exists():
        integrations.add_ssh_key(owner, sftp, _ssh_key(), "Matrix key")
    invitee = make_user(None)
    later = timezone.now() + dt.timedelta(days=7)
    invited = Invitation.objects.create(
        user=invitee,
        organization=org,
        roles=[Role.COMMUNICATIONS.value],
        created_by=owner,
        expires_at=later,
    )
    join_request = Invitation.objects.create(
        user=owner, organization=elsewhere, roles=[Role.COMMUNICATIONS.value], expires_at=later
    )
    if not Attachment.objects.filter(message__thread__organization=org).exists():
        messaging.start_thread(
            owner,
            organization=org,
            mailbox=Mailbox.objects.order_by("pk")[0],
            subject="Matrix attachment",
            body="The attached file.",
            attachments=[demo_attachment("matrix.csv", b"member,period\nA,2026-01\n")],
        )
    passkey = Authenticator.objects.create(
        user=owner,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Matrix key", "credential": {}, "passwordless": False},
    )
    elsewhere_browser = Client()
    elsewhere_browser.force_login(owner)
    second_session = public_id_of(elsewhere_browser.session.session_key)
    assert second_session is not None
    return Side(
        org,
        owner,
        Credential(created.client, created.secret, owner),
        sftp,
        invited,
        join_request,
        passkey,
        second_session,
    )


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("object-matrix")
    storage = {
        **django_settings.STORAGES,
        "default": storage_settings(folder / "storage"),
        "audit": storage_settings(folder / "audit", prefix="audit"),
    }
    quiet = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGE_DIR=folder / "storage",
        STORAGES=storage,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DEMO_SFTP_KEY_DIR=folder / "demo-sftp",
        SIGNING_DIR=_signing_dir(folder),
        TASKS={
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
        },
    )
    with quiet, django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure()
            load_demo_data()
            staff = make_staff()
            vendor = Organization.objects.exclude(name__in=[DEMO_EMPLOYER, SECOND_EMPLOYER]).first()
            assert vendor is not None
            sides = {
                "B": _side(Organization.objects.get(name=DEMO_EMPLOYER), staff, vendor),
                "A": _side(Organization.objects.get(name=SECOND_EMPLOYER), staff, vendor),
            }
            for side in sides.values():
                side.web.force_login(side.owner)
                side.token = _token(side)
            yield World(sides, storage)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _token(side: Side) -> str:
    answer = Client().post(
        "/api/v1/oauth/token",
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": side.api.basic()},
    )
    assert answer.status_code == 200, answer.content
    return str(json.loads(answer.content)["access_token"])


@pytest.fixture
def matrix(world: World, settings: Any) -> World:
    # The autouse fixture of tests/conftest.py points storage at this test's own folder;
    # the world's files are in the module's.
    settings.STORAGES = world.storage
    settings.STORAGE_DIR = Path(world.storage["default"]["OPTIONS"]["location"])
    for side in world.sides.values():
        _recently_authenticated(side.web, side.owner)
    return world


def _recently_authenticated(client: Client, user: User) -> None:
    """As after signing in again (allauth asks for it before passkey changes), so the page
    itself answers rather than the re-authentication step."""
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def _rolled_back(request: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    with transaction.atomic():
        response = request()
        transaction.set_rollback(True)
    return response


def _ask(client: Client, url: str, headers: dict[str, str] | None = None) -> tuple[str, int, Any]:
    """GET, or POST (empty) where the pattern answers GET with 405; rolled back."""
    response = _rolled_back(lambda: client.get(url, headers=headers))
    if response.status_code == 405:
        response = _rolled_back(lambda: client.post(url, {}, headers=headers))
        return "POST", response.status_code, response
    return "GET", response.status_code, response


def _cells(world: World, api: bool) -> Iterator[tuple[Pattern, str, Kwargs]]:
    for pattern in PATTERNS:
        if pattern.name not in FILLS or pattern.is_api != api:
            continue
        filled = False
        for key, side in world.sides.items():
            kwargs = FILLS[pattern.name](side)
            if kwargs is None:
                continue
            filled = True
            yield pattern, key, kwargs
        if not filled:
            yield pattern, "", {}


@pytest.mark.django_db
def test_another_organizations_object_is_404_and_its_own_organization_gets_it(
    matrix: World,
) -> None:
    wrong = []
    anonymous = Client(raise_request_exception=False)
    for pattern, key, kwargs in _cells(matrix, api=False):
        if not key:
            wrong.append(f"{pattern.name}: the world holds no object for it (extend the world)")
            continue
        url = pattern.url(kwargs)
        owner, stranger = matrix.sides[key], matrix.other(key)
        method, status, _ = _ask(stranger.web, url)
        if status != 404:
            wrong.append(f"{method} {url} ({pattern.name}) by {stranger.org.name}: {status}")
        method, status, _ = _ask(owner.web, url)
        if status == 404 or status >= 500:
            wrong.append(f"{method} {url} ({pattern.name}) by its own {owner.org.name}: {status}")
        if key != "B":
            continue  # the sign-in step comes before any lookup: once per pattern
        method, status, response = _ask(anonymous, url)
        if status != 302 or not response["Location"].startswith("/accounts/login/"):
            wrong.append(f"anonymous {method} {url}: {status}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_the_api_answers_another_organizations_object_with_404(matrix: World) -> None:
    wrong = []
    anonymous = Client()
    for pattern, key, kwargs in _cells(matrix, api=True):
        if not key:
            wrong.append(f"{pattern.name}: the world holds no object for it (extend the world)")
            continue
        url = pattern.url(kwargs)
        owner, stranger = matrix.sides[key], matrix.other(key)
        method, status, _ = _ask(Client(), url, bearer(stranger.token))
        if status != 404:
            wrong.append(f"{method} {url} ({pattern.name}) by {stranger.org.name}: {status}")
        method, status, _ = _ask(Client(), url, bearer(owner.token))
        if status == 404 or status >= 500:
            wrong.append(f"{method} {url} ({pattern.name}) by its own {owner.org.name}: {status}")
        if key != "B":
            continue  # the token check comes before any lookup: once per pattern
        method, status, _ = _ask(anonymous, url)
        if status != 401:
            wrong.append(f"anonymous {method} {url}: {status}")
    assert not wrong, "\n".join(wrong)


# Patterns with two ids: the user's own parent with the other organization's child (an
# attachment of another thread, a file of another report) is 404 too.
CHILDREN = {
    "messaging:download": "attachment_id",
    "reports:download": "file_id",
    "api:report_file_content": "file_id",
}


@pytest.mark.django_db
def test_an_own_parent_does_not_open_another_organizations_child(matrix: World) -> None:
    wrong = []
    for pattern in PATTERNS:
        child = CHILDREN.get(pattern.name)
        if child is None:
            continue
        own, theirs = (FILLS[pattern.name](matrix.sides[key]) for key in ("A", "B"))
        assert own, pattern.name
        assert theirs, pattern.name
        url = pattern.url({**own, child: theirs[child]})
        side = matrix.sides["A"]
        headers = bearer(side.token) if pattern.is_api else None
        method, status, _ = _ask(Client() if pattern.is_api else side.web, url, headers)
        if status != 404:
            wrong.append(f"{method} {url} ({pattern.name}) by {side.org.name}: {status}")
    assert not wrong, "\n".join(wrong)
    parents_and_children = {
        name
        for name, fill in FILLS.items()
        if len([key for key in fill(matrix.sides["B"]) or {} if key != "fmt"]) > 1
    }
    assert parents_and_children == set(CHILDREN)


@pytest.mark.django_db
def test_staff_only_pages_refuse_every_employer_user_before_any_lookup(matrix: World) -> None:
    wrong = []
    for pattern in PATTERNS:
        if not _staff_only(pattern):
            continue
        values = {name: "1" for name in re.findall(r"<(?:\w+:)?(\w+)>", pattern.route)}
        url = pattern.url(values)
        side = matrix.sides["B"]  # refused before the lookup: the same for every organization
        method, status, _ = _ask(side.web, url)
        if status != 403:
            wrong.append(f"{method} {url} ({pattern.name}) by {side.org.name}: {status}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_the_sftp_outbox_never_opens_another_organizations_file(matrix: World) -> None:
    """The outbox names carry ids (SUB-…, F…, R…): another organization's name is "no such
    file" for this account, as an unknown one is; the owner's account opens it."""
    wrong = []
    seen = 0
    for key, owner in matrix.sides.items():
        stranger = matrix.other(key)
        for folder in ("results", "files", "reports"):
            for entry in outbox.listing(owner.sftp.account, owner.sftp, folder):
                seen += 1
                stream, _ = _rolled_back_open(owner, folder, entry.name)
                stream.close()
                try:
                    _rolled_back_open(stranger, folder, entry.name)
                except FileNotFoundError:
                    continue
                wrong.append(f"{stranger.sftp.username} opened {folder}/{entry.name}")
    assert seen >= 3
    assert not wrong, "\n".join(wrong)


def _rolled_back_open(side: Side, folder: str, name: str) -> tuple[Any, int]:
    with transaction.atomic():
        opened = outbox.open_file(side.sftp.account, side.sftp, folder, name, "127.0.0.1")
        transaction.set_rollback(True)
    return opened
