"""Seed the public pre-judgment interest rates shipped with the rules package.

Source: src/pensionportal/rules/parameters/prejudgment_interest_rate.yaml (Courts of Justice
Act s.127 rates, Ministry of the Attorney General). Staff add later quarters in the portal.
The fund earning rate has no public value: it is not seeded here (demo data enters an
illustrative one, labelled as demo).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from pensionportal.rules import parameters

    InterestRate = apps.get_model("remittances", "InterestRate")
    for value in parameters.load("prejudgment_interest_rate").values:
        InterestRate.objects.get_or_create(
            table="prejudgment",
            effective=value.effective,
            defaults={"until": value.until, "rate": value.value, "source": value.source},
        )


class Migration(migrations.Migration):
    dependencies = [("remittances", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
