"""Criteria linked to portal evidence: one registered descriptor per kind, never an if/else chain.

Each kind proposes points for a batch of criteria × units in a fixed number of queries. The state of
an obligation (filed, on time, late, missing) is the obligations engine's (`directives.obligations`):
no second copy of those rules lives here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaign_portal.core.models import ReviewStatus
from directives import obligations
from directives.obligations import CellState
from pledges.models import Target, TargetProgress
from projects.models import KeyWork, WorkStatus

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Proposal:
    points: Decimal
    note: str


@dataclass(frozen=True)
class EvidenceKind:
    key: str
    label: str
    help_text: str
    # propose(criteria, unit_ids, as_of, late_fraction) → {(criterion id, unit id): Proposal}
    propose: object
    needs_requirement: bool = True


EVIDENCE_KINDS: dict[str, EvidenceKind] = {}


def register(kind: EvidenceKind) -> None:
    EVIDENCE_KINDS[kind.key] = kind


def get_kind(key: str) -> EvidenceKind | None:
    return EVIDENCE_KINDS.get(key)


def choices():
    return [("", _("Không liên kết (đơn vị tự chấm)"))] + [(k.key, k.label) for k in EVIDENCE_KINDS.values()]


def share(max_points: Decimal, fraction: Decimal) -> Decimal:
    fraction = max(Decimal(0), min(Decimal(1), fraction))
    return (max_points * fraction).quantize(CENT, rounding=ROUND_HALF_UP)


def propose_all(criteria, unit_ids, *, as_of: datetime.date, late_fraction: Decimal) -> dict:
    """Proposals for every linked criterion (one batch per kind)."""
    by_kind = defaultdict(list)
    for criterion in criteria:
        kind = get_kind(criterion.evidence_kind)
        if kind is not None and (criterion.requirement_id or not kind.needs_requirement):
            by_kind[kind.key].append(criterion)
    result = {}
    for key, batch in by_kind.items():
        result.update(EVIDENCE_KINDS[key].propose(batch, list(unit_ids), as_of, late_fraction))
    return result


# --- a requirement's compliance ----------------------------------------------------------------


def compliance_fraction(obligation, late_fraction: Decimal) -> tuple[Decimal | None, str]:
    """Accepted on time → 1, accepted late → `late_fraction`, anything else → 0; None when not owed."""
    if not obligation.applies:
        return None, gettext("Đơn vị không phải thực hiện nhiệm vụ này.")
    if obligation.state == CellState.ACCEPTED:
        if obligation.on_time:
            return Decimal(1), gettext("Đã thực hiện, được chấp nhận, đúng hạn.")
        return late_fraction, gettext("Đã thực hiện nhưng trễ hạn.")
    return Decimal(0), gettext("Chưa hoàn thành: %(state)s.") % {"state": obligation.label}


def _propose_compliance(criteria, unit_ids, as_of, late_fraction):
    ledger = obligations.obligations(
        requirements=sorted({c.requirement_id for c in criteria}), as_of=as_of, unit_ids=unit_ids
    )
    result = {}
    for criterion in criteria:
        for uid in unit_ids:
            fraction, note = compliance_fraction(ledger.get(criterion.requirement_id, uid), late_fraction)
            if fraction is not None:
                result[(criterion.pk, uid)] = Proposal(share(criterion.max_points, fraction), note)
    return result


register(
    EvidenceKind(
        "requirement_compliance",
        _("Thực hiện nhiệm vụ của văn bản chỉ đạo"),
        _("Đúng hạn: đủ điểm; trễ hạn: một phần điểm; chưa thực hiện: 0 điểm."),
        _propose_compliance,
    )
)


# --- a plan's achievement of its targets ---------------------------------------------------------


def _plan_targets(requirement_ids, unit_ids):
    """{(requirement id, unit id): [Target with .latest_value]} for accepted plans (2 queries)."""
    targets = (
        Target.objects.filter(
            plan__requirement_id__in=requirement_ids, plan__unit_id__in=unit_ids, plan__status=ReviewStatus.ACCEPTED
        )
        .select_related("plan")
        .prefetch_related(Prefetch("progress", queryset=TargetProgress.objects.order_by("reported_on", "id")))
    )
    found = defaultdict(list)
    for target in targets:
        found[(target.plan.requirement_id, target.plan.unit_id)].append(target)
    return found


def achievement_percent(targets, as_of: datetime.date) -> Decimal | None:
    """Mean achievement of the targets (each 0–100 %, a target with no update counts 0); None: no target."""
    if not targets:
        return None
    values = []
    for target in targets:
        updates = [u for u in target.progress.all() if u.reported_on <= as_of]
        pct = target.achievement(updates[-1].actual_value) if updates else Decimal(0)
        values.append(max(Decimal(0), min(Decimal(100), pct or Decimal(0))))
    return (sum(values) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _propose_plan(criteria, unit_ids, as_of, late_fraction):
    requirement_ids = sorted({c.requirement_id for c in criteria})
    ledger = obligations.obligations(requirements=requirement_ids, as_of=as_of, unit_ids=unit_ids)
    targets = _plan_targets(requirement_ids, unit_ids)
    result = {}
    for criterion in criteria:
        for uid in unit_ids:
            obligation = ledger.get(criterion.requirement_id, uid)
            if not obligation.applies:
                continue
            pct = achievement_percent(targets.get((criterion.requirement_id, uid), []), as_of)
            if obligation.state != CellState.ACCEPTED or pct is None:
                note = gettext("Chưa có kế hoạch được chấp nhận: %(state)s.") % {"state": obligation.label}
                result[(criterion.pk, uid)] = Proposal(Decimal("0.00"), note)
                continue
            note = gettext("Kế hoạch đạt %(pct)s %% các chỉ tiêu.") % {"pct": str(pct).replace(".", ",")}
            result[(criterion.pk, uid)] = Proposal(share(criterion.max_points, pct / 100), note)
    return result


register(
    EvidenceKind(
        "plan_achievement",
        _("Mức đạt chỉ tiêu của kế hoạch thi đua"),
        _("Điểm theo tỷ lệ đạt bình quân các chỉ tiêu của kế hoạch đã được chấp nhận."),
        _propose_plan,
    )
)


# --- key works' progress ------------------------------------------------------------------------


def _propose_key_works(criteria, unit_ids, as_of, late_fraction):
    requirement_ids = sorted({c.requirement_id for c in criteria})
    works = defaultdict(list)
    rows = (
        KeyWork.objects.filter(requirement_id__in=requirement_ids, unit_id__in=unit_ids)
        .exclude(status__in=[ReviewStatus.DRAFT, ReviewStatus.WITHDRAWN])
        .exclude(work_status=WorkStatus.CANCELLED)
        .values_list("requirement_id", "unit_id", "latest_progress")
    )
    for rid, uid, progress in rows:
        works[(rid, uid)].append(Decimal(progress or 0))
    ledger = obligations.obligations(requirements=requirement_ids, as_of=as_of, unit_ids=unit_ids)
    result = {}
    for criterion in criteria:
        for uid in unit_ids:
            if not ledger.get(criterion.requirement_id, uid).applies:
                continue
            found = works.get((criterion.requirement_id, uid), [])
            if not found:
                result[(criterion.pk, uid)] = Proposal(Decimal("0.00"), gettext("Chưa có công trình được đăng ký."))
                continue
            mean = (sum(found) / len(found)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            note = gettext("%(n)s công trình, tiến độ bình quân %(pct)s %%.") % {
                "n": len(found),
                "pct": str(mean).replace(".", ","),
            }
            result[(criterion.pk, uid)] = Proposal(share(criterion.max_points, mean / 100), note)
    return result


register(
    EvidenceKind(
        "key_work_progress",
        _("Tiến độ công trình trọng điểm"),
        _("Điểm theo tiến độ bình quân các công trình trọng điểm đơn vị đăng ký cho nhiệm vụ."),
        _propose_key_works,
    )
)
