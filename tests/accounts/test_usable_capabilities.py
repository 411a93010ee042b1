"""`access.usable_capabilities` (the navigation's one query) answers what `can_use` answers
for each capability, for every kind of user."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import Membership, Role, StaffRole, User
from tests.factories import make_org, make_staff, make_user

pytestmark = pytest.mark.django_db


def _one_by_one(user: User) -> frozenset[Capability]:
    return frozenset(c for c in Capability if access.can_use(user, c))


def test_usable_capabilities_answer_what_can_use_answers() -> None:
    org, other, closed = make_org("A"), make_org("B"), make_org("Closed")
    closed.is_active = False
    closed.save()
    users = [
        make_user(org, [Role.COMMUNICATIONS]),
        make_user(org, [Role.PAYROLL_MANAGER]),
        make_user(org, [Role.ADMINISTRATOR]),
        make_user(closed, [Role.FILE_UPLOAD]),  # only an inactive organization
        make_user(None),
        make_staff(),
        make_staff([StaffRole.FINANCE]),
    ]
    both = make_user(org, [Role.COMMUNICATIONS])
    Membership.objects.create(user=both, organization=other, file_upload=True)
    users.append(both)
    gone = make_user(org, [Role.FILE_UPLOAD])
    gone.is_active = False
    gone.save()
    users.append(gone)
    for user in users:
        fresh = User.objects.get(pk=user.pk)
        assert access.usable_capabilities(fresh) == _one_by_one(fresh), user.email
    assert Capability.FILES in access.usable_capabilities(User.objects.get(pk=both.pk))
    assert not access.usable_capabilities(User.objects.get(pk=users[3].pk))


@pytest.mark.parametrize("capability", [c for c in Capability if not access.ROLES_GRANTING[c]])
def test_an_employer_user_may_not_use_what_no_employer_role_grants(
    capability: Capability,
) -> None:
    # An empty role filter once matched every membership: any employer user "could use" a
    # staff-only capability (SIN, audit, operations), and `require` let them through.
    org = make_org("A")
    user = make_user(org, [Role.ADMINISTRATOR, Role.PAYROLL_MANAGER, Role.COMMUNICATIONS])
    assert not access.can_use(user, capability)
    assert not access.memberships_with(user, capability).exists()
    assert not access.organizations_for(user, capability).exists()
    with pytest.raises(PermissionDenied):
        access.require(user, capability)
