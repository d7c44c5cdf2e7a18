"""Scoped reads of key works: every list and object goes through the user's unit scope.

`reports` may import this module (key_work_summary, key_works_visible_to); `pledges` must not.
"""

import copy
import datetime
import functools
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from campaign_portal.core import access
from campaign_portal.core.compiled import compiled
from campaign_portal.core.models import COUNTED_STATUSES, ReviewStatus, Unit, UnitKind
from campaign_portal.core.text import fold, nfc
from directives import freshness, obligations
from directives.models import DirectiveStatus, Milestone, Requirement, RequirementKind

from .models import KeyWork, ProgressPhoto, ProgressUpdate, Risk, WorkKind
from .rules import key_work_risk, risk_days, risk_expression, risk_progress, risk_rank_expression

__all__ = [
    "key_work_risk",
    "key_works_visible_to",
    "get_key_work_for_user",
    "key_work_table",
    "key_work_table_rows",
    "key_work_summary",
    "key_work_requirements_for",
    "progress_timeline",
    "get_photo_for_user",
    "quota_used",
]

SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "unit": ("unit__name", "planned_date", "id"),
    "-unit": ("-unit__name", "planned_date", "id"),
    "planned": ("planned_date", "id"),
    "-planned": ("-planned_date", "id"),
    "investment": ("total_investment", "id"),
    "-investment": ("-total_investment", "id"),
    "progress": ("latest_progress", "id"),
    "-progress": ("-latest_progress", "id"),
    "risk": ("risk_rank", "planned_date", "id"),
    "-risk": ("-risk_rank", "planned_date", "id"),
}
DEFAULT_SORT = "planned"


def key_works_visible_to(*, user, today: datetime.date | None = None):
    """Works the user may read (drafts only for their own unit), with `risk` annotated."""
    today = today or timezone.localdate()
    qs = KeyWork.objects.select_related("unit", "commune", "milestone", "requirement__directive")
    return access.scope_submissions(qs, user).annotate(risk=risk_expression(today), risk_rank=risk_rank_expression())


def _can_write(user, work) -> bool:
    return access.can_write_unit(user, work.unit)


def get_key_work_for_user(*, user, pk, write: bool = False):
    """404 when invisible, 403 when visible but not the user's own unit's work."""
    return access.get_object_for_user(key_works_visible_to(user=user), pk, user=user, write=write, can_write=_can_write)


def get_photo_for_user(*, user, pk):
    """A photo of a work the user may read (404 otherwise)."""
    visible = key_works_visible_to(user=user).values("pk")
    return access.get_object_for_user(
        ProgressPhoto.objects.select_related("update__key_work").filter(update__key_work__in=visible), pk, user=user
    )


@dataclass
class TableFilters:
    unit: int | None = None
    kind: str = ""
    work_status: str = ""
    status: str = ""
    milestone: int | None = None
    risk: str = ""
    q: str = ""
    sort: str = DEFAULT_SORT
    extra: dict = field(default_factory=dict)


def key_work_table(*, user, filters: TableFilters | None = None, today=None, visible=None):
    """The province table (or the officer's own): filtered and sorted in SQL, rows need no extra query.

    `visible`: `key_works_visible_to(user=user)` when the caller already has it (a page that also
    shows the summary builds the scope's conditions once).
    """
    filters = filters or TableFilters()
    qs = visible if visible is not None else key_works_visible_to(user=user, today=today)
    if filters.unit:
        unit = Unit.objects.filter(pk=filters.unit).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.work_status:
        qs = qs.filter(work_status=filters.work_status)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.milestone:
        qs = qs.filter(milestone_id=filters.milestone)
    if filters.risk:
        qs = qs.filter(risk=filters.risk)
    if filters.q:
        qs = qs.filter(search_text__contains=fold(filters.q))
    return qs.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


# The columns of the list page's rows (`key_work_table_rows`): what the table shows, nothing more.
ROW_FIELDS = (
    "pk",
    "name",
    "milestone__name",
    "milestone__date",
    "unit__name",
    "unit__short_name",
    "kind",
    "planned_date",
    "total_investment",
    "latest_progress",
    "status",
    "work_status",
    "risk",
)


def key_work_table_rows(*, user, filters: TableFilters | None = None, today=None, visible=None):
    """`key_work_table` as plain rows of the list page's columns (no model instances, no joined columns
    the page does not show)."""
    return key_work_table(user=user, filters=filters, today=today, visible=visible).values(*ROW_FIELDS)


class CompiledRows:
    """`key_work_table_rows` for a Paginator, its SQL compiled once per key (the user's scope as
    access.scope_key gives it, the day and the filters) and then reused: building the scoped query
    with its risk expression and compiling it cost the ORM more than the database spent answering.
    The SQL is a function of the key alone (no data in it), so it never goes stale; the rows are
    read afresh every time. Slicing reads rows (dicts of ROW_FIELDS), `count()` counts them."""

    def __init__(self, make, *, key):
        self._make = make  # () -> the rows' queryset (key_work_table_rows)
        self._key = key

    def _fetch(self, what, make_sql) -> list[tuple]:
        found = compiled((__name__, what, self._key), make_sql, empty=("", (), ()))
        sql, params, names = found
        if sql is None:  # rows that need the ORM's conversions: not compiled ahead
            return None
        if not sql:
            return []
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]

    def count(self) -> int:
        def compile_count():
            sql, params = self._make().order_by().values("pk").query.sql_with_params()
            return f"SELECT COUNT(*) FROM ({sql}) counted", params, ("n",)  # noqa: S608 - the ORM's SQL, values as params

        found = self._fetch("count", compile_count)
        return found[0]["n"] if found else 0

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]

        def compile_rows():
            qs = self._make()[index]
            compiler = qs.query.get_compiler(qs.db)
            sql, params = compiler.as_sql()
            if compiler.get_converters([col for col, *_rest in compiler.select]):
                return None, (), ()
            query = qs.query
            return sql, params, (*query.extra_select, *query.values_select, *query.annotation_select)

        found = self._fetch(("rows", index.start, index.stop), compile_rows)
        return list(self._make()[index]) if found is None else found

    def __iter__(self):
        return iter(self[:])

    def __len__(self) -> int:
        return self.count()


def key_work_page_rows(*, user, filters: TableFilters | None = None, today=None):
    """`key_work_table_rows` as CompiledRows (its SQL kept per scope, day and filters); a unit filter
    reads the unit's path from the database, so that case is not kept (the plain queryset)."""
    filters = filters or TableFilters()
    today = today or timezone.localdate()
    if filters.unit or filters.extra:
        return key_work_table_rows(user=user, filters=filters, today=today)
    key = (
        "projects.rows",
        access.scope_key(user),
        today,
        risk_days(),
        risk_progress(),
        filters.kind,
        filters.work_status,
        filters.status,
        filters.milestone,
        filters.risk,
        filters.q,
        filters.sort,
    )
    return CompiledRows(lambda: key_work_table_rows(user=user, filters=filters, today=today), key=key)


def filter_choices(*, user) -> dict:
    """Districts and milestones for the filter bar: `units` is read only when the bar shows or checks
    it (officers never see it), `milestones` in one query."""

    @functools.cache
    def units():  # kept per data version and reader (units are watched); officers never ask
        scope = access.scope_for(user)
        districts = access.readable_units(user).filter(kind=UnitKind.DISTRICT).order_by("sort_order", "name")
        return freshness.memo(
            ("projects.districts", scope.role, scope.unit and scope.unit.pk), lambda: tuple(districts), small=True
        )

    def milestones():  # kept per data version: milestones and key works are watched (directives.freshness)
        return tuple(Milestone.objects.filter(key_works__isnull=False).distinct().order_by("date"))

    return {"units": units, "milestones": freshness.memo(("projects.milestones",), milestones, small=True)}


def key_work_summary(
    *, user, today: datetime.date | None = None, unit_ids=None, requirement_ids=None, visible=None
) -> dict:
    """Counts for dashboards: by risk, kind, work status and review status, plus money (one query).

    One grouped query (risk × kind × review status, a few dozen rows at most) summed here: the risk
    expression is compiled once instead of once per counted risk. `visible` as in `key_work_table`.
    """
    qs = visible if visible is not None else key_works_visible_to(user=user, today=today)
    qs = qs.exclude(status=ReviewStatus.WITHDRAWN)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    if requirement_ids is not None:
        qs = qs.filter(requirement_id__in=list(requirement_ids))
    groups = qs.order_by().values("risk", "kind", "status").annotate(n=Count("id"), money=Sum("total_investment"))
    return _summed(groups)


def key_work_summary_of_rows(rows) -> dict:
    """`key_work_summary` counted from the list page's rows (`key_work_table_rows`) when they are the
    whole unfiltered list: the same totals without a second query (withdrawn works left out as there)."""
    groups = [
        {"risk": row["risk"], "kind": row["kind"], "status": row["status"], "n": 1, "money": row["total_investment"]}
        for row in rows
        if row["status"] != ReviewStatus.WITHDRAWN
    ]
    return _summed(groups)


def _summed(groups) -> dict:
    totals = dict.fromkeys(_SUMMARY_KEYS, 0)
    for group in groups:
        n = group["n"]
        totals["total"] += n
        totals["investment"] += group["money"] or 0
        for key, value in (("risk", group["risk"]), ("kind", group["kind"]), ("status", group["status"])):
            counted = _SUMMARY_COUNTS.get((key, value))
            if counted:
                totals[counted] += n
    return totals


# What key_work_summary counts: (grouped column, value) → the summary's key.
_SUMMARY_COUNTS = {
    ("risk", Risk.AT_RISK): "at_risk",
    ("risk", Risk.LATE): "late",
    ("risk", Risk.ON_TRACK): "on_track",
    ("risk", Risk.DONE): "done",
    ("risk", Risk.CANCELLED): "cancelled",
    ("kind", WorkKind.GROUNDBREAKING): "groundbreaking",
    ("kind", WorkKind.INAUGURATION): "inauguration",
    ("status", ReviewStatus.ACCEPTED): "accepted",
    ("status", ReviewStatus.SUBMITTED): "submitted",
}
_SUMMARY_KEYS = ("total", "investment", *_SUMMARY_COUNTS.values())


def key_work_counts_by_unit(*, user, today: datetime.date | None = None, requirement_ids=None) -> dict:
    """{unit_id: {total, at_risk, late, done, investment}} for a dashboard or matrix (one query)."""
    qs = key_works_visible_to(user=user, today=today).exclude(status=ReviewStatus.WITHDRAWN)
    if requirement_ids is not None:
        qs = qs.filter(requirement_id__in=list(requirement_ids))
    rows = (
        qs.order_by()
        .values("unit_id")
        .annotate(
            total=Count("id"),
            at_risk=Count("id", filter=Q(risk=Risk.AT_RISK)),
            late=Count("id", filter=Q(risk=Risk.LATE)),
            done=Count("id", filter=Q(risk=Risk.DONE)),
            investment=Sum("total_investment"),
        )
    )
    return {row.pop("unit_id"): row for row in rows}


def key_work_requirements_for(*, user):
    """Key-works requirements the officer's unit owes (the obligations engine), with quota use as `used`.

    The engine's ledger of the published key-works requirements for every unit: one answer kept per
    data version (directives.freshness) and shared by every officer, instead of a run of the whole
    engine over every kind of requirement for each officer's page load.
    """
    scope = access.scope_for(user)
    if not scope.is_officer or scope.unit is None:
        return []
    with freshness.pinned():  # the requirements and the ledger: one read of the data version
        reqs = freshness.memo(("projects.key_works_requirements",), _published_key_works_requirements, small=True)
        if not reqs:
            return []
        ledger = obligations.obligations(requirements=reqs)
    result = []
    for kept in reqs:
        obligation = ledger.get(kept.pk, scope.unit.pk)
        if obligation.applies:
            requirement = copy.copy(kept)  # the kept instances are shared by every page load
            requirement.used = obligation.counted
            requirement.obligation = obligation
            result.append(requirement)
    return sorted(result, key=lambda r: (r.directive.issued_on or datetime.date.min, r.position, r.pk))


def _published_key_works_requirements() -> tuple:
    return tuple(
        Requirement.objects.filter(directive__status=DirectiveStatus.PUBLISHED, kind=RequirementKind.KEY_WORKS)
        .select_related("directive__campaign")
        .order_by("id")
    )


def quota_used(*, requirement_id: int, unit_id: int) -> int:
    return KeyWork.objects.filter(requirement_id=requirement_id, unit_id=unit_id, status__in=COUNTED_STATUSES).count()


def progress_timeline(*, work):
    """The work's updates, newest first, with their photos (two queries)."""
    return list(
        ProgressUpdate.objects.filter(key_work=work)
        .select_related("created_by")
        .prefetch_related(Prefetch("photos", queryset=ProgressPhoto.objects.order_by("id")))
        .order_by("-reported_on", "-id")
    )


def progress_update_same_as(*, work: KeyWork, reported_on, physical_progress, capital_disbursed, note, photo_names=()):
    """An update already saved with exactly these values (a double submit, a re-uploaded file), or None."""
    candidates = ProgressUpdate.objects.filter(
        key_work=work,
        reported_on=reported_on,
        physical_progress=physical_progress,
        capital_disbursed=capital_disbursed or 0,
        note=nfc(note or "").strip(),
    ).prefetch_related("photos")
    wanted = sorted(photo_names)
    for update in candidates:
        if sorted(photo.filename for photo in update.photos.all()) == wanted:
            return update
    return None


def key_works_report_data(*, unit_ids=None, requirement_ids=None, cutoff: datetime.date) -> list[dict]:
    """Key works (not drafts, not withdrawn) with progress and risk on the cut-off day, as plain data for
    reports (one query); registered as the key-works kind's `report_data` hook."""
    qs = KeyWork.objects.exclude(status__in=[ReviewStatus.WITHDRAWN, ReviewStatus.DRAFT]).select_related("unit")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    if requirement_ids is not None:
        qs = qs.filter(requirement_id__in=list(requirement_ids))
    return [
        {
            "id": work.pk,
            "name": work.name,
            "unit_id": work.unit_id,
            "unit_name": work.unit.name,
            "status": work.status,
            "kind": work.kind,
            "work_status": work.work_status,
            "progress": int(work.latest_progress or 0),
            "planned_date": _iso(work.planned_date),
            "total_investment": int(work.total_investment or 0),
            "risk": str(key_work_risk(work, cutoff)),
        }
        for work in qs.order_by("unit__path", "planned_date", "pk")
    ]


def _iso(day) -> str | None:
    return day.isoformat() if day else None
