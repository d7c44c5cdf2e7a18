"""Read-mostly admin for key works: changes go through the portal's services (quota, audit, review)."""

from django.contrib import admin

from .models import FundingSource, KeyWork, ProgressPhoto, ProgressUpdate


class FundingSourceInline(admin.TabularInline):
    model = FundingSource
    extra = 0
    can_delete = False
    readonly_fields = ["source", "amount"]


@admin.register(KeyWork)
class KeyWorkAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "kind", "status", "work_status", "planned_date", "latest_progress"]
    list_filter = ["status", "work_status", "kind", "sector"]
    search_fields = ["name", "search_text"]
    list_select_related = ["unit"]
    inlines = [FundingSourceInline]

    def has_add_permission(self, request):
        return False  # registration goes through key_work_create (quota, audit)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ["key_work", "reported_on", "physical_progress", "capital_disbursed"]
    list_select_related = ["key_work"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProgressPhoto)
class ProgressPhotoAdmin(admin.ModelAdmin):
    list_display = ["filename", "update", "width", "height", "size", "thumbnail_status"]
    list_filter = ["thumbnail_status"]
    exclude = ["file", "thumbnail"]  # private files are never linked from a page without the access check

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
