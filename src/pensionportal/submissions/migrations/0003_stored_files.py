"""Files stored the old way (`blob_name` and `blob_key` on the row) move into the file layer: one
StoredFile per file, linked through `file` (issue 12 "Must do" 7)."""

import django.db.models.deletion
from django.db import migrations, models

from pensionportal.files import legacy


def forward(apps, schema_editor):
    legacy.adopt(
        apps,
        "submissions.Submission",
        name_field="blob_name",
        key_field="blob_key",
        purpose="submissions.pension_data",
        organization_id=lambda row: row.organization_id,
        filename_token=lambda row: legacy.encrypted(row.filename),
        content_type=lambda row: "application/octet-stream",
    )


def backward(apps, schema_editor):
    legacy.restore(apps, "submissions.Submission", name_field="blob_name", key_field="blob_key")


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0002_row_offset"),
        ("files", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="file",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="files.storedfile",
            ),
        ),
        # With a default (and not unique), so that reversing the removal below can add
        # the columns back to existing rows before `backward` fills them in.
        migrations.AlterField(
            model_name="submission",
            name="blob_name",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AlterField(
            model_name="submission",
            name="blob_key",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="submission", name="blob_name"),
        migrations.RemoveField(model_name="submission", name="blob_key"),
    ]
