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
from types import MappingProxyType
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
    standard_hours: Decimal | None = None
    """Full-time weekly hours on record (ENROL "Standard Hours (Full-Time Weekly)")."""
    open_leave_type: str = ""
    """Leave type (LOA code) of the leave in progress, if any."""


@dataclass(frozen=True)
class RemittanceKey:
    period_start: dt.date
    period_end: dt.date
    payment_reference: str


class LastPay(NamedTuple):
    """A member's pay in their last applied pay period (the Normal rows of one pay date)."""

    pay: Decimal
    period_start: dt.date
    period_end: dt.date


@dataclass(frozen=True)
class PayHistory:
    """What the employer's applied PAY history says about a new PAY file's period, read in a
    few whole-organization queries (:meth:`RegistryView.pay_history`).

    ``last_pay``: Employee ID -> the member's last applied pay before this file's pay date,
    within one and a half periods of it (the previous pay period, even when it came in
    several files). ``changed``: members with an employment change (EMCHG) effective after
    their last period began. ``never_paid``: active members whose plan membership began on
    or before this period's end and who have no PAY applied at all. ``buyback_due``:
    Employee ID -> the member's deduction due on this pay date under the buyback deduction
    direction (form 1016) in force."""

    last_pay: Mapping[str, LastPay] = field(default_factory=dict)
    changed: frozenset[str] = frozenset()
    never_paid: frozenset[str] = frozenset()
    buyback_due: Mapping[str, Decimal] = field(default_factory=dict)


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

    def employee_ids_on_record(self) -> Collection[str]:
        """Every Employee ID enrolled with this employer (for "did you mean")."""
        ...

    def pay_history(
        self, period_start: dt.date, period_end: dt.date, pay_date: dt.date
    ) -> PayHistory:
        """The applied PAY history around a new PAY file's period (see :class:`PayHistory`)."""
        ...

    def member_names(self, employee_ids: Collection[str]) -> Mapping[str, str]:
        """Employee ID -> the member's name as on record ("First LAST")."""
        ...


@dataclass
class InMemoryRegistry:
    """A :class:`RegistryView` over plain dicts (tests, demos, the benchmark)."""

    facts: dict[str, MemberFacts] = field(default_factory=dict)
    sins: dict[str, str] = field(default_factory=dict)
    file_hashes: set[str] = field(default_factory=set)
    remittances: set[RemittanceKey] = field(default_factory=set)
    history: PayHistory = field(default_factory=PayHistory)
    names: dict[str, str] = field(default_factory=dict)

    def members(self, employee_ids: Collection[str]) -> Mapping[str, MemberFacts]:
        facts = self.facts
        if isinstance(employee_ids, (set, frozenset)) and employee_ids.issuperset(facts):
            return MappingProxyType(facts)  # every member asked for (a whole PAY file)
        return {i: facts[i] for i in employee_ids if i in facts}

    def sin_owners(self, sins: Collection[str]) -> Mapping[str, str]:
        return {s: self.sins[s] for s in sins if s in self.sins}

    def file_submitted(self, sha256: str) -> bool:
        return sha256 in self.file_hashes

    def remittance_submitted(self, key: RemittanceKey) -> bool:
        return key in self.remittances

    def employee_ids_on_record(self) -> Collection[str]:
        return self.facts.keys()

    def pay_history(
        self, period_start: dt.date, period_end: dt.date, pay_date: dt.date
    ) -> PayHistory:
        return self.history

    def member_names(self, employee_ids: Collection[str]) -> Mapping[str, str]:
        return {i: self.names[i] for i in employee_ids if i in self.names}
