"""Read-only admin for pledges records: every change goes through the services (quota, audit, review)."""

from django.contrib import admin

from .models import Commitment, Dissemination, EmulationPlan, Target


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TargetInline(ReadOnlyMixin, admin.TabularInline):
    model = Target
    extra = 0
    fields = ["name", "unit_of_measure", "baseline", "target_value", "due_date"]


@admin.register(Dissemination)
class DisseminationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "unit", "held_on", "status", "on_time", "attendees_total"]
    list_filter = ["status", "form"]
    search_fields = ["title"]
    list_select_related = ["unit"]


@admin.register(EmulationPlan)
class EmulationPlanAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "unit", "document_number", "status", "on_time"]
    list_filter = ["status"]
    search_fields = ["title", "document_number"]
    list_select_related = ["unit"]
    inlines = [TargetInline]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "unit", "category", "field", "status", "on_time"]
    list_filter = ["category", "field", "status"]
    search_fields = ["title"]
    list_select_related = ["unit"]
    inlines = [TargetInline]
