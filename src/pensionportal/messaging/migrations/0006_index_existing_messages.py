"""Messages sent before the search index existed are indexed (issue 18, "Must do" 4): the
same rebuild as `manage.py index_messages`, with the historical models, in batches of 500
messages (each decrypted once, here, to be indexed)."""

from django.db import migrations

from pensionportal.messaging import search_index


def forward(apps, schema_editor):
    search_index.rebuild(
        message_model=apps.get_model("messaging", "Message"),
        token_model=apps.get_model("messaging", "SearchToken"),
    )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0005_search_index")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
