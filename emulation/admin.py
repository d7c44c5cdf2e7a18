from django.contrib import admin

from .models import Cluster, ClusterMember, CriteriaTable, Criterion, Scorecard, Section


class MemberInline(admin.TabularInline):
    model = ClusterMember
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "year", "finalised_at"]
    list_filter = ["year", "kind"]
    search_fields = ["name"]
    inlines = [MemberInline]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(CriteriaTable)
class CriteriaTableAdmin(admin.ModelAdmin):
    list_display = ["cluster", "bonus_cap", "penalty_cap", "tie_break"]
    inlines = [SectionInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "kind", "max_points", "evidence_kind", "section"]
    list_filter = ["kind", "evidence_kind"]


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ["unit", "cluster", "status", "submitted_at"]
    list_filter = ["status", "cluster__year"]
    readonly_fields = ["status", "version", "submitted_at", "reviewed_at"]
