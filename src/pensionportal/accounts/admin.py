"""Read-only back-office views. Changes go through the portal's staff pages, which use the
audited actions; the admin is for looking things up."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Invitation, Membership, Organization, StaffRoleGrant, User


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "plan", "plan_participation_date", "is_active")
    list_filter = ("kind", "plan", "is_active")
    search_fields = ("name",)


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("email", "portal_id", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active")
    search_fields = ("email", "portal_id", "last_name")
    exclude = ("password",)
    inlines = (MembershipInline,)


admin.site.register(Membership, ReadOnlyAdmin)
admin.site.register(StaffRoleGrant, ReadOnlyAdmin)
admin.site.register(Invitation, ReadOnlyAdmin)
