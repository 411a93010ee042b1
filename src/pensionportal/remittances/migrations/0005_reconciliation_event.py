# The reconciliation case's history model is ReconciliationEvent (missed keeps CaseEvent):
# one name a model (issue 13).
from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("remittances", "0004_invoice_kinds_recovery_lines_regulator"),
    ]

    operations = [
        migrations.RenameModel(old_name="CaseEvent", new_name="ReconciliationEvent"),
    ]
