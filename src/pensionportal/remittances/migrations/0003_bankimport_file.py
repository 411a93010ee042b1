import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("remittances", "0002_seed_prejudgment_rates"),
        ("files", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="bankimport",
            name="file",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="files.storedfile",
            ),
        ),
    ]
