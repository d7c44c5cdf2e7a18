"""Totals, ranking and nominations: pure functions over plain rows, shared by pages and documents.

A unit's total = Σ min(points, max) over the scoring criteria
               + min(Σ bonus points, bonus cap) − min(Σ penalty points, penalty cap).
Ties on the total are broken by the rule staff chose for the table (a registered TieBreak); units
still equal after it share the rank (1, 2, 2, 4) and are listed by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from campaign_portal.core.text import fold

from .models import CriterionKind

ZERO = Decimal("0")


@dataclass(frozen=True)
class LinePoints:
    kind: str  # CriterionKind value
    max_points: Decimal
    points: Decimal | None


@dataclass
class Total:
    unit_id: int
    unit_name: str
    base: Decimal = ZERO
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    full_score_count: int = 0
    scored: int = 0
    submitted_at: object = None
    rank: int = 0
    tie_note: str = ""
    nomination: str = ""  # "flag", "certificate" or ""
    extra: dict = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return self.base + self.bonus - self.penalty


def capped(value: Decimal, cap: Decimal) -> Decimal:
    return min(value, cap) if cap is not None else value


def total_for(*, unit_id: int, unit_name: str, lines, bonus_cap: Decimal, penalty_cap: Decimal) -> Total:
    """One unit's total from its lines (points may be None: not yet scored → 0)."""
    result = Total(unit_id=unit_id, unit_name=unit_name)
    bonus = penalty = ZERO
    for line in lines:
        points = line.points if line.points is not None else ZERO
        points = max(ZERO, min(points, line.max_points))
        if line.points is not None:
            result.scored += 1
        if line.kind == CriterionKind.BONUS:
            bonus += points
        elif line.kind == CriterionKind.PENALTY:
            penalty += points
        else:
            result.base += points
            if line.max_points > 0 and points == line.max_points:
                result.full_score_count += 1
    result.bonus = capped(bonus, bonus_cap)
    result.penalty = capped(penalty, penalty_cap)
    return result


@dataclass(frozen=True)
class TieBreak:
    key: str
    label: str
    description: str
    sort_key: object  # Total → a value; smaller ranks first


TIE_BREAKS: dict[str, TieBreak] = {}


def register_tie_break(rule: TieBreak) -> None:
    TIE_BREAKS[rule.key] = rule


def tie_break_choices():
    return [(rule.key, rule.label) for rule in TIE_BREAKS.values()]


register_tie_break(
    TieBreak(
        "full_score_count",
        _("Nhiều tiêu chí đạt điểm tối đa hơn"),
        _("Khi bằng tổng điểm, đơn vị có nhiều tiêu chí đạt điểm tối đa hơn xếp trên."),
        lambda t: -t.full_score_count,
    )
)
register_tie_break(
    TieBreak(
        "fewer_penalty",
        _("Ít điểm trừ hơn"),
        _("Khi bằng tổng điểm, đơn vị bị trừ ít điểm hơn xếp trên."),
        lambda t: t.penalty,
    )
)
register_tie_break(
    TieBreak(
        "higher_base",
        _("Điểm tiêu chí (chưa cộng thưởng) cao hơn"),
        _("Khi bằng tổng điểm, đơn vị có điểm các tiêu chí (trước điểm thưởng, điểm trừ) cao hơn xếp trên."),
        lambda t: -t.base,
    )
)


def rank(totals: list[Total], *, tie_break: str) -> list[Total]:
    """Sort by total (high first), then the rule; equal on both → same rank, listed by name."""
    rule = TIE_BREAKS.get(tie_break) or TIE_BREAKS["full_score_count"]
    ordered = sorted(totals, key=lambda t: (-t.total, rule.sort_key(t), fold(t.unit_name)))
    previous = None
    for index, item in enumerate(ordered, 1):
        key = (item.total, rule.sort_key(item))
        if previous is not None and key == previous[0]:
            item.rank = previous[1].rank
        else:
            item.rank = index
        if previous is not None and item.total == previous[1].total:
            note = str(rule.label) if key != previous[0] else str(_("Bằng điểm và bằng tiêu chí phụ"))
            item.tie_note = previous[1].tie_note = note
        previous = (key, item)
    return ordered


def nominate(ranked: list[Total], *, flags: int, certificates: int) -> list[Total]:
    """The first `flags` ranks get the flag, the next `certificates` the certificate of merit.

    A tie that straddles the last flag place is not decided by the portal: those units are all
    proposed for a certificate and the council decides (their tie note says so).
    """
    flag_left, cert_left = flags, certificates
    by_rank: dict[int, list[Total]] = {}
    for item in ranked:
        by_rank.setdefault(item.rank, []).append(item)
    for group in by_rank.values():
        if flag_left and len(group) <= flag_left:
            for item in group:
                item.nomination = "flag"
            flag_left -= len(group)
            continue
        if flag_left and len(group) > flag_left:
            flag_left = 0
            for item in group:
                item.tie_note = str(_("Bằng điểm ở vị trí đề nghị Cờ: Hội đồng quyết định"))
        for item in group:
            if cert_left:
                item.nomination = "certificate"
                cert_left -= 1
    return ranked


NOMINATION_LABELS = {"flag": _("Cờ thi đua của UBND tỉnh"), "certificate": _("Bằng khen của Chủ tịch UBND tỉnh")}
