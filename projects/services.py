"""Every write of key works: registration under the requirement's quota, review, status, progress, photos.

Work status and review status: the shared review workflow (core.review) decides whether the
registration is accepted; staff acceptance moves the work from "registered" to "approved".
After that the district reports the work's life: under construction, delayed, ceremony held
(with the actual date) or cancelled (with a reason).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign_portal.core import access, review
from campaign_portal.core.audit import audit_record, diff, snapshot
from campaign_portal.core.models import COUNTED_STATUSES, ReviewStatus, Unit
from campaign_portal.core.queue import enqueue_on_commit
from campaign_portal.core.text import fold, nfc
from directives import obligations
from directives.models import RequirementKind

from . import photos as photo_rules
from .models import (
    FundingSource,
    KeyWork,
    ProgressPhoto,
    ProgressUpdate,
    ThumbnailStatus,
    WorkStatus,
)
from .rules import (
    MAX_PHOTOS_PER_UPDATE,
    check_progress_allowed,
    check_status_report,
    check_work,
    status_moves_for,
    validate_progress,
)
from .selectors import progress_update_same_as

WORK_FIELDS = [
    "name",
    "kind",
    "sector",
    "commune",
    "address",
    "latitude",
    "longitude",
    "investor",
    "total_investment",
    "milestone",
    "registered_on",
    "planned_date",
    "description",
]


def _nfc_data(data: dict) -> dict:
    return {key: nfc(value) if isinstance(value, str) else value for key, value in data.items()}


def _check_requirement(requirement, unit) -> None:
    """The obligations engine's guard, with the key-works wording."""
    reason = obligations.refusal(requirement, unit, model=KeyWork)
    if requirement.kind != RequirementKind.KEY_WORKS or reason in (
        obligations.Refusal.NOT_PUBLISHED,
        obligations.Refusal.WRONG_KIND,
    ):
        raise ValidationError(_("Yêu cầu này không phải là đăng ký công trình trọng điểm của văn bản đang hiệu lực."))
    if reason is not None:
        raise ValidationError(
            _("%(directive)s không yêu cầu %(unit)s đăng ký công trình trọng điểm.")
            % {"directive": requirement.directive, "unit": unit}
        )


def _enforce_quota(requirement, unit) -> None:
    """Refuse one work more than the requirement's maximum; the caller holds the unit's row lock."""
    maximum = obligations.quota_bounds(requirement)[1]
    if maximum is None:
        return
    used = KeyWork.objects.filter(requirement=requirement, unit=unit, status__in=COUNTED_STATUSES).count()
    if used >= maximum:
        raise ValidationError(
            _(
                "%(directive)s yêu cầu mỗi đơn vị đăng ký %(quota)s công trình trọng điểm; "
                "%(unit)s đã đăng ký %(used)s công trình nên không thể đăng ký thêm. "
                "Muốn thay công trình khác, hãy rút một công trình đã đăng ký."
            )
            % {"directive": requirement.directive, "quota": requirement.quota_text, "unit": unit, "used": used}
        )


def _refuse_same_name(requirement, unit, name: str) -> None:
    """A double click on "Lưu" must not spend the unit's quota on the same work twice."""
    wanted = fold(name)
    same = [
        other
        for other in KeyWork.objects.filter(requirement=requirement, unit=unit, status__in=COUNTED_STATUSES)
        if fold(other.name) == wanted
    ]
    if wanted and same:
        raise ValidationError(
            {
                "name": _("%(unit)s đã đăng ký công trình “%(name)s” cho yêu cầu này.")
                % {"unit": unit, "name": same[0].name}
            }
        )


def _validate_work(work: KeyWork, unit: Unit, funding: list[dict]) -> None:
    if errors := check_work(work, unit, funding):
        raise ValidationError(errors)
    work.full_clean(exclude=["unit", "requirement", "created_by", "search_text"])


def _replace_funding(work: KeyWork, funding: list[dict]) -> None:
    work.funding_sources.all().delete()
    FundingSource.objects.bulk_create(
        [FundingSource(key_work=work, source=row["source"], amount=row["amount"] or 0) for row in funding]
    )


def _search_text(work: KeyWork) -> str:
    return fold(f"{work.name} {work.investor} {work.address}")[:600]


@transaction.atomic
def key_work_create(*, user, requirement, data: dict, funding: list[dict] | None = None) -> KeyWork:
    """Register a work for the user's unit, within the requirement's quota."""
    scope = access.scope_for(user)
    if not scope.is_officer:
        raise PermissionDenied
    # Lock the unit's row: two officers registering at once cannot both take the last place.
    unit = Unit.objects.select_for_update().get(pk=scope.unit.pk)
    _check_requirement(requirement, unit)
    data = _nfc_data(data)
    _refuse_same_name(requirement, unit, data.get("name") or "")
    _enforce_quota(requirement, unit)
    funding = funding or []
    work = KeyWork(unit=unit, requirement=requirement, created_by=user, **data)
    if work.planned_date is None and work.milestone_id:
        work.planned_date = work.milestone.date
    _validate_work(work, unit, funding)
    work.search_text = _search_text(work)
    work.save()
    _replace_funding(work, funding)
    audit_record(
        actor=user,
        action="projects.keywork.created",
        obj=work,
        unit=unit,
        changes={name: [None, value] for name, value in snapshot(work, WORK_FIELDS).items() if value not in (None, "")},
    )
    return work


@transaction.atomic
def key_work_update(
    *, user, work: KeyWork, data: dict, funding: list[dict] | None = None, expected_version: int
) -> KeyWork:
    """Edit a draft or returned registration (optimistic lock on `version`)."""
    if not access.can_write_unit(user, work.unit):
        raise PermissionDenied
    if not work.is_editable:
        raise ValidationError(_("Hồ sơ đã gửi hoặc đã được duyệt nên không sửa được."))
    # From the database: a bound ModelForm has already copied the new values onto `work`.
    before = snapshot(KeyWork.objects.get(pk=work.pk), WORK_FIELDS)
    for name, value in _nfc_data(data).items():
        setattr(work, name, value)
    funding = list(work.funding_sources.values("source", "amount")) if funding is None else funding
    _validate_work(work, work.unit, funding)
    work.search_text = _search_text(work)
    review.save_with_version(instance=work, expected_version=expected_version, fields=[*data, "search_text"])
    _replace_funding(work, funding)
    audit_record(
        actor=user,
        action="projects.keywork.updated",
        obj=work,
        unit=work.unit,
        changes=diff(before, snapshot(work, WORK_FIELDS)),
    )
    return work


@transaction.atomic
def key_work_transition(*, user, work: KeyWork, target: str, comment: str = "", url: str = "") -> KeyWork:
    """Submit, accept, return or withdraw via the shared workflow; acceptance approves the work."""
    review.submission_transition(submission=work, user=user, target=target, comment=comment, url=url)
    if target == ReviewStatus.ACCEPTED and work.work_status == WorkStatus.REGISTERED:
        work.work_status = WorkStatus.APPROVED
        work.save(update_fields=["work_status", "updated_at"])
        audit_record(
            actor=user,
            action="projects.keywork.approved",
            obj=work,
            unit=work.unit,
            changes={"work_status": [WorkStatus.REGISTERED, WorkStatus.APPROVED]},
        )
    return work


@transaction.atomic
def key_work_set_status(
    *,
    user,
    work: KeyWork,
    work_status: str,
    actual_date: datetime.date | None = None,
    cancel_reason: str = "",
    today: datetime.date | None = None,
) -> KeyWork:
    """Report the work's life on the ground: construction, delay, ceremony held (with date) or cancelled."""
    if not access.can_write_unit(user, work.unit):
        raise PermissionDenied
    work = KeyWork.objects.select_for_update().get(pk=work.pk)
    today = today or timezone.localdate()
    if work_status not in status_moves_for(work):
        raise ValidationError(
            _("Không thể chuyển công trình từ “%(source)s” sang “%(target)s”.")
            % {"source": work.get_work_status_display(), "target": WorkStatus(work_status).label}
        )
    before = snapshot(work, ["work_status", "actual_date", "cancel_reason"])
    cancel_reason = nfc(cancel_reason).strip()
    errors = check_status_report(
        work, work_status=work_status, actual_date=actual_date, cancel_reason=cancel_reason, today=today
    )
    if errors:
        raise ValidationError(errors)
    if work_status == WorkStatus.CEREMONY_HELD:
        work.actual_date = actual_date
    if work_status == WorkStatus.CANCELLED:
        work.cancel_reason = cancel_reason
    work.work_status = work_status
    work.save(update_fields=["work_status", "actual_date", "cancel_reason", "updated_at"])
    after = snapshot(work, ["work_status", "actual_date", "cancel_reason"])
    audit_record(
        actor=user, action=f"projects.keywork.{work_status}", obj=work, unit=work.unit, changes=diff(before, after)
    )
    return work


def _refresh_progress_cache(work: KeyWork) -> None:
    latest = ProgressUpdate.objects.filter(key_work=work).order_by("-reported_on", "-id").first()
    work.latest_progress = latest.physical_progress if latest else 0
    work.latest_progress_on = latest.reported_on if latest else None
    work.save(update_fields=["latest_progress", "latest_progress_on", "updated_at"])


@transaction.atomic
def progress_update_create(
    *,
    user,
    work: KeyWork,
    reported_on: datetime.date,
    physical_progress: int,
    capital_disbursed: int = 0,
    note: str = "",
    photos=(),
    today: datetime.date | None = None,
) -> ProgressUpdate:
    """Record progress with photos; every photo is checked before anything is written."""
    check_progress_allowed(user, work)
    work = KeyWork.objects.select_for_update().get(pk=work.pk)
    today = today or timezone.localdate()
    note = nfc(note or "").strip()
    validate_progress(
        work,
        reported_on=reported_on,
        physical_progress=physical_progress,
        capital_disbursed=capital_disbursed,
        note=note,
        today=today,
    )
    photos = list(photos)
    if len(photos) > MAX_PHOTOS_PER_UPDATE:
        raise ValidationError({"photos": _("Mỗi lần cập nhật tối đa %(n)s ảnh.") % {"n": MAX_PHOTOS_PER_UPDATE}})
    cleaned = []
    for uploaded in photos:
        try:
            cleaned.append(photo_rules.clean_photo(uploaded))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    existing = progress_update_same_as(
        work=work,
        reported_on=reported_on,
        physical_progress=physical_progress,
        capital_disbursed=capital_disbursed,
        note=note,
        photo_names=[photo.filename for photo in cleaned],
    )
    if existing is not None:  # the same report sent twice (double click, back button): keep one
        existing.already_saved = True
        return existing
    previous = work.latest_progress if work.latest_progress_on else None
    update = ProgressUpdate.objects.create(
        key_work=work,
        reported_on=reported_on,
        physical_progress=physical_progress,
        capital_disbursed=capital_disbursed or 0,
        note=note,
        created_by=user,
    )
    for photo in cleaned:
        _store_photo(update, photo)
    _refresh_progress_cache(work)
    audit_record(
        actor=user,
        action="projects.progressupdate.created",
        obj=work,
        unit=work.unit,
        changes={"latest_progress": [previous, physical_progress]},
        comment=note,
    )
    return update


def _store_photo(update: ProgressUpdate, photo) -> ProgressPhoto:
    from .tasks import make_thumbnail

    record = ProgressPhoto(
        update=update, filename=photo.filename, width=photo.width, height=photo.height, size=len(photo.data)
    )
    record.file.save(photo.filename, photo.as_file(), save=False)
    record.save()
    enqueue_on_commit(make_thumbnail, record.pk)
    return record


def photo_make_thumbnail(*, photo_id: int) -> None:
    """Make (or remake) a photo's thumbnail; safe to run twice: the old file is replaced."""
    with transaction.atomic():
        photo = ProgressPhoto.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None:
            return
        old_name = photo.thumbnail.name
        try:
            data = photo_rules.make_thumbnail_bytes(photo.file)
        except (ValidationError, OSError) as exc:
            photo.thumbnail_status = ThumbnailStatus.FAILED
            photo.thumbnail_error = "; ".join(getattr(exc, "messages", [str(exc)]))[:300]
            photo.save(update_fields=["thumbnail_status", "thumbnail_error"])
            return
        from django.core.files.base import ContentFile

        photo.thumbnail.save("thumb.jpg", ContentFile(data), save=False)
        photo.thumbnail_status = ThumbnailStatus.READY
        photo.thumbnail_error = ""
        photo.save(update_fields=["thumbnail", "thumbnail_status", "thumbnail_error"])
        if old_name and old_name != photo.thumbnail.name:
            storage = photo.thumbnail.storage
            transaction.on_commit(lambda: storage.delete(old_name))
