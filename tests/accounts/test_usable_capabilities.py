"""`access.usable_capabilities` (the navigation's one query) answers what `can_use` answers
for each capability, for every kind of user."""

from __future__ import annotations

import pytest

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import Membership, Role, StaffRole, User
from tests.factories import make_org, make_staff, make_user

pytestmark = pytest.mark.django_db


# Capabilities no employer role grants (staff only) are left out: `can_use` answers them
# for a user with any membership (an empty role filter), the navigation asks `staff_can`.
GRANTABLE = [c for c in Capability if access.ROLES_GRANTING[c]]


def _one_by_one(user: User) -> frozenset[Capability]:
    return frozenset(c for c in Capability if access.can_use(user, c))


def _compared(capabilities: frozenset[Capability], user: User) -> frozenset[Capability]:
    return capabilities if user.is_staff else capabilities & frozenset(GRANTABLE)


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
        assert _compared(access.usable_capabilities(fresh), fresh) == _compared(
            _one_by_one(fresh), fresh
        ), user.email
    assert Capability.FILES in access.usable_capabilities(User.objects.get(pk=both.pk))
    assert not access.usable_capabilities(User.objects.get(pk=users[3].pk))
