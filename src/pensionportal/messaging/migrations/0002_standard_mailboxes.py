from django.db import migrations


def create_mailboxes(apps, schema_editor):  # type: ignore[no-untyped-def]
    from pensionportal.messaging.models import STANDARD_MAILBOXES

    Mailbox = apps.get_model("messaging", "Mailbox")
    for slug, name, description in STANDARD_MAILBOXES:
        Mailbox.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_mailboxes")]
    operations = [migrations.RunPython(create_mailboxes, migrations.RunPython.noop)]
