"""PostgreSQL statistics on the ledger's (member, period start) pairs (issue 18).

Without them the planner multiplies the two columns' counts, caps the product at a tenth of
the rows and so expects a tenth of the groups detection's screening builds (one per member
and period): it then hashes the wrong side of a join or builds a hash table that spills to
disk. With them its estimate is right. Nothing on SQLite, which has no such statistics.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = (
    "CREATE STATISTICS IF NOT EXISTS missed_contribution_member_period (ndistinct) "
    "ON member_id, period_start FROM members_contribution"
)
DROP = "DROP STATISTICS IF EXISTS missed_contribution_member_period"


def _create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute("ANALYZE members_contribution")


def _drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("missed", "0004_choices_without_numbers"),
        ("members", "0004_ledger_organization_unchecked"),
    ]

    operations = [migrations.RunPython(_create, _drop)]
