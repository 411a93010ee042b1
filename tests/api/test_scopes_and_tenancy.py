"""A client reaches only its own organization's objects (another's are 404, as on the
pages) and only what its scopes allow (403 outside them), on every operation."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from pensionportal.accounts import access
from pensionportal.accounts.models import User
from pensionportal.integrations.models import Scope
from tests.factories import PASSWORD, make_staff

from .helpers import Operation, bearer, call, make_client, operations, token_for
from .world import World, build

pytestmark = pytest.mark.django_db

OPERATIONS = operations()
OBJECT_OPERATIONS = [o for o in OPERATIONS if "{" in o.path]
SCOPED = [o for o in OPERATIONS if o.scopes]


def _name(operation: Operation) -> str:
    return f"{operation.method} {operation.path}"


@pytest.fixture
def worlds() -> tuple[World, World]:
    staff = make_staff()
    return build(staff), build(staff)


@pytest.mark.parametrize("operation", OBJECT_OPERATIONS, ids=_name)
def test_another_organizations_objects_are_404(
    worlds: tuple[World, World], operation: Operation
) -> None:
    mine, theirs = worlds
    http = Client()
    token = token_for(http, make_client(mine.org))
    own = call(http, operation, operation.url(**mine.ids()), headers=bearer(token))
    assert own.status_code in (200, 422), own.content  # confirm: 422 (nothing to confirm)
    answer = call(http, operation, operation.url(**theirs.ids()), headers=bearer(token))
    assert answer.status_code == 404, answer.content
    assert answer["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("operation", SCOPED, ids=_name)
def test_outside_its_scopes_a_client_gets_403(
    worlds: tuple[World, World], operation: Operation
) -> None:
    mine, _ = worlds
    others = [scope.value for scope in Scope if scope.value not in operation.scopes]
    http = Client()
    token = token_for(http, make_client(mine.org, others))
    answer = call(http, operation, operation.url(**mine.ids()), headers=bearer(token))
    assert answer.status_code == 403, answer.content
    body = json.loads(answer.content)
    assert operation.scopes[0] in body["detail"]


def test_every_operation_but_me_names_its_scope() -> None:
    unscoped = [_name(o) for o in OPERATIONS if not o.scopes]
    assert unscoped == ["GET /api/v1/me"]


def test_a_service_account_cannot_sign_in_and_is_not_listed_as_a_user(
    worlds: tuple[World, World],
) -> None:
    mine, _ = worlds
    credential = make_client(mine.org)
    account = User.objects.get(pk=credential.client.account_id)
    assert account.is_service_account
    assert not account.has_usable_password()
    assert account.email.endswith(".invalid")
    http = Client()
    answer = http.post("/accounts/login/", {"login": account.email, "password": PASSWORD})
    assert "_auth_user_id" not in http.session
    assert answer.status_code in (200, 400)
    assert not access.manageable_users(credential.admin).filter(pk=account.pk).exists()
    assert not access.manageable_users(make_staff()).filter(pk=account.pk).exists()
