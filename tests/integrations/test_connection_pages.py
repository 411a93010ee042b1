"""Payroll connections pages (issue 19, Must do 2 and 3): the employer administrator (or
account-administration staff) creates and revokes API clients and adds SSH keys; staff
approve and suspend SFTP; the secret is shown once; another organization's client, key or
page is 404; a user without the administrator role is refused; bad input changes nothing."""

from __future__ import annotations

import asyncssh
import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client

from pensionportal.accounts.models import Role, StaffRole, User
from pensionportal.audit.models import AuditEvent
from pensionportal.integrations import actions
from pensionportal.integrations.models import ApiClient, Scope, SftpAccount, SshKey
from tests.factories import make_org, make_staff, make_user

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    http = Client()
    http.force_login(user)
    return http


def _public_key(comment: str = "payroll server") -> str:
    key = asyncssh.generate_private_key("ssh-ed25519", comment=comment)
    return key.export_public_key("openssh").decode()


NEW_CLIENT = {
    "name": "WIN payroll",
    "scopes": [Scope.SUBMIT_DATA.value, Scope.READ_REPORTS.value],
    "allowed_networks": "203.0.113.0/24\n198.51.100.7",
    "expires_on": "",
    "rate_limit_per_minute": "60",
}


def test_an_administrator_creates_a_client_and_sees_its_secret_once() -> None:
    org = make_org()
    admin = make_user(org, [Role.ADMINISTRATOR])
    http = _client(admin)
    page = http.get(f"/connections/{org.pk}/clients/new/")
    assert page.status_code == 200
    answer = http.post(f"/connections/{org.pk}/clients/new/", NEW_CLIENT)
    assert answer.status_code == 200
    client = ApiClient.objects.get(organization=org)
    secret = answer.context["secret"]
    assert secret in answer.content.decode()
    assert client.client_id in answer.content.decode()
    assert check_password(secret, client.secret_hash)
    assert secret not in client.secret_hash
    assert answer["Cache-Control"].startswith("no-store") or "no-store" in answer["Cache-Control"]
    assert client.scope_list == sorted(NEW_CLIENT["scopes"])
    assert client.network_list == ["203.0.113.0/24", "198.51.100.7/32"]
    assert client.rate_limit_per_minute == 60
    overview = http.get(f"/connections/{org.pk}/").content.decode()
    assert client.client_id in overview
    assert secret not in overview  # never shown again
    assert AuditEvent.objects.filter(
        action="integrations.api_client_created", target=client.client_id
    ).exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"name": "  "}, "name", "required"),
        ({"scopes": []}, "scopes", "required"),
        ({"allowed_networks": "not-an-address"}, "allowed_networks", "not-an-address"),
        ({"expires_on": "2000-01-01"}, "expires_on", "after today"),
        ({"rate_limit_per_minute": "0"}, "rate_limit_per_minute", "greater than or equal"),
    ],
)
def test_bad_client_input_is_named_and_creates_nothing(
    change: dict[str, object], field: str, words: str
) -> None:
    org = make_org()
    http = _client(make_user(org, [Role.ADMINISTRATOR]))
    answer = http.post(f"/connections/{org.pk}/clients/new/", {**NEW_CLIENT, **change})
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert field in errors, errors
    assert words.lower() in " ".join(errors[field]).lower()
    assert not ApiClient.objects.exists()


def test_revoking_a_client_needs_a_confirmation_and_stops_it() -> None:
    org = make_org()
    admin = make_user(org, [Role.ADMINISTRATOR])
    made = actions.create_client(admin, org, name="ADP", scopes=[Scope.READ_MEMBERS.value])
    http = _client(admin)
    url = f"/connections/clients/{made.client.pk}/revoke/"
    assert http.get(url).status_code == 200
    assert http.post(url, {}).status_code == 400  # not confirmed: nothing done
    assert ApiClient.objects.get(pk=made.client.pk).revoked_at is None
    answer = http.post(url, {"confirm": "on"})
    assert answer.status_code == 302
    revoked = ApiClient.objects.get(pk=made.client.pk)
    assert revoked.revoked_at is not None
    assert not revoked.account.is_active
    assert "Revoked" in http.get(f"/connections/{org.pk}/").content.decode()


def test_another_organizations_page_client_and_key_are_404() -> None:
    mine, theirs = make_org(), make_org()
    admin = make_user(mine, [Role.ADMINISTRATOR])
    their_admin = make_user(theirs, [Role.ADMINISTRATOR])
    their_client = actions.create_client(
        their_admin, theirs, name="Theirs", scopes=[Scope.READ_MEMBERS.value]
    ).client
    account = actions.approve_sftp(make_staff(), theirs)
    their_key = actions.add_ssh_key(their_admin, account, _public_key(), "theirs")
    http = _client(admin)
    for url in (
        f"/connections/{theirs.pk}/",
        f"/connections/{theirs.pk}/clients/new/",
        f"/connections/clients/{their_client.pk}/revoke/",
    ):
        assert http.get(url).status_code == 404, url
    assert (
        http.post(f"/connections/clients/{their_client.pk}/revoke/", {"confirm": "on"}).status_code
        == 404
    )
    assert http.post(f"/connections/keys/{their_key.pk}/remove/").status_code == 404
    assert (
        http.post(
            f"/connections/{theirs.pk}/sftp/keys/", {"public_key": _public_key(), "label": "x"}
        ).status_code
        == 404
    )
    assert ApiClient.objects.get(pk=their_client.pk).revoked_at is None
    assert SshKey.objects.get(pk=their_key.pk).removed_at is None
    assert SshKey.objects.count() == 1


def test_only_administrators_manage_connections() -> None:
    org = make_org()
    clerk = make_user(org, [Role.FILE_UPLOAD, Role.PAYROLL_MANAGER])
    http = _client(clerk)
    assert http.get("/connections/").status_code == 403
    assert http.get(f"/connections/{org.pk}/").status_code == 403
    assert http.post(f"/connections/{org.pk}/clients/new/", NEW_CLIENT).status_code == 403
    assert not ApiClient.objects.exists()
    anonymous = Client().get(f"/connections/{org.pk}/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_an_administrator_cannot_approve_sftp_only_staff_can() -> None:
    org = make_org()
    admin = make_user(org, [Role.ADMINISTRATOR])
    assert _client(admin).post(f"/connections/{org.pk}/sftp/approve/").status_code == 403
    assert not SftpAccount.objects.exists()
    page = _client(admin).get(f"/connections/{org.pk}/").content.decode()
    assert "SFTP is not approved" in page
    staff = make_staff([StaffRole.ACCOUNT_ADMINISTRATION])
    answer = _client(staff).post(f"/connections/{org.pk}/sftp/approve/")
    assert answer.status_code == 302
    account = SftpAccount.objects.get(organization=org)
    assert account.is_enabled
    assert _client(staff).post(f"/connections/{org.pk}/sftp/suspend/").status_code == 302
    assert SftpAccount.objects.get(pk=account.pk).suspended_at is not None


def test_a_public_key_is_added_with_its_fingerprint_and_the_host_key_is_shown() -> None:
    org = make_org()
    admin = make_user(org, [Role.ADMINISTRATOR])
    actions.approve_sftp(make_staff(), org)
    host = actions.host_key()
    text = _public_key()
    http = _client(admin)
    answer = http.post(f"/connections/{org.pk}/sftp/keys/", {"public_key": text, "label": ""})
    assert answer.status_code == 302
    key = SshKey.objects.get()
    assert key.fingerprint == asyncssh.import_public_key(text).get_fingerprint("sha256")
    assert key.label == "payroll server"  # the key's own comment when no label is given
    page = http.get(f"/connections/{org.pk}/").content.decode()
    assert key.fingerprint in page
    assert host.fingerprint in page
    assert http.post(f"/connections/keys/{key.pk}/remove/").status_code == 302
    assert SshKey.objects.get(pk=key.pk).removed_at is not None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "required"),
        ("ssh-ed25519 AAAAnotakey", "not an SSH public key"),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----",
            "private key",
        ),
    ],
)
def test_a_bad_key_is_refused_with_the_reason_and_nothing_is_added(text: str, words: str) -> None:
    org = make_org()
    admin = make_user(org, [Role.ADMINISTRATOR])
    actions.approve_sftp(make_staff(), org)
    answer = _client(admin).post(f"/connections/{org.pk}/sftp/keys/", {"public_key": text})
    assert answer.status_code == 400
    assert words.lower() in " ".join(answer.context["key_form"].errors["public_key"]).lower()
    assert not SshKey.objects.exists()


def test_the_same_key_twice_is_refused() -> None:
    org = make_org()
    admin = make_user(org, [Role.ADMINISTRATOR])
    account = actions.approve_sftp(make_staff(), org)
    text = _public_key()
    actions.add_ssh_key(admin, account, text, "first")
    answer = _client(admin).post(f"/connections/{org.pk}/sftp/keys/", {"public_key": text})
    assert answer.status_code == 400
    assert "already on the account" in answer.content.decode()
    assert SshKey.objects.count() == 1


def test_staff_list_every_employer_with_its_connections(
    django_assert_max_num_queries: object,
) -> None:
    staff = make_staff([StaffRole.ACCOUNT_ADMINISTRATION])
    orgs = [make_org() for _ in range(3)]
    for org in orgs:
        actions.create_client(staff, org, name="C", scopes=[Scope.READ_MEMBERS.value])
    actions.approve_sftp(staff, orgs[0])
    http = _client(staff)
    http.get("/connections/")  # warm the session
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        page = http.get("/connections/").content.decode()
    for org in orgs:
        assert org.name in page
    one = make_org()
    actions.create_client(staff, one, name="D", scopes=[Scope.READ_MEMBERS.value])
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        assert one.name in http.get("/connections/").content.decode()


def test_an_administrator_of_one_employer_goes_straight_to_its_page() -> None:
    org = make_org()
    answer = _client(make_user(org, [Role.ADMINISTRATOR])).get("/connections/")
    assert answer.status_code == 302
    assert answer["Location"] == f"/connections/{org.pk}/"
