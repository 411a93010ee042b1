"""What validation needs to know about the member registry, as a Protocol.

The Django side implements :class:`RegistryView` with the database; tests use
:class:`InMemoryRegistry`. Lookups are by batch (one call per file, not per row) so that a
100,000-row PAY file costs one query, not 100,000.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, Protocol


class MemberFacts(NamedTuple):
    """One employee known to the registry as a member (current or past) of the employer.

    A NamedTuple (immutable): a 100,000-member registry builds one per member per file."""

    hire_date: dt.date | None = None
    membership_date: dt.date | None = None
    termination_date: dt.date | None = None
    """None while the member is active."""
    open_leave_start: dt.date | None = None
    """Start of the leave in progress (reported by LOA, not yet ended by RTW), if any."""
    annual_pay_rate: Decimal | None = None
    """Full-time annual pensionable pay rate on record (ENROL, EMCHG, RTW): the annualized
    salary of the OPSEU Pension Plan's formula."""


@dataclass(frozen=True)
class RemittanceKey:
    period_start: dt.date
    period_end: dt.date
    payment_reference: str


class RegistryView(Protocol):
    def members(self, employee_ids: Collection[str]) -> Mapping[str, MemberFacts]:
        """Facts for those of ``employee_ids`` who are, or were, enrolled members; an ID
        absent from the result is unknown (never enrolled with this employer)."""
        ...

    def sin_owners(self, sins: Collection[str]) -> Mapping[str, str]:
        """For those of ``sins`` already registered: SIN -> the Employee ID holding it."""
        ...

    def file_submitted(self, sha256: str) -> bool:
        """Whether a file with this SHA-256 (hex) was submitted before (and not withdrawn)."""
        ...

    def remittance_submitted(self, key: RemittanceKey) -> bool:
        """Whether a PAY file for this pay period and payment reference was submitted."""
        ...


@dataclass
class InMemoryRegistry:
    """A :class:`RegistryView` over plain dicts (tests, demos, the benchmark)."""

    facts: dict[str, MemberFacts] = field(default_factory=dict)
    sins: dict[str, str] = field(default_factory=dict)
    file_hashes: set[str] = field(default_factory=set)
    remittances: set[RemittanceKey] = field(default_factory=set)

    def members(self, employee_ids: Collection[str]) -> Mapping[str, MemberFacts]:
        facts = self.facts
        return {i: facts[i] for i in employee_ids if i in facts}

    def sin_owners(self, sins: Collection[str]) -> Mapping[str, str]:
        return {s: self.sins[s] for s in sins if s in self.sins}

    def file_submitted(self, sha256: str) -> bool:
        return sha256 in self.file_hashes

    def remittance_submitted(self, key: RemittanceKey) -> bool:
        return key in self.remittances
