"""The member registry as the validators see it (`datafiles.registry.RegistryView`), read
from the database in a few whole-organization queries, never one per row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Mapping
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef
from psycopg import sql

from pensionportal.accounts.models import Organization
from pensionportal.core import crypto
from pensionportal.datafiles.registry import LastPay, MemberFacts, PayHistory, RemittanceKey
from pensionportal.members.models import Contribution, EmploymentChange, Leave, Member

from .models import Status, Submission

# A file or remittance counts as submitted unless it was rejected or only test-validated.
_LIVE = [
    Status.RECEIVED,
    Status.VALIDATING,
    Status.AWAITING_CONFIRMATION,
    Status.ACCEPTED,
    Status.APPLYING,
    Status.APPLIED,
]


BuybackDue = Callable[[Organization, dt.date], Mapping[int, Decimal]]
BUYBACK_DUE: list[BuybackDue] = []
"""Sources of the buyback deductions due on a pay date (member id -> amount). The buybacks
app, above this one in the layers, registers its schedule here in its ``ready()``: the
PAY check asks for the deductions without importing it."""


FETCH_ROWS = 10_000


class DatabaseRegistry:
    def __init__(
        self,
        organization: Organization,
        exclude_submission_id: int | None = None,
        replaced_submission_id: int | None = None,
    ):
        """``exclude_submission_id``: the submission being checked; ``replaced_submission_id``:
        the one it corrects (a file corrected online is not a duplicate of its original)."""
        self.organization = organization
        self.exclude = exclude_submission_id
        self._excluded = [
            i for i in (exclude_submission_id, replaced_submission_id) if i is not None
        ]
        self._member_ids: dict[str, int] = {}

    @cached_property
    def _facts(self) -> dict[str, MemberFacts]:
        open_leaves = {
            member_id: (start, kind)
            for member_id, start, kind in Leave.objects.filter(
                member__organization=self.organization, end_date__isnull=True
            )
            .order_by("start_date")
            .values_list("member_id", "start_date", "leave_type")
        }
        facts: dict[str, MemberFacts] = {}
        ids: dict[str, int] = {}
        # Built as plain tuples in MemberFacts' field order (its leave fields filled below for
        # the few members on leave): a keyword construction per member was a third of this.
        # Equal dates and amounts shared, as one object each (most members share a hire
        # date, a pay rate or weekly hours with others): a 100,000-member employer's facts
        # take a third less memory.
        make = tuple.__new__
        dates: dict[dt.date | None, dt.date | None] = {}
        rates: dict[Decimal | None, Decimal | None] = {}
        weekly: dict[Decimal | None, Decimal | None] = {}
        day, rate_of, hours_of = dates.setdefault, rates.setdefault, weekly.setdefault
        for employee_id, member_id, hire, membership, termination, rate, hours in self._rows():
            ids[employee_id] = member_id
            facts[employee_id] = make(
                MemberFacts,
                (
                    day(hire, hire),
                    day(membership, membership),
                    termination,
                    None,
                    rate_of(rate, rate),
                    hours_of(hours, hours),
                    "",
                ),
            )
        by_member = (
            {member_id: employee_id for employee_id, member_id in ids.items()}
            if open_leaves
            else {}
        )
        for member_id, (leave_start, leave_type) in open_leaves.items():
            employee_id = by_member.get(member_id)
            if employee_id is not None:
                facts[employee_id] = facts[employee_id]._replace(
                    open_leave_start=leave_start, open_leave_type=leave_type
                )
        self._member_ids = ids
        return facts

    def _rows(self) -> Iterator[tuple[Any, ...]]:
        """(Employee ID, member id, hire, membership, termination, pay rate, weekly hours) of
        every member of the employer, in one query (a server-side cursor's round trips cost
        more for 100,000 rows). On PostgreSQL a plain cursor: its types need no converting,
        and the ORM's per-row work was half the read. The result, held by libpq, is turned
        into Python rows :data:`FETCH_ROWS` at a time (``fetchall`` built all 100,000 rows'
        tuples, dates and Decimals at once before the facts shared them: some 40 MB at the
        check's peak)."""
        columns = (
            "employee_id",
            "id",
            "hire_date",
            "membership_date",
            "termination_date",
            "pay_rate",
            "standard_hours",
        )
        if connection.vendor != "postgresql":
            yield from Member.objects.filter(organization=self.organization).values_list(*columns)
            return
        statement = sql.SQL("SELECT {} FROM {} WHERE {} = %s").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.Identifier(Member._meta.db_table),
            sql.Identifier("organization_id"),
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [self.organization.pk])
            while rows := cursor.fetchmany(FETCH_ROWS):
                yield from rows

    def member_ids(self) -> dict[str, int]:
        """Employee ID -> member id, as loaded for validation (members are never deleted)."""
        self._facts  # noqa: B018  (loads them)
        return self._member_ids

    def members(self, employee_ids: Collection[str]) -> Mapping[str, MemberFacts]:
        facts = self._facts
        wanted = employee_ids if isinstance(employee_ids, (set, frozenset)) else None
        if wanted is not None and wanted.issuperset(facts.keys()):
            return MappingProxyType(facts)  # the whole file's IDs: every member asked for
        return {i: facts[i] for i in employee_ids if i in facts}

    def sin_owners(self, sins: Collection[str]) -> Mapping[str, str]:
        # Every configured index key: rows not yet re-indexed after a rotation still match.
        by_index = {index: sin for sin in sins for index in crypto.blind_indexes(sin, "sin")}
        owners: dict[str, str] = {}
        query = Member.objects.filter(
            organization=self.organization, sin_index__in=list(by_index)
        ).values_list("sin_index", "employee_id")
        for index, employee_id in query:
            owners[by_index[index]] = employee_id
        return owners

    def file_submitted(self, sha256: str) -> bool:
        query = Submission.objects.filter(
            organization=self.organization, status__in=_LIVE, test_mode=False, sha256=sha256
        )
        if self._excluded:
            query = query.exclude(pk__in=self._excluded)
        return query.exists()

    def remittance_submitted(self, key: RemittanceKey) -> bool:
        query = Submission.objects.filter(
            organization=self.organization,
            status__in=_LIVE,
            test_mode=False,
            template="PAY",
            period_start=key.period_start,
            period_end=key.period_end,
            payment_reference=key.payment_reference,
        )
        if self._excluded:
            query = query.exclude(pk__in=self._excluded)
        return query.exists()

    def employee_ids_on_record(self) -> Collection[str]:
        return self._facts.keys()

    def pay_history(
        self, period_start: dt.date, period_end: dt.date, pay_date: dt.date
    ) -> PayHistory:
        """Four queries for the whole file: the Normal rows paid within one and a half
        periods before this pay date (each member's latest pay date kept), the EMCHGs since
        the earliest of those periods began, the enrolled members never paid, and the buyback
        deductions due."""
        by_member = {v: k for k, v in self.member_ids().items()}
        organization = self.organization
        length = period_end - period_start + dt.timedelta(days=1)
        since = pay_date - length - length / 2
        rows = (
            Contribution.objects.filter(
                organization=organization,
                contribution_type="N",
                pay_date__gte=since,
                pay_date__lt=pay_date,
            )
            .order_by("pay_date")
            .values_list("member_id", "pay_date", "period_start", "period_end", "pensionable_pay")
        )
        latest: dict[str, tuple[dt.date, LastPay]] = {}
        for member_id, paid_on, start, end, pay in rows:
            employee = by_member.get(member_id)
            if employee is None:
                continue
            found = latest.get(employee)
            if found is not None and found[0] == paid_on:
                before = found[1]
                pay += before.pay
                start, end = min(start, before.period_start), max(end, before.period_end)
            latest[employee] = (paid_on, LastPay(pay, start, end))
        last_pay = {employee: last for employee, (_day, last) in latest.items()}
        changed: frozenset[str] = frozenset()
        if last_pay:
            first = min(last.period_start for last in last_pay.values())
            changed = frozenset(
                by_member[m]
                for m, effective in EmploymentChange.objects.filter(
                    member__organization=organization, effective_date__gt=first
                ).values_list("member_id", "effective_date")
                if m in by_member
                and by_member[m] in last_pay
                and effective > last_pay[by_member[m]].period_start
            )
        never_paid = frozenset(
            Member.objects.filter(
                organization=organization,
                termination_date__isnull=True,
                membership_date__lte=period_end,
            )
            .exclude(Exists(Contribution.objects.filter(member=OuterRef("pk"))))
            .values_list("employee_id", flat=True)
        )
        buyback_due: dict[str, Decimal] = {}
        for source in BUYBACK_DUE:
            for member_id, amount in source(organization, pay_date).items():
                if member_id in by_member:
                    buyback_due[by_member[member_id]] = amount
        return PayHistory(
            last_pay=last_pay, changed=changed, never_paid=never_paid, buyback_due=buyback_due
        )

    def member_names(self, employee_ids: Collection[str]) -> Mapping[str, str]:
        rows = Member.objects.filter(
            organization=self.organization, employee_id__in=list(employee_ids)
        ).values_list("employee_id", "first_name", "last_name")
        return {e: f"{first} {last}".strip() for e, first, last in rows}
