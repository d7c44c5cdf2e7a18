"""The interface through which pages that need every kind of submission read them.

`directives` defines it; the filing apps (`pledges`, `projects`) register their models in their
AppConfig.ready(); `reports` (compliance engine, dashboards) and the officer's "what my unit owes"
page read through it. So `pledges` and `projects` never import each other.

A registered model must have: `unit` (FK Unit), `requirement` (FK Requirement), `status`
(ReviewStatus), `on_time`, `submitted_at`, `reviewed_at`, and the field named by `title_field`.
"""

import functools
from dataclasses import dataclass, field
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.module_loading import import_string

from campaign_portal.core.models import COUNTED_STATUSES


@dataclass(frozen=True)
class SubmissionKind:
    """The one description of a kind of submission; views, selectors and reports are generic over it.

    Dotted paths (form, services, summary) are imported on use, so registering in AppConfig.ready()
    imports nothing heavy. `fallback=True` marks the kind answering every requirement kind that no
    other registration claims (the general result report).
    """

    kind: str  # a RequirementKind value (or the fallback's own identifier)
    model_label: str  # "app_label.ModelName"
    create_url: str  # URL name taking requirement_pk
    detail_url: str  # URL name taking pk
    title_field: str = "title"
    filters: dict = field(default_factory=dict)
    label: str = ""  # what a unit files, in words ("Báo cáo kết quả")
    slug: str = ""  # the model's slug in shared URLs (transition, delete, attachments)
    update_url: str = ""  # URL name taking pk
    form: str = ""  # dotted path of the form class
    create_service: str = ""  # dotted path: f(*, user, requirement, data, ...) -> instance
    update_service: str = ""  # dotted path: f(*, user, obj, data, ...) -> instance
    form_template: str = ""
    detail_template: str = ""
    default_quota_max: int | None = None  # when the requirement sets no maximum (one plan per unit)
    summary: str = ""  # dotted path: f(*, user, requirement_ids, unit_ids) -> dict, for reports
    answers: tuple = ()  # further RequirementKind values this kind answers
    fallback: bool = False
    # The model's field naming the period a filing answers ("2026-11", see directives.schedule), when
    # it has one; without it a recurring requirement's filing counts for the period of its date.
    period_field: str = ""
    update_argument: str = "obj"  # the keyword naming the record in the update service
    has_targets: bool = False  # the form carries a formset of targets (plans, commitments)
    attachment_field: str = ""  # the record's foreign key on the shared attachment model
    extra_form_fields: tuple = ()  # cleaned form fields passed to services beside `data` (e.g. "directives")
    report_data: str = ""  # dotted path: f(*, unit_ids, requirement_ids, cutoff) -> list[dict], for snapshots

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def load(self, attribute: str):
        """The form class or a service named by one of the dotted-path fields (None when unset)."""
        path = getattr(self, attribute)
        return import_string(path) if path else None

    def update_url_for(self, pk: int) -> str:
        return url_with_id(self.update_url, pk) if self.update_url else ""

    def queryset(self):
        return self.model._default_manager.filter(**self.filters)

    def create_url_for(self, requirement_id: int) -> str:
        return url_with_id(self.create_url, requirement_id, key="requirement_pk")

    def detail_url_for(self, pk: int) -> str:
        return url_with_id(self.detail_url, pk)


_ID_MARK = 2147483647  # stands for the id in a reversed URL (no real id is this big)


def url_with_id(name: str, value: int, *, key: str = "pk", **fixed) -> str:
    """reverse(name, kwargs={key: value, **fixed}), reversing once per URL name (and script prefix):
    a list page links every row, and Django's reverse costs tens of microseconds each."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    pattern = _url_pattern(name, key, tuple(sorted(fixed.items())), get_script_prefix(), urlconf)
    return pattern.replace(str(_ID_MARK), str(int(value)))


@functools.lru_cache(maxsize=512)
def _url_pattern(name, key, fixed, _script_prefix, urlconf) -> str:
    return reverse(name, urlconf=urlconf, kwargs={key: _ID_MARK, **dict(fixed)})


class SubmissionRow(NamedTuple):
    """One filing of any kind, as the engine reads it (a named tuple: a province's ledger reads thousands)."""

    kind: str
    pk: int
    unit_id: int
    requirement_id: int
    status: str
    on_time: bool | None
    submitted_at: object
    reviewed_at: object
    title: str
    period: str = ""  # the period the filing answers ("" when the model does not say)

    @property
    def counts_toward_quota(self) -> bool:
        return self.status in COUNTED_STATUSES


_REGISTRY: dict[str, SubmissionKind] = {}


def register(kind: SubmissionKind) -> None:
    _REGISTRY[kind.kind] = kind


def get_kind(kind: str) -> SubmissionKind | None:
    return _REGISTRY.get(kind)


def kind_for_requirement(requirement) -> SubmissionKind | None:
    """The kind a unit files to answer `requirement`: its own registration, another that answers it,
    else the fallback (the general result report), so that no requirement has nothing to file."""
    found = _REGISTRY.get(requirement.kind)
    if found is not None:
        return found
    for entry in _REGISTRY.values():
        if requirement.kind in entry.answers:
            return entry
    return next((entry for entry in _REGISTRY.values() if entry.fallback), None)


def kind_for_model(model) -> list[SubmissionKind]:
    return [entry for entry in _REGISTRY.values() if entry.model is model]


def kind_for_slug(slug: str) -> SubmissionKind | None:
    return next((entry for entry in _REGISTRY.values() if entry.slug == slug), None)


def registered_kinds() -> list[SubmissionKind]:
    return list(_REGISTRY.values())


def submission_rows(*, requirement_ids, unit_ids=None) -> list[SubmissionRow]:
    """Every submission answering these requirements (optionally for these units).

    One query for every registered model together (UNION ALL; kinds sharing a model, e.g. themes and
    difficult fields, share its part), whatever the number of units or submissions.
    """
    requirement_ids = list(requirement_ids)
    if not requirement_ids:
        return []
    by_model: dict[str, list[SubmissionKind]] = {}
    for entry in _REGISTRY.values():
        by_model.setdefault(entry.model_label, []).append(entry)
    groups = list(by_model.values())
    together = [entries for entries in groups if _one_shape(entries)]
    rows = _rows_together(together, requirement_ids, unit_ids) if len(together) > 1 else []
    for entries in groups:
        if len(together) <= 1 or entries not in together:
            rows.extend(_rows_for_model(entries, requirement_ids, unit_ids))
    return rows


def _one_shape(entries) -> bool:
    """The kinds of one model read in one column set: one title field, at most one period field and
    at most one field telling the kinds apart."""
    filter_fields = {key for entry in entries for key in entry.filters}
    periods = {entry.period_field for entry in entries if entry.period_field}
    return len({entry.title_field for entry in entries}) == 1 and len(periods) <= 1 and len(filter_fields) <= 1


def _rows_together(groups, requirement_ids, unit_ids) -> list[SubmissionRow]:
    """Every model's rows in one query (UNION ALL), the columns cast alike; same rows as one query each."""
    from django.db.models import F, IntegerField, TextField, Value
    from django.db.models.functions import Cast

    def text(name):
        return Cast(F(name), output_field=TextField()) if name else Value("", output_field=TextField())

    queries, shapes = [], []
    for index, entries in enumerate(groups):
        model = entries[0].model
        qs = model._default_manager.filter(requirement_id__in=requirement_ids)
        if unit_ids is not None:
            qs = qs.filter(unit_id__in=list(unit_ids))
        if len(entries) == 1 and entries[0].filters:
            qs = qs.filter(**entries[0].filters)
        period = next((entry.period_field for entry in entries if entry.period_field), "")
        tell = next((key for entry in entries for key in entry.filters), "") if len(entries) > 1 else ""
        qs = (
            qs.order_by()
            .annotate(  # no ORDER BY inside a compound statement (SQLite)
                x_group=Value(index, output_field=IntegerField()),
                x_title=text(entries[0].title_field),
                x_period=text(period),
                x_tell=text(tell),
            )
            .values_list(
                "x_group",
                "pk",
                "unit_id",
                "requirement_id",
                "status",
                "on_time",
                "submitted_at",
                "reviewed_at",
                "x_title",
                "x_period",
                "x_tell",
            )
        )
        queries.append(qs)
        shapes.append((entries, tell, {entry.kind: bool(entry.period_field) for entry in entries}))
    combined = queries[0].union(*queries[1:], all=True)
    rows = []
    for group, pk, unit_id, requirement_id, status, on_time, submitted, reviewed, title, period, told in combined:
        entries, tell, has_period = shapes[group]
        for entry in entries:
            if not tell or all(str(wanted) == told for wanted in entry.filters.values()):
                rows.append(
                    SubmissionRow(
                        entry.kind,
                        pk,
                        unit_id,
                        requirement_id,
                        status,
                        on_time,
                        submitted,
                        reviewed,
                        title or "",
                        (period or "") if has_period[entry.kind] else "",
                    )
                )
                break
    return rows


def _rows_for_model(entries, requirement_ids, unit_ids) -> list[SubmissionRow]:
    model = entries[0].model
    filter_fields = sorted({key for entry in entries for key in entry.filters})
    period_fields = sorted({entry.period_field for entry in entries if entry.period_field})
    qs = model._default_manager.filter(requirement_id__in=requirement_ids)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    if len(entries) == 1 and entries[0].filters:
        qs = qs.filter(**entries[0].filters)
    columns = ["pk", "unit_id", "requirement_id", "status", "on_time", "submitted_at", "reviewed_at"]
    rows = []
    for values in qs.values(*columns, *{entry.title_field for entry in entries}, *filter_fields, *period_fields):
        for entry in entries:
            if all(values[key] == wanted for key, wanted in entry.filters.items()):
                base = [values[c] for c in columns]
                period = str(values[entry.period_field] or "") if entry.period_field else ""
                rows.append(SubmissionRow(entry.kind, *base, str(values[entry.title_field] or ""), period))
                break
    return rows
