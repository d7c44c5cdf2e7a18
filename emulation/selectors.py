"""Scoped reads of the emulation app: every read goes through core.access's peer-group rules."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign_portal.core import access
from campaign_portal.core.models import ReviewStatus, Unit

from . import scoring
from .models import (
    Cluster,
    ClusterMember,
    CovenantConfirmation,
    CriteriaTable,
    Criterion,
    MemberRole,
    Scorecard,
    ScoreLine,
)

ACTIVE = Q(left_on__isnull=True)


def active_members(*, cluster: Cluster) -> list[ClusterMember]:
    """Current members (one query, cached on the cluster object)."""
    cached = getattr(cluster, "_active_members", None)
    if cached is None:
        cached = list(cluster.members.filter(ACTIVE).select_related("unit").order_by("unit__kind", "unit__name"))
        cluster._active_members = cached
    return cached


def peer_group(*, cluster: Cluster) -> access.PeerGroup:
    members = active_members(cluster=cluster)
    role = {m.role: m.unit_id for m in members if m.role != MemberRole.MEMBER}
    return access.PeerGroup(
        member_ids=frozenset(m.unit_id for m in members),
        head_id=role.get(MemberRole.HEAD),
        deputy_id=role.get(MemberRole.DEPUTY),
        final=cluster.is_final,
    )


def cluster_list_visible_to(*, user, year: int | None = None):
    """Clusters the user sees: all for readers of all, an officer's own clusters otherwise."""
    qs = Cluster.objects.annotate(member_count=Count("members", filter=Q(members__left_on__isnull=True)))
    condition = access.group_filter(user, field="unit")
    if condition is not None:
        qs = qs.filter(pk__in=ClusterMember.objects.filter(ACTIVE).filter(condition).values("cluster_id"))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "kind", "name")


def head_names(*, clusters) -> dict[int, str]:
    """{cluster id: head unit name} for a page of clusters (one query)."""
    rows = ClusterMember.objects.filter(ACTIVE, role=MemberRole.HEAD, cluster__in=list(clusters)).select_related("unit")
    return {m.cluster_id: m.unit.name for m in rows}


def get_cluster_for_user(*, user, pk) -> Cluster:
    return access.get_object_for_user(cluster_list_visible_to(user=user), pk, user=user)


def cluster_years() -> list[int]:
    return sorted(set(Cluster.objects.values_list("year", flat=True)), reverse=True)


def criteria_of(*, table: CriteriaTable) -> list[Criterion]:
    return list(Criterion.objects.filter(section__table=table).select_related("section", "requirement__directive"))


def table_for(*, cluster: Cluster) -> CriteriaTable | None:
    return CriteriaTable.objects.filter(cluster=cluster).prefetch_related("sections").first()


def scorecard_for_unit(*, cluster: Cluster, unit: Unit) -> Scorecard | None:
    return Scorecard.objects.filter(cluster=cluster, unit=unit).first()


def get_scorecard_for_user(*, user, pk) -> Scorecard:
    """404 unless the user may read this unit's scoring in its cluster (see access.can_read_group_scores)."""
    card = Scorecard.objects.select_related("cluster", "unit").filter(pk=pk).first()
    if card is None or not access.can_read_group_scores(user, peer_group(cluster=card.cluster), card.unit_id):
        raise Http404
    if card.status == ReviewStatus.DRAFT and not access.can_write_unit(user, card.unit):
        raise Http404  # a draft is read by its own unit only, as every submission of the portal
    return card


def lines_of(*, scorecard: Scorecard) -> list[ScoreLine]:
    return list(
        scorecard.lines.select_related("criterion__section", "criterion__requirement").prefetch_related("files")
    )


def confirmations(*, cluster: Cluster) -> dict[int, CovenantConfirmation]:
    covenant = getattr(cluster, "covenant", None)
    if covenant is None:
        return {}
    return {c.unit_id: c for c in covenant.confirmations.select_related("confirmed_by")}


def cluster_scorecards(*, cluster: Cluster) -> dict[int, Scorecard]:
    return {c.unit_id: c for c in Scorecard.objects.filter(cluster=cluster)}


# --- ranking -------------------------------------------------------------------------------------


def totals(*, cluster: Cluster, table: CriteriaTable | None = None) -> list[scoring.Total]:
    """Every member's total (queries: members, table, scorecards with their lines and criteria: 4).

    A draft counts as not scored yet (0): nobody but its unit has seen it.
    """
    table = table or CriteriaTable.objects.filter(cluster=cluster).first()
    members = active_members(cluster=cluster)
    cards = {
        c.unit_id: c
        for c in Scorecard.objects.filter(cluster=cluster)
        .exclude(status__in=[ReviewStatus.DRAFT, ReviewStatus.WITHDRAWN])
        .prefetch_related(Prefetch("lines", queryset=ScoreLine.objects.select_related("criterion")))
    }
    result = []
    for member in members:
        card = cards.get(member.unit_id)
        lines = [
            scoring.LinePoints(line.criterion.kind, line.criterion.max_points, line.points)
            for line in (card.lines.all() if card else [])
        ]
        total = scoring.total_for(
            unit_id=member.unit_id,
            unit_name=member.unit.name,
            lines=lines,
            bonus_cap=table.bonus_cap if table else None,
            penalty_cap=table.penalty_cap if table else None,
        )
        total.submitted_at = card.submitted_at if card else None
        total.extra = {"status": card.status if card else "", "scorecard_id": card.pk if card else None}
        result.append(total)
    return result


def ranking(*, cluster: Cluster) -> tuple[CriteriaTable | None, list[scoring.Total]]:
    table = CriteriaTable.objects.filter(cluster=cluster).first()
    ranked = scoring.rank(totals(cluster=cluster, table=table), tie_break=table.tie_break if table else "")
    if table is not None:
        scoring.nominate(ranked, flags=table.flags, certificates=table.certificates)
    return table, ranked


def can_see_ranking(*, user, cluster: Cluster) -> bool:
    """The whole ranking: readers of all and the head at any time; members once finalised."""
    group = peer_group(cluster=cluster)
    return (
        access.scope_for(user).reads_all
        or access.is_group_head(user, group)
        or (group.final and access.can_read_group(user, group))
    )


def council_list(*, year: int) -> list[tuple[Cluster, list[scoring.Total]]]:
    """Every cluster of the year with its proposed nominations (for staff)."""
    result = []
    for cluster in Cluster.objects.filter(year=year).order_by("kind", "name"):
        _table, ranked = ranking(cluster=cluster)
        result.append((cluster, [t for t in ranked if t.nomination]))
    return result


def timeline(*, cluster: Cluster) -> list[tuple[object, str]]:
    """The year's events: covenant filed and confirmed, scorings sent and reviewed, final (sorted by time)."""
    events = []
    covenant = getattr(cluster, "covenant", None)
    if covenant is not None:
        events.append(
            (
                covenant.filed_at,
                _("Trưởng cụm nộp giao ước thi đua (ký ngày %(day)s)")
                % {"day": covenant.signed_on.strftime("%d/%m/%Y")},
            )
        )
        for confirmation in covenant.confirmations.select_related("unit"):
            events.append((confirmation.confirmed_at, _("%(unit)s xác nhận giao ước") % {"unit": confirmation.unit}))
    for card in Scorecard.objects.filter(cluster=cluster).select_related("unit"):
        if card.submitted_at:
            events.append((card.submitted_at, _("%(unit)s gửi bảng tự chấm điểm") % {"unit": card.unit}))
        if card.reviewed_at and card.status in (ReviewStatus.ACCEPTED, ReviewStatus.RETURNED):
            events.append(
                (
                    card.reviewed_at,
                    _("Trưởng cụm %(verb)s bảng điểm của %(unit)s")
                    % {
                        "verb": _("thống nhất") if card.status == ReviewStatus.ACCEPTED else _("trả lại"),
                        "unit": card.unit,
                    },
                )
            )
    if cluster.finalised_at:
        events.append((cluster.finalised_at, _("Hội đồng Thi đua - Khen thưởng chốt kết quả")))
    return sorted(events, key=lambda e: e[0] or timezone.now())


def memo_clusters(*, year: int | None = None, cluster_id: int | None = None):
    """Finalised clusters a memo is about: one cluster, or every cluster of a year."""
    qs = Cluster.objects.filter(finalised_at__isnull=False)
    if cluster_id is not None:
        return list(qs.filter(pk=cluster_id))
    return list(qs.filter(year=year).order_by("kind", "name"))


def memo_data(*, year: int | None = None, cluster_id: int | None = None) -> dict:
    """The frozen data of a proposal memo and its ranking tables: plain JSON (points as strings)."""
    clusters = []
    for cluster in memo_clusters(year=year, cluster_id=cluster_id):
        table, ranked = ranking(cluster=cluster)
        rule = scoring.TIE_BREAKS.get(table.tie_break if table else "")
        heads = {m.role: m.unit.name for m in active_members(cluster=cluster)}
        clusters.append(
            {
                "id": cluster.pk,
                "name": cluster.name,
                "kind": cluster.kind,
                "kind_label": str(cluster.get_kind_display()),
                "year": cluster.year,
                "finalised_on": timezone.localtime(cluster.finalised_at).date().isoformat(),
                "head": heads.get(MemberRole.HEAD, ""),
                "tie_break": str(rule.description) if rule else "",
                "flags": table.flags if table else 0,
                "certificates": table.certificates if table else 0,
                "ranking": [
                    {
                        "rank": t.rank,
                        "unit_id": t.unit_id,
                        "unit_name": t.unit_name,
                        "base": str(t.base),
                        "bonus": str(t.bonus),
                        "penalty": str(t.penalty),
                        "total": str(t.total),
                        "full_score_count": t.full_score_count,
                        "nomination": t.nomination,
                        "tie_note": t.tie_note,
                    }
                    for t in ranked
                ],
            }
        )
    years = {c["year"] for c in clusters}
    return {"year": year or (years.pop() if len(years) == 1 else None), "clusters": clusters}
