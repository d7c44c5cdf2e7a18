"""Every write of the pledges app: create, edit, delete, attach, review transitions, progress.

Quotas are enforced here (not only in forms): the unit's row is locked, the unit's counted
records for the requirement are counted, and a record beyond the requirement's maximum is
refused with a message naming the directive and the quota.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign_portal.core import access, numbers, review
from campaign_portal.core.audit import audit_record, diff, snapshot
from campaign_portal.core.models import COUNTED_STATUSES, ReviewStatus, Unit
from campaign_portal.core.text import fold, nfc
from campaign_portal.core.uploads import upload_check, upload_store
from directives import obligations, registry
from directives.models import Requirement

from .models import (
    Attachment,
    Commitment,
    Dissemination,
    EmulationPlan,
    ResultReport,
    Target,
    TargetEvidence,
    TargetProgress,
)

# How many days after the date it reports a progress update may be entered before it is "late".
PROGRESS_GRACE_DAYS = 15

DISSEMINATION_FIELDS = [
    "period",
    "title",
    "held_on",
    "form",
    "leaders",
    "civil_servants",
    "party_members",
    "workers",
    "attendees_total",
    "notes",
]
PLAN_FIELDS = ["period", "document_number", "document_date", "title", "content"]
COMMITMENT_FIELDS = ["period", "field", "title", "description", "expected_result"]
TARGET_FIELDS = ["name", "unit_of_measure", "baseline", "target_value", "due_date", "position"]

ATTACHMENT_KINDS = Attachment.upload_kinds  # minutes, plans and photos


class QuotaExceeded(ValidationError):
    """The unit already has the requirement's maximum number of records."""


@dataclass(frozen=True)
class Quota:
    minimum: int | None
    maximum: int | None
    used: int

    @property
    def full(self) -> bool:
        return self.maximum is not None and self.used >= self.maximum

    @property
    def missing(self) -> int:
        return max(0, (self.minimum or 0) - self.used)


def _action(obj, verb: str) -> str:
    return f"pledges.{obj._meta.model_name}.{verb}"


# --- Quotas -------------------------------------------------------------------------------------


def _counted(*, unit, requirement, lock: bool):
    entry = registry.kind_for_requirement(requirement)
    qs = entry.queryset().filter(unit=unit, requirement=requirement, status__in=COUNTED_STATUSES)
    if lock:
        qs = qs.select_for_update()
    return len(list(qs.values_list("pk", flat=True))) if lock else qs.count()


def quota_for(*, unit, requirement) -> Quota:
    """The quota and how much of it the unit has used (for forms and pages; services re-check under lock)."""
    minimum, maximum = obligations.quota_bounds(requirement)
    return Quota(minimum, maximum, _counted(unit=unit, requirement=requirement, lock=False))


def quota_message(requirement: Requirement, maximum: int) -> str:
    return _(
        "Không thể thêm: %(directive)s chỉ cho phép mỗi đơn vị tối đa %(max)02d “%(what)s” "
        "và đơn vị đã có đủ %(max)02d. Hãy sửa hoặc rút một hồ sơ đã có trước khi thêm mới."
    ) % {"directive": str(requirement.directive), "max": maximum, "what": requirement.get_kind_display().lower()}


def _check_quota(*, unit, requirement, model, period: str = "", exclude_pk=None) -> None:
    """Lock the unit (so two concurrent creations serialise) and its rows, then count.

    A recurring ask's quota is per period: the engine checks the period named (one of the
    requirement's, begun, not yet filed), the message going beside the period field.
    """
    Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True).first()
    if period or obligations.recurs(requirement):
        try:
            obligations.check_period(requirement, unit.pk, period, exclude_pk=exclude_pk)
        except ValidationError as exc:
            raise ValidationError({"period": exc.error_list}) from exc
        return
    maximum = obligations.quota_bounds(requirement)[1]
    used = _counted(unit=unit, requirement=requirement, lock=True)
    if maximum is not None and used >= maximum:
        raise QuotaExceeded(quota_message(requirement, maximum), code="quota")


def _check_can_file(*, user, requirement, model) -> Unit:
    scope = access.scope_for(user)
    if not scope.is_officer:
        raise PermissionDenied
    unit = scope.unit
    reason = obligations.refusal(requirement, unit, model=model)
    if reason in (obligations.Refusal.NOT_APPLICABLE, obligations.Refusal.DISSOLVED):
        raise PermissionDenied(reason.label)
    if reason is not None:
        raise obligations.ObligationRefused(reason)
    return unit


# --- Create and edit ----------------------------------------------------------------------------


def _clean_text(data: dict) -> dict:
    return {key: nfc(value) if isinstance(value, str) else value for key, value in data.items()}


def dissemination_total(data: dict) -> int:
    """The stored total: what the user typed, or at least every disjoint group (and the Party members)."""
    minimum = Dissemination.minimum_total(
        leaders=data.get("leaders") or 0,
        civil_servants=data.get("civil_servants") or 0,
        party_members=data.get("party_members") or 0,
        workers=data.get("workers") or 0,
    )
    entered = data.get("attendees_total")
    if entered is not None and entered < minimum:
        raise ValidationError(
            {
                "attendees_total": _("Tổng số người tham dự (%(total)s) nhỏ hơn số người của các nhóm (%(min)s).")
                % {"total": entered, "min": minimum}
            }
        )
    return entered if entered is not None else minimum


def _create(model, *, user, requirement, fields: dict, extra: dict | None = None):
    unit = _check_can_file(user=user, requirement=requirement, model=model)
    _check_quota(unit=unit, requirement=requirement, model=model, period=(fields.get("period") or "").strip())
    obj = model(unit=unit, requirement=requirement, created_by=user, **(extra or {}), **_clean_text(fields))
    obj.search_text = fold(obj.title)[:300]
    obj.full_clean()
    obj.save()
    audit_record(
        actor=user,
        action=_action(obj, "created"),
        obj=obj,
        unit=unit,
        # Only what was filled in: an empty note is not a change worth a line in the history.
        changes={name: [None, value] for name, value in snapshot(obj, fields).items() if value not in (None, "")},
    )
    return obj


def _update(obj, *, user, expected_version: int, fields: dict, names: list[str], extra_changes=None):
    if not access.can_write_unit(user, obj.unit):
        raise PermissionDenied
    if not obj.is_editable:
        raise ValidationError(_("Hồ sơ đã gửi hoặc đã được chấp nhận: không thể sửa."))
    # From the database: a ModelForm may already have copied the new values onto `obj`.
    stored = type(obj).objects.get(pk=obj.pk)
    before = snapshot(stored, names)
    if "period" in fields and (fields["period"] or "").strip() != stored.period:
        # Moved to another period: that period must be owed and have room (this record left out).
        period = (fields["period"] or "").strip()
        _check_quota(unit=obj.unit, requirement=obj.requirement, model=type(obj), period=period, exclude_pk=obj.pk)
    for name, value in _clean_text(fields).items():
        setattr(obj, name, value)
    obj.search_text = fold(obj.title)[:300]
    obj.full_clean(exclude=["version", "created_by"])
    review.save_with_version(instance=obj, expected_version=expected_version, fields=[*fields, "search_text"])
    changes = {**diff(before, snapshot(obj, names)), **(extra_changes or {})}
    if changes:
        audit_record(actor=user, action=_action(obj, "updated"), obj=obj, unit=obj.unit, changes=changes)
    return obj


@transaction.atomic
def dissemination_create(*, user, requirement: Requirement, data: dict, directives=()) -> Dissemination:
    data = {**data, "attendees_total": dissemination_total(data)}
    obj = _create(Dissemination, user=user, requirement=requirement, fields=data)
    obj.directives.set(directives or [requirement.directive])
    return obj


@transaction.atomic
def dissemination_update(
    *, user, dissemination: Dissemination, expected_version: int, data: dict, directives=None
) -> Dissemination:
    data = {**data, "attendees_total": dissemination_total(data)}
    extra = None
    if directives is not None:
        old = sorted(dissemination.directives.values_list("pk", flat=True))
        new = sorted(d.pk for d in directives)
        extra = {"directives": [old, new]} if old != new else None
    obj = _update(
        dissemination,
        user=user,
        expected_version=expected_version,
        fields=data,
        names=DISSEMINATION_FIELDS,
        extra_changes=extra,
    )
    if directives is not None:
        obj.directives.set(directives)
    return obj


@transaction.atomic
def plan_create(*, user, requirement: Requirement, data: dict, targets=()) -> EmulationPlan:
    plan = _create(EmulationPlan, user=user, requirement=requirement, fields=data)
    targets_sync(user=user, owner=plan, rows=targets)
    return plan


@transaction.atomic
def plan_update(*, user, plan: EmulationPlan, expected_version: int, data: dict, targets=None) -> EmulationPlan:
    plan = _update(plan, user=user, expected_version=expected_version, fields=data, names=PLAN_FIELDS)
    if targets is not None:
        targets_sync(user=user, owner=plan, rows=targets)
    return plan


@transaction.atomic
def commitment_create(*, user, requirement: Requirement, data: dict, targets=()) -> Commitment:
    commitment = _create(
        Commitment, user=user, requirement=requirement, fields=data, extra={"category": requirement.kind}
    )
    targets_sync(user=user, owner=commitment, rows=targets)
    return commitment


@transaction.atomic
def commitment_update(*, user, commitment: Commitment, expected_version: int, data: dict, targets=None) -> Commitment:
    commitment = _update(commitment, user=user, expected_version=expected_version, fields=data, names=COMMITMENT_FIELDS)
    if targets is not None:
        targets_sync(user=user, owner=commitment, rows=targets)
    return commitment


# --- Targets ------------------------------------------------------------------------------------


def _decimal_text(value) -> str | None:
    """5.20 from the database and 5.2 from a form are the same number: one text for both."""
    if value is None:
        return None
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def _target_snapshot(target) -> dict:
    values = snapshot(target, TARGET_FIELDS)
    return {**values, "baseline": _decimal_text(target.baseline), "target_value": _decimal_text(target.target_value)}


def _owner_kwargs(owner) -> dict:
    return {"plan": owner} if isinstance(owner, EmulationPlan) else {"commitment": owner}


def _check_target_numbers(row: dict) -> None:
    errors = numbers.target_errors(
        unit_of_measure=row.get("unit_of_measure"),
        baseline=row.get("baseline"),
        target_value=row.get("target_value"),
        confirmed=bool(row.get("confirm")),
    )
    if errors:
        raise ValidationError(errors)


def targets_sync(*, user, owner, rows, audit: bool = True) -> None:
    """Make the owner's targets match `rows` (dicts with optional `id` and `DELETE`); callers hold a transaction."""
    existing = {t.pk: t for t in Target.objects.filter(**_owner_kwargs(owner))}
    changes = {}
    position = 0
    for row in rows:
        target = existing.get(row.get("id"))
        if row.get("DELETE"):
            if target is not None and target.progress.exists():
                raise ValidationError(
                    _("Chỉ tiêu “%(name)s” đã có số liệu tiến độ nên không xóa được.") % {"name": target.name}
                )
            if target is not None:
                changes[f"target:{target.name}"] = [target.name, None]
                target.delete()
            continue
        position += 1
        _check_target_numbers(row)
        values = {name: row.get(name) for name in TARGET_FIELDS if name != "position"}
        values = {**_clean_text(values), "position": position, "unit_of_measure": values.get("unit_of_measure") or ""}
        if target is None:
            target = Target(**_owner_kwargs(owner), **values)
            target.full_clean()
            target.save()
            changes[f"target:{target.name}"] = [None, _decimal_text(target.target_value)]
        else:
            before = _target_snapshot(target)
            for name, value in values.items():
                setattr(target, name, value)
            target.full_clean()
            target.save()
            for name, pair in diff(before, _target_snapshot(target)).items():
                if name != "position":
                    changes[f"{target.name}.{name}"] = pair
    if audit and changes:
        audit_record(actor=user, action=_action(owner, "targets"), obj=owner, unit=owner.unit, changes=changes)


@transaction.atomic
def targets_import(*, user, owner, rows: list[dict]) -> int:
    """Append already-validated target rows to an editable plan or commitment, all or nothing."""
    _check_owner_writable(user=user, owner=owner)
    start = Target.objects.filter(**_owner_kwargs(owner)).count()
    for offset, row in enumerate(rows, start=1):
        _check_target_numbers(row)
        target = Target(**_owner_kwargs(owner), position=start + offset, **_clean_text(row))
        target.full_clean()
        target.save()
    audit_record(
        actor=user,
        action=_action(owner, "targets_imported"),
        obj=owner,
        unit=owner.unit,
        changes={"targets": [start, start + len(rows)]},
    )
    _bump_version(owner)
    return len(rows)


def _bump_version(owner) -> None:
    """Adding rows changes the record: open edit forms must notice (optimistic lock)."""
    type(owner).objects.filter(pk=owner.pk).update(version=owner.version + 1, updated_at=timezone.now())
    owner.version += 1


def _check_owner_writable(*, user, owner) -> None:
    if not access.can_write_unit(user, owner.unit):
        raise PermissionDenied
    if not owner.is_editable:
        raise ValidationError(_("Hồ sơ đã gửi hoặc đã được chấp nhận: không thể sửa."))


# --- Progress on targets ------------------------------------------------------------------------


def progress_is_late(*, reported_on: datetime.date, entered_on: datetime.date, due_date: datetime.date | None) -> bool:
    """Late when entered long after the date it reports, or when it reports past the target's due date."""
    if (entered_on - reported_on).days > PROGRESS_GRACE_DAYS:
        return True
    return due_date is not None and reported_on > due_date


@transaction.atomic
def progress_add(
    *,
    user,
    target: Target,
    reported_on: datetime.date,
    actual_value: Decimal,
    note: str = "",
    evidence=None,
    confirmed: bool = False,
) -> TargetProgress:
    owner = target.owner
    if not access.can_write_unit(user, owner.unit):
        raise PermissionDenied
    if owner.status not in (ReviewStatus.SUBMITTED, ReviewStatus.ACCEPTED, ReviewStatus.RETURNED):
        raise ValidationError(_("Chỉ cập nhật tiến độ cho hồ sơ đã gửi hoặc đã được chấp nhận."))
    today = timezone.localdate()
    if reported_on > today:
        raise ValidationError({"reported_on": _("Ngày số liệu không được sau hôm nay.")})
    previous = target.progress.order_by("-reported_on", "-id").values_list("actual_value", flat=True).first()
    errors = numbers.progress_errors(
        unit_of_measure=target.unit_of_measure,
        target_value=target.target_value,
        previous=previous,
        actual=actual_value,
        confirmed=confirmed,
    )
    if errors:
        raise ValidationError(errors)
    progress = TargetProgress(
        target=target,
        reported_on=reported_on,
        actual_value=actual_value,
        note=nfc(note),
        created_by=user,
        is_late=progress_is_late(reported_on=reported_on, entered_on=today, due_date=target.due_date),
    )
    checked = upload_check(evidence, kinds=TargetEvidence.upload_kinds) if evidence is not None else None
    progress.full_clean(exclude=["target", "created_by"])  # both loaded already: no query to find them again
    progress.save()
    if checked is not None:
        upload_store(model=TargetEvidence, uploaded=checked, user=user, progress=progress)
    audit_record(
        actor=user,
        action=_action(owner, "progress"),
        obj=owner,
        unit=owner.unit,
        changes={f"progress:{target.name}": [None, _decimal_text(actual_value)]},
        comment=progress.note,
    )
    return progress


# --- Result reports (báo cáo kết quả) ------------------------------------------------------------

REPORT_FIELDS = ["period", "title", "document_number", "document_date", "narrative", "figures"]
# The narrative is rich text typed or pasted by an officer: only structure survives, no attribute.
NARRATIVE_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote",
                  "table", "thead", "tbody", "tr", "th", "td"}  # fmt: skip
MAX_FIGURES = 50


def sanitise_narrative(html: str) -> str:
    """Rich text with scripts, styles, links and every attribute removed (nh3), NFC."""
    return nh3.clean(nfc(html or ""), tags=NARRATIVE_TAGS, attributes={}, link_rel=None).strip()


def clean_figures(rows) -> list[dict]:
    """Key figures as stored: label, value (a decimal written as text) and unit of measure."""
    result = []
    for row in list(rows or [])[:MAX_FIGURES]:
        label = nfc(str(row.get("label") or "")).strip()[:200]
        if not label:
            continue
        value = row.get("value")
        result.append(
            {
                "label": label,
                "value": str(value) if value is not None else "",
                "unit_of_measure": nfc(str(row.get("unit_of_measure") or "")).strip()[:50],
            }
        )
    return result


@transaction.atomic
def result_report_create(*, user, requirement: Requirement, data: dict, figures=()) -> ResultReport:
    """A result report for the user's unit, answering `requirement` (the engine's guard and quota)."""
    data = {**data, "narrative": sanitise_narrative(data.get("narrative", "")), "figures": clean_figures(figures)}
    return _create(ResultReport, user=user, requirement=requirement, fields=data)


@transaction.atomic
def result_report_update(*, user, report: ResultReport, expected_version: int, data: dict, figures=None):
    data = {**data, "narrative": sanitise_narrative(data.get("narrative", ""))}
    if figures is not None:
        data["figures"] = clean_figures(figures)
    return _update(report, user=user, expected_version=expected_version, fields=data, names=REPORT_FIELDS)


# --- Attachments --------------------------------------------------------------------------------


def _attachment_owner_kwargs(owner) -> dict:
    """The shared attachment model's foreign key for this record, from the kind's descriptor."""
    return {registry.kind_for_model(type(owner))[0].attachment_field: owner}


@transaction.atomic
def attachment_add(*, user, owner, uploaded) -> Attachment:
    _check_owner_writable(user=user, owner=owner)
    attachment = upload_store(model=Attachment, uploaded=uploaded, user=user, **_attachment_owner_kwargs(owner))
    audit_record(
        actor=user,
        action=_action(owner, "attached"),
        obj=owner,
        unit=owner.unit,
        changes={"attachment": [None, attachment.filename]},
    )
    return attachment


@transaction.atomic
def attachment_delete(*, user, attachment: Attachment) -> None:
    owner = attachment.owner
    _check_owner_writable(user=user, owner=owner)
    name = attachment.filename
    attachment.file.delete(save=False)
    attachment.delete()
    audit_record(
        actor=user, action=_action(owner, "detached"), obj=owner, unit=owner.unit, changes={"attachment": [name, None]}
    )


# --- Deletion and review ------------------------------------------------------------------------


@transaction.atomic
def submission_delete(*, user, submission) -> None:
    """Only a draft, only by its own unit: anything submitted is withdrawn instead, never deleted."""
    locked = type(submission).objects.select_for_update().get(pk=submission.pk)
    if not access.can_write_unit(user, locked.unit):
        raise PermissionDenied
    if locked.status != ReviewStatus.DRAFT:
        raise ValidationError(_("Chỉ xóa được bản nháp. Hồ sơ đã gửi chỉ có thể rút lại."))
    audit_record(
        actor=user,
        action=_action(locked, "deleted"),
        obj=locked,
        unit=locked.unit,
        changes={"title": [locked.title, None]},
    )
    for attachment in Attachment.objects.filter(**_attachment_owner_kwargs(locked)):
        attachment.file.delete(save=False)
    locked.delete()


def submission_transition(*, user, submission, target: str, comment: str = "", url: str = ""):
    """The shared workflow (core.review) is the only way a pledges record changes status."""
    return review.submission_transition(submission=submission, user=user, target=target, comment=nfc(comment), url=url)
