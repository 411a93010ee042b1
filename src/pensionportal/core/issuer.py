"""The plan administrator as the issuer of a document that asks to be paid: its name,
address, contact and EFT instructions, from settings (README "Configuration").

Seeds: remittance-timing.txt "Electronic Funds Transfer" (contributions are paid by EFT,
direct deposit or wire transfer; the Pension Partner gives the account details; no
cheques); select-employer-manual.txt, last page (the administrator's address and contact).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import checks


@dataclass(frozen=True)
class Issuer:
    name: str
    address: tuple[str, ...]
    phone: str
    email: str
    bank: str
    account_name: str
    institution: str
    transit: str
    account: str
    swift: str

    @property
    def has_eft(self) -> bool:
        return bool(self.institution and self.transit and self.account)

    def contact(self) -> str:
        parts = [part for part in (self.phone, self.email) if part]
        return " · ".join(parts)

    def eft_facts(self) -> list[tuple[str, str]]:
        """The EFT instructions as label and value pairs (empty when not configured)."""
        if not self.has_eft:
            return []
        facts = [
            ("Pay to", self.account_name or self.name),
            ("Bank", self.bank),
            ("Institution number", self.institution),
            ("Transit number", self.transit),
            ("Account number", self.account),
        ]
        if self.swift:
            facts.append(("SWIFT/BIC (wire transfers)", self.swift))
        return [(label, value) for label, value in facts if value]


def issuer() -> Issuer:
    return Issuer(
        name=settings.ISSUER_NAME,
        address=tuple(line.strip() for line in settings.ISSUER_ADDRESS.split("|") if line.strip()),
        phone=settings.ISSUER_PHONE,
        email=settings.ISSUER_EMAIL,
        bank=settings.EFT_BANK,
        account_name=settings.EFT_ACCOUNT_NAME,
        institution=settings.EFT_INSTITUTION,
        transit=settings.EFT_TRANSIT,
        account=settings.EFT_ACCOUNT,
        swift=settings.EFT_SWIFT,
    )


def issuer_is_configured(**_: object) -> list[checks.CheckMessage]:
    """`manage.py check --deploy`: an invoice must say who to pay and how."""
    found = issuer()
    missing = [
        name
        for name, value in (
            ("PORTAL_ISSUER_NAME", found.name),
            ("PORTAL_ISSUER_ADDRESS", found.address),
            ("PORTAL_EFT_INSTITUTION", found.institution),
            ("PORTAL_EFT_TRANSIT", found.transit),
            ("PORTAL_EFT_ACCOUNT", found.account),
        )
        if not value
    ]
    if not missing:
        return []
    return [
        checks.Warning(
            "Invoices cannot tell an employer whom to pay: set " + ", ".join(missing) + ".",
            id="pensionportal.W001",
        )
    ]


def register_checks() -> None:
    """`manage.py check --deploy` warns while the issuer or its EFT account is missing."""
    checks.register(issuer_is_configured, checks.Tags.compatibility, deploy=True)
