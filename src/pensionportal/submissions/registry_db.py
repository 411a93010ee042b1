"""The member registry as the validators see it (`datafiles.registry.RegistryView`), read
from the database in a few whole-organization queries, never one per row."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cached_property

from pensionportal.accounts.models import Organization
from pensionportal.core import crypto
from pensionportal.datafiles.registry import MemberFacts, RemittanceKey
from pensionportal.members.models import Leave, Member

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


class DatabaseRegistry:
    def __init__(self, organization: Organization, exclude_submission_id: int | None = None):
        self.organization = organization
        self.exclude = exclude_submission_id
        self._member_ids: dict[str, int] = {}

    @cached_property
    def _facts(self) -> dict[str, MemberFacts]:
        open_leaves = dict(
            Leave.objects.filter(member__organization=self.organization, end_date__isnull=True)
            .order_by("start_date")
            .values_list("member_id", "start_date")
        )
        facts: dict[str, MemberFacts] = {}
        rows = Member.objects.filter(organization=self.organization).values_list(
            "id", "employee_id", "hire_date", "membership_date", "termination_date", "pay_rate"
        )
        ids: dict[str, int] = {}
        # One plain fetch: a server-side cursor's round trips cost more for 100,000 rows.
        for member_id, employee_id, hire, membership, termination, pay_rate in list(rows):
            ids[employee_id] = member_id
            facts[employee_id] = MemberFacts(
                hire_date=hire,
                membership_date=membership,
                termination_date=termination,
                open_leave_start=open_leaves.get(member_id),
                annual_pay_rate=pay_rate,
            )
        self._member_ids = ids
        return facts

    def member_ids(self) -> dict[str, int]:
        """Employee ID -> member id, as loaded for validation (members are never deleted)."""
        self._facts  # noqa: B018  (loads them)
        return self._member_ids

    def members(self, employee_ids: Collection[str]) -> Mapping[str, MemberFacts]:
        facts = self._facts
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
        if self.exclude is not None:
            query = query.exclude(pk=self.exclude)
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
        if self.exclude is not None:
            query = query.exclude(pk=self.exclude)
        return query.exists()
