"""Scoped reads of key works: every list and object goes through the user's unit scope.

`reports` may import this module (key_work_summary, key_works_visible_to); `pledges` must not.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from campaign_portal.core import access
from campaign_portal.core.models import COUNTED_STATUSES, ReviewStatus, Unit, UnitKind
from campaign_portal.core.text import fold, nfc
from directives import obligations
from directives.models import Milestone, RequirementKind

from .models import KeyWork, ProgressPhoto, ProgressUpdate, Risk, WorkKind
from .rules import key_work_risk, risk_expression, risk_rank_expression

__all__ = [
    "key_work_risk",
    "key_works_visible_to",
    "get_key_work_for_user",
    "key_work_table",
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


def key_work_table(*, user, filters: TableFilters | None = None, today=None):
    """The province table (or the officer's own): filtered and sorted in SQL, rows need no extra query."""
    filters = filters or TableFilters()
    qs = key_works_visible_to(user=user, today=today)
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


def filter_choices(*, user) -> dict:
    """Districts and milestones for the filter bar (two queries)."""
    units = access.readable_units(user).filter(kind=UnitKind.DISTRICT).order_by("sort_order", "name")
    milestones = Milestone.objects.filter(key_works__isnull=False).distinct().order_by("date")
    return {"units": list(units), "milestones": list(milestones)}


def key_work_summary(*, user, today: datetime.date | None = None, unit_ids=None, requirement_ids=None) -> dict:
    """Counts for dashboards: by risk, kind, work status and review status, plus money (one query)."""
    qs = key_works_visible_to(user=user, today=today).exclude(status=ReviewStatus.WITHDRAWN)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    if requirement_ids is not None:
        qs = qs.filter(requirement_id__in=list(requirement_ids))
    totals = qs.aggregate(
        total=Count("id"),
        investment=Sum("total_investment"),
        at_risk=Count("id", filter=Q(risk=Risk.AT_RISK)),
        late=Count("id", filter=Q(risk=Risk.LATE)),
        on_track=Count("id", filter=Q(risk=Risk.ON_TRACK)),
        done=Count("id", filter=Q(risk=Risk.DONE)),
        cancelled=Count("id", filter=Q(risk=Risk.CANCELLED)),
        groundbreaking=Count("id", filter=Q(kind=WorkKind.GROUNDBREAKING)),
        inauguration=Count("id", filter=Q(kind=WorkKind.INAUGURATION)),
        accepted=Count("id", filter=Q(status=ReviewStatus.ACCEPTED)),
        submitted=Count("id", filter=Q(status=ReviewStatus.SUBMITTED)),
    )
    totals["investment"] = totals["investment"] or 0
    return totals


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
    """Key-works requirements the officer's unit owes (the obligations engine), with quota use as `used`."""
    scope = access.scope_for(user)
    if not scope.is_officer:
        return []
    result = []
    for requirement, obligation in obligations.obligations_of_unit(scope.unit):
        if requirement.kind == RequirementKind.KEY_WORKS and obligation.applies:
            requirement.used = obligation.counted
            requirement.obligation = obligation
            result.append(requirement)
    return sorted(result, key=lambda r: (r.directive.issued_on or datetime.date.min, r.position, r.pk))


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
