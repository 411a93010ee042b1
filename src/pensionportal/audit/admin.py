from django.contrib import admin

from pensionportal.accounts.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the application offers no way to change or delete an audit row."""

    list_display = ("at", "action", "actor_email", "ip_address", "organization_id", "target")
    list_filter = ("action",)
    search_fields = ("actor_email", "target", "action")
