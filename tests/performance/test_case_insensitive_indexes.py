"""Case-insensitive look-ups are served by functional UPPER(...) indexes (issue 18, "Must
do" 5). On PostgreSQL Django's `iexact` is `UPPER(col::text) = UPPER(value)`, which a plain
index on the column cannot serve; the plan must name the functional index. (SQLite's
`iexact` is a LIKE, which no index serves there: the embedded database is for `make run`.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from psycopg import sql

from pensionportal.accounts.models import Organization, User
from pensionportal.members.models import Member
from pensionportal.messaging.models import Thread
from pensionportal.messaging.queries import overdue
from pensionportal.remittances.models import Payment, RemittanceAdvice
from pensionportal.submissions.models import Submission

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="functional indexes are PostgreSQL's plans"
    ),
]

LOOKUPS: list[tuple[str, Callable[[], Any]]] = [
    ("payment_reference_upper", lambda: Payment.objects.filter(reference__iexact="eft-1")),
    (
        "advice_reference_upper",
        lambda: RemittanceAdvice.objects.filter(payment_reference__iexact="eft-1"),
    ),
    (
        "submission_org_ref_upper",
        lambda: Submission.objects.filter(organization_id=1, payment_reference__iexact="eft-1"),
    ),
    (
        "member_org_employee_upper",
        lambda: Member.objects.filter(organization_id=1, employee_id__iexact="e1"),
    ),
    ("organization_name_upper", lambda: Organization.objects.filter(name__iexact="acme")),
    ("user_email_upper", lambda: User.objects.filter(email__iexact="a@example.com")),
]


def _leave_only(cursor: Any, index: str) -> None:
    """Drop, inside the test's transaction (rolled back after it), every other index of the
    index's table. On near-empty tables the planner serves a look-up as cheaply through any
    index with a filter (CI chose organization_name_key, member_by_name and others), so a
    plan naming the functional index proves nothing unless it is the only index left: then
    it is chosen only if the query's expression matches it, else the plan is a scan."""
    cursor.execute(
        """SELECT other.relname, con.conname, tbl.relname
             FROM pg_class target
             JOIN pg_index ti ON ti.indexrelid = target.oid
             JOIN pg_class tbl ON tbl.oid = ti.indrelid
             JOIN pg_index oi ON oi.indrelid = ti.indrelid AND oi.indexrelid <> ti.indexrelid
             JOIN pg_class other ON other.oid = oi.indexrelid
             LEFT JOIN pg_constraint con ON con.conindid = oi.indexrelid
                                         AND con.conrelid = tbl.oid
            WHERE target.relname = %s""",
        [index],
    )
    for other, constraint, table in cursor.fetchall():
        if constraint:
            cursor.execute(
                sql.SQL("ALTER TABLE {} DROP CONSTRAINT {} CASCADE").format(
                    sql.Identifier(table), sql.Identifier(constraint)
                )
            )
        else:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(other)))


@pytest.mark.parametrize(("index", "query"), LOOKUPS, ids=[name for name, _ in LOOKUPS])
def test_a_case_insensitive_lookup_uses_its_functional_index(
    index: str, query: Callable[[], Any]
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        (definition,) = cursor.fetchone() or ("",)
        assert "upper(" in definition.lower(), f"no functional index {index}: {definition!r}"
        _leave_only(cursor, index)
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table is no plan to read
    plan = query().explain()
    assert index in plan, plan


def test_the_staff_inbox_overdue_count_uses_its_partial_index() -> None:
    """messaging.queries.overdue on the staff side (the inbox's per-mailbox overdue count on
    every load) reads the partial index of open threads awaiting an answer, not the table."""
    index = "thread_staff_overdue"
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        (definition,) = cursor.fetchone() or ("",)
        assert " WHERE " in definition, f"no partial index {index}: {definition!r}"
        _leave_only(cursor, index)
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = overdue(Thread.objects.filter(archived_by_staff=False)).values("mailbox_id").explain()
    assert index in plan, plan
