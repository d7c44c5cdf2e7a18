from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditEntry, Membership, Notification, Unit, User


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    autocomplete_fields = ["unit"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "email", "is_active"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = UserAdmin.fieldsets + (("Cổng thi đua", {"fields": ["full_name", "phone"]}),)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "valid_from", "valid_to", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name", "search_text"]
    autocomplete_fields = ["parent", "successors"]
    readonly_fields = ["path", "depth"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_repr", "unit"]
    list_filter = ["action"]
    search_fields = ["object_repr", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Notification)
admin.site.site_header = "Cổng theo dõi phong trào thi đua"
