"""Read-only admin views: reports are requested and re-run from the portal, never edited here."""

from django.contrib import admin

from .models import ReminderLog, Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "format", "scope_unit", "status", "progress", "cutoff", "created_at", "requested_by"]
    list_filter = ["kind", "format", "status", "scheduled"]
    exclude = ["snapshot"]
    readonly_fields = [f.name for f in Report._meta.fields if f.name != "snapshot"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["requirement", "unit", "kind", "sent_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
