"""Scoped reads of reports: dashboard data, the review queue, report lists and files."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import IntegerField, Value
from django.utils import timezone
from django.utils.translation import gettext

from campaign_portal.core import access
from campaign_portal.core.compiled import compiled
from campaign_portal.core.models import ReviewStatus, Unit, UnitKind
from campaign_portal.core.text import fold
from directives import freshness, obligations, registry, schedule
from directives.models import Campaign, Directive, DirectiveStatus, Requirement, RequirementKind
from directives.obligations import CellState

from . import compliance
from .models import Report, ReportKind, ReportStatus

# --- who may request and read reports ------------------------------------------------------------


def province_root() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.PROVINCE, parent__isnull=True).order_by("path").first()


def can_request_report(*, user, kind: str, scope_unit: Unit) -> bool:
    """The access rule (core.access): province-wide kinds for staff, leaders, admins; a unit's report also its officer."""
    return access.can_request_unit_report(user, scope_unit, province_wide=kind != ReportKind.UNIT_REPORT)


def can_read_report(*, user, report: Report) -> bool:
    return access.can_read_unit(user, report.scope_unit)


def stalled_before(*, now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(seconds=settings.PORTAL_REPORT_STALLED_SECONDS)


def report_is_stalled(*, report: Report, now: datetime.datetime | None = None) -> bool:
    """Running, but its build has not been heard from for a while: the worker building it is gone."""
    if report.status != ReportStatus.RUNNING:
        return False
    last_sign = report.heartbeat_at or report.started_at
    return last_sign is None or last_sign < stalled_before(now=now or timezone.now())


def can_rerun_report(*, user, report: Report) -> bool:
    """Staff (and whoever may request it) re-run a failed build, or one whose worker is gone."""
    rerunnable = report.status == ReportStatus.FAILED or report_is_stalled(report=report)
    return rerunnable and can_request_report(user=user, kind=report.kind, scope_unit=report.scope_unit)


def report_list_visible_to(*, user):
    """Reports whose scope unit the user may read (a district officer: their own and their communes')."""
    qs = Report.objects.select_related("requested_by", "scope_unit").defer("snapshot")
    return access.scope_units(qs, user, field="scope_unit")


def get_report_for_user(*, user, pk) -> Report:
    return access.get_object_for_user(report_list_visible_to(user=user), pk, user=user)


# --- what the dashboard and the matrix show ----------------------------------------------------


@dataclass
class Source:
    """The campaign or directive a dashboard, matrix or report is about."""

    campaign: Campaign | None = None
    directive: Directive | None = None
    as_of: datetime.date | None = None  # None: today
    period: str = ""  # a recurring ask's period to show ("2026-11"); "": the one holding the as-of day
    province: Unit | None = None  # a campaign of several provinces: the letters of this one only

    @property
    def label(self) -> str:
        if self.directive is not None:
            return str(self.directive)
        if self.campaign and self.province:
            return f"{self.campaign.name} · {self.province.name}"
        return self.campaign.name if self.campaign else ""

    @property
    def parameters(self) -> dict:
        if self.directive is not None:
            return {"directive": self.directive.pk}
        return {"campaign": self.campaign.pk} if self.campaign else {}

    @property
    def form_key(self) -> str:
        """The value of the report form's "source" choice ("directive:7", "campaign:1")."""
        return "&".join(f"{k}:{v}" for k, v in self.parameters.items())

    @property
    def querystring(self) -> str:
        items = [f"{k}={v}" for k, v in self.parameters.items()]
        if self.as_of:
            items.append(f"as_of={self.as_of:%d/%m/%Y}")
        if self.period:
            items.append(f"period={self.period}")
        if self.province and not self.directive:
            items.append(f"province={self.province.pk}")
        return "&".join(items)

    def __bool__(self) -> bool:
        return self.campaign is not None or self.directive is not None


def _published_directives():
    return Directive.objects.filter(status=DirectiveStatus.PUBLISHED)


def source_choices() -> dict:
    """Published directives with requirements, and their campaigns (one query), kept per version of the
    data (directives.freshness: a directive, requirement, campaign or unit written is a new version)."""
    found = freshness.memo(("reports-source-choices",), _source_choices, small=True)
    return {"campaigns": list(found["campaigns"]), "directives": list(found["directives"])}


def _source_choices() -> dict:
    directives = list(
        _published_directives()
        .filter(requirements__isnull=False)
        .select_related("campaign", "issuer")
        .distinct()
        .order_by("-issued_on", "-id")
    )
    campaigns = {d.campaign_id: d.campaign for d in directives if d.campaign_id}
    ordered = sorted(campaigns.values(), key=lambda c: (c.starts_on, c.pk), reverse=True)
    return {"campaigns": ordered, "directives": directives}


def parse_day(*, value) -> datetime.date | None:
    """dd/mm/yyyy or yyyy-mm-dd, not after today; None when empty or invalid."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.datetime.strptime(str(value or "").strip(), fmt).date()
        except ValueError:
            continue
        return min(day, timezone.localdate())
    return None


def resolve_source(
    *, campaign_id=None, directive_id=None, choices=None, as_of=None, period=None, province_id=None
) -> Source:
    """The requested source, else the current campaign (running today), else the latest one with directives.
    A campaign whose letters come from several provinces is narrowed to `province_id`'s when it is one."""
    choices = choices if choices is not None else source_choices()
    source = _resolve_source(campaign_id=campaign_id, directive_id=directive_id, choices=choices)
    source.as_of = parse_day(value=as_of)
    source.period = period if schedule.is_period_key(period) else ""
    if province_id and source.campaign is not None and source.directive is None:
        source.province = next(
            (u for u in campaign_provinces(source=source, choices=choices) if str(u.pk) == str(province_id)), None
        )
    return source


def campaign_provinces(*, source: Source, choices: dict) -> list[Unit]:
    """The provinces whose letters a campaign holds, when there are several (the whole country's
    campaign), in name order; [] for a directive or a campaign of one province (no query then)."""
    if source.campaign is None or source.directive is not None:
        return []
    roots = {
        obligations.root_path(d.issuer.path if d.issuer_id else "")
        for d in choices["directives"]
        if d.campaign_id == source.campaign.pk
    }
    if len(roots) < 2:
        return []
    return sorted(Unit.objects.filter(path__in=roots), key=lambda u: fold(u.name))


def _requirements_of(source: Source):
    """A province's share of a campaign's requirements; None: the source's own (the engine reads them)."""
    if source.province is None:
        return None
    return compliance.published_requirements(campaign=source.campaign, root=source.province.path)


def _resolve_source(*, campaign_id=None, directive_id=None, choices=None) -> Source:
    choices = choices if choices is not None else source_choices()
    for directive in choices["directives"]:
        if str(directive.pk) == str(directive_id):
            return Source(campaign=None, directive=directive)
    for campaign in choices["campaigns"]:
        if str(campaign.pk) == str(campaign_id):
            return Source(campaign=campaign)
    today = timezone.localdate()
    running = [c for c in choices["campaigns"] if c.starts_on <= today <= c.ends_on]
    if running:
        return Source(campaign=running[0])
    if choices["campaigns"]:
        return Source(campaign=max(choices["campaigns"], key=lambda c: c.starts_on))
    if choices["directives"]:
        return Source(directive=choices["directives"][0])
    return Source()


def compliance_for_source(*, source: Source, unit_ids=None) -> compliance.Compliance:
    return compliance.compute(
        directive=source.directive,
        campaign=source.campaign,
        requirements=_requirements_of(source),
        as_of=source.as_of,
        unit_ids=unit_ids,
        period=source.period,
    )


def compliance_for_source_at(*, source: Source, days, unit_ids=None) -> list[compliance.Compliance]:
    """The source's matrix as of each of `days`, in one pass of the engine."""
    return compliance.compute_at(
        directive=source.directive,
        campaign=source.campaign,
        requirements=_requirements_of(source),
        days=days,
        unit_ids=unit_ids,
        period=source.period,
    )


@dataclass
class ProvinceLine:
    """One province of a whole-country campaign: its letters' cells counted (compliance.Tally)."""

    province: Unit
    tally: compliance.Tally


def national_summary(*, source: Source, provinces: list[Unit]) -> dict:
    """A campaign of every province, one line per province: its units and their cells counted by
    state in the database (directives.obligations.unit_lines), never walked here cell by cell. Kept
    while the data's version stays (its 10,000 unit lines are added up once, not on every load)."""
    as_of = source.as_of or timezone.localdate()
    return freshness.memo(
        ("national-summary", source.campaign.pk, as_of, tuple(p.pk for p in provinces)),
        lambda: _national_summary(source.campaign, provinces, as_of),
        small=True,
    )


def _national_summary(campaign, provinces: list[Unit], as_of) -> dict:
    lines = obligations.unit_lines(
        requirements=Requirement.objects.filter(
            directive__campaign=campaign, directive__status=DirectiveStatus.PUBLISHED
        ),
        as_of=as_of,
    )
    total = compliance.Tally(key="all", label=gettext("Toàn quốc"))
    by_root = {p.path: compliance.Tally(key=str(p.pk), label=p.name) for p in provinces}
    outside = compliance.Tally(key="", label="")  # units under no listed province: the country's only
    accepted, late = str(CellState.ACCEPTED), str(CellState.LATE)
    for line in lines:  # a country's 10,000 lines: plain additions, no Counter.update per line
        tally = by_root.get(line.root, outside)
        done = line.states.get(accepted, 0)
        tally.units += 1
        tally.compliant_units += line.applicable > 0 and done == line.applicable
        tally.units_late += line.states.get(late, 0) > 0
        tally.applicable += line.applicable
        tally.done += done
        tally.accepted_late += line.accepted_late
        states = tally.states
        for state, n in line.states.items():
            states[state] += n
    for tally in (*by_root.values(), outside):
        for name in ("units", "compliant_units", "units_late", "applicable", "done", "accepted_late"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
        total.states.update(tally.states)
    return {"total": total, "provinces": [ProvinceLine(p, by_root[p.path]) for p in provinces]}


def milestones_for(*, source: Source, today: datetime.date) -> list[dict]:
    campaign = source.campaign or (source.directive.campaign if source.directive else None)
    if campaign is None:
        return []
    return [
        {"name": m.name, "date": m.date, "days": (m.date - today).days}
        for m in campaign.milestones.all().order_by("date")
    ]


def key_work_figures(*, user, requirement_ids, today) -> dict:
    """The key-works kind's summary hook (directives.registry): reports never import the filing app."""
    entry = registry.get_kind("key_works")
    summary = entry.load("summary") if entry else None
    return summary(user=user, today=today, requirement_ids=requirement_ids) if summary else {}


def plans_accepted(*, result: compliance.Compliance) -> dict:
    """Emulation plans: applicable cells and accepted ones."""
    cells = [c for c in result.cells.values() if c.requirement.kind == RequirementKind.EMULATION_PLAN]
    done = sum(1 for c in cells if c.is_done)
    return {"total": len(cells), "accepted": done, "percent": round(100 * done / len(cells), 1) if cells else None}


# --- the staff home: everything awaiting review ---------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    kind: str
    kind_label: str
    pk: int
    title: str
    unit_name: str
    requirement_label: str
    directive_label: str
    submitted_at: datetime.datetime | None
    url: str

    @property
    def waiting_days(self) -> int | None:
        if self.submitted_at is None:
            return None
        return (timezone.localdate() - timezone.localdate(self.submitted_at)).days


_FAR = datetime.datetime.max.replace(tzinfo=datetime.UTC)  # "never sent" sorts last


def _kept_sql(key, make) -> tuple[str, tuple]:
    """The compiled SQL of a query that is a pure function of `key` (no data in it: never stale); a reader
    who reviews no unit matches nothing: no query."""
    return compiled((__name__, key), make, empty=("", ()))


class ReviewQueue:
    """Everything awaiting review, oldest first, read a page at a time (Paginator slices it).

    The order is read for every record (kind, pk and the time it was sent: one query for every kind
    together, under the user's review scope); only the records of the page shown are loaded, one query
    for every kind on that page, by the ids the scoped query found. Building and compiling these queries cost
    the ORM more than running them: their SQL is kept per scope (access.scope_key) and per kind.
    """

    def __init__(self, *, entries, condition, key=None):
        self._entries = entries
        self._condition = condition  # a Q, None (no restriction), or () -> either
        self._key = key
        self._keys = None

    def _queryset(self, entry, condition):
        qs = entry.queryset().filter(status=ReviewStatus.SUBMITTED)
        return qs.filter(condition) if condition is not None else qs

    def _keys_sql(self) -> tuple[str, tuple]:
        condition = self._condition() if callable(self._condition) else self._condition
        parts = [
            self._queryset(entry, condition)
            .order_by()
            .values_list(Value(index, output_field=IntegerField()), "pk", "submitted_at")
            for index, entry in enumerate(self._entries)
        ]
        if not parts:
            return ("", ())
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        return union.query.sql_with_params()

    def keys(self) -> list[tuple]:
        """(sent at, kind, pk) of every record, in the queue's order."""
        if self._keys is None:
            if self._key is None:
                sql, params = self._keys_sql()
            else:
                kinds = tuple(entry.kind for entry in self._entries)
                sql, params = _kept_sql(("keys", kinds, self._key), self._keys_sql)
            rows = _fetch(sql, params)
            self._keys = sorted((at or _FAR, self._entries[index].kind, pk) for index, pk, at in rows)
        return self._keys

    def __len__(self) -> int:
        return len(self.keys())

    def count(self) -> int:
        return len(self)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        wanted = self.keys()[index]
        sqls, params, shown = [], [], []
        for entry in self._entries:
            pks = [pk for _at, kind, pk in wanted if kind == entry.kind]
            if pks:
                sql, kept = _kept_sql(("page", entry.kind, entry.title_field), lambda e=entry: _page_sql(e))
                sqls.append(f"(SELECT {len(shown)}, * FROM ({sql}) AS page)")  # noqa: S608 - the ORM's SQL
                params += [*kept, pks]
                shown.append(entry)
        # Every kind on the page in one query (UNION ALL of each kind's records by id).
        found = {}
        for position, *row in _fetch(" UNION ALL ".join(sqls), params):
            entry = shown[position]
            found[(entry.kind, row[0])] = _queue_item(entry, row)
        return [found[(kind, pk)] for _at, kind, pk in wanted if (kind, pk) in found]


def _fetch(sql: str, params) -> list[tuple]:
    if not sql:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# What a row of the queue shows (a letter's text, a record's details are not read), in this order.
_QUEUE_FIELDS = (
    "pk",
    "submitted_at",
    "unit__name",
    "requirement__ordinal",
    "requirement__title",
    "requirement__kind",
    "requirement__directive__number",
    "requirement__directive__subject",
)


def _page_sql(entry) -> tuple[str, tuple]:
    """A kind's submitted records by id (the ids come from the scoped order query): their row's columns."""
    qs = (
        entry.queryset().filter(status=ReviewStatus.SUBMITTED).order_by().values_list(*_QUEUE_FIELDS, entry.title_field)
    )
    sql, params = qs.query.sql_with_params()
    names = ", ".join(f"c{n}" for n in range(len(_QUEUE_FIELDS) + 1))
    return f"SELECT * FROM ({sql}) AS queue({names}) WHERE c0 = ANY(%s)", params  # noqa: S608 - the ORM's SQL


_KIND_LABELS = dict(RequirementKind.choices)


def _queue_item(entry, row) -> QueueItem:
    pk, submitted_at, unit_name, ordinal, title, kind, number, subject, own_title = row
    label = RequirementKind(entry.kind).label if entry.kind in RequirementKind.values else entry.kind
    return QueueItem(
        kind=entry.kind,
        kind_label=str(label),
        pk=pk,
        title=str(own_title if own_title is not None else ""),
        unit_name=unit_name,
        requirement_label=f"{ordinal}. {title or str(_KIND_LABELS.get(kind, kind))}",
        directive_label=str(number or subject[:40]),
        submitted_at=submitted_at,
        url=entry.detail_url_for(pk),
    )


def review_queue_for(*, user) -> ReviewQueue:
    """Submitted records of every registered kind in the user's review scope, oldest first (then by
    kind and id). Slice it (a page): one query orders them all, one more loads the page's records."""
    return ReviewQueue(
        entries=registry.registered_kinds(),
        condition=lambda: access.unit_filter(user, mode="review"),
        key=access.scope_key(user),
    )


FOCUS_SIZE = 5


def leader_focus(*, result, today: datetime.date, last_week=None) -> dict:
    """The leader's first screen: the trend since last week, the units furthest behind, the nearest deadlines."""
    from collections import Counter

    total = result.total()
    before = last_week.total() if last_week is not None else None
    trend = None
    if before is not None and total.compliant_percent is not None and before.compliant_percent is not None:
        trend = round(total.compliant_percent - before.compliant_percent, 1)
    done_trend = (total.done - before.done) if before is not None else None
    overdue = result.overdue()
    per_unit = Counter(c.unit_id for c in overdue)
    oldest = {}
    for cell in overdue:  # sorted by deadline: the first seen is the oldest
        oldest.setdefault(cell.unit_id, cell.requirement.deadline)
    behind_ids = sorted(per_unit, key=lambda pk: (-per_unit[pk], oldest[pk], result.unit(pk).name))[:FOCUS_SIZE]
    behind = [
        {"unit": result.unit(pk), "overdue": per_unit[pk], "days": (today - oldest[pk]).days} for pk in behind_ids
    ]
    tallies = dict(zip([r.id for r in result.requirements], result.by_requirement(), strict=True))
    upcoming = sorted(
        (r for r in result.requirements if r.deadline and r.deadline >= today),
        key=lambda r: (r.deadline, r.position),
    )
    deadlines = [
        {
            "requirement": r,
            "days": (r.deadline - today).days,
            "missing": tallies[r.id].applicable - tallies[r.id].done,
            "applicable": tallies[r.id].applicable,
        }
        for r in upcoming[:FOCUS_SIZE]
    ]
    return {
        "trend": trend,
        "done_trend": done_trend,
        "behind": behind,
        "behind_total": len(per_unit),
        "deadlines": deadlines,
        "deadlines_total": len(upcoming),
    }
