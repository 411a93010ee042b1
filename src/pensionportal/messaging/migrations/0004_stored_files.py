"""Files stored the old way (`storage_name` and `wrapped_key` on the row) move into the file layer: one
StoredFile per file, linked through `file` (issue 12 "Must do" 7)."""

import django.db.models.deletion
from django.db import migrations, models

from pensionportal.files import legacy


def forward(apps, schema_editor):
    legacy.adopt(
        apps,
        "messaging.Attachment",
        name_field="storage_name",
        key_field="wrapped_key",
        purpose="messaging.attachment",
        organization_id=lambda row: row.message.thread.organization_id,
        filename_token=lambda row: row.filename_encrypted,
        content_type=lambda row: row.content_type,
    )


def backward(apps, schema_editor):
    legacy.restore(apps, "messaging.Attachment", name_field="storage_name", key_field="wrapped_key")


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0003_threads"),
        ("files", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="file",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="files.storedfile",
            ),
        ),
        # With a default (and not unique), so that reversing the removal below can add
        # the columns back to existing rows before `backward` fills them in.
        migrations.AlterField(
            model_name="attachment",
            name="storage_name",
            field=models.CharField(blank=True, default="", max_length=60),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="wrapped_key",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="attachment", name="storage_name"),
        migrations.RemoveField(model_name="attachment", name="wrapped_key"),
    ]
