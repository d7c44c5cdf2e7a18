"""Compliance in presentation: the matrix, dashboards and documents read the obligations engine.

Who owes what and the state of each cell are decided by `directives.obligations` (one engine for
every page); this module only turns the engine's answer into what the pages show: short codes,
colours, tallies by requirement, kind and district, and the snapshot stored with a report.

A cell's state is the engine's state (`CellState`), labelled and coloured by the one glossary
(`directives.state_glossary`); whether accepted records came in late is the cell's `on_time`, shown
beside the state, never as a state of its own.

Queries, whatever the number of units: the engine's (fixed) and 1 for the units.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaign_portal.core.models import ReviewStatus, Unit, UnitKind
from directives import freshness, obligations, state_glossary
from directives.models import DirectiveStatus, Requirement
from directives.obligations import CellState, Filing, RequirementInfo

# The states are the engine's (`CellState`), shown with the one glossary's labels and colours.
DONE_STATES = obligations.DONE_STATES
# States in which the unit still owes something (reminders go to these).
OWING_STATES = obligations.OWING_STATES
STATE_ORDER = state_glossary.ORDER
# Snapshots taken before the reports app showed the engine's states: their values → (state, on_time).
LEGACY_STATES = {
    "accepted_on_time": (CellState.ACCEPTED, True),
    "accepted_late": (CellState.ACCEPTED, False),
    "submitted": (CellState.SENT, None),
    "missing": (CellState.NOT_STARTED, None),
    "overdue": (CellState.LATE, None),
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


@dataclass
class Cell:
    requirement: RequirementInfo
    unit_id: int
    state: str
    counted: int = 0
    accepted: int = 0
    filings: tuple = ()
    on_time: bool | None = None

    @property
    def is_done(self) -> bool:
        return self.state in DONE_STATES

    @property
    def applies(self) -> bool:
        return self.state != CellState.NOT_APPLICABLE

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
    def accepted_late(self) -> bool:
        return self.state == CellState.ACCEPTED and self.on_time is False

    @property
    def label(self):
        return CellState(self.state).label

    @property
    def text(self) -> str:
        """The state in words, with "trễ hạn" beside an accepted state that came in late."""
        return f"{self.label} ({state_glossary.ACCEPTED_LATE})" if self.accepted_late else str(self.label)

    @property
    def colours(self):
        return state_glossary.colours(self.state)

    @property
    def link_filing(self) -> Filing | None:
        """The filing a reader may open: accepted first, never a draft (drafts belong to their unit)."""
        visible = [f for f in self.filings if f.status != ReviewStatus.DRAFT]
        order = {ReviewStatus.ACCEPTED: 0, ReviewStatus.SUBMITTED: 1, ReviewStatus.RETURNED: 2}
        return min(visible, key=lambda f: (order.get(f.status, 9), f.pk), default=None)


@dataclass
class Tally:
    """Counts for a group of cells (a requirement, a unit kind, a district)."""

    key: str
    label: str
    units: int = 0
    compliant_units: int = 0
    applicable: int = 0
    done: int = 0
    accepted_late: int = 0
    units_late: int = 0  # units with at least one overdue cell
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
            self.accepted_late += cell.accepted_late
            self.states[cell.state] += 1

    def state_list(self):
        return [(state, state.label, self.states.get(state.value, 0)) for state in STATE_ORDER[:-1]]

    def count(self, state) -> int:
        return self.states.get(str(state), 0)


class Compliance:
    """The result: requirements (columns), units (rows ordered by tree path) and their cells."""

    def __init__(self, *, requirements, units, cells, as_of):
        self.requirements: list[RequirementInfo] = requirements
        self.units: list[UnitInfo] = units
        self.cells: dict[tuple[int, int], Cell] = cells
        self.as_of: datetime.date = as_of
        self.periods: list[tuple[str, str]] = []  # recurring asks' periods begun (from_ledger fills it)
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
        # The tallies, counted once: the result is kept between page loads until the next write
        # (directives.freshness), so the dashboard's next load counts nothing again.
        self._tallies: dict = {}

    def _kept(self, name: str, count):
        key = (name, get_language())  # labels are words of the reader's language
        if key not in self._tallies:
            self._tallies[key] = count()
        found = self._tallies[key]
        return list(found) if isinstance(found, list) else found

    # --- reading cells ---------------------------------------------------------------------
    def cell(self, requirement_id: int, unit_id: int) -> Cell:
        found = self.cells.get((requirement_id, unit_id))
        if found is None:
            found = Cell(
                requirement=self._requirements_by_id[requirement_id], unit_id=unit_id, state=CellState.NOT_APPLICABLE
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
            cells = self._unit_cells.get(unit.id, ())
            tally.units_late += any(cell.state == CellState.LATE for cell in cells)
            for cell in cells:
                tally.add(cell)
        return tally

    def total(self) -> Tally:
        return self._kept("total", lambda: self._tally("all", _("Toàn tỉnh"), self.units))

    @property
    def compliant_percent(self) -> float | None:
        return self.total().compliant_percent

    def by_requirement(self) -> list[Tally]:
        return self._kept("by_requirement", self._by_requirement)

    def _by_requirement(self) -> list[Tally]:
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
        return self._kept("by_kind", self._by_kind)

    def _by_kind(self) -> list[Tally]:
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
        return self._kept("by_district", self._by_district)

    def _by_district(self) -> list[Tally]:
        groups = defaultdict(list)
        for unit in self.units:
            if unit.district_id:
                groups[unit.district_id].append(unit)
        return [self._tally(pk, name, groups[pk]) for pk, name in self.districts()]

    def overdue(self) -> list[Cell]:
        return self._kept("overdue", self._overdue)

    def _overdue(self) -> list[Cell]:
        cells = [c for c in self.cells.values() if c.state == CellState.LATE]
        paths = {u.id: u.path for u in self.units}
        return sorted(cells, key=lambda c: (c.requirement.deadline, paths.get(c.unit_id, ""), c.requirement.position))

    def owing(self) -> list[Cell]:
        return [c for c in self.cells.values() if c.state in OWING_STATES]

    # --- snapshot --------------------------------------------------------------------------
    def to_snapshot(self) -> dict:
        """Plain JSON data: enough to rebuild this object and every figure derived from it."""
        return {
            "as_of": self.as_of.isoformat(),
            "requirements": [_dated(asdict(r), isoformat=True) for r in self.requirements],
            "units": [asdict(u) for u in self.units],
            "cells": [
                [
                    c.requirement.id,
                    c.unit_id,
                    str(c.state),
                    c.counted,
                    c.accepted,
                    [[f.kind, f.pk, f.status, f.on_time, f.title, f.period] for f in c.filings],
                    c.on_time,
                ]
                for c in sorted(self.cells.values(), key=lambda c: (c.requirement.id, c.unit_id))
            ],
        }

    @classmethod
    def from_snapshot(cls, data: dict) -> Compliance:
        requirements = [RequirementInfo(**_dated(r, isoformat=False)) for r in data["requirements"]]
        by_id = {r.id: r for r in requirements}
        units = [UnitInfo(**u) for u in data["units"]]
        cells = {}
        for rid, uid, state, counted, accepted, filings, *rest in data["cells"]:
            state, on_time = LEGACY_STATES.get(state, (state, rest[0] if rest else None))
            cells[(rid, uid)] = Cell(
                requirement=by_id[rid],
                unit_id=uid,
                state=str(state),
                counted=counted,
                accepted=accepted,
                filings=tuple(Filing(*f) for f in filings),
                on_time=on_time,
            )
        return cls(
            requirements=requirements, units=units, cells=cells, as_of=datetime.date.fromisoformat(data["as_of"])
        )


# --- building from the engine's answer -------------------------------------------------------------
def published_requirements(*, directive=None, campaign=None, root: str = ""):
    """Requirements of one directive, or of every published directive of a campaign (of the letters
    issued under `root`, a province's path, when given): one query."""
    qs = Requirement.objects.select_related("directive__issuer", "directive__campaign")
    if directive is not None:
        qs = qs.filter(directive=directive)
    elif campaign is not None:
        qs = qs.filter(directive__campaign=campaign, directive__status=DirectiveStatus.PUBLISHED)
        if root:
            qs = qs.filter(directive__issuer__path__startswith=root)
    else:
        raise ValueError("a directive or a campaign is needed")
    return list(qs.order_by("directive__issued_on", "directive_id", "position", "id"))


def _unit_infos(unit_ids) -> list[UnitInfo]:
    """The units owing something, with their district (one query; plain values, no model instances)."""
    infos, keys = [], {}
    columns = ("pk", "code", "name", "short_name", "kind", "path", "depth", "sort_order", "parent_id")
    parent = ("parent__kind", "parent__name", "parent__short_name", "parent__sort_order")
    for row in Unit.objects.filter(pk__in=list(unit_ids)).values_list(*columns, *parent):
        pk, code, name, short_name, kind, path, depth, sort_order, parent_id, p_kind, p_name, p_short, p_order = row
        if kind == UnitKind.DISTRICT:
            district = (pk, name, short_name or name, sort_order)
        elif parent_id and p_kind == UnitKind.DISTRICT:
            district = (parent_id, p_name, p_short or p_name, p_order)
        else:
            district = None
        info = UnitInfo(
            id=pk,
            code=code,
            name=name,
            short_name=short_name,
            kind=kind,
            path=path,
            depth=depth,
            district_id=district[0] if district else None,
            district_name=district[2] if district else "",
        )
        infos.append(info)
        # Departments, then agencies, then each district followed by its communes.
        rank = GROUP_ORDER.get(UnitKind.DISTRICT if district else kind, 9)
        keys[pk] = (
            rank,
            district[3] if district else 0,
            district[1] if district else "",
            depth,
            sort_order,
            name,
        )
    return sorted(infos, key=lambda u: keys[u.id])


GROUP_ORDER = {UnitKind.DEPARTMENT: 0, UnitKind.AGENCY: 1, UnitKind.DISTRICT: 2, UnitKind.COMMUNE: 3}


# The dates of a requirement's info (deadline, and the schedule's: campaign span, signature, publication).
_DATE_FIELDS = ("deadline", "span_start", "span_end", "signed_on", "published_on")


def _dated(data: dict, *, isoformat: bool) -> dict:
    """A requirement info's dates as ISO strings for the snapshot's JSON, or back to dates."""
    result = dict(data)
    for name in _DATE_FIELDS:
        value = result.get(name)
        if value is not None:
            result[name] = value.isoformat() if isoformat else datetime.date.fromisoformat(value)
    return result


def from_ledger(ledger: obligations.Ledger, *, period: str = "", unit_infos=None) -> Compliance:
    """The engine's answer as the pages show it (one query for the units).

    A recurring ask shows the period holding the as-of day (the current one today, a past one for a
    past day), or the `period` asked for when it is one of its own, named in its column:
    "Báo cáo tháng (Tháng 12/2026)". `Compliance.periods` lists the periods begun, to pick from.
    """
    cells = {}
    periods = {}
    begun = {}
    pairs = dict.fromkeys((o.key.requirement_id, o.key.unit_id) for o in ledger.cells.values())
    for o in ledger.cells.values():
        if o.period is not None and (o.period.starts_on is None or o.period.starts_on <= ledger.as_of):
            begun.setdefault(o.key.period, o.period.label)
    for rid, uid in pairs:
        chosen = [o for o in ledger.periods(rid, uid) if o.key.period == period] if period else []
        obligation = chosen[0] if chosen else ledger.get(rid, uid)  # else the period holding the as-of day
        if not obligation.applies:
            continue
        if obligation.period is not None:
            periods.setdefault(rid, obligation.period.label)
        cells[(rid, uid)] = obligation
    requirements = [
        replace(r, label=f"{r.label} ({periods[r.id]})") if r.id in periods else r for r in ledger.requirements
    ]
    by_id = {r.id: r for r in requirements}
    for pair, obligation in cells.items():
        cells[pair] = Cell(
            requirement=by_id[pair[0]],
            unit_id=obligation.unit_id,
            state=str(obligation.state),
            counted=obligation.counted,
            accepted=obligation.accepted,
            filings=obligation.filings,
            on_time=obligation.on_time if obligation.state == CellState.ACCEPTED else None,
        )
    unit_ids = {uid for (_rid, uid) in cells}
    # The units as read for another day (the same units owe on every day), else one query.
    units = _unit_infos(unit_ids) if unit_infos is None else [u for u in unit_infos if u.id in unit_ids]
    result = Compliance(requirements=requirements, units=units, cells=cells, as_of=ledger.as_of)
    result.periods = sorted(begun.items(), reverse=True)  # newest first: [("2026-12", "Tháng 12/2026"), ...]
    return result


def compute(
    *, directive=None, campaign=None, requirements=None, as_of=None, unit_ids=None, period: str = ""
) -> Compliance:
    """The matrix of a directive, a campaign or given requirements, as of a day (the engine decides)."""
    as_of = as_of or timezone.localdate()
    return compute_at(
        directive=directive,
        campaign=campaign,
        requirements=requirements,
        days=[as_of],
        unit_ids=unit_ids,
        period=period,
    )[0]


def compute_at(
    *, directive=None, campaign=None, requirements=None, days, unit_ids=None, period: str = ""
) -> list[Compliance]:
    """The matrix as of each of `days` in one pass of the engine (the dashboard's trend: today and a
    week ago). Each answer is kept while nothing the engine reads changes (directives.freshness): a
    burst of page loads computes the matrix once."""
    if requirements is None:
        requirements = published_requirements(directive=directive, campaign=campaign)
    requirements = list(requirements)
    days = list(days)
    ids = tuple(getattr(r, "pk", r) for r in requirements)
    computed = None

    def compute_missing(missing):
        ledgers = obligations.obligations_at(requirements=requirements, days=missing, unit_ids=unit_ids)
        result, infos = {}, None
        for day, ledger in zip(missing, ledgers, strict=True):
            result[day] = from_ledger(ledger, period=period, unit_infos=infos)
            infos = infos or result[day].units  # the same units owe on every day: read once
        return result

    if any(pk is None for pk in ids):
        found = compute_missing(list(dict.fromkeys(days)))
        return [found[d] for d in days]
    units_key = None if unit_ids is None else tuple(sorted(set(unit_ids)))
    found = {}
    with freshness.pinned():
        for day in dict.fromkeys(days):

            def one(day=day):
                nonlocal computed
                if computed is None:
                    computed = compute_missing([d for d in dict.fromkeys(days) if d not in found])
                return computed[day]

            found[day] = freshness.memo(("compliance", ids, day, units_key, period), one, size=lambda c: len(c.cells))
    return [found[d] for d in days]
