"""The interface through which pages that need every kind of submission read them.

`directives` defines it; the filing apps (`pledges`, `projects`) register their models in their
AppConfig.ready(); `reports` (compliance engine, dashboards) and the officer's "what my unit owes"
page read through it. So `pledges` and `projects` never import each other.

A registered model must have: `unit` (FK Unit), `requirement` (FK Requirement), `status`
(ReviewStatus), `on_time`, `submitted_at`, `reviewed_at`, and the field named by `title_field`.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse

from campaign_portal.core.models import COUNTED_STATUSES


@dataclass(frozen=True)
class SubmissionKind:
    kind: str  # a RequirementKind value
    model_label: str  # "app_label.ModelName"
    create_url: str  # URL name taking requirement_pk
    detail_url: str  # URL name taking pk
    title_field: str = "title"
    filters: dict = field(default_factory=dict)

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def queryset(self):
        return self.model._default_manager.filter(**self.filters)

    def create_url_for(self, requirement_id: int) -> str:
        return reverse(self.create_url, kwargs={"requirement_pk": requirement_id})

    def detail_url_for(self, pk: int) -> str:
        return reverse(self.detail_url, kwargs={"pk": pk})


@dataclass(frozen=True)
class SubmissionRow:
    kind: str
    pk: int
    unit_id: int
    requirement_id: int
    status: str
    on_time: bool | None
    submitted_at: object
    reviewed_at: object
    title: str

    @property
    def counts_toward_quota(self) -> bool:
        return self.status in COUNTED_STATUSES


_REGISTRY: dict[str, SubmissionKind] = {}


def register(kind: SubmissionKind) -> None:
    _REGISTRY[kind.kind] = kind


def get_kind(kind: str) -> SubmissionKind | None:
    return _REGISTRY.get(kind)


def registered_kinds() -> list[SubmissionKind]:
    return list(_REGISTRY.values())


def submission_rows(*, requirement_ids, unit_ids=None) -> list[SubmissionRow]:
    """Every submission answering these requirements (optionally for these units).

    One query per registered kind, whatever the number of units or submissions.
    """
    requirement_ids = list(requirement_ids)
    if not requirement_ids:
        return []
    rows = []
    for entry in _REGISTRY.values():
        qs = entry.queryset().filter(requirement_id__in=requirement_ids)
        if unit_ids is not None:
            qs = qs.filter(unit_id__in=list(unit_ids))
        values = qs.values_list(
            "pk", "unit_id", "requirement_id", "status", "on_time", "submitted_at", "reviewed_at", entry.title_field
        )
        rows.extend(SubmissionRow(entry.kind, *value[:7], str(value[7] or "")) for value in values)
    return rows
