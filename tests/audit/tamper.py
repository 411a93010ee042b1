"""What someone with write access to the database does, bypassing the portal: raw SQL, with
PostgreSQL's append-only triggers switched off as the tables' owner can (ALTER TABLE
... DISABLE TRIGGER). The tests use it to play the attacker of issue 17, finding 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

TRIGGERS = {
    "audit_auditevent": "portal_audit_append_only",
    "audit_auditcheckpoint": "portal_audit_checkpoint_append_only",
}
COLUMNS = {
    "at",
    "actor_id",
    "actor_email",
    "ip_address",
    "action",
    "organization_id",
    "target",
    "details",
    "key_id",
    "content_mac",
    "seq",
    "prev_hash",
    "hash",
}


@contextmanager
def triggers_off(table: str = "audit_auditevent") -> Iterator[Any]:
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {TRIGGERS[table]}")
        try:
            yield cursor
        finally:
            if postgres:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {TRIGGERS[table]}")


def _value(column: str, value: Any) -> Any:
    return json.dumps(value) if column == "details" else value


def edit(pk: int, **columns: Any) -> None:
    assert set(columns) <= COLUMNS
    assignments = ", ".join(f"{name} = %s" for name in columns)
    with triggers_off() as cursor:
        cursor.execute(
            # Column names from COLUMNS only (asserted above); values as parameters.
            f"UPDATE audit_auditevent SET {assignments} WHERE id = %s",  # noqa: S608
            [*(_value(name, value) for name, value in columns.items()), pk],
        )


def delete(*pks: int) -> None:
    with triggers_off() as cursor:
        for pk in pks:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [pk])


def insert(**columns: Any) -> int:
    assert set(columns) <= COLUMNS
    names = ", ".join(columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO audit_auditevent ({names}) VALUES ({marks})",  # noqa: S608
            [_value(name, value) for name, value in columns.items()],
        )
        cursor.execute("SELECT MAX(id) FROM audit_auditevent")
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])
