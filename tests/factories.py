"""Test data builders shared by every test package."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)

from pensionportal.accounts.models import (
    Membership,
    Organization,
    OrganizationKind,
    Plan,
    Role,
    StaffRole,
    StaffRoleGrant,
    User,
    VendorType,
)
from pensionportal.core import crypto
from pensionportal.members.models import Member

PASSWORD = "Str0ng!Passw0rd"  # meets the seed's rule
_seq = itertools.count(1)


def make_org(
    name: str | None = None, *, plan: str = Plan.SELECT, vendor: bool = False
) -> Organization:
    n = next(_seq)
    if vendor:
        return Organization.objects.create(
            name=name or f"Vendor {n}", kind=OrganizationKind.VENDOR, vendor_type=VendorType.LAWYER
        )
    return Organization.objects.create(
        name=name or f"Employer {n}",
        kind=OrganizationKind.EMPLOYER,
        plan=plan,
        plan_participation_date=date(2024, 1, 1),
    )


def enrol_totp(user: User, secret: str | None = None) -> str:
    """The user's TOTP secret, enrolling one when the user has none yet."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        from allauth.mfa.utils import decrypt

        return str(decrypt(existing.data["secret"]))
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """The current code, waiting for the next period when this one is about to expire (the
    server accepts the current period's code only)."""
    left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left < 5:
        time.sleep(left + 0.2)
    counters = list(yield_hotp_counters_from_time())
    return str(format_hotp_value(hotp_value(secret, counters[len(counters) // 2])))


def make_user(
    org: Organization | None = None,
    roles: Iterable[Role] = (Role.COMMUNICATIONS,),
    *,
    email: str | None = None,
    password: str = PASSWORD,
    mfa: bool | None = None,
) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        email or f"user{n}@example.com", password, first_name="Test", last_name=f"User{n}"
    )
    roles = frozenset(roles)
    if org is not None:
        membership = Membership(user=user, organization=org)
        membership.set_roles(roles)
        membership.save()
    if mfa or (mfa is None and Role.ADMINISTRATOR in roles and org is not None):
        enrol_totp(user)
    return user


def add_membership(user: User, org: Organization, roles: Iterable[Role]) -> Membership:
    membership = Membership(user=user, organization=org)
    membership.set_roles(frozenset(roles))
    membership.save()
    return membership


def make_staff(
    roles: Iterable[StaffRole] = tuple(StaffRole), *, email: str | None = None, mfa: bool = True
) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        email or f"staff{n}@plan.example",
        PASSWORD,
        first_name="Staff",
        last_name=f"Member{n}",
        is_staff=True,
    )
    for role in roles:
        StaffRoleGrant.objects.create(user=user, role=role)
    if mfa:
        enrol_totp(user)
    return user


def make_member(
    org: Organization, employee_id: str | None = None, *, sin: str = "046454286", **fields: object
) -> Member:
    n = next(_seq)
    values: dict[str, object] = {
        "last_name": f"Member{n}",
        "first_name": "Pat",
        "birth_date": date(1980, 5, 17),
        "hire_date": date(2020, 1, 6),
        "membership_date": date(2020, 1, 6),
        "employment_type": "FT",
        "employment_ratio": Decimal("1"),
        "pay_rate": Decimal("60000"),
        "standard_hours": Decimal("37.5"),
    }
    values.update(fields)
    return Member.objects.create(
        organization=org,
        employee_id=employee_id or f"E{n:06d}",
        sin_encrypted=crypto.encrypt_text(sin),
        sin_index=crypto.blind_index(sin, "sin"),
        sin_last3=sin[-3:],
        **values,
    )


def valid_sin(n: int) -> str:
    """The ``n``th test SIN: eight digits from ``n`` (first digit 1..7) and a Luhn check."""
    body = f"{1 + n % 7}{n % 10_000_000:07d}"
    total = 0
    for index, char in enumerate(body):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str((10 - total % 10) % 10)


_sin_seq = itertools.count(100)


def next_sin() -> str:
    """A valid SIN not yet used by this test run (members of one organization need
    different SINs)."""
    return valid_sin(next(_sin_seq))
