"""The compliance engine: who has done what the province asked, as of a date.

One engine serves the dashboard, the matrix, the documents and the deadline reminders. For a
directive (or every published directive of a campaign) it takes every requirement × every unit the
requirement applies to and gives the cell a state and a count against the quota.

Queries, whatever the number of units: 1 for the requirements, the unit map of
`directives.selectors.requirement_unit_map` (fixed), 1 per registered submission kind
(`directives.registry.submission_rows`) and 1 for the units.

State of a cell (requirement R, unit U, as of day D), first rule that matches wins; `needed` is
R.quota_min, or 1 when R has no minimum:
 1. U is not in R's unit map                                   → not_applicable
 2. accepted filings ≥ needed: at least `needed` of them on time → accepted_on_time, else accepted_late
    (a filing with no deadline to meet counts as on time)
 3. accepted + submitted filings ≥ needed                       → submitted (awaiting review)
 4. R has a deadline and D is after it (the deadline day itself is still on time) → overdue
 5. a returned filing                                            → returned
 6. a draft filing                                               → draft
 7. otherwise                                                    → missing
Withdrawn filings are ignored. The count shown ("1/01–02") is the filings that hold a place in the
quota (core.models.COUNTED_STATUSES: draft, submitted, returned, accepted).

Cut-off: filings are seen as they stood at the end of day D in the portal's time zone, as far as
their timestamps tell: one submitted after D is still a draft, one reviewed after D still awaits
review. `as_of` defaults to today.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign_portal.core.models import ReviewStatus, Unit, UnitKind
from directives import registry
from directives.models import Directive, DirectiveStatus, Requirement, quota_text
from directives.selectors import requirement_unit_map


class State(models.TextChoices):
    ACCEPTED_ON_TIME = "accepted_on_time", _("Đã chấp nhận, đúng hạn")
    ACCEPTED_LATE = "accepted_late", _("Đã chấp nhận, trễ hạn")
    SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
    RETURNED = "returned", _("Bị trả lại")
    DRAFT = "draft", _("Đang soạn")
    MISSING = "missing", _("Chưa nộp")
    OVERDUE = "overdue", _("Quá hạn")
    NOT_APPLICABLE = "not_applicable", _("Không áp dụng")


DONE_STATES = frozenset({State.ACCEPTED_ON_TIME, State.ACCEPTED_LATE})
# States in which the unit still owes something (reminders go to these).
OWING_STATES = frozenset({State.RETURNED, State.DRAFT, State.MISSING, State.OVERDUE})
STATE_ORDER = [
    State.ACCEPTED_ON_TIME,
    State.ACCEPTED_LATE,
    State.SUBMITTED,
    State.RETURNED,
    State.DRAFT,
    State.MISSING,
    State.OVERDUE,
    State.NOT_APPLICABLE,
]
# Short codes for the matrix and the printed appendix (colour is never the only signal).
STATE_SHORT = {
    State.ACCEPTED_ON_TIME: _("Đạt"),
    State.ACCEPTED_LATE: _("Đạt (trễ)"),
    State.SUBMITTED: _("Chờ duyệt"),
    State.RETURNED: _("Trả lại"),
    State.DRAFT: _("Đang soạn"),
    State.MISSING: _("Chưa nộp"),
    State.OVERDUE: _("Quá hạn"),
    State.NOT_APPLICABLE: "—",
}
STATE_COLOURS = {  # background, text: used by the HTML matrix, the PDF and the XLSX
    State.ACCEPTED_ON_TIME: ("#d1e7dd", "#0a3622"),
    State.ACCEPTED_LATE: ("#e2f0d9", "#3d5a1e"),
    State.SUBMITTED: ("#cfe2ff", "#052c65"),
    State.RETURNED: ("#fff3cd", "#664d03"),
    State.DRAFT: ("#e9ecef", "#343a40"),
    State.MISSING: ("#f8d7da", "#58151c"),
    State.OVERDUE: ("#dc3545", "#ffffff"),
    State.NOT_APPLICABLE: ("#ffffff", "#6c757d"),
}


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    path: str
    depth: int
    district_id: int | None = None
    district_name: str = ""

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class RequirementInfo:
    id: int
    directive_id: int
    directive_label: str
    ordinal: str
    position: int
    kind: str
    label: str
    deadline: datetime.date | None
    quota_min: int | None
    quota_max: int | None

    @property
    def needed(self) -> int:
        return self.quota_min or 1

    @property
    def quota_text(self) -> str:
        return quota_text(self.quota_min, self.quota_max)

    @property
    def short_label(self) -> str:
        return f"{self.ordinal}. {self.label}" if self.ordinal else self.label


@dataclass(frozen=True)
class Filing:
    """A submission as it stood at the cut-off."""

    kind: str
    pk: int
    status: str
    on_time: bool | None
    title: str = ""


@dataclass
class Cell:
    requirement: RequirementInfo
    unit_id: int
    state: str
    counted: int = 0
    accepted: int = 0
    filings: tuple = ()

    @property
    def is_done(self) -> bool:
        return self.state in DONE_STATES

    @property
    def applies(self) -> bool:
        return self.state != State.NOT_APPLICABLE

    @property
    def quota_label(self) -> str:
        if not self.applies:
            return ""
        quota = self.requirement.quota_text
        if quota:
            return f"{self.counted}/{quota}"
        return str(self.counted) if self.counted else ""

    @property
    def over_quota(self) -> bool:
        return bool(self.requirement.quota_max) and self.counted > self.requirement.quota_max

    @property
    def label(self):
        return State(self.state).label

    @property
    def short(self):
        return STATE_SHORT[State(self.state)]

    @property
    def colours(self):
        return STATE_COLOURS[State(self.state)]

    @property
    def link_filing(self) -> Filing | None:
        """The filing a reader may open: accepted first, never a draft (drafts belong to their unit)."""
        visible = [f for f in self.filings if f.status != ReviewStatus.DRAFT]
        order = {ReviewStatus.ACCEPTED: 0, ReviewStatus.SUBMITTED: 1, ReviewStatus.RETURNED: 2}
        return min(visible, key=lambda f: (order.get(f.status, 9), f.pk), default=None)


def classify(requirement: RequirementInfo, filings, as_of: datetime.date) -> str:
    """The state of one applicable cell (rules 2–7 of the module docstring)."""
    needed = requirement.needed
    statuses = [f.status for f in filings]
    accepted = [f for f in filings if f.status == ReviewStatus.ACCEPTED]
    if len(accepted) >= needed:
        on_time = sum(1 for f in accepted if f.on_time is not False)
        return State.ACCEPTED_ON_TIME if on_time >= needed else State.ACCEPTED_LATE
    if len(accepted) + statuses.count(ReviewStatus.SUBMITTED) >= needed:
        return State.SUBMITTED
    if requirement.deadline is not None and as_of > requirement.deadline:
        return State.OVERDUE
    if ReviewStatus.RETURNED in statuses:
        return State.RETURNED
    if ReviewStatus.DRAFT in statuses:
        return State.DRAFT
    return State.MISSING


def status_at(row, cutoff: datetime.datetime) -> str:
    """A registry row's status at the cut-off moment, rolled back as far as its timestamps tell."""
    status = row.status
    if status in (ReviewStatus.DRAFT, ReviewStatus.WITHDRAWN):
        return status
    if row.submitted_at is None or row.submitted_at > cutoff:
        return ReviewStatus.DRAFT
    if status in (ReviewStatus.ACCEPTED, ReviewStatus.RETURNED) and row.reviewed_at and row.reviewed_at > cutoff:
        return ReviewStatus.SUBMITTED
    return status


def end_of_day(day: datetime.date) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time.max).replace(tzinfo=tz)


@dataclass
class Tally:
    """Counts for a group of cells (a requirement, a unit kind, a district)."""

    key: str
    label: str
    units: int = 0
    compliant_units: int = 0
    applicable: int = 0
    done: int = 0
    states: Counter = field(default_factory=Counter)

    @property
    def percent(self) -> float | None:
        return round(100 * self.done / self.applicable, 1) if self.applicable else None

    @property
    def compliant_percent(self) -> float | None:
        return round(100 * self.compliant_units / self.units, 1) if self.units else None

    def add(self, cell: Cell) -> None:
        if cell.applies:
            self.applicable += 1
            self.done += cell.is_done
            self.states[cell.state] += 1

    def state_list(self):
        return [(state, state.label, self.states.get(state.value, 0)) for state in STATE_ORDER[:-1]]


class Compliance:
    """The result: requirements (columns), units (rows ordered by tree path) and their cells."""

    def __init__(self, *, requirements, units, cells, as_of):
        self.requirements: list[RequirementInfo] = requirements
        self.units: list[UnitInfo] = units
        self.cells: dict[tuple[int, int], Cell] = cells
        self.as_of: datetime.date = as_of
        self._units_by_id = {u.id: u for u in units}
        self._requirements_by_id = {r.id: r for r in requirements}
        # Applicable cells per unit and per requirement, and each unit's verdict: computed once.
        self._unit_cells = defaultdict(list)
        self._requirement_cells = defaultdict(list)
        for cell in cells.values():
            self._unit_cells[cell.unit_id].append(cell)
            self._requirement_cells[cell.requirement.id].append(cell)
        self._compliant = {
            uid: bool(found) and all(c.is_done for c in found) for uid, found in self._unit_cells.items()
        }

    # --- reading cells ---------------------------------------------------------------------
    def cell(self, requirement_id: int, unit_id: int) -> Cell:
        found = self.cells.get((requirement_id, unit_id))
        if found is None:
            found = Cell(
                requirement=self._requirements_by_id[requirement_id], unit_id=unit_id, state=State.NOT_APPLICABLE
            )
        return found

    def unit(self, unit_id: int) -> UnitInfo | None:
        return self._units_by_id.get(unit_id)

    def row(self, unit_id: int) -> list[Cell]:
        return [self.cell(r.id, unit_id) for r in self.requirements]

    def rows(self, units=None):
        return [(unit, self.row(unit.id)) for unit in (self.units if units is None else units)]

    def unit_is_compliant(self, unit_id: int) -> bool:
        return self._compliant.get(unit_id, False)

    def filter_units(self, *, kind: str = "", district_id: int | None = None, state: str = "") -> list[UnitInfo]:
        """Units of a kind, of a district (with its communes), and/or with at least one cell in a state."""
        units = self.units
        if state:
            units = [u for u in units if any(c.state == state for c in self._unit_cells.get(u.id, ()))]
        if kind:
            units = [u for u in units if u.kind == kind]
        if district_id:
            units = [u for u in units if u.district_id == district_id]
        return units

    # --- aggregates ------------------------------------------------------------------------
    def _tally(self, key, label, units) -> Tally:
        tally = Tally(key=str(key), label=str(label))
        for unit in units:
            tally.units += 1
            tally.compliant_units += self._compliant.get(unit.id, False)
            for cell in self._unit_cells.get(unit.id, ()):
                tally.add(cell)
        return tally

    def total(self) -> Tally:
        return self._tally("all", _("Toàn tỉnh"), self.units)

    @property
    def compliant_percent(self) -> float | None:
        return self.total().compliant_percent

    def by_requirement(self) -> list[Tally]:
        result = []
        for requirement in self.requirements:
            tally = Tally(key=str(requirement.id), label=requirement.short_label)
            for cell in self._requirement_cells.get(requirement.id, ()):
                tally.units += 1
                tally.compliant_units += cell.is_done
                tally.add(cell)
            result.append(tally)
        return result

    def by_kind(self) -> list[Tally]:
        groups = defaultdict(list)
        for unit in self.units:
            groups[unit.kind].append(unit)
        order = [k for k in UnitKind.values if k in groups]
        return [self._tally(kind, UnitKind(kind).label, groups[kind]) for kind in order]

    def districts(self) -> list[tuple[int, str]]:
        seen = {}
        for unit in self.units:
            if unit.district_id and unit.district_id not in seen:
                seen[unit.district_id] = unit.district_name
        return list(seen.items())

    def by_district(self) -> list[Tally]:
        """Each district with its communes (units outside any district are left to by_kind)."""
        groups = defaultdict(list)
        for unit in self.units:
            if unit.district_id:
                groups[unit.district_id].append(unit)
        return [self._tally(pk, name, groups[pk]) for pk, name in self.districts()]

    def overdue(self) -> list[Cell]:
        cells = [c for c in self.cells.values() if c.state == State.OVERDUE]
        paths = {u.id: u.path for u in self.units}
        return sorted(cells, key=lambda c: (c.requirement.deadline, paths.get(c.unit_id, ""), c.requirement.position))

    def owing(self) -> list[Cell]:
        return [c for c in self.cells.values() if c.state in OWING_STATES]

    # --- snapshot --------------------------------------------------------------------------
    def to_snapshot(self) -> dict:
        """Plain JSON data: enough to rebuild this object and every figure derived from it."""
        return {
            "as_of": self.as_of.isoformat(),
            "requirements": [
                {**asdict(r), "deadline": r.deadline.isoformat() if r.deadline else None} for r in self.requirements
            ],
            "units": [asdict(u) for u in self.units],
            "cells": [
                [
                    c.requirement.id,
                    c.unit_id,
                    str(c.state),
                    c.counted,
                    c.accepted,
                    [[f.kind, f.pk, f.status, f.on_time, f.title] for f in c.filings],
                ]
                for c in sorted(self.cells.values(), key=lambda c: (c.requirement.id, c.unit_id))
            ],
        }

    @classmethod
    def from_snapshot(cls, data: dict) -> Compliance:
        requirements = [
            RequirementInfo(**{**r, "deadline": datetime.date.fromisoformat(r["deadline"]) if r["deadline"] else None})
            for r in data["requirements"]
        ]
        by_id = {r.id: r for r in requirements}
        units = [UnitInfo(**u) for u in data["units"]]
        cells = {}
        for rid, uid, state, counted, accepted, filings in data["cells"]:
            cells[(rid, uid)] = Cell(
                requirement=by_id[rid],
                unit_id=uid,
                state=state,
                counted=counted,
                accepted=accepted,
                filings=tuple(Filing(*f) for f in filings),
            )
        return cls(
            requirements=requirements, units=units, cells=cells, as_of=datetime.date.fromisoformat(data["as_of"])
        )


# --- building from the database ---------------------------------------------------------------
def published_requirements(*, directive=None, campaign=None):
    """Requirements of one directive, or of every published directive of a campaign (one query)."""
    qs = Requirement.objects.select_related("directive__issuer")
    if directive is not None:
        qs = qs.filter(directive=directive)
    elif campaign is not None:
        qs = qs.filter(directive__campaign=campaign, directive__status=DirectiveStatus.PUBLISHED)
    else:
        raise ValueError("a directive or a campaign is needed")
    return list(qs.order_by("directive__issued_on", "directive_id", "position", "id"))


def _requirement_info(requirement: Requirement) -> RequirementInfo:
    directive: Directive = requirement.directive
    return RequirementInfo(
        id=requirement.pk,
        directive_id=directive.pk,
        directive_label=str(directive.number or directive.subject[:40]),
        ordinal=requirement.ordinal,
        position=requirement.position,
        kind=requirement.kind,
        label=str(requirement.label),
        deadline=requirement.deadline,
        quota_min=requirement.quota_min,
        quota_max=requirement.quota_max,
    )


def unit_map(requirements) -> dict[int, list[int]]:
    """{requirement id: [unit ids]}: the directives app's one rule (3 queries)."""
    return requirement_unit_map(requirements)


def _unit_infos(unit_ids, requirements) -> list[UnitInfo]:
    """The units of the map, with their district (one query, filtered by kind and root, not a long IN list)."""
    kinds = {k for r in requirements for k in (r.applies_to or [])}
    roots = {"/" + r.directive.issuer.path.strip("/").split("/")[0] + "/" for r in requirements}
    root_q = Q(pk__in=[])
    for root in roots:
        root_q |= Q(path__startswith=root)
    infos, keys = [], {}
    for unit in Unit.objects.filter(root_q, kind__in=kinds).select_related("parent"):
        if unit.pk not in unit_ids:
            continue
        district = None
        if unit.kind == UnitKind.DISTRICT:
            district = unit
        elif unit.parent_id and unit.parent.kind == UnitKind.DISTRICT:
            district = unit.parent
        info = UnitInfo(
            id=unit.pk,
            code=unit.code,
            name=unit.name,
            short_name=unit.short_name,
            kind=unit.kind,
            path=unit.path,
            depth=unit.depth,
            district_id=district.pk if district else None,
            district_name=district.display_name if district else "",
        )
        infos.append(info)
        # Departments, then agencies, then each district followed by its communes.
        rank = GROUP_ORDER.get(UnitKind.DISTRICT if district else unit.kind, 9)
        keys[unit.pk] = (
            rank,
            district.sort_order if district else 0,
            district.name if district else "",
            unit.depth,
            unit.sort_order,
            unit.name,
        )
    return sorted(infos, key=lambda u: keys[u.id])


GROUP_ORDER = {UnitKind.DEPARTMENT: 0, UnitKind.AGENCY: 1, UnitKind.DISTRICT: 2, UnitKind.COMMUNE: 3}


def compute(*, directive=None, campaign=None, requirements=None, as_of=None, unit_ids=None) -> Compliance:
    """The engine's one entry point; see the module docstring for the rules and the query budget."""
    as_of = as_of or timezone.localdate()
    if requirements is None:
        requirements = published_requirements(directive=directive, campaign=campaign)
    mapping = unit_map(requirements)
    wanted = set(unit_ids) if unit_ids is not None else None
    applicable = {rid: {uid for uid in uids if wanted is None or uid in wanted} for rid, uids in mapping.items()}
    all_units = set().union(*applicable.values()) if applicable else set()
    cutoff = end_of_day(as_of)
    filings = defaultdict(list)
    rows = (
        registry.submission_rows(requirement_ids=[r.pk for r in requirements], unit_ids=all_units) if all_units else []
    )
    for row in rows:
        status = status_at(row, cutoff)
        if status != ReviewStatus.WITHDRAWN:
            filings[(row.requirement_id, row.unit_id)].append(
                Filing(kind=row.kind, pk=row.pk, status=status, on_time=row.on_time, title=row.title)
            )
    infos = [_requirement_info(r) for r in requirements]
    cells = {}
    for info in infos:
        for uid in applicable.get(info.id, ()):
            found = sorted(filings.get((info.id, uid), []), key=lambda f: (f.kind, f.pk))
            cells[(info.id, uid)] = Cell(
                requirement=info,
                unit_id=uid,
                state=classify(info, found, as_of),
                counted=len(found),
                accepted=sum(1 for f in found if f.status == ReviewStatus.ACCEPTED),
                filings=tuple(found),
            )
    infos = _apply_periods(requirements, infos, cells, as_of)
    return Compliance(requirements=infos, units=_unit_infos(all_units, requirements), cells=cells, as_of=as_of)


_ENGINE_STATES = {
    "not_started": State.MISSING,
    "draft": State.DRAFT,
    "sent": State.SUBMITTED,
    "returned": State.RETURNED,
    "late": State.OVERDUE,
    "not_applicable": State.NOT_APPLICABLE,
}


def _period_at(periods, as_of: datetime.date):
    """The period holding `as_of` (before the first: the first; after the last: the last)."""
    for cell in periods:
        period = cell.period
        if period is None or (period.starts_on <= as_of <= (period.ends_on or as_of)):
            return cell
    return periods[0] if periods[0].period and as_of < periods[0].period.starts_on else periods[-1]


def _apply_periods(requirements, infos, cells, as_of) -> list[RequirementInfo]:
    """Recurring and relative asks (directives.schedule) are read from the obligations engine.

    Each cell is the period holding `as_of`: the current period today, a past one for a past as-of
    day, with that unit's own deadline; the column names the period ("Báo cáo (Tháng 12/2026)").
    """
    from directives import obligations

    scheduled = {r.pk for r in requirements if (r.recurrence or "none") != "none" or r.relative_days}
    if not scheduled or not cells:
        return infos
    ledger = obligations.obligations(
        requirements=sorted(scheduled), as_of=as_of, unit_ids={uid for rid, uid in cells if rid in scheduled}
    )
    result = []
    for info in infos:
        chosen = {}
        for rid, uid in cells:
            periods = ledger.periods(rid, uid) if rid == info.id else []
            if periods:
                chosen[uid] = _period_at(periods, as_of)
        if not chosen:
            result.append(info)
            continue
        first = next(iter(chosen.values()))
        if first.period is not None:
            info = replace(info, label=f"{info.label} ({first.period.label})", deadline=first.deadline)
        for uid, found in chosen.items():
            state = _ENGINE_STATES.get(found.state)
            if found.state == "accepted":
                state = State.ACCEPTED_ON_TIME if found.on_time else State.ACCEPTED_LATE
            filings = tuple(Filing(f.kind, f.pk, f.status, f.on_time, f.title) for f in found.filings)
            cells[(info.id, uid)] = Cell(
                requirement=info,
                unit_id=uid,
                state=state,
                counted=len(filings),
                accepted=found.accepted,
                filings=filings,
            )
        result.append(info)
    return result
