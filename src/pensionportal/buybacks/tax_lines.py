"""A line of a year's buyback tax reporting: one payment or purchase and who reports it
(built by tax_reporting.py, printed by pdfs.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.accounts.models import Organization
from pensionportal.members.models import Member
from pensionportal.presentation import formatting as fmt


@dataclass(frozen=True)
class TaxLine:
    year: int
    organization: Organization
    member: Member
    buyback: str  # a reference, or "" for the member's payroll deductions
    what: str
    amount: Decimal | None
    who: str
    due: dt.date | None
    reason: str
    employer_acts: bool  # the employer must report it (T4, PA amendment, reduced hours)
    administrator_files_pa: bool = False

    def cells(self) -> list[object]:
        return [
            self.year,
            self.organization.name,
            self.member.employee_id,
            self.member.last_name,
            self.member.first_name,
            self.buyback,
            self.what,
            "" if self.amount is None else fmt.money_plain(self.amount),
            self.who,
            self.due.isoformat() if self.due else "",
            self.reason,
        ]
