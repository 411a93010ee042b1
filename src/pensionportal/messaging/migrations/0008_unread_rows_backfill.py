"""The unread rows of today's read state (issue 18, "Must do" 3): every active staff
member who works the mailboxes is covered for every organization, every active user with a
messaging role for those organizations, each with a row per thread they have no
`ThreadRead` at or after its last message for (`messaging/unread.py`). Anyone else is built
on their first page that counts (`unread.ensure_covered`). Reversing is a no-op: the rows
are derived from `ThreadRead`, and reversing 0007 drops their tables."""

from django.db import migrations
from django.db.models import Q

STAFF_ROLES = ("data_management", "pension_partner")
MESSAGING_ROLES = ("communications", "file_upload", "administrator")

BUILD_EVERY = (
    "INSERT INTO messaging_threadunread (user_id, thread_id) "
    "SELECT %s, t.id FROM messaging_thread t WHERE NOT EXISTS ("
    "SELECT 1 FROM messaging_threadread r WHERE r.thread_id = t.id AND r.user_id = %s "
    "AND r.read_at >= t.last_message_at)"
)
BUILD_ORGANIZATION = (
    "INSERT INTO messaging_threadunread (user_id, thread_id) "
    "SELECT %s, t.id FROM messaging_thread t WHERE t.organization_id = %s AND NOT EXISTS ("
    "SELECT 1 FROM messaging_threadread r WHERE r.thread_id = t.id AND r.user_id = %s "
    "AND r.read_at >= t.last_message_at)"
)


def forward(apps, schema_editor):
    user_model = apps.get_model("accounts", "User")
    membership_model = apps.get_model("accounts", "Membership")
    coverage_model = apps.get_model("messaging", "UnreadCoverage")
    staff = (
        user_model.objects.filter(
            is_active=True,
            is_staff=True,
            is_service_account=False,
            staff_role_grants__role__in=STAFF_ROLES,
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    roles = Q()
    for role in MESSAGING_ROLES:
        roles |= Q(**{role: True})
    memberships = membership_model.objects.filter(
        roles,
        user__is_active=True,
        user__is_staff=False,
        user__is_service_account=False,
        organization__is_active=True,
    ).values_list("user_id", "organization_id")
    with schema_editor.connection.cursor() as cursor:
        for user_id in sorted(staff):
            cursor.execute(BUILD_EVERY, [user_id, user_id])
            coverage_model.objects.create(user_id=user_id, organization_id=None)
        for user_id, organization_id in sorted(set(memberships)):
            cursor.execute(BUILD_ORGANIZATION, [user_id, organization_id, user_id])
            coverage_model.objects.create(user_id=user_id, organization_id=organization_id)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0007_unread_rows"), ("accounts", "0008_session_devices")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
