"""Every write of the emulation app: clusters, covenant, criteria, scoring, review, finalisation."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign_portal.core import access
from campaign_portal.core.audit import audit_record
from campaign_portal.core.formatting import format_number
from campaign_portal.core.models import ReviewStatus, Unit
from campaign_portal.core.notifications import notify_unit
from campaign_portal.core.review import submission_transition
from campaign_portal.core.uploads import DOCUMENT_KINDS, sanitise_filename, validate_upload

from . import evidence, selectors
from .models import (
    Cluster,
    ClusterDocument,
    ClusterMember,
    Covenant,
    CovenantConfirmation,
    CriteriaTable,
    Criterion,
    MemberRole,
    Scorecard,
    ScoreEvidence,
    ScoreLine,
)

S = ReviewStatus


def _require_staff(user) -> None:
    if not access.can_manage_groups(user):
        raise PermissionDenied


def _points(value) -> Decimal:
    return Decimal(str(value)) if value is not None else None


# --- clusters ------------------------------------------------------------------------------------


@transaction.atomic
def cluster_save(
    *,
    user,
    cluster: Cluster | None = None,
    name: str,
    kind: str,
    year: int,
    description: str = "",
    units: list[Unit],
    head: Unit | None = None,
    deputy: Unit | None = None,
    today: datetime.date | None = None,
) -> Cluster:
    """Create or edit a cluster and set its members as of today (leavers keep their history)."""
    _require_staff(user)
    today = today or timezone.localdate()
    creating = cluster is None
    cluster = cluster or Cluster()
    before = {"name": cluster.name, "kind": cluster.kind, "year": cluster.year}
    cluster.name, cluster.kind, cluster.year, cluster.description = name.strip(), kind, year, description
    cluster.full_clean(validate_unique=True)
    cluster.save()
    unit_ids = {u.pk for u in units} | {u.pk for u in (head, deputy) if u is not None}
    invalid = [u for u in units if not u.is_valid_on(today)]
    if invalid:
        raise ValidationError(
            {
                "units": _("Đơn vị không còn trên bản đồ hôm nay: %(names)s.")
                % {"names": ", ".join(u.name for u in invalid)}
            }
        )
    if head is not None and deputy is not None and head.pk == deputy.pk:
        raise ValidationError({"deputy": _("Phó trưởng cụm phải là đơn vị khác trưởng cụm.")})
    current = {m.unit_id: m for m in cluster.members.filter(left_on__isnull=True)}
    roles = dict.fromkeys(unit_ids, MemberRole.MEMBER)
    if head is not None:
        roles[head.pk] = MemberRole.HEAD
    if deputy is not None:
        roles[deputy.pk] = MemberRole.DEPUTY
    changes = {}
    for uid, member in current.items():
        if uid not in unit_ids or member.role != roles[uid]:
            # Leaving (or changing role) closes the row; a changed role opens a new one below.
            if member.joined_on >= today:
                member.delete()
            else:
                member.left_on = today
                member.save(update_fields=["left_on"])
            changes.setdefault("left", []).append(member.unit_id)
    still = {uid for uid, m in current.items() if uid in unit_ids and m.role == roles[uid]}
    for uid in sorted(unit_ids - still):
        ClusterMember.objects.create(cluster=cluster, unit_id=uid, role=roles[uid], joined_on=today)
        changes.setdefault("joined", []).append(uid)
    CriteriaTable.objects.get_or_create(cluster=cluster)
    after = {"name": cluster.name, "kind": cluster.kind, "year": cluster.year}
    audit_record(
        actor=user,
        action="emulation.cluster.created" if creating else "emulation.cluster.updated",
        obj=cluster,
        changes={
            **{k: [before[k], v] for k, v in after.items() if before[k] != v},
            **{k: [None, [str(u) for u in Unit.objects.filter(pk__in=v)]] for k, v in changes.items()},
        },
    )
    cluster._active_members = None
    return cluster


def _head_or_staff(user, cluster: Cluster) -> None:
    group = selectors.peer_group(cluster=cluster)
    if not (access.can_manage_groups(user) or access.is_group_head(user, group)):
        raise PermissionDenied


@transaction.atomic
def cluster_document_add(*, user, cluster: Cluster, title: str, uploaded) -> ClusterDocument:
    _head_or_staff(user, cluster)
    validate_upload(uploaded, kinds=DOCUMENT_KINDS)
    document = ClusterDocument.objects.create(
        cluster=cluster, title=title.strip(), file=uploaded, filename=sanitise_filename(uploaded.name), uploaded_by=user
    )
    audit_record(
        actor=user, action="emulation.cluster.document", obj=cluster, changes={"document": [None, document.title]}
    )
    return document


# --- covenant ------------------------------------------------------------------------------------


@transaction.atomic
def covenant_file(*, user, cluster: Cluster, text: str, signed_on: datetime.date, scan, signing_units) -> Covenant:
    """The head (or staff) files the covenant: text, signed scan, signing units (all members of the cluster)."""
    _head_or_staff(user, cluster)
    group = selectors.peer_group(cluster=cluster)
    if hasattr(cluster, "covenant"):
        raise ValidationError(_("Cụm đã có giao ước thi đua."))
    outsiders = [u for u in signing_units if u.pk not in group.member_ids]
    if outsiders:
        raise ValidationError({"signing_units": _("Chỉ các thành viên của cụm ký giao ước.")})
    if not signing_units:
        raise ValidationError({"signing_units": _("Chọn các đơn vị đã ký giao ước.")})
    validate_upload(scan, kinds=("pdf", "jpeg", "png"))
    covenant = Covenant.objects.create(
        cluster=cluster,
        text=text.strip(),
        signed_on=signed_on,
        scan=scan,
        scan_name=sanitise_filename(scan.name),
        filed_by=user,
    )
    covenant.signing_units.set(signing_units)
    scope = access.scope_for(user)
    if scope.is_officer and scope.unit.pk in group.member_ids:  # the head signed what it files
        CovenantConfirmation.objects.create(covenant=covenant, unit=scope.unit, confirmed_by=user)
    audit_record(
        actor=user,
        action="emulation.covenant.created",
        obj=covenant,
        unit=access.scope_for(user).unit,
        changes={"signed_on": [None, signed_on.isoformat()], "signing_units": [None, [u.name for u in signing_units]]},
    )
    for member in selectors.active_members(cluster=cluster):
        notify_unit(
            unit=member.unit,
            message=_("%(cluster)s: đã có giao ước thi đua, đề nghị đơn vị xác nhận.") % {"cluster": cluster},
        )
    return covenant


@transaction.atomic
def covenant_confirm(*, user, cluster: Cluster) -> CovenantConfirmation:
    scope = access.scope_for(user)
    group = selectors.peer_group(cluster=cluster)
    covenant = getattr(cluster, "covenant", None)
    if covenant is None:
        raise ValidationError(_("Cụm chưa có giao ước để xác nhận."))
    if not scope.is_officer or scope.unit.pk not in group.member_ids:
        raise PermissionDenied
    confirmation, created = CovenantConfirmation.objects.get_or_create(
        covenant=covenant, unit=scope.unit, defaults={"confirmed_by": user}
    )
    if created:
        audit_record(actor=user, action="emulation.covenant.confirmed", obj=covenant, unit=scope.unit)
    return confirmation


# --- criteria table ------------------------------------------------------------------------------


def _table_locked(table: CriteriaTable) -> bool:
    return Scorecard.objects.filter(cluster=table.cluster).exclude(status=S.DRAFT).exists()


@transaction.atomic
def criteria_table_update(*, user, table: CriteriaTable, **values) -> CriteriaTable:
    """Caps, late share, tie-break rule, nomination counts (staff; the tie-break until finalisation)."""
    _require_staff(user)
    if table.cluster.is_final:
        raise ValidationError(_("Kết quả đã chốt; không thể sửa bảng tiêu chí."))
    fields = list(values)
    before = {f: getattr(table, f) for f in fields}
    for name, value in values.items():
        setattr(table, name, value)
    table.full_clean()
    table.save(update_fields=[*fields, "updated_at"])
    changes = {f: [str(before[f]), str(values[f])] for f in fields if str(before[f]) != str(values[f])}
    if changes:
        audit_record(actor=user, action="emulation.criteriatable.updated", obj=table, changes=changes)
    return table


@transaction.atomic
def criteria_replace(*, user, table: CriteriaTable, sections: list[dict]) -> int:
    """Replace the table's sections and criteria (an XLSX import); refused once a unit has submitted."""
    _require_staff(user)
    if _table_locked(table):
        raise ValidationError(_("Đã có đơn vị gửi bảng điểm: không thể thay bảng tiêu chí."))
    table.sections.all().delete()
    count = 0
    for position, section_data in enumerate(sections, 1):
        section = table.sections.create(position=position, title=section_data["title"])
        for index, item in enumerate(section_data["criteria"], 1):
            criterion = Criterion(section=section, position=index, **item)
            criterion.full_clean()
            criterion.save()
            count += 1
    audit_record(actor=user, action="emulation.criteriatable.imported", obj=table, changes={"criteria": [None, count]})
    return count


# --- scoring -------------------------------------------------------------------------------------


def _may_review(user, card: Scorecard) -> bool:
    return access.can_review_in_group(user, selectors.peer_group(cluster=card.cluster), card.unit_id)


@transaction.atomic
def scorecard_open(*, user, cluster: Cluster, as_of: datetime.date | None = None) -> Scorecard:
    """The user's unit's scorecard for the cluster, created with one line per criterion, proposals filled."""
    scope = access.scope_for(user)
    group = selectors.peer_group(cluster=cluster)
    if not scope.is_officer or scope.unit.pk not in group.member_ids:
        raise PermissionDenied
    if cluster.is_final:
        raise ValidationError(_("Kết quả đã chốt."))
    card, created = Scorecard.objects.get_or_create(cluster=cluster, unit=scope.unit, defaults={"created_by": user})
    if created:
        audit_record(actor=user, action="emulation.scorecard.created", obj=card, unit=card.unit)
    if card.is_editable:
        scorecard_refresh(scorecard=card, as_of=as_of)
    return card


def scorecard_refresh(*, scorecard: Scorecard, as_of: datetime.date | None = None) -> None:
    """Missing lines created; proposals recomputed from the portal's evidence; an unscored linked line
    takes the proposal as the unit's own score (the unit confirms it or changes it with an explanation)."""
    table = CriteriaTable.objects.get(cluster=scorecard.cluster)
    criteria = selectors.criteria_of(table=table)
    existing = {line.criterion_id: line for line in scorecard.lines.all()}
    new = [ScoreLine(scorecard=scorecard, criterion=c) for c in criteria if c.pk not in existing]
    ScoreLine.objects.bulk_create(new)
    lines = {line.criterion_id: line for line in scorecard.lines.all()}
    as_of = as_of or min(timezone.localdate(), datetime.date(scorecard.cluster.year, 12, 31))
    proposals = evidence.propose_all(criteria, [scorecard.unit_id], as_of=as_of, late_fraction=table.late_fraction)
    changed = []
    for criterion in criteria:
        proposal = proposals.get((criterion.pk, scorecard.unit_id))
        line = lines[criterion.pk]
        points, note = (proposal.points, proposal.note) if proposal else (None, "")
        if line.proposed_points != points or line.proposed_note != note:
            line.proposed_points, line.proposed_note = points, note[:500]
            if line.self_points is None and points is not None:
                line.self_points = points
            changed.append(line)
    ScoreLine.objects.bulk_update(changed, ["proposed_points", "proposed_note", "self_points"])


def _parse_points(raw, criterion: Criterion) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).replace(",", ".").strip())
    except InvalidOperation as exc:
        raise ValidationError(_("“%(value)s” không phải là số điểm.") % {"value": raw}) from exc
    if value < 0 or value > criterion.max_points:
        raise ValidationError(_("Điểm phải từ 0 đến %(max)s.") % {"max": format_number(criterion.max_points)})
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def scorecard_save(*, user, scorecard: Scorecard, values: dict) -> dict:
    """The unit's self-scores: {criterion id: (points, note)}. Returns {criterion id: error} (nothing saved then)."""
    if not access.can_write_unit(user, scorecard.unit):
        raise PermissionDenied
    if not scorecard.is_editable or scorecard.cluster.is_final:
        raise ValidationError(_("Bảng điểm đã gửi; chỉ sửa được khi còn nháp hoặc bị trả lại."))
    lines = {line.criterion_id: line for line in scorecard.lines.select_related("criterion")}
    errors, updates = {}, []
    for criterion_id, (raw, note) in values.items():
        line = lines.get(criterion_id)
        if line is None:
            continue
        try:
            points = _parse_points(raw, line.criterion)
        except ValidationError as exc:
            errors[criterion_id] = exc.messages[0]
            continue
        note = (note or "").strip()
        if line.proposed_points is not None and points is not None and points != line.proposed_points and not note:
            errors[criterion_id] = _("Điểm khác điểm cổng đề xuất: cần giải trình.")
            continue
        if points != line.self_points or note != line.self_note:
            updates.append((line, points, note))
    if errors:
        return errors
    for line, points, note in updates:
        audit_record(
            actor=user,
            action="emulation.scorecard.updated",
            obj=scorecard,
            unit=scorecard.unit,
            changes={"self_points": [_str(line.self_points), _str(points)], "self_note": [line.self_note, note]},
            comment=str(line.criterion),
        )
        line.self_points, line.self_note = points, note
        line.save(update_fields=["self_points", "self_note"])
    return {}


def _str(value) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def evidence_add(*, user, line: ScoreLine, uploaded) -> ScoreEvidence:
    card = line.scorecard
    if not access.can_write_unit(user, card.unit):
        raise PermissionDenied
    if not card.is_editable:
        raise ValidationError(_("Bảng điểm đã gửi; không thể thêm minh chứng."))
    kind = validate_upload(uploaded, kinds=DOCUMENT_KINDS)
    item = ScoreEvidence.objects.create(
        line=line,
        file=uploaded,
        filename=sanitise_filename(uploaded.name),
        kind=kind,
        size=uploaded.size,
        uploaded_by=user,
    )
    audit_record(
        actor=user,
        action="emulation.scorecard.attached",
        obj=card,
        unit=card.unit,
        changes={"evidence": [None, item.filename]},
        comment=str(line.criterion),
    )
    return item


def scorecard_submit(*, user, scorecard: Scorecard, url: str = "") -> Scorecard:
    missing = scorecard.lines.filter(self_points__isnull=True).count()
    if missing:
        raise ValidationError(_("Còn %(n)s tiêu chí chưa chấm điểm.") % {"n": missing})
    if scorecard.cluster.is_final:
        raise ValidationError(_("Kết quả đã chốt."))
    card = submission_transition(submission=scorecard, user=user, target=S.SUBMITTED, url=url, may_review=_may_review)
    group = selectors.peer_group(cluster=card.cluster)
    if group.head_id and group.head_id != card.unit_id:
        notify_unit(
            unit=Unit.objects.get(pk=group.head_id),
            url=url,
            message=_("%(unit)s đã gửi bảng tự chấm điểm, chờ trưởng cụm xem xét.") % {"unit": card.unit},
        )
    return card


@transaction.atomic
def scorecard_adjust(*, user, scorecard: Scorecard, criterion_id: int, points, reason: str) -> ScoreLine:
    """The head (or staff) changes one line's points; a reason is required and the change audited."""
    if not _may_review(user, scorecard):
        raise PermissionDenied
    if scorecard.status != S.SUBMITTED:
        raise ValidationError(_("Chỉ điều chỉnh được bảng điểm đang chờ xem xét."))
    line = scorecard.lines.select_related("criterion").select_for_update().get(criterion_id=criterion_id)
    value = _parse_points(points, line.criterion)
    reason = (reason or "").strip()
    if value is not None and value != line.self_points and not reason:
        raise ValidationError(_("Cần ghi lý do điều chỉnh điểm."))
    if value == line.self_points:
        value, reason = None, ""  # back to the unit's own score
    old = line.points
    line.head_points, line.head_reason = value, reason
    line.save(update_fields=["head_points", "head_reason"])
    audit_record(
        actor=user,
        action="emulation.scorecard.adjusted",
        obj=scorecard,
        unit=scorecard.unit,
        changes={"points": [_str(old), _str(line.points)]},
        comment=f"{line.criterion}: {reason}" if reason else str(line.criterion),
    )
    return line


def scorecard_review(*, user, scorecard: Scorecard, target: str, comment: str = "", url: str = "") -> Scorecard:
    """The head agrees (accepted) or returns the scoring to the unit (re-sent like any submission)."""
    if target not in (S.ACCEPTED, S.RETURNED):
        raise ValidationError(_("Thao tác không hợp lệ."))
    if scorecard.cluster.is_final:
        raise ValidationError(_("Kết quả đã chốt."))
    return submission_transition(
        submission=scorecard, user=user, target=target, comment=comment, url=url, may_review=_may_review
    )


@transaction.atomic
def cluster_finalise(*, user, cluster: Cluster) -> Cluster:
    """Staff close the year: every member's scoring reviewed; totals and ranks go to the audit log."""
    _require_staff(user)
    locked = Cluster.objects.select_for_update().get(pk=cluster.pk)
    if locked.is_final:
        raise ValidationError(_("Kết quả đã được chốt."))
    members = selectors.active_members(cluster=cluster)
    cards = selectors.cluster_scorecards(cluster=cluster)
    waiting = [m.unit.name for m in members if getattr(cards.get(m.unit_id), "status", None) != S.ACCEPTED]
    if waiting:
        raise ValidationError(
            _("Còn đơn vị chưa được trưởng cụm thống nhất điểm: %(names)s.") % {"names": ", ".join(waiting)}
        )
    locked.finalised_at, locked.finalised_by = timezone.now(), user
    locked.save(update_fields=["finalised_at", "finalised_by"])
    cluster.finalised_at, cluster.finalised_by = locked.finalised_at, user
    cluster._active_members = members
    _table, ranked = selectors.ranking(cluster=cluster)
    audit_record(
        actor=user,
        action="emulation.cluster.finalised",
        obj=cluster,
        changes={"ranking": [None, [[t.rank, t.unit_name, str(t.total)] for t in ranked]]},
    )
    for member in members:
        notify_unit(
            unit=member.unit,
            message=_("%(cluster)s: Hội đồng đã chốt kết quả chấm điểm, xếp hạng.") % {"cluster": cluster},
        )
    return cluster
