"""The obligations engine: who receives a letter, who owes which requirement, and in what state.

Every page and every guard asks these questions here and nowhere else: the recipients of a letter,
receipts, the officer's "what my unit owes", each filing service's guard (applicability, quota), the
directive page counts, the compliance matrix, the dashboard and the report snapshot.

Recipients of a directive D (on its reference day: `issued_on`, else the campaign's start, else today):
 1. the units named in `addressee_units`,
 2. the units of a kind in `addressee_kinds` under the issuer's province root,
 3. the units owing one of its requirements (below);
and only units that existed on the reference day (`Unit.valid_from <= day < valid_to`): a unit
dissolved by then is never a recipient (its successors are offered instead, `addressee_check`).

Who owes requirement R (`owers`):
 - when R has `target_units`: those units (valid on the day);
 - otherwise the units of a kind in `R.applies_to` under the issuer's root, plus the named recipients
   of a kind in `R.applies_to`; when `R.applies_to` is empty, every recipient of 1 and 2;
 - and never when R is "for information only" (`ResponseMode.INFORMATION`): its cells are
   not applicable, the unit still sees it listed under the letter.

State of one obligation (R, U, period), first rule that matches wins; `needed` is R.quota_min or 1:
 0. U does not owe R, or R is for information only           → not_applicable
 1. R is "receipt is enough": U confirmed receipt (by the cut-off) → accepted, else rules 4 and 7
 2. accepted filings ≥ needed                                  → accepted (`on_time` tells whether
    at least `needed` of them were on time)
 3. accepted + submitted filings ≥ needed                      → sent (awaiting review)
 4. the period has a deadline and the as-of day is after it    → late
 5. a returned filing                                          → returned
 6. a draft filing                                             → draft
 7. otherwise                                                  → not_started
Withdrawn filings are ignored. The count shown ("1/01–02") is the filings holding a place in the
quota (draft, submitted, returned, accepted). Filings are seen as they stood at the end of the as-of
day, as far as their timestamps tell (`status_at`).

Queries, whatever the number of units or requirements: the data's version (1, directives.freshness:
nothing more while an answer computed at that version is kept), directives (1), targets and named
addressees (1), units (1) (plus 1 for the requirements when given as ids), receipts (1, only when
a requirement is receipt-only) and one per registered submission model. Recurring or relative asks add the staff's calendar days (1) and
receipts (1, relative to receipt). The obligation key carries a period: a recurring requirement owes
one obligation per period (directives.schedule), `periods_for` is the one place that decides them.
A requirement with a lead unit (`Requirement.lead_unit`) targets that unit only: the requirement
service keeps `target_units` = {lead}; its co-operating units receive the letter but owe nothing.

A whole country's pages (300,000 cells) count the same states in the database: `cell_states` and
`unit_lines` run these rules as one SQL statement for one-time asks (directives.obligations_sql,
tested to agree with this engine cell by cell) and this engine for recurring or relative ones.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import IntegerField, Q, Value
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaign_portal.core.apps import collector_paused
from campaign_portal.core.models import COUNTED_STATUSES, ReviewStatus, Unit

from . import freshness, registry, schedule
from .models import Directive, DirectiveStatus, Receipt, Requirement, ResponseMode, quota_text

__all__ = [
    "CellState",
    "DONE_STATES",
    "OWING_STATES",
    "SENT_STATES",
    "ObligationKey",
    "Period",
    "RequirementInfo",
    "Filing",
    "Obligation",
    "Ledger",
    "Refusal",
    "ObligationRefused",
    "reference_day",
    "root_path",
    "recipients",
    "recipient_ids",
    "owers",
    "owes",
    "periods_for",
    "quota_bounds",
    "classify",
    "status_at",
    "end_of_day",
    "obligations",
    "obligations_at",
    "obligations_of_unit",
    "periods_owed",
    "current",
    "directives_received_by",
    "refusal",
    "check_can_file",
    "addressee_check",
    "recurs",
    "filing_periods",
    "check_period",
    "deadline_for",
    "cell_states",
    "unit_lines",
    "UnitLine",
]


class CellState(models.TextChoices):
    """The state of one obligation; one meaning each (see the module docstring)."""

    NOT_STARTED = "not_started", _("Chưa thực hiện")
    DRAFT = "draft", _("Đang soạn")
    SENT = "sent", _("Đã gửi, chờ duyệt")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    LATE = "late", _("Quá hạn")
    NOT_APPLICABLE = "not_applicable", _("Không áp dụng")


DONE_STATES = frozenset({CellState.ACCEPTED})
SENT_STATES = frozenset({CellState.SENT, CellState.ACCEPTED})
# The unit still has something to do (reminders go to these).
OWING_STATES = frozenset({CellState.NOT_STARTED, CellState.DRAFT, CellState.RETURNED, CellState.LATE})


class ObligationKey(NamedTuple):
    """One thing a unit owes: a requirement, a unit and a period ("" while requirements have one).

    A named tuple: the ledgers hold one per cell as dict keys, and a tuple is built and hashed in C."""

    requirement_id: int
    unit_id: int
    period: str = ""


@dataclass(frozen=True)
class Period:
    """A period of a requirement for a unit, with its deadline (None: no deadline)."""

    key: str
    deadline: datetime.date | None
    starts_on: datetime.date | None = None
    label: str = ""
    ends_on: datetime.date | None = None


@dataclass(frozen=True)
class RequirementInfo:
    """What the engine needs of a requirement, as plain data (snapshots store it as JSON)."""

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
    response_mode: str = ResponseMode.FILE
    # How it is due (directives.schedule): recurrence, due days, relative deadline, and the dates
    # they count from: the campaign's span, the signature and the publication on the portal.
    recurrence: str = "none"
    due_days: str = ""
    due_next_period: bool = False
    relative_days: int | None = None
    relative_from: str = ""
    relative_working_days: bool = False
    span_start: datetime.date | None = None
    span_end: datetime.date | None = None
    signed_on: datetime.date | None = None
    published_on: datetime.date | None = None

    @functools.cached_property
    def ask(self) -> schedule.Ask:  # worked out once per requirement, not once per cell
        return schedule.ask_of(self)

    @functools.cached_property
    def scheduled(self) -> bool:
        """Recurring, or due a number of days after something: periods_for works it out."""
        return self.ask.recurring or self.ask.relative

    @property
    def needed(self) -> int:
        return self.quota_min or 1

    @property
    def quota_text(self) -> str:
        return quota_text(self.quota_min, self.quota_max)

    @property
    def short_label(self) -> str:
        return f"{self.ordinal}. {self.label}" if self.ordinal else self.label

    @classmethod
    def of(cls, requirement: Requirement) -> RequirementInfo:
        directive: Directive = requirement.directive
        recurring = (requirement.recurrence or "none") != "none"
        campaign = directive.campaign if recurring and directive.campaign_id else None  # select_related it
        return cls(
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
            response_mode=getattr(requirement, "response_mode", ResponseMode.FILE) or ResponseMode.FILE,
            recurrence=requirement.recurrence or "none",
            due_days=requirement.due_days,
            due_next_period=requirement.due_next_period,
            relative_days=requirement.relative_days,
            relative_from=requirement.relative_from,
            relative_working_days=requirement.relative_working_days,
            span_start=campaign.starts_on if campaign else None,
            span_end=campaign.ends_on if campaign else None,
            signed_on=directive.issued_on,
            published_on=timezone.localdate(directive.published_at) if directive.published_at else None,
        )


class Filing(NamedTuple):
    """A submission as it stood at the cut-off (a named tuple: a province's ledger makes thousands)."""

    kind: str
    pk: int
    status: str
    on_time: bool | None
    title: str = ""
    period: str = ""  # the period the filing names ("" when its kind does not say, or a one-time ask)


@dataclass(slots=True)
class Obligation:
    """One cell: what unit `key.unit_id` owes for requirement `requirement` in `key.period`."""

    key: ObligationKey
    requirement: RequirementInfo
    state: str
    deadline: datetime.date | None = None
    counted: int = 0
    accepted: int = 0
    on_time: bool = True
    received: bool = False
    filings: tuple = ()
    quota_min: int | None = None
    quota_max: int | None = None
    period: Period | None = None  # its period (label, start, end) when the requirement recurs

    @property
    def unit_id(self) -> int:
        return self.key.unit_id

    @property
    def applies(self) -> bool:
        return self.state != CellState.NOT_APPLICABLE

    @property
    def is_done(self) -> bool:
        return self.state in DONE_STATES

    @property
    def is_owing(self) -> bool:
        return self.state in OWING_STATES

    @property
    def label(self):
        return CellState(self.state).label

    @property
    def response_mode(self) -> str:
        return self.requirement.response_mode

    @property
    def missing(self) -> int:
        return max(0, (self.quota_min or 0) - self.counted)

    @property
    def can_add(self) -> bool:
        """A new filing fits the quota (the filing service re-checks under lock)."""
        return (
            self.applies
            and self.requirement.response_mode == ResponseMode.FILE
            and (self.quota_max is None or self.counted < self.quota_max)
        )

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


class Ledger:
    """The engine's answer: requirements, the units owing them, and one Obligation per key."""

    def __init__(self, *, requirements, owers_map, cells, as_of):
        self.requirements: list[RequirementInfo] = requirements
        self.owers: dict[int, list[int]] = owers_map
        self.cells: dict[ObligationKey, Obligation] = cells
        self.as_of: datetime.date = as_of
        self._by_pair: dict[tuple[int, int], list[Obligation]] = defaultdict(list)
        for cell in cells.values():
            self._by_pair[(cell.key.requirement_id, cell.key.unit_id)].append(cell)
        self._requirements = {r.id: r for r in requirements}
        self._counts: dict[int, dict] = {}  # counts(): a kept ledger is asked them on every directive page

    @property
    def unit_ids(self) -> set[int]:
        return set().union(*self.owers.values()) if self.owers else set()

    def periods(self, requirement_id: int, unit_id: int) -> list[Obligation]:
        return self._by_pair.get((requirement_id, unit_id), [])

    def get(self, requirement_id: int, unit_id: int) -> Obligation:
        """The obligation (its period holding the as-of day), or a not-applicable one when not owed."""
        found = self._by_pair.get((requirement_id, unit_id))
        if found:
            return current(found, self.as_of)
        requirement = self._requirements[requirement_id]
        return Obligation(
            key=ObligationKey(requirement_id, unit_id),
            requirement=requirement,
            state=CellState.NOT_APPLICABLE,
            deadline=requirement.deadline,
        )

    def for_unit(self, unit_id: int) -> list[Obligation]:
        return [self.get(r.id, unit_id) for r in self.requirements]

    def counts(self, requirement_id: int) -> dict:
        """{"owed": units owing, "sent"/"filed": units whose filings reached the quota (sent or accepted),
        "done": accepted, "states": {state: units}}. Worked out once per ledger (it never changes)."""
        found = self._counts.get(requirement_id)
        if found is None:
            found = self._counts[requirement_id] = self._counted(requirement_id)
        return {**found, "states": dict(found["states"])}  # the caller's own copy

    def _counted(self, requirement_id: int) -> dict:
        cells = [self.get(requirement_id, uid) for uid in self.owers.get(requirement_id, [])]
        cells = [c for c in cells if c.applies]
        states = defaultdict(int)
        for cell in cells:
            states[cell.state] += 1
        return {
            "owed": len(cells),
            "sent": sum(1 for c in cells if c.state in SENT_STATES),
            "filed": sum(1 for c in cells if c.state in SENT_STATES),
            "done": sum(1 for c in cells if c.is_done),
            "states": dict(states),
        }


def current(cells: list[Obligation], day: datetime.date) -> Obligation:
    """Of one unit's periods of a requirement, the one holding `day` (before the first: the first;
    after the last: the last); a one-time ask has just one."""
    for cell in cells:
        period = cell.period
        if period is None or (period.starts_on and period.starts_on <= day <= (period.ends_on or day)):
            return cell
    first = cells[0].period
    return cells[0] if first is not None and first.starts_on and day < first.starts_on else cells[-1]


class Refusal(models.TextChoices):
    """Why a unit cannot file under a requirement (a page explains it instead of a bare 404)."""

    NOT_PUBLISHED = "not_published", _("Văn bản chưa ban hành hoặc đã thu hồi: không thể nộp hồ sơ.")
    NOT_APPLICABLE = "not_applicable", _("Yêu cầu này không áp dụng cho đơn vị của bạn.")
    DISSOLVED = "dissolved", _("Đơn vị của bạn không còn tồn tại vào ngày ban hành văn bản.")
    INFORMATION = "information", _("Yêu cầu này chỉ để biết: đơn vị không phải nộp gì.")
    RECEIPT = "receipt", _("Yêu cầu này chỉ cần xác nhận đã nhận văn bản, không phải nộp hồ sơ.")
    WRONG_KIND = "wrong_kind", _("Yêu cầu này không nhận loại hồ sơ này.")
    QUOTA = "quota", _("Đơn vị đã nộp đủ số lượng tối đa của yêu cầu này.")


class ObligationRefused(ValidationError):
    """Raised by `check_can_file`; `reason` is a Refusal."""

    def __init__(self, reason: Refusal, message: str | None = None):
        self.reason = reason
        super().__init__(message or str(reason.label), code=str(reason))


# --- days and the map ------------------------------------------------------------------------------


def root_path(path: str) -> str:
    """The province root of a unit path ("/DL/KP/" → "/DL/")."""
    first = (path or "").strip("/").split("/")[0]
    return f"/{first}/" if first else "/"


def reference_day(issued_on, campaign_start=None) -> datetime.date:
    """The day whose map of units a directive is read on."""
    return issued_on or campaign_start or timezone.localdate()


def _valid(valid_from, valid_to, day) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or valid_to > day)


@dataclass
class _World:
    """Requirements, their directives and the units they may reach, loaded in four queries."""

    requirements: list[dict]
    directives: dict[int, dict]
    targets: dict[int, set]
    named: dict[int, set]
    units: dict[int, tuple]  # pk → (kind, path, valid_from, valid_to)
    derived: dict = field(default_factory=dict)  # what is worked out of it once (addressees, owers)


def _ids_key(requirements) -> tuple | None:
    """The requirements as a cache key (None when one is not saved yet: nothing is reused then)."""
    ids = tuple(r.pk if isinstance(r, Requirement) else r for r in requirements)
    return None if any(pk is None for pk in ids) else ids


def _load(requirements, directive_ids=()) -> _World:
    """`requirements` are ids (one query reads them) or Requirement instances (no query); the answer is
    reused while the data's version stays (directives.freshness)."""
    requirements = list(requirements)
    key = _ids_key(requirements)
    if key is None:
        return _load_now(requirements, directive_ids)
    directive_ids = tuple(sorted(set(directive_ids)))
    # In any order, the same world.
    return freshness.memo(("world", tuple(sorted(key)), directive_ids), lambda: _load_now(requirements, directive_ids))


def _load_now(requirements, directive_ids=()) -> _World:
    if requirements and isinstance(requirements[0], Requirement):
        reqs = [
            {"pk": r.pk, "directive_id": r.directive_id, "applies_to": r.applies_to, "response_mode": r.response_mode}
            for r in requirements
        ]
    else:
        reqs = list(
            Requirement.objects.filter(pk__in=requirements).values("pk", "directive_id", "applies_to", "response_mode")
        )
    requirement_ids = [r["pk"] for r in reqs]
    directive_ids = set(directive_ids) | {r["directive_id"] for r in reqs}
    directives = {
        row["pk"]: row
        for row in Directive.objects.filter(pk__in=directive_ids).values(
            "pk", "issued_on", "campaign__starts_on", "issuer__path", "addressee_kinds"
        )
    }
    targets = defaultdict(set)
    named = defaultdict(set)
    # The target units of the requirements and the named addressees of the directives: one query.
    addressees = (
        Directive.addressee_units.through.objects.filter(directive_id__in=directive_ids)
        .order_by()
        .values_list(Value(0, output_field=IntegerField()), "directive_id", "unit_id")
    )
    if requirement_ids:
        addressees = addressees.union(
            Requirement.target_units.through.objects.filter(requirement_id__in=requirement_ids)
            .order_by()
            .values_list(Value(1, output_field=IntegerField()), "requirement_id", "unit_id"),
            all=True,
        )
    for is_target, owner, uid in addressees:
        (targets if is_target else named)[owner].add(uid)
    kinds = {k for r in reqs for k in (r["applies_to"] or [])}
    kinds |= {k for d in directives.values() for k in (d["addressee_kinds"] or [])}
    explicit = set().union(*targets.values(), *named.values()) if (targets or named) else set()
    unit_q = Q(pk__in=list(explicit))
    roots = {root_path(d["issuer__path"]) for d in directives.values()}
    if kinds and roots:
        root_q = Q(pk__in=[])
        for root in roots:
            root_q |= Q(path__startswith=root)
        unit_q |= root_q & Q(kind__in=kinds)
    units = {
        pk: (kind, path, vf, vt)
        for pk, kind, path, vf, vt in Unit.objects.filter(unit_q).values_list(
            "pk", "kind", "path", "valid_from", "valid_to"
        )
    }
    return _World(reqs, directives, targets, named, units)


def _day(directive_row) -> datetime.date:
    return reference_day(directive_row["issued_on"], directive_row["campaign__starts_on"])


def _addressed(world: _World, directive_id: int) -> set[int]:
    """Rules 1 and 2 of the recipients (named units and addressed kinds), on the reference day."""
    key = ("addressed", directive_id)
    if key not in world.derived:
        world.derived[key] = frozenset(_addressed_now(world, directive_id))
    return set(world.derived[key])


def _addressed_now(world: _World, directive_id: int) -> set[int]:
    d = world.directives[directive_id]
    day, root, kinds = _day(d), root_path(d["issuer__path"]), set(d["addressee_kinds"] or [])
    found = set()
    for pk, (kind, path, vf, vt) in world.units.items():
        if not _valid(vf, vt, day):
            continue
        if pk in world.named.get(directive_id, ()) or (kind in kinds and path.startswith(root)):
            found.add(pk)
    return found


def _owers_of(world: _World, req: dict, addressed: set[int]) -> list[int]:
    if req["response_mode"] == ResponseMode.INFORMATION:
        return []
    d = world.directives[req["directive_id"]]
    day, root = _day(d), root_path(d["issuer__path"])
    wanted = set(req["applies_to"] or [])
    only = world.targets.get(req["pk"])
    result = []
    for pk, (kind, path, vf, vt) in world.units.items():
        if not _valid(vf, vt, day):
            continue
        if only is not None:
            ok = pk in only
        elif not wanted:
            ok = pk in addressed
        else:
            ok = kind in wanted and (path.startswith(root) or pk in addressed)
        if ok:
            result.append(pk)
    return sorted(result, key=lambda pk: world.units[pk][1])


def _owers_map(world: _World) -> dict[int, list[int]]:
    if "owers" not in world.derived:
        addressed = {did: _addressed(world, did) for did in world.directives}
        # Asks of one letter to the same kinds, without target units, have the same owers: worked out once.
        alike = {}
        owers_of = {}
        for r in world.requirements:
            if r["pk"] in world.targets or r["response_mode"] == ResponseMode.INFORMATION:
                owers_of[r["pk"]] = tuple(_owers_of(world, r, addressed[r["directive_id"]]))
                continue
            group = (r["directive_id"], frozenset(r["applies_to"] or ()))
            if group not in alike:
                alike[group] = tuple(_owers_of(world, r, addressed[r["directive_id"]]))
            owers_of[r["pk"]] = alike[group]
        world.derived["owers"] = owers_of
    return {rid: list(uids) for rid, uids in world.derived["owers"].items()}


def owers(requirements) -> dict[int, list[int]]:
    """{requirement id: [ids of the units owing it, in tree order]} in four queries (see module doc)."""
    requirements = list(requirements)
    if not requirements:
        return {}
    return _owers_map(_load(requirements))


def owes_any(unit, *, kind: str) -> bool:
    """Does `unit` owe any requirement of this kind under a published letter? (Kept per data version: the menu
    of every officer's page asks it.)"""
    return unit.pk in freshness.memo(("owers of kind", kind), lambda: _owers_of_kind(kind), small=True)


def _owers_of_kind(kind: str) -> frozenset[int]:
    reqs = list(Requirement.objects.filter(directive__status=DirectiveStatus.PUBLISHED, kind=kind))
    return frozenset(pk for unit_ids in owers(reqs).values() for pk in unit_ids) if reqs else frozenset()


def owes(requirement: Requirement, unit) -> bool:
    """Does `unit` owe `requirement`? (The same rule as `owers`, for one pair.)"""
    return unit.pk in owers([requirement]).get(requirement.pk, [])


def recipient_ids(directive: Directive) -> list[int]:
    """Every unit the directive is sent to (rules 1–3 of the module docstring), in tree order."""
    if directive.pk is None:
        return _recipient_ids(directive)
    return list(freshness.memo(("recipients", directive.pk), lambda: tuple(_recipient_ids(directive))))


def _recipient_ids(directive: Directive) -> list[int]:
    requirements = list(directive.requirements.all())
    # The requirements name their directive: the same world (and kept answer) as the engine's.
    world = _load(requirements, [] if requirements else [directive.pk])
    ids = _addressed(world, directive.pk)
    for unit_ids in _owers_map(world).values():
        ids |= set(unit_ids)
    # The co-operating units of a lead-unit ask get the letter too (they help; they owe nothing).
    helpers = Requirement.cooperating_units.through.objects.filter(requirement__directive=directive)
    paths = dict(Unit.objects.filter(pk__in=helpers.values("unit_id")).values_list("pk", "path"))
    paths.update({pk: world.units[pk][1] for pk in ids})
    return sorted(ids | set(paths), key=lambda pk: paths[pk])


def recipients(directive: Directive):
    """The recipient units as a queryset (parent selected), in tree order."""
    return Unit.objects.filter(pk__in=recipient_ids(directive)).select_related("parent").order_by("path")


def directives_received_by(unit) -> list[int]:
    """Ids of the published or withdrawn directives `unit` receives (a fixed number of queries)."""
    with freshness.pinned():  # the letters, their requirements and their world: one read of the data version
        directive_ids, reqs, helping = freshness.memo(("received_inputs",), _received_inputs, small=True)
        world = _load(list(reqs), directive_ids)
    helps = {did for did, uid in helping if uid == unit.pk}  # co-operating units get the letter (recipient_ids)
    if unit.pk not in world.units and not helps:
        return []
    # The kept world's map of owers (worked out once per data version), not each requirement's again.
    owers_map = _owers_map(world)
    owing = {req["directive_id"] for req in world.requirements if unit.pk in owers_map[req["pk"]]}
    return [did for did in directive_ids if did in owing or did in helps or unit.pk in _addressed(world, did)]


_WORLD_FIELDS = ("pk", "directive_id", "applies_to", "response_mode")  # what _load_now reads of a Requirement


def _received_inputs() -> tuple:
    """(ids of the published or withdrawn letters, newest first; their requirements; (letter, unit) of their
    co-operating units): kept, read-only."""
    visible = (DirectiveStatus.PUBLISHED, DirectiveStatus.WITHDRAWN)
    directive_ids = list(Directive.objects.filter(status__in=visible).values_list("pk", flat=True))
    helping = frozenset(
        Requirement.cooperating_units.through.objects.filter(requirement__directive_id__in=directive_ids).values_list(
            "requirement__directive_id", "unit_id"
        )
    )
    reqs = tuple(Requirement.objects.filter(directive_id__in=directive_ids).only(*_WORLD_FIELDS))
    return directive_ids, reqs, helping


# --- periods, quotas, states -----------------------------------------------------------------------


def periods_for(
    requirement: RequirementInfo, unit_id: int, *, received_on=None, calendar: schedule.WorkCalendar | None = None
) -> list[Period]:
    """The periods (and deadline of each) in which `unit_id` owes `requirement`.

    The one place that decides deadlines (directives.schedule does the arithmetic): a one-time ask
    has one period, key "", with its fixed deadline or its relative one (counted from the
    signature, the publication, or `received_on`, the unit's own receipt); a recurring ask has one
    period per month / quarter / half-year / year of the campaign, each its own obligation.
    """
    if not requirement.scheduled:
        return [Period(key="", deadline=requirement.deadline)]
    found = schedule.periods(
        requirement.ask,
        span_start=requirement.span_start,
        span_end=requirement.span_end,
        signed_on=requirement.signed_on,
        published_on=requirement.published_on,
        received_on=received_on,
        calendar=calendar,
    )
    return [
        Period(
            key="" if p.key == schedule.ONCE else p.key,
            deadline=p.deadline,
            starts_on=p.start,
            label=p.label,
            ends_on=p.end,
        )
        for p in found
    ]


def _filings_of_period(found, when: dict, periods: list[Period], period: Period) -> tuple:
    """The filings answering `period`: those naming it, else those dated within it (see registry)."""
    if len(periods) <= 1:
        return found
    keys = {p.key for p in periods}

    def period_of(filing) -> str:
        named, day = when.get((filing.kind, filing.pk), ("", None))
        if named in keys:
            return named
        day = day or timezone.localdate()
        for candidate in periods:
            if candidate.ends_on is None or day <= candidate.ends_on:
                return candidate.key
        return periods[-1].key

    return tuple(f for f in found if period_of(f) == period.key)


def quota_bounds(requirement) -> tuple[int | None, int | None]:
    """(min, max) filings per unit: the requirement's, else its kind's default (one plan per unit)."""
    entry = registry.kind_for_requirement(requirement)
    maximum = requirement.quota_max
    if maximum is None and entry is not None:
        maximum = entry.default_quota_max
    return requirement.quota_min, maximum


def classify(
    requirement: RequirementInfo, filings, *, deadline, as_of: datetime.date, received: bool = False
) -> tuple[str, bool]:
    """(state, on_time) of one owed period: rules 1–7 of the module docstring."""
    if requirement.response_mode == ResponseMode.INFORMATION:
        return CellState.NOT_APPLICABLE, True
    late = deadline is not None and as_of > deadline
    if requirement.response_mode == ResponseMode.RECEIPT:
        if received:
            return CellState.ACCEPTED, True
        return (CellState.LATE if late else CellState.NOT_STARTED), True
    needed = requirement.needed
    statuses = [f.status for f in filings]
    accepted = [f for f in filings if f.status == ReviewStatus.ACCEPTED]
    if len(accepted) >= needed:
        return CellState.ACCEPTED, sum(1 for f in accepted if f.on_time is not False) >= needed
    if len(accepted) + statuses.count(ReviewStatus.SUBMITTED) >= needed:
        return CellState.SENT, True
    if late:
        return CellState.LATE, False
    if ReviewStatus.RETURNED in statuses:
        return CellState.RETURNED, True
    if ReviewStatus.DRAFT in statuses:
        return CellState.DRAFT, True
    return CellState.NOT_STARTED, True


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


def _requirement_list(requirements) -> list[Requirement]:
    reqs = list(requirements)
    if reqs and not isinstance(reqs[0], Requirement):
        return list(Requirement.objects.filter(pk__in=reqs).select_related("directive__campaign"))
    return reqs


def obligations(*, requirements, as_of: datetime.date | None = None, unit_ids=None) -> Ledger:
    """Every obligation of these requirements (optionally only for `unit_ids`) as of a day.

    `requirements` are Requirement instances (directive selected) or ids. A fixed number of queries
    (see the module docstring), whatever the number of units.
    """
    return obligations_at(requirements=requirements, days=[as_of or timezone.localdate()], unit_ids=unit_ids)[0]


def obligations_at(*, requirements, days, unit_ids=None) -> list[Ledger]:
    """The ledger as of each of `days`, in one pass: the map, the filings and receipts are read once
    and each filing is rolled back to each day (`status_at`). The dashboard's trend since last week
    costs no second run of the engine. Each answer is kept while the data's version stays."""
    reqs = _requirement_list(requirements)
    days = list(days)
    key = _ids_key(reqs)
    if key is None:
        return _ledgers(reqs, _load(reqs) if reqs else None, days=days, unit_ids=unit_ids)
    units_key = None if unit_ids is None else tuple(sorted(set(unit_ids)))
    found = {}

    def compute_missing():
        missing = [d for d in dict.fromkeys(days) if d not in found]
        ledgers = _ledgers(reqs, _load(reqs) if reqs else None, days=missing, unit_ids=unit_ids)
        return dict(zip(missing, ledgers, strict=True))

    # One lookup per day (one read of the version); the days not kept are computed together.
    computed = None
    with freshness.pinned():
        for day in dict.fromkeys(days):

            def one(day=day):
                nonlocal computed
                if computed is None:
                    computed = compute_missing()
                return computed[day]

            found[day] = freshness.memo(("ledger", key, day, units_key), one, size=lambda ledger: len(ledger.cells))
    return [found[d] for d in days]


def _ledger(reqs, world, *, as_of, unit_ids) -> Ledger:
    return _ledgers(reqs, world, days=[as_of], unit_ids=unit_ids)[0]


def _ledgers(reqs, world, *, days, unit_ids) -> list[Ledger]:
    with collector_paused():  # tens of thousands of cells, no cycles among them (core.apps)
        return _ledgers_now(reqs, world, days=days, unit_ids=unit_ids)


def _ledgers_now(reqs, world, *, days, unit_ids) -> list[Ledger]:
    infos = [RequirementInfo.of(r) for r in reqs]
    if not reqs:
        return [Ledger(requirements=[], owers_map={}, cells={}, as_of=day) for day in days]
    mapping = everyone = _owers_map(world)
    if unit_ids is not None:
        wanted = set(unit_ids)
        mapping = {rid: [u for u in uids if u in wanted] for rid, uids in mapping.items()}
    all_units = set().union(*mapping.values())
    # Every unit's filings when no units are asked for: rows of a unit owing nothing are never read,
    # and a long list of unit ids costs more than the few such rows.
    row_units = None if unit_ids is None or all_units == set().union(*everyone.values()) else all_units
    rows = registry.submission_rows(requirement_ids=[r.pk for r in reqs], unit_ids=row_units) if all_units else []
    scheduled = [i for i in infos if i.scheduled]
    # (kind, pk) → (period named by the filing, its local date), for the asks of several periods only
    # (see _filings_of_period): one zone for every row, not one lookup of the current zone per row.
    when = {}
    if scheduled:
        zone, recurring = timezone.get_current_timezone(), {i.id for i in scheduled}
        for row in rows:
            if row.requirement_id in recurring:
                day = row.submitted_at.astimezone(zone).date() if row.submitted_at else None
                when[(row.kind, row.pk)] = (row.period, day)
    calendar = _work_calendar() if scheduled else None
    receipt_days = {}
    from_receipt = {i.directive_id for i in scheduled if i.relative_from == "receipt"}
    if from_receipt and all_units:
        for did, uid, at in Receipt.objects.filter(directive_id__in=from_receipt, unit_id__in=all_units).values_list(
            "directive_id", "unit_id", "confirmed_at"
        ):
            receipt_days[(did, uid)] = timezone.localdate(at)
    receipt_rows = []
    receipt_directives = {i.directive_id for i in infos if i.response_mode == ResponseMode.RECEIPT}
    if receipt_directives and all_units:
        latest = end_of_day(max(days))
        receipt_rows = list(
            Receipt.objects.filter(
                directive_id__in=receipt_directives, unit_id__in=all_units, confirmed_at__lte=latest
            ).values_list("directive_id", "unit_id", "confirmed_at")
        )
    # What does not depend on the day: each requirement's quota and each unit's periods.
    plans = []
    for req, info in zip(reqs, infos, strict=True):
        minimum, maximum = quota_bounds(req)
        if info.scheduled:
            units = [
                (uid, periods_for(info, uid, received_on=receipt_days.get((info.directive_id, uid)), calendar=calendar))
                for uid in mapping.get(info.id, ())
            ]
        else:  # one period, the same for every unit
            once = periods_for(info, 0)
            units = [(uid, once) for uid in mapping.get(info.id, ())]
        plans.append((info, minimum, maximum, units))
    return [_ledger_on(infos, mapping, plans, rows, when, receipt_rows, as_of=day, all_units=all_units) for day in days]


def _ledger_on(infos, mapping, plans, rows, when, receipt_rows, *, as_of, all_units) -> Ledger:
    # The same instant in UTC, the rows' own zone: thousands of comparisons without converting zones.
    cutoff = end_of_day(as_of).astimezone(datetime.UTC)
    filings = defaultdict(list)
    for row in rows:
        status = status_at(row, cutoff)
        if status != ReviewStatus.WITHDRAWN:
            filings[(row.requirement_id, row.unit_id)].append(
                Filing(kind=row.kind, pk=row.pk, status=status, on_time=row.on_time, title=row.title, period=row.period)
            )
    receipts = {(did, uid) for did, uid, at in receipt_rows if at <= cutoff}
    cells = {}
    unfiled = {}  # (requirement, deadline, received) → (state, on_time) of a period with no filing
    accepted_status = ReviewStatus.ACCEPTED
    for info, minimum, maximum, units in plans:
        rid, did = info.id, info.directive_id
        for uid, periods in units:
            mine = filings.get((rid, uid))
            if not mine:
                all_found = ()
            elif len(mine) == 1:
                all_found = (mine[0],)
            else:
                all_found = tuple(sorted(mine, key=lambda f: (f.kind, f.pk)))
            received = (did, uid) in receipts if receipts else False
            for period in periods:
                found = _filings_of_period(all_found, when, periods, period) if all_found else ()
                if found:
                    state, on_time = classify(info, found, deadline=period.deadline, as_of=as_of, received=received)
                    counted = sum(1 for f in found if f.status in COUNTED_STATUSES)
                    accepted = sum(1 for f in found if f.status == accepted_status)
                else:  # most cells: the same answer for every unit with this deadline
                    verdict = (rid, period.deadline, received)
                    if verdict not in unfiled:
                        unfiled[verdict] = classify(info, (), deadline=period.deadline, as_of=as_of, received=received)
                    (state, on_time), counted, accepted = unfiled[verdict], 0, 0
                key = ObligationKey(rid, uid, period.key)
                # positional, in the order of Obligation's fields (thousands of cells per province)
                cells[key] = Obligation(
                    key,
                    info,
                    state,
                    period.deadline,
                    counted,
                    accepted,
                    on_time,
                    received,
                    found,
                    minimum,
                    maximum,
                    period if period.key else None,
                )
    return Ledger(requirements=infos, owers_map=mapping, cells=cells, as_of=as_of)


def periods_owed(requirement_ids, unit_id: int, *, as_of=None) -> dict[int, list[Obligation]]:
    """{requirement id: the obligations `unit_id` still owes, period by period, of those begun by `as_of`}.

    For a unit's page: a recurring ask lists each past or current period not yet done (a future
    period is not owed yet); a relative ask its one period with the unit's own deadline.
    """
    as_of = as_of or timezone.localdate()
    ledger = obligations(requirements=list(requirement_ids), as_of=as_of, unit_ids=[unit_id])
    result = {}
    for info in ledger.requirements:
        cells = ledger.periods(info.id, unit_id)
        begun = [c for c in cells if c.period is None or c.period.starts_on is None or c.period.starts_on <= as_of]
        result[info.id] = [c for c in begun if c.is_owing]
    return result


def _work_calendar() -> schedule.WorkCalendar:
    from .selectors import work_calendar  # one query: the days staff entered

    return work_calendar()


def obligations_of_unit(unit, *, as_of=None) -> list[tuple[Requirement, Obligation]]:
    """What `unit` owes under every published letter it received, each requirement with its obligation.

    Listed: the requirements the unit owes, and the letter's "for information only" items (as not
    applicable, with nothing to file), so that a unit always sees what a letter it received asks.
    Requirements for other kinds of unit are left out. Queries: requirements (1), the map (4), one
    per registered submission model, receipts (only for receipt-only items): a fixed number.
    """
    if unit is None:
        return []
    reqs = list(
        Requirement.objects.filter(directive__status=DirectiveStatus.PUBLISHED)
        .select_related("directive__campaign")
        .order_by("-directive__issued_on", "directive_id", "position", "id")
    )
    if not reqs:
        return []
    world = _load(reqs)
    if unit.pk not in world.units:
        return []
    addressed = {did: _addressed(world, did) for did in world.directives}
    owing = {r["pk"] for r in world.requirements if unit.pk in _owers_of(world, r, addressed[r["directive_id"]])}
    received = {did for did, ids in addressed.items() if unit.pk in ids}
    received |= {r.directive_id for r in reqs if r.pk in owing}
    shown = [
        r for r in reqs
        if r.pk in owing or (r.response_mode == ResponseMode.INFORMATION and r.directive_id in received)
    ]  # fmt: skip
    ledger = _ledger(shown, world, as_of=as_of or timezone.localdate(), unit_ids=[unit.pk])
    return [(req, ledger.get(req.pk, unit.pk)) for req in shown]


# --- guards ----------------------------------------------------------------------------------------


def refusal(requirement: Requirement, unit, *, model=None) -> Refusal | None:
    """Why `unit` may not file under `requirement` (None when it may). Quota is checked by the service."""
    directive = requirement.directive
    if directive.status != DirectiveStatus.PUBLISHED:
        return Refusal.NOT_PUBLISHED
    mode = requirement.response_mode
    if mode == ResponseMode.INFORMATION:
        return Refusal.INFORMATION
    if mode == ResponseMode.RECEIPT:
        return Refusal.RECEIPT
    entry = registry.kind_for_requirement(requirement)
    if model is not None and (entry is None or entry.model is not model):
        return Refusal.WRONG_KIND
    if owes(requirement, unit):
        return None
    day = reference_day(directive.issued_on, directive.campaign.starts_on if directive.campaign_id else None)
    if not unit.is_valid_on(day):
        return Refusal.DISSOLVED
    return Refusal.NOT_APPLICABLE


def check_can_file(requirement: Requirement, unit, *, model=None) -> None:
    """The guard of every filing service: raises ObligationRefused when `unit` may not file."""
    reason = refusal(requirement, unit, model=model)
    if reason is not None:
        raise ObligationRefused(reason)


# --- the period a filing answers -------------------------------------------------------------------
#
# A recurring requirement's filing names its period (registry.SubmissionKind.period_field), so a
# November report filed on 5 December counts for November (and is late after November's deadline).
# The form offers and the filing services check the period here, on the same ledger as every page.


def recurs(requirement) -> bool:
    """A filing under `requirement` names the period it answers."""
    return schedule.ask_of(requirement).recurring


def _period_cells(requirement: Requirement, unit_id: int, as_of) -> tuple[list[Obligation], datetime.date]:
    as_of = as_of or timezone.localdate()
    ledger = obligations(requirements=[requirement], as_of=as_of, unit_ids=[unit_id])
    return ledger.periods(requirement.pk, unit_id), as_of


def _room(cell: Obligation, exclude_pk) -> bool:
    """A further filing fits the period: its maximum, else (a recurring ask) what one period needs."""
    used = sum(1 for f in cell.filings if f.status in COUNTED_STATUSES and f.pk != exclude_pk)
    return used < (cell.quota_max or cell.requirement.needed)


def filing_periods(requirement: Requirement, unit_id: int, *, as_of=None, keep: str = "", exclude_pk=None):
    """The periods `unit_id` may file for now, earliest first: begun, still owed, with room in the quota;
    plus `keep` (the period a filing being edited already names)."""
    cells, as_of = _period_cells(requirement, unit_id, as_of)
    return [
        cell
        for cell in cells
        if cell.period is not None
        and (cell.key.period == keep or (cell.period.starts_on <= as_of and cell.is_owing and _room(cell, exclude_pk)))
    ]


def check_period(requirement: Requirement, unit_id: int, period: str, *, as_of=None, exclude_pk=None):
    """The obligation a filing naming `period` answers; ValidationError (a message for the period
    field) when the period is not one of the requirement's, has not begun, or is already filed."""
    if not recurs(requirement):
        if period:
            raise ValidationError(
                gettext("Yêu cầu này không định kỳ: không chọn kỳ báo cáo."), code="period_not_recurring"
            )
        return None
    if not period:
        raise ValidationError(gettext("Hãy chọn kỳ mà hồ sơ này báo cáo."), code="period_required")
    cells, as_of = _period_cells(requirement, unit_id, as_of)
    cell = next((c for c in cells if c.key.period == period), None)
    label = schedule.period_label(period)
    if cell is None:
        span = f"{cells[0].period.label} – {cells[-1].period.label}" if cells else ""
        raise ValidationError(
            gettext("Kỳ “%(period)s” không thuộc yêu cầu này (các kỳ của yêu cầu: %(span)s).")
            % {"period": label, "span": span},
            code="period_unknown",
        )
    if cell.period.starts_on and cell.period.starts_on > as_of:
        raise ValidationError(
            gettext("Kỳ %(period)s chưa bắt đầu (từ ngày %(day)s): chưa nộp hồ sơ cho kỳ này được.")
            % {"period": label, "day": f"{cell.period.starts_on:%d/%m/%Y}"},
            code="period_future",
        )
    if not _room(cell, exclude_pk):
        raise ValidationError(
            gettext(
                "Đơn vị đã nộp đủ hồ sơ cho kỳ %(period)s. Hãy sửa hoặc rút hồ sơ đã có của kỳ này, hoặc chọn kỳ khác."
            )
            % {"period": label},
            code="period_filed",
        )
    return cell


def deadline_for(requirement: Requirement, unit_id: int, period: str = "") -> datetime.date | None:
    """The deadline a filing of `unit_id` answers: its period's (recurring), the unit's own (relative),
    else the requirement's; what `on_time` is measured against when it is sent."""
    if not (recurs(requirement) or schedule.ask_of(requirement).relative):
        return requirement.deadline
    cells, _as_of = _period_cells(requirement, unit_id, None)
    cell = next((c for c in cells if c.key.period == period), None)
    return cell.deadline if cell is not None else requirement.deadline


@dataclass
class AddresseeCheck:
    """Whether a unit can be addressed by a letter dated `day`; when not, its successors on that day."""

    unit: Unit
    day: datetime.date
    ok: bool
    successors: list = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.ok:
            return ""
        names = ", ".join(u.display_name for u in self.successors)
        if names:
            return gettext(
                "%(unit)s không còn tồn tại vào ngày %(day)s (ngày ban hành văn bản). Đơn vị kế thừa: %(names)s."
            ) % {"unit": self.unit.display_name, "day": f"{self.day:%d/%m/%Y}", "names": names}
        return gettext("%(unit)s không tồn tại vào ngày %(day)s (ngày ban hành văn bản).") % {
            "unit": self.unit.display_name,
            "day": f"{self.day:%d/%m/%Y}",
        }


def _successors_on(unit: Unit, day: datetime.date, depth: int = 0) -> list[Unit]:
    found = []
    for successor in unit.successors.all().order_by("path"):
        if successor.is_valid_on(day):
            found.append(successor)
        elif depth < 5:
            found.extend(_successors_on(successor, day, depth + 1))
    return found


def addressee_check(unit: Unit, *, day: datetime.date) -> AddresseeCheck:
    """May a letter dated `day` be addressed to `unit`? Refused when the unit did not exist then."""
    if unit.is_valid_on(day):
        return AddresseeCheck(unit=unit, day=day, ok=True)
    return AddresseeCheck(unit=unit, day=day, ok=False, successors=_successors_on(unit, day))


# --- the same states counted in the database (pages of a whole country) -----------------------------


# What the SQL side reads of a requirement, as `values()` lookups: a country's 1,700 requirements are
# read as plain rows (no model instances of them, their letters, issuers and campaigns).
_SQL_LOOKUPS = {
    "id": "pk",
    "directive_id": "directive_id",
    "issuer_path": "directive__issuer__path",
    "issued_on": "directive__issued_on",
    "campaign_starts_on": "directive__campaign__starts_on",
    "addressee_kinds": "directive__addressee_kinds",
    "applies_to": "applies_to",
    "response_mode": "response_mode",
    "deadline": "deadline",
    "quota_min": "quota_min",
    "recurrence": "recurrence",
    "due_days": "due_days",
    "due_next_period": "due_next_period",
    "relative_days": "relative_days",
    "relative_from": "relative_from",
    "relative_working_days": "relative_working_days",
}


def _sql_rows(requirements) -> list[dict]:
    """The requirements as rows of _SQL_LOOKUPS: one values() query for a queryset or ids, read off
    the instances (directive selected) otherwise."""
    if isinstance(requirements, models.QuerySet):
        names = list(_SQL_LOOKUPS)
        return [
            dict(zip(names, row, strict=True)) for row in requirements.order_by().values_list(*_SQL_LOOKUPS.values())
        ]
    reqs = list(requirements)
    if reqs and not isinstance(reqs[0], Requirement):
        return _sql_rows(Requirement.objects.filter(pk__in=reqs))
    rows = []
    for r in reqs:
        directive = r.directive
        rows.append(
            {
                **{k: getattr(r, k) for k, v in _SQL_LOOKUPS.items() if k == v},
                "id": r.pk,
                "directive_id": directive.pk,
                "issuer_path": directive.issuer.path if directive.issuer_id else "",
                "issued_on": directive.issued_on,
                "campaign_starts_on": directive.campaign.starts_on if directive.campaign_id else None,
                "addressee_kinds": directive.addressee_kinds,
            }
        )
    return rows


def _sql_spec(row: dict, as_of: datetime.date) -> dict:
    """What directives.obligations_sql needs of a requirement (a row of _sql_rows)."""
    deadline = row["deadline"]
    return {
        "id": row["id"],
        "directive_id": row["directive_id"],
        "root": root_path(row["issuer_path"] or ""),
        "day": reference_day(row["issued_on"], row["campaign_starts_on"]),
        "mode": row["response_mode"] or ResponseMode.FILE,
        "late": deadline is not None and as_of > deadline,
        "needed": row["quota_min"] or 1,
        "any_kind": not row["applies_to"],
        "applies_to": list(row["applies_to"] or []),
        "addressee_kinds": list(row["addressee_kinds"] or []),
    }


def _split(requirements, as_of):
    """The one-time asks as SQL specs, and the recurring or relative ones as (id, root): the Python
    engine's, which reads them again whole."""
    specs, scheduled = [], []
    for row in _sql_rows(requirements):
        ask = schedule.ask_of(row)
        if ask.recurring or ask.relative:
            scheduled.append((row["id"], root_path(row["issuer_path"] or "")))
        else:
            specs.append(_sql_spec(row, as_of))
    return specs, scheduled


def cell_states(*, requirements, as_of: datetime.date | None = None) -> dict[tuple[int, int], tuple[str, bool]]:
    """{(requirement id, unit id): (state, on_time)} of every owed cell, as `obligations` decides them
    (the current period of a recurring ask), one-time asks counted by one SQL query."""
    from . import obligations_sql

    as_of = as_of or timezone.localdate()
    specs, scheduled = _split(requirements, as_of)
    found = {
        (rid, uid): (state, on_time)
        for rid, uid, _root, state, on_time in obligations_sql.cells(specs, cutoff=end_of_day(as_of))
    }
    if scheduled:
        ledger = obligations(requirements=[rid for rid, _root in scheduled], as_of=as_of)
        for rid, uids in ledger.owers.items():
            for uid in uids:
                cell = ledger.get(rid, uid)
                if cell.applies:
                    found[(rid, uid)] = (str(cell.state), cell.on_time)
    return found


@dataclass
class UnitLine:
    """One unit's cells under one root's letters, counted: applicable, accepted late, per state."""

    root: str
    unit_id: int
    applicable: int = 0
    accepted_late: int = 0
    states: dict = field(default_factory=dict)


def unit_lines(*, requirements, as_of: datetime.date | None = None) -> list[UnitLine]:
    """Per (issuer's root, unit): its owed cells counted by state, in the database (one query for the
    one-time asks, whatever the number of cells); recurring or relative asks by the Python engine."""
    from . import obligations_sql

    as_of = as_of or timezone.localdate()
    specs, scheduled = _split(requirements, as_of)
    lines = {}
    for root, uid, applicable, late, *counts in obligations_sql.unit_lines(specs, cutoff=end_of_day(as_of)):
        states = {s: n for s, n in zip(obligations_sql.STATE_COLUMNS, counts, strict=True) if n}
        lines[(root, uid)] = UnitLine(root, uid, applicable, late, states)
    if scheduled:
        roots = dict(scheduled)
        ledger = obligations(requirements=list(roots), as_of=as_of)
        for rid, uids in ledger.owers.items():
            for uid in uids:
                cell = ledger.get(rid, uid)
                if not cell.applies:
                    continue
                line = lines.setdefault((roots[rid], uid), UnitLine(roots[rid], uid))
                line.applicable += 1
                line.accepted_late += cell.state == CellState.ACCEPTED and not cell.on_time
                line.states[str(cell.state)] = line.states.get(str(cell.state), 0) + 1
    return list(lines.values())
