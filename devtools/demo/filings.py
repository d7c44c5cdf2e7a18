"""Many units' filings at once, for the demo: what a province looks like when most units have answered.

The few records a demo user works on go through the services (see the per-app modules); these are the
background the dashboard counts, written in bulk with the same fields the services would set.
Each unit that owes an ask gets one outcome from a repeating pattern, so the mix is realistic and stable.
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from campaign_portal.core.models import AuditEntry, ReviewStatus, Unit
from campaign_portal.core.text import fold
from directives.models import Requirement, RequirementKind
from pledges.models import Commitment, CommitmentField, Dissemination, DisseminationForm, EmulationPlan

ACCEPTED, LATE, SUBMITTED, RETURNED, DRAFT, MISSING = "accepted", "late", "submitted", "returned", "draft", "missing"
RETURN_COMMENT = "Đề nghị bổ sung chỉ tiêu cụ thể, có số liệu năm trước làm căn cứ."


@dataclass(frozen=True)
class Filing:
    status: str
    submitted_on: datetime.date | None
    reviewed_on: datetime.date | None
    comment: str = ""


def when(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def outcome_for(pattern: tuple[str, ...], index: int) -> str:
    return pattern[index % len(pattern)] if pattern else MISSING


def filing_for(outcome: str, *, index: int, opened: datetime.date, deadline: datetime.date, today: datetime.date):
    """The dates of one outcome: on time before the deadline, late after it, never after today."""
    early = max(opened, min(today, deadline - datetime.timedelta(days=1 + index % 5)))
    if outcome == ACCEPTED:
        return Filing(ReviewStatus.ACCEPTED, early, min(today, early + datetime.timedelta(days=3)))
    if outcome == LATE:
        late = min(today, deadline + datetime.timedelta(days=3 + index % 9))
        return Filing(ReviewStatus.ACCEPTED, late, min(today, late + datetime.timedelta(days=2)))
    if outcome == SUBMITTED:
        return Filing(ReviewStatus.SUBMITTED, early, None)
    if outcome == RETURNED:
        return Filing(ReviewStatus.RETURNED, early, min(today, early + datetime.timedelta(days=2)), RETURN_COMMENT)
    if outcome == DRAFT:
        return Filing(ReviewStatus.DRAFT, None, None)
    return None


def _record(requirement: Requirement, unit: Unit, *, held_on: datetime.date, index: int):
    """An unsaved record of the kind `requirement` asks for, with plausible content."""
    name = unit.display_name
    if requirement.kind == RequirementKind.DISSEMINATION:
        leaders, staff = 3 + index % 6, 18 + (index * 7) % 60
        title = f"Hội nghị quán triệt {requirement.directive.number} tại {name}"
        return Dissemination(
            title=title,
            held_on=held_on,
            form=(DisseminationForm.CONFERENCE, DisseminationForm.ONLINE, DisseminationForm.IN_WRITING)[index % 3],
            leaders=leaders,
            civil_servants=staff,
            party_members=staff // 2 + leaders,
            workers=index % 12,
            attendees_total=leaders + staff + index % 12,
        )
    if requirement.kind == RequirementKind.EMULATION_PLAN:
        return EmulationPlan(
            title=f"Kế hoạch phát động thi đua của {name}",
            document_number=f"{20 + index}/KH-{fold(name).replace(' ', '')[:6].upper()}",
            document_date=held_on,
            content="Phát động thi đua trong cán bộ, công chức, viên chức, người lao động và Nhân dân.",
        )
    if requirement.kind in (RequirementKind.BREAKTHROUGH_THEME, RequirementKind.DIFFICULT_FIELD):
        fields = list(CommitmentField)
        field = fields[index % len(fields)]
        return Commitment(
            category=requirement.kind,
            field=field,
            title=f"{field.label}: {name} tập trung tạo chuyển biến rõ nét",
            description="Thực trạng, nguyên nhân và giải pháp đã được đơn vị đánh giá.",
            expected_result="Hoàn thành và vượt các chỉ tiêu đã đăng ký.",
        )
    return None


def file_in_bulk(
    *,
    requirement: Requirement,
    units: list[Unit],
    pattern: tuple[str, ...],
    opened: datetime.date,
    today: datetime.date,
    reviewer,
) -> int:
    """One record per unit (by `pattern`) for units with none yet for this requirement; returns how many."""
    model = {
        RequirementKind.DISSEMINATION: Dissemination,
        RequirementKind.EMULATION_PLAN: EmulationPlan,
        RequirementKind.BREAKTHROUGH_THEME: Commitment,
        RequirementKind.DIFFICULT_FIELD: Commitment,
    }.get(requirement.kind)
    if model is None or requirement.deadline is None:
        return 0
    done = set(model.objects.filter(requirement=requirement).values_list("unit_id", flat=True))
    records = []
    for index, unit in enumerate(units):
        filing = filing_for(
            outcome_for(pattern, index), index=index, opened=opened, deadline=requirement.deadline, today=today
        )
        if unit.pk in done or filing is None:
            continue
        record = _record(requirement, unit, held_on=filing.submitted_on or today, index=index)
        record.unit, record.requirement, record.status = unit, requirement, filing.status
        record.search_text = fold(record.title)[:300]
        if filing.submitted_on:
            record.submitted_at = when(filing.submitted_on)
            record.on_time = filing.submitted_on <= requirement.deadline
        if filing.reviewed_on:
            record.reviewed_at, record.reviewed_by = when(filing.reviewed_on, 15), reviewer
            record.review_comment = filing.comment or "Đạt yêu cầu."
        records.append(record)
    model.objects.bulk_create(records)
    if model is Dissemination:
        for record in records:
            record.directives.set([requirement.directive])
    _backdate(model, records, opened=opened)
    return len(records)


def _set_times(model, field_name: str, times: dict[int, datetime.datetime]) -> None:
    """Set an auto_now(_add) field after the fact: one UPDATE per distinct time, not one per row."""
    by_time: dict[datetime.datetime, list[int]] = {}
    for pk, moment in times.items():
        by_time.setdefault(moment, []).append(pk)
    for moment, pks in by_time.items():
        model.objects.filter(pk__in=pks).update(**{field_name: moment})


def _backdate(model, records, *, opened: datetime.date) -> None:
    """Created when it was written, with the timeline of a record that went through the review workflow."""
    content_type = ContentType.objects.get_for_model(model)
    created, events = {}, []
    for record in records:
        start = record.submitted_at or when(opened)
        created[record.pk] = start - datetime.timedelta(days=2) if record.submitted_at else start
        if record.submitted_at:
            events.append((record, ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, None, "", record.submitted_at))
        if record.reviewed_at:
            events.append(
                (
                    record,
                    ReviewStatus.SUBMITTED,
                    record.status,
                    record.reviewed_by,
                    record.review_comment,
                    record.reviewed_at,
                )
            )
    _set_times(model, "created_at", created)
    # Each move as the review workflow records it: one audit entry, which the record's timeline reads.
    meta = model._meta
    rows = [
        AuditEntry(
            actor=who, action=f"{meta.app_label}.{meta.model_name}.{b}", unit_id=r.unit_id, content_type=content_type,
            object_id=str(r.pk), object_repr=str(r)[:300], changes={"status": [a, b]}, comment=c,
        )
        for r, a, b, who, c, _at in events
    ]  # fmt: skip
    AuditEntry.objects.bulk_create(rows)
    event_times = {row.pk: event[5] for row, event in zip(rows, events, strict=True)}
    _set_times(AuditEntry, "at", event_times)
