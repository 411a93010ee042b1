"""Demo organizations and sign-ins for `make run`. Each later capability extends this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

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

DEMO_PASSWORD = "Demo!Portal2026"  # noqa: S105  (printed on purpose: demo data only)
DEMO_DOMAIN = "demo.example"

# Fixed base32 TOTP secrets for the demo accounts that must use MFA, so a new user can add
# them to an authenticator app (or run `make demo-code`). Never used outside demo data.
DEMO_TOTP_SECRETS = {
    f"staff@{DEMO_DOMAIN}": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    f"admin@{DEMO_DOMAIN}": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
}


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    description: str
    totp_secret: str | None


DEMO_EMPLOYER = "Demo Employer Ltd."
SECOND_EMPLOYER = "Northern Demo Services Inc."
DEMO_VENDOR = "Demo Actuarial Partners LLP"

DEMO_USERS: list[tuple[str, str, str, dict[str, frozenset[Role]]]] = [
    ("comms", "Casey", "Communications", {DEMO_EMPLOYER: frozenset({Role.COMMUNICATIONS})}),
    ("upload", "Uma", "Upload", {DEMO_EMPLOYER: frozenset({Role.FILE_UPLOAD})}),
    ("admin", "Avery", "Administrator", {DEMO_EMPLOYER: frozenset({Role.ADMINISTRATOR})}),
    ("payroll", "Pat", "Payroll", {DEMO_EMPLOYER: frozenset({Role.PAYROLL_MANAGER})}),
    (
        "multi",
        "Morgan",
        "Multiple",
        {
            DEMO_EMPLOYER: frozenset({Role.FILE_UPLOAD}),
            SECOND_EMPLOYER: frozenset({Role.COMMUNICATIONS, Role.PAYROLL_MANAGER}),
        },
    ),
    ("actuary", "Ari", "Actuary", {DEMO_VENDOR: frozenset({Role.COMMUNICATIONS})}),
]


def _organizations() -> dict[str, Organization]:
    specs: list[dict[str, Any]] = [
        dict(
            name=DEMO_EMPLOYER,
            kind=OrganizationKind.EMPLOYER,
            plan=Plan.SELECT,
            plan_participation_date=date(2025, 6, 1),
            mailing_address="Accounts payable\n250 Demo Avenue, 4th floor\nToronto, ON  M5V 3A8",
        ),
        dict(
            name=SECOND_EMPLOYER,
            kind=OrganizationKind.EMPLOYER,
            plan=Plan.OPSEU,
            plan_participation_date=date(1995, 1, 1),
            mailing_address="Finance office\n12 Demo Lake Road\nSudbury, ON  P3A 4R7",
        ),
        dict(name=DEMO_VENDOR, kind=OrganizationKind.VENDOR, vendor_type=VendorType.ACTUARY),
    ]
    found = {}
    for spec in specs:
        name = str(spec.pop("name"))
        org, _ = Organization.objects.get_or_create(name=name, defaults=spec)
        found[name] = org
    return found


def _enrol_totp(user: User, secret: str) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)


def _user(email: str, first: str, last: str, *, staff: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, first_name=first, last_name=last, is_staff=staff
        )
    return user


def load_accounts() -> list[DemoSignIn]:
    """The demo organizations and users (pensionportal/demo.py then runs each app's demo)."""
    orgs = _organizations()
    sign_ins: list[DemoSignIn] = []

    staff = _user(f"staff@{DEMO_DOMAIN}", "Sam", "Staff", staff=True)
    for role in StaffRole:
        StaffRoleGrant.objects.get_or_create(user=staff, role=role)
    _enrol_totp(staff, DEMO_TOTP_SECRETS[staff.email])
    sign_ins.append(
        DemoSignIn(
            staff.email,
            "plan administrator staff (all staff roles)",
            DEMO_TOTP_SECRETS[staff.email],
        )
    )

    for local, first, last, roles_by_org in DEMO_USERS:
        user = _user(f"{local}@{DEMO_DOMAIN}", first, last)
        for org_name, roles in roles_by_org.items():
            membership, _ = Membership.objects.get_or_create(user=user, organization=orgs[org_name])
            membership.set_roles(roles)
            membership.save()
        secret = DEMO_TOTP_SECRETS.get(user.email)
        if secret:
            _enrol_totp(user, secret)
        described = "; ".join(
            f"{', '.join(sorted(r.label for r in roles))} at {org}"
            for org, roles in roles_by_org.items()
        )
        sign_ins.append(DemoSignIn(user.email, described, secret))
    return sign_ins
