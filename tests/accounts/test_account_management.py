"""Account management: who may create, change and deactivate whom (issue: Foundation, 5)."""

from __future__ import annotations

import pytest
from django.test import Client, TestCase

from pensionportal.accounts.models import Membership, Organization, Role, StaffRole, User
from pensionportal.accounts.models import UserSession as Session
from pensionportal.audit.models import AuditEvent
from tests.factories import PASSWORD, add_membership, make_org, make_staff, make_user

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _signed_in(user: User) -> Client:
    client = Client()
    assert (
        client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_an_employer_administrator_sees_only_users_of_their_own_organizations() -> None:
    mine, theirs = make_org(), make_org()
    admin = make_user(mine, [Role.ADMINISTRATOR])
    colleague = make_user(mine, [Role.COMMUNICATIONS])
    stranger = make_user(theirs, [Role.COMMUNICATIONS])
    client = _client(admin)
    listing = client.get("/users/").content.decode()
    assert colleague.email in listing
    assert stranger.email not in listing
    assert client.get(f"/users/{colleague.pk}/").status_code == 200
    assert client.get(f"/users/{stranger.pk}/").status_code == 404
    stranger_membership = stranger.memberships.get()
    response = client.post(
        f"/memberships/{stranger_membership.pk}/roles/",
        {f"m{stranger_membership.pk}-roles": [Role.ADMINISTRATOR.value]},
    )
    assert response.status_code == 404
    assert client.post(f"/memberships/{stranger_membership.pk}/remove/").status_code == 404
    stranger_membership.refresh_from_db()
    assert stranger_membership.roles == {Role.COMMUNICATIONS}


def test_an_administrator_cannot_invite_into_another_organization() -> None:
    mine, theirs = make_org(), make_org()
    admin = make_user(mine, [Role.ADMINISTRATOR])
    response = _client(admin).post(
        "/users/invite/",
        {
            "email": "sneaky@example.com",
            "first_name": "S",
            "last_name": "N",
            "organization": theirs.pk,
            "roles": [Role.ADMINISTRATOR.value],
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(email="sneaky@example.com").exists()


def test_an_administrator_cannot_grant_staff_powers() -> None:
    org = make_org()
    admin = make_user(org, [Role.ADMINISTRATOR])
    client = _client(admin)
    assert client.get("/users/invite-staff/").status_code == 403
    response = client.post(
        "/users/invite-staff/",
        {
            "email": "x@example.com",
            "first_name": "X",
            "last_name": "Y",
            "staff_roles": ["data_management"],
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(is_staff=True, email="x@example.com").exists()
    colleague = make_user(org, [Role.COMMUNICATIONS])
    assert (
        client.post(
            f"/users/{colleague.pk}/staff-roles/", {"staff_roles": ["data_management"]}
        ).status_code
        == 403
    )
    assert client.post(f"/users/{colleague.pk}/active/", {"active": "0"}).status_code == 403


def test_a_role_change_takes_effect_in_a_session_already_open() -> None:
    org = make_org()
    user = make_user(org, [Role.COMMUNICATIONS])
    session = _signed_in(user)
    assert session.get("/messages/").status_code == 200
    assert session.get("/reports/").status_code == 403
    membership = user.memberships.get()
    staff = make_staff()
    response = _client(staff).post(
        f"/memberships/{membership.pk}/roles/",
        {f"m{membership.pk}-roles": [Role.PAYROLL_MANAGER.value]},
    )
    assert response.status_code == 302
    assert session.get("/messages/").status_code == 403
    assert session.get("/reports/").status_code == 200
    assert AuditEvent.objects.filter(action="membership.roles_changed", target=user.email).exists()


def test_a_deactivation_takes_effect_in_a_session_already_open() -> None:
    org = make_org()
    user = make_user(org, [Role.COMMUNICATIONS])
    session = _signed_in(user)
    assert session.get("/").status_code == 200
    staff = make_staff()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert _client(staff).post(f"/users/{user.pk}/active/", {"active": "0"}).status_code == 302
    response = session.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.all()
    )
    login = Client().post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in login.client.session


def test_an_administrator_removing_the_last_organization_deactivates_the_account() -> None:
    org, other = make_org(), make_org()
    admin = make_user(org, [Role.ADMINISTRATOR])
    shared = make_user(org, [Role.COMMUNICATIONS])
    add_membership(shared, other, [Role.COMMUNICATIONS])
    only_mine = make_user(org, [Role.COMMUNICATIONS])
    client = _client(admin)
    client.post(f"/memberships/{shared.memberships.get(organization=org).pk}/remove/")
    client.post(f"/memberships/{only_mine.memberships.get().pk}/remove/")
    shared.refresh_from_db()
    only_mine.refresh_from_db()
    assert shared.is_active
    assert list(shared.memberships.values_list("organization", flat=True)) == [other.pk]
    assert not only_mine.is_active


def test_staff_create_organizations_and_employer_needs_plan_and_date() -> None:
    staff = make_staff()
    client = _client(staff)
    bad = client.post("/organizations/new/", {"name": "Acme", "kind": "employer", "plan": ""})
    body = bad.content.decode()
    assert "An employer must have a plan." in body
    assert "plan participation date" in body
    assert not Organization.objects.filter(name="Acme").exists()
    good = client.post(
        "/organizations/new/",
        {
            "name": "Acme",
            "kind": "employer",
            "plan": "select",
            "plan_participation_date": "2025-03-01",
            "is_active": "on",
        },
    )
    assert good.status_code == 302
    assert Organization.objects.get(name="Acme").plan == "select"
    vendor = client.post(
        "/organizations/new/", {"name": "Union Local 1", "kind": "vendor", "vendor_type": "union"}
    )
    assert vendor.status_code == 302
    assert AuditEvent.objects.filter(action="organization.created").count() == 2


def test_staff_without_account_administration_cannot_manage_accounts() -> None:
    staff = make_staff([StaffRole.DATA_MANAGEMENT])
    client = _client(staff)
    assert client.get("/users/").status_code == 403
    assert client.get("/organizations/").status_code == 403


def test_vendors_get_only_the_communications_role() -> None:
    vendor = make_org(vendor=True)
    staff = make_staff()
    response = _client(staff).post(
        "/users/invite/",
        {
            "email": "v@example.com",
            "first_name": "V",
            "last_name": "W",
            "organization": vendor.pk,
            "roles": ["file_upload"],
        },
    )
    assert "exchange secure messages only" in response.content.decode()
    assert not User.objects.filter(email="v@example.com").exists()


def test_inviting_an_existing_address_adds_a_second_organization_once_accepted() -> None:
    """Issue 17, finding 1: the membership waits for the person's answer."""
    from pensionportal.accounts.models import Invitation

    first, second = make_org(), make_org()
    person = make_user(first, [Role.COMMUNICATIONS])
    admin = make_user(second, [Role.ADMINISTRATOR])
    response = _client(admin).post(
        "/users/invite/",
        {
            "email": person.email.upper(),
            "first_name": "A",
            "last_name": "B",
            "organization": second.pk,
            "roles": ["payroll_manager"],
        },
    )
    assert response.status_code == 302
    assert set(Membership.objects.filter(user=person).values_list("organization", flat=True)) == {
        first.pk
    }
    invitation = Invitation.objects.get(user=person, organization=second)
    assert _client(person).post(f"/invitations/{invitation.pk}/accept/").status_code == 302
    assert set(Membership.objects.filter(user=person).values_list("organization", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_choosing_no_role_is_refused_beside_the_field() -> None:
    org = make_org()
    admin = make_user(org, [Role.ADMINISTRATOR])
    response = _client(admin).post(
        "/users/invite/",
        {"email": "n@example.com", "first_name": "N", "last_name": "R", "organization": org.pk},
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not User.objects.filter(email="n@example.com").exists()


def test_mfa_is_required_for_an_administrator_before_anything_else() -> None:
    org = make_org()
    admin = make_user(org, [Role.ADMINISTRATOR], mfa=False)
    client = _client(admin)
    response = client.get("/users/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_mfa_cannot_be_switched_off_by_someone_who_must_have_it() -> None:
    from allauth.mfa.models import Authenticator

    org = make_org()
    admin = make_user(org, [Role.ADMINISTRATOR])
    client = _client(admin)
    client.post("/accounts/2fa/totp/deactivate/", {})
    assert Authenticator.objects.filter(user=admin, type="totp").exists()
