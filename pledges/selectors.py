"""Scoped reads of the pledges app: every query a page makes goes through here."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, F, Prefetch, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign_portal.core import access
from campaign_portal.core.models import COUNTED_STATUSES, ReviewStatus
from campaign_portal.core.text import fold
from directives import registry
from directives.models import Requirement

from .models import Commitment, CommitmentCategory, Dissemination, EmulationPlan, Target, TargetProgress
from .rules import quota_bounds, requirements_owed_by

# Model slugs used in URLs shared by every kind (transition, delete, attachments).
MODELS = {"quan-triet": Dissemination, "ke-hoach": EmulationPlan, "dang-ky": Commitment}
SLUG_FOR_MODEL = {model: slug for slug, model in MODELS.items()}

KIND_LABELS = {
    "dissemination": _("Quán triệt"),
    "emulation_plan": _("Kế hoạch phát động thi đua"),
    CommitmentCategory.BREAKTHROUGH_THEME: CommitmentCategory.BREAKTHROUGH_THEME.label,
    CommitmentCategory.DIFFICULT_FIELD: CommitmentCategory.DIFFICULT_FIELD.label,
}
OWED_STATUS_LABELS = {
    "not_started": _("Chưa thực hiện"),
    "draft": _("Đang soạn"),
    "submitted": _("Đã gửi, chờ duyệt"),
    "returned": _("Bị trả lại"),
    "accepted": _("Đã chấp nhận"),
    "overdue": _("Quá hạn"),
}


def _can_write(user, obj) -> bool:
    return access.can_write_unit(user, obj.unit)


def _visible(model, user) -> QuerySet:
    related = ["unit", "requirement__directive", "created_by", "submitted_by", "reviewed_by"]
    return access.scope_submissions(model.objects.select_related(*related), user)


def get_submission_for_user(model, user, pk, write: bool = False):
    """Any pledges record: 404 when invisible (another unit's draft), 403 when visible but not writable."""
    return access.get_object_for_user(_visible(model, user), pk, user=user, write=write, can_write=_can_write)


def get_target_for_user(user, pk, write: bool = False) -> Target:
    """A target, visible when its plan or commitment is."""
    qs = Target.objects.select_related(
        "plan__unit", "commitment__unit", "plan__requirement__directive", "commitment__requirement__directive"
    )
    plans = access.scope_submissions(EmulationPlan.objects.all(), user)
    commitments = access.scope_submissions(Commitment.objects.all(), user)
    qs = qs.filter(Q(plan__in=plans) | Q(commitment__in=commitments))
    return access.get_object_for_user(qs, pk, user=user, write=write, can_write=lambda u, t: _can_write(u, t.owner))


def get_attachment_for_user(user, pk):
    from .models import Attachment

    visible = (
        Q(dissemination__in=access.scope_submissions(Dissemination.objects.all(), user))
        | Q(plan__in=access.scope_submissions(EmulationPlan.objects.all(), user))
        | Q(commitment__in=access.scope_submissions(Commitment.objects.all(), user))
    )
    qs = Attachment.objects.filter(visible).select_related("dissemination__unit", "plan__unit", "commitment__unit")
    return access.get_object_for_user(qs, pk, user=user)


# --- "What my unit owes" ------------------------------------------------------------------------


@dataclass
class OwedRow:
    requirement: Requirement
    status: str
    submissions: list = field(default_factory=list)
    create_url: str = ""
    quota_min: int | None = None
    quota_max: int | None = None
    counted: int = 0
    overdue: bool = False

    @property
    def status_label(self):
        return OWED_STATUS_LABELS[self.status]

    @property
    def missing(self) -> int:
        return max(0, (self.quota_min or 0) - self.counted)

    @property
    def can_add(self) -> bool:
        return bool(self.create_url) and (self.quota_max is None or self.counted < self.quota_max)

    @property
    def actionable(self) -> bool:
        """The unit can act on it now: a draft to send, a returned record to fix, or a record still to add.

        A row whose records all wait for review is not (the reviewer acts), whatever its deadline says.
        """
        if any(s["row"].status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED) for s in self.submissions):
            return True
        return self.can_add and self.counted < (self.quota_min or 1)


def _owed_status(rows, *, past_deadline: bool) -> str:
    statuses = {row.status for row in rows if row.counts_toward_quota}
    sent = statuses & {ReviewStatus.SUBMITTED, ReviewStatus.ACCEPTED}
    if not statuses:
        return "overdue" if past_deadline else "not_started"
    if ReviewStatus.RETURNED in statuses:
        return "returned"
    if ReviewStatus.DRAFT in statuses:
        return "overdue" if past_deadline and not sent else "draft"
    if ReviewStatus.SUBMITTED in statuses:
        return "submitted"
    return "accepted"


def owed_rows(unit) -> list[OwedRow]:
    """Every requirement the unit owes with its status and quota.

    Queries: requirements (1) + requirement_unit_map (3) + one per registered submission kind.
    """
    if unit is None:
        return []
    requirements = requirements_owed_by(unit)
    by_requirement = defaultdict(list)
    for row in registry.submission_rows(requirement_ids=[r.pk for r in requirements], unit_ids=[unit.pk]):
        entry = registry.get_kind(row.kind)
        row_url = entry.detail_url_for(row.pk) if entry else ""
        by_requirement[row.requirement_id].append((row, row_url))
    today = timezone.localdate()
    result = []
    for requirement in requirements:
        pairs = sorted(by_requirement.get(requirement.pk, []), key=lambda pair: pair[0].pk)
        rows = [row for row, _url in pairs]
        past = requirement.deadline is not None and requirement.deadline < today
        entry = registry.get_kind(requirement.kind)
        minimum, maximum = quota_bounds(requirement)
        result.append(
            OwedRow(
                requirement=requirement,
                status=_owed_status(rows, past_deadline=past),
                submissions=[
                    {"row": row, "url": url, "status_label": ReviewStatus(row.status).label}
                    for row, url in pairs
                    if row.status != ReviewStatus.WITHDRAWN
                ],
                create_url=entry.create_url_for(requirement.pk) if entry else "",
                quota_min=minimum,
                quota_max=maximum,
                counted=sum(1 for row in rows if row.status in COUNTED_STATUSES),
                overdue=past,
            )
        )
    return result


# --- Lists across kinds -------------------------------------------------------------------------

_LIST_FIELDS = (
    "kind",
    "obj_id",
    "obj_title",
    "obj_status",
    "obj_unit",
    "unit_name",
    "directive_number",
    "changed_at",
    "sent_at",
    "obj_on_time",
    "slug",
)


def _rows(model, qs: QuerySet) -> QuerySet:
    kind = (
        F("category")
        if model is Commitment
        else Value("dissemination" if model is Dissemination else "emulation_plan", output_field=CharField())
    )
    return (
        qs.annotate(
            kind=kind,
            obj_id=F("pk"),
            obj_title=F("title"),
            obj_status=F("status"),
            obj_unit=F("unit_id"),
            unit_name=F("unit__name"),
            directive_number=F("requirement__directive__number"),
            changed_at=F("updated_at"),
            sent_at=F("submitted_at"),
            obj_on_time=F("on_time"),
            slug=Value(SLUG_FOR_MODEL[model], output_field=CharField()),
        )
        .order_by()
        .values(*_LIST_FIELDS)
    )


def _union(querysets: dict) -> QuerySet:
    parts = [_rows(model, qs) for model, qs in querysets.items()]
    first, *rest = parts
    return first.union(*rest, all=True) if rest else first


def _filtered(model, qs, *, kind="", status="", unit_id=None, directive_id=None, query=""):
    if kind:
        wanted = {"dissemination": Dissemination, "emulation_plan": EmulationPlan}.get(kind, Commitment)
        if model is not wanted:
            return qs.none()
        if model is Commitment:
            qs = qs.filter(category=kind)
    if status:
        qs = qs.filter(status=status)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if directive_id:
        qs = qs.filter(requirement__directive_id=directive_id)
    if query:
        qs = qs.filter(search_text__contains=fold(query))  # accents and case ignored: "giai phong" finds "Giải phóng"
    return qs


def submission_list_for(user, **filters) -> QuerySet:
    """Every pledges record the user may see (their unit's drafts; others' only once sent), newest first.

    One UNION query (plus one COUNT for pagination), whatever the number of units and kinds.
    """
    querysets = {
        model: _filtered(model, access.scope_submissions(model.objects.all(), user), **filters)
        for model in (Dissemination, EmulationPlan, Commitment)
    }
    return _union(querysets).order_by("-changed_at", "-obj_id")


def review_queue_for(user, **filters) -> QuerySet:
    """Records awaiting review by this user: submitted, in the units the user reviews."""
    querysets = {}
    for model in (Dissemination, EmulationPlan, Commitment):
        qs = access.scope_units(model.objects.filter(status=ReviewStatus.SUBMITTED), user, mode="review")
        querysets[model] = _filtered(model, qs, **filters)
    return _union(querysets).order_by("sent_at", "obj_id")


def filter_units_for(user) -> list:
    """Units a reader may filter the list by: everyone who files (not the province itself)."""
    from campaign_portal.core.models import UnitKind

    qs = access.readable_units(user).exclude(kind=UnitKind.PROVINCE).only("pk", "name", "path", "kind")
    return list(qs.order_by("path"))


def decorate_rows(rows) -> list[dict]:
    """Labels and URLs for list rows (no query)."""
    from django.urls import reverse

    detail = {
        "quan-triet": "pledges:dissemination_detail",
        "ke-hoach": "pledges:emulation_plan_detail",
        "dang-ky": "pledges:commitment_detail",
    }
    result = []
    for row in rows:
        result.append(
            {
                **row,
                "kind_label": KIND_LABELS.get(row["kind"], row["kind"]),
                "status_label": ReviewStatus(row["obj_status"]).label,
                "url": reverse(detail[row["slug"]], kwargs={"pk": row["obj_id"]}),
            }
        )
    return result


# --- Targets with progress ----------------------------------------------------------------------


def targets_with_progress(owner) -> list[Target]:
    """The owner's targets with their updates (2 queries), the latest value and achievement attached."""
    kwargs = {"plan": owner} if isinstance(owner, EmulationPlan) else {"commitment": owner}
    targets = list(
        Target.objects.filter(**kwargs).prefetch_related(
            Prefetch(
                "progress", queryset=TargetProgress.objects.select_related("created_by").order_by("reported_on", "id")
            )
        )
    )
    for target in targets:
        updates = list(target.progress.all())
        target.updates = updates
        target.latest = updates[-1] if updates else None
        target.achievement_pct = target.achievement(target.latest.actual_value) if target.latest else None
        target.late_count = sum(1 for update in updates if update.is_late)
    return targets
