"""Scoped reads of the pledges app: every query a page makes goes through here."""

import functools
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import CharField, F, Prefetch, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext

from campaign_portal.core import access
from campaign_portal.core.compiled import compiled
from campaign_portal.core.models import ReviewStatus, Unit, UnitKind
from campaign_portal.core.text import cut_at_word, fold
from directives import freshness, obligations, registry, schedule
from directives.models import Requirement, ResponseMode

from .models import Attachment, EmulationPlan, Target, TargetProgress


def pledges_kinds() -> list[registry.SubmissionKind]:
    """The kinds this app files (their descriptors carry slug, labels, URLs, forms and services)."""
    return [entry for entry in registry.registered_kinds() if entry.model_label.startswith("pledges.")]


def pledges_models() -> list:
    return list(dict.fromkeys(entry.model for entry in pledges_kinds()))


def model_for_slug(*, slug: str):
    """The pledges model of a slug in the URLs shared by every kind (transition, delete, attachments)."""
    entry = registry.kind_for_slug(slug)
    return entry.model if entry is not None and entry.model_label.startswith("pledges.") else None


def slug_for_model(*, model) -> str:
    return registry.kind_for_model(model)[0].slug


def kind_labels() -> dict:
    """{kind: label} of every pledges kind, in registration order."""
    return {entry.kind: entry.label for entry in pledges_kinds()}


def kind_label(*, obj) -> str:
    """What a record is, in words: its kind's label (a commitment's category picks theme or field)."""
    entry = registry.get_kind(getattr(obj, "category", "")) or registry.kind_for_model(type(obj))[0]
    return entry.label


def _can_write(user, obj) -> bool:
    return access.can_write_unit(user, obj.unit)


def _visible(model, user) -> QuerySet:
    related = ["unit", "requirement__directive", "created_by", "submitted_by", "reviewed_by"]
    return access.scope_submissions(model.objects.select_related(*related), user)


def get_submission_for_user(*, model, user, pk, write: bool = False):
    """Any pledges record: 404 when invisible (another unit's draft), 403 when visible but not writable."""
    return access.get_object_for_user(_visible(model, user), pk, user=user, write=write, can_write=_can_write)


def get_target_for_user(*, user, pk, write: bool = False) -> Target:
    """A target, visible when its plan or commitment is (one query: the target with its owner, checked in Python)."""
    qs = Target.objects.select_related("plan__unit", "commitment__unit")  # what the access rules and pages read
    return access.get_object_for_user(
        qs, pk, user=user, write=write, can_read=_can_read_target, can_write=lambda u, t: _can_write(u, t.owner)
    )


def _can_read_target(user, target) -> bool:
    owners = (owner for owner in (target.plan, target.commitment) if owner is not None)
    return any(access.can_read_submission(user, owner.unit, owner.status) for owner in owners)


def get_attachment_for_user(*, user, pk):
    visible = Q(pk__in=[])
    related = []
    for model in pledges_models():
        name = registry.kind_for_model(model)[0].attachment_field
        visible |= Q(**{f"{name}__in": access.scope_submissions(model.objects.all(), user)})
        related.append(f"{name}__unit")
    qs = Attachment.objects.filter(visible).select_related(*related)
    return access.get_object_for_user(qs, pk, user=user)


# --- "What my unit owes" ------------------------------------------------------------------------


@dataclass
class OwedRow:
    """One requirement of a letter the unit received, with the engine's obligation (state, quota)."""

    requirement: Requirement
    obligation: obligations.Obligation
    submissions: list = field(default_factory=list)
    create_url: str = ""
    # A recurring or relative ask: the periods still owed, each with its own deadline (the engine's).
    periods: list = field(default_factory=list)
    scheduled: bool = False

    @property
    def status(self) -> str:
        return self.obligation.state

    @property
    def status_label(self):
        return self.obligation.label

    @property
    def quota_min(self):
        return self.obligation.quota_min

    @property
    def quota_max(self):
        return self.obligation.quota_max

    @property
    def counted(self) -> int:
        return self.obligation.counted

    @property
    def missing(self) -> int:
        return self.obligation.missing if self.obligation.applies else 0

    @property
    def overdue(self) -> bool:
        if self.scheduled:  # any period still owed past its deadline
            return any(cell.deadline is not None and cell.deadline < timezone.localdate() for cell in self.periods)
        return self.obligation.deadline is not None and self.obligation.deadline < timezone.localdate()

    @property
    def can_add(self) -> bool:
        return bool(self.create_url) and self.obligation.can_add

    @property
    def response_mode(self) -> str:
        return self.obligation.response_mode

    @property
    def actionable(self) -> bool:
        """The unit can act on it now: a draft to send, a returned record to fix, or a record still to add.

        A row whose records all wait for review is not (the reviewer acts), whatever its deadline says.
        """
        if any(s["row"].status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED) for s in self.submissions):
            return True
        return self.can_add and self.counted < (self.quota_min or 1)

    @property
    def reason(self) -> str:
        """Why there is nothing to file here, in words (empty when the unit files)."""
        if self.obligation.response_mode == ResponseMode.INFORMATION:
            return str(obligations.Refusal.INFORMATION.label)
        if self.obligation.response_mode == ResponseMode.RECEIPT:
            return str(obligations.Refusal.RECEIPT.label)
        if not self.obligation.applies:
            return str(obligations.Refusal.NOT_APPLICABLE.label)
        return ""


def owed_rows(*, unit) -> list[OwedRow]:
    """Every requirement of every letter the unit received, with the engine's state and quota.

    Kept while the data's version stays (directives.freshness: every filing, review, receipt,
    requirement, letter or unit written bumps it), so a burst of loads costs one query (the version).
    Computing: the letters received (engine: directives, requirements, targets, addressees, units),
    the requirements, the engine's obligations (4 + receipts + one per registered model).
    """
    if unit is None:
        return []
    day = timezone.localdate()
    return list(freshness.memo(("pledges.owed_rows", unit.pk, day), lambda: tuple(_owed_rows(unit, day)), small=True))


def _owed_rows(unit, day) -> list[OwedRow]:
    result = []
    pairs = obligations.obligations_of_unit(unit, as_of=day)
    scheduled = [r.pk for r, o in pairs if o.applies and o.requirement.scheduled]
    owed_periods = obligations.periods_owed(scheduled, unit.pk, as_of=day) if scheduled else {}
    for requirement, obligation in pairs:
        entry = registry.kind_for_requirement(requirement)
        submissions = []
        for filing in obligation.filings:
            kind = registry.get_kind(filing.kind)
            url = kind.detail_url_for(filing.pk) if kind else ""
            submissions.append({"row": filing, "url": url, "status_label": ReviewStatus(filing.status).label})
        result.append(
            OwedRow(
                requirement=requirement,
                obligation=obligation,
                periods=owed_periods.get(requirement.pk, []),
                scheduled=requirement.pk in owed_periods,
                submissions=submissions,
                create_url=entry.create_url_for(requirement.pk)
                if entry and obligation.applies and obligation.response_mode == ResponseMode.FILE
                else "",
            )
        )
    return result


# --- Lists across kinds -------------------------------------------------------------------------

# (key of a list row, the column every registered model has under that name)
_LIST_COLUMNS = (
    ("obj_id", "pk"),
    ("obj_title", "title"),
    ("obj_status", "status"),
    ("obj_unit", "unit_id"),
    ("unit_name", "unit_id"),  # the unit's name and the letter's number: filled in by Listing (_names)
    ("directive_number", "requirement_id"),
    ("changed_at", "updated_at"),
    ("sent_at", "submitted_at"),
    ("obj_on_time", "on_time"),
    ("obj_period", "period"),
)


def _kind_column(model):
    """What tells a row's kind: a constant, or the field kinds sharing the model differ by (a commitment's category)."""
    entries = registry.kind_for_model(model)
    split = next(iter(entries[0].filters), None) if len(entries) > 1 else None
    return F(split) if split else Value(entries[0].kind, output_field=CharField())


class Listing:
    """The rows of every pledges model in one UNION query, for a Paginator: slicing reads one page,
    `count()` a UNION of ids only (no joined table beyond what the filters need).

    Building and compiling that UNION (a part per kind, each scoped) costs the ORM several
    milliseconds, more than running it: with a `key` (the user's scope as access.scope_key gives
    it, and the filters) the compiled SQL is reused. It is a function of the key alone (no data
    in it), so it never goes stale. A row is a dict keyed like `_LIST_COLUMNS`, plus kind and slug.
    """

    def __init__(self, build, *, order: tuple, key=None):
        self._build = build  # () -> {model: scoped and filtered queryset}
        self._order = order
        self._key = key
        self._slugs = {entry.kind: entry.slug for entry in pledges_kinds()}

    @functools.cached_property
    def _parts(self) -> list:
        return list(self._build().items())

    def _union(self, parts):
        first, *rest = parts
        return first.union(*rest, all=True) if rest else first

    def _ids(self):
        return self._union([qs.order_by().values_list("pk") for _model, qs in self._parts])

    def _rows(self):
        columns = [column for _key, column in _LIST_COLUMNS]
        parts = [
            qs.order_by().annotate(x_kind=_kind_column(model)).values_list("x_kind", *columns)
            for model, qs in self._parts
        ]
        return self._union(parts).order_by(*self._order)

    def _fetch(self, what, make) -> list[tuple]:
        found = compiled((__name__, what, self._key), make, empty=("", ()))
        sql, params = found
        if not sql:
            return []
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def count(self) -> int:
        if self._key is None:
            return self._ids().count()
        # Kept per data version (every pledges record, unit and requirement is watched: directives.freshness):
        # a list longer than a page asked its UNION's COUNT on every load.
        return freshness.memo(("pledges.listing count", self._key), self._counted, small=True)

    def _counted(self) -> int:
        def compile_count():
            sql, params = self._ids().query.sql_with_params()
            return f"SELECT COUNT(*) FROM ({sql}) listing", params  # noqa: S608 - the ORM's SQL, values as params

        found = self._fetch("count", compile_count)
        return found[0][0] if found else 0

    def _dict(self, values, names) -> dict:
        row = {"kind": values[0]}
        row.update(zip([key for key, _column in _LIST_COLUMNS], values[1:], strict=True))
        row["slug"] = self._slugs.get(row["kind"], "")
        unit_names, numbers = names
        row["unit_name"] = unit_names.get(row["unit_name"], "")
        row["directive_number"] = numbers.get(row["directive_number"])
        return row

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        with freshness.pinned():
            if self._key is None:
                found = self._rows()[index]
            else:
                found = self._fetch(
                    ("rows", index.start, index.stop), lambda: self._rows()[index].query.sql_with_params()
                )
            names = _names() if found else ({}, {})
        return [self._dict(values, names) for values in found]

    def __iter__(self):
        return iter(self[:])

    def __len__(self) -> int:
        return self.count()


def _names() -> tuple[dict, dict]:
    """{unit id: name} and {requirement id: its letter's number}, kept per data version (units, requirements
    and letters are watched): the list's UNION joined three tables per kind for them, and planning those
    joins cost PostgreSQL more than running the query."""
    return freshness.memo(("pledges.listing names",), _names_read, small=True)


def _names_read() -> tuple[dict, dict]:
    return (
        dict(Unit.objects.values_list("pk", "name")),
        dict(Requirement.objects.values_list("pk", "directive__number")),
    )


def _filtered(model, qs, *, kind="", status="", unit_id=None, directive_id=None, query=""):
    if kind:
        entry = registry.get_kind(kind)
        if entry is None or entry.model is not model:
            return qs.none()
        qs = qs.filter(**entry.filters)
    if status:
        qs = qs.filter(status=status)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if directive_id:
        qs = qs.filter(requirement__directive_id=directive_id)
    if query:
        qs = qs.filter(search_text__contains=fold(query))  # accents and case ignored: "giai phong" finds "Giải phóng"
    return qs


def submission_list_for(*, user, **filters) -> Listing:
    """Every pledges record the user may see (their unit's drafts; others' only once sent), newest first.

    One UNION query (plus one COUNT for pagination), whatever the number of units and kinds.
    """

    def build():
        return {
            model: _filtered(model, access.scope_submissions(model.objects.all(), user), **filters)
            for model in pledges_models()
        }

    key = ("submissions", access.scope_key(user), tuple(sorted(filters.items())))
    return Listing(build, order=("-updated_at", "-pk"), key=key)


def review_queue_for(*, user, **filters) -> Listing:
    """Records awaiting review by this user: submitted, in the units the user reviews."""

    def build():
        querysets = {}
        for model in pledges_models():
            qs = access.scope_units(model.objects.filter(status=ReviewStatus.SUBMITTED), user, mode="review")
            querysets[model] = _filtered(model, qs, **filters)
        return querysets

    key = ("review", access.scope_key(user), tuple(sorted(filters.items())))
    return Listing(build, order=("submitted_at", "pk"), key=key)


def filter_units_for(*, user) -> list:
    """Units a reader may filter the list by: everyone who files (not the province itself)."""
    qs = access.readable_units(user).exclude(kind=UnitKind.PROVINCE).only("pk", "name", "path", "kind")
    return list(qs.order_by("path"))


def decorate_rows(*, rows) -> list[dict]:
    """Labels, words and URLs for list rows (no query; nothing left for the template to translate or reverse)."""
    labels = kind_labels()
    slugs = {entry.slug: entry for entry in pledges_kinds()}
    period_words = gettext("kỳ %(p)s")
    result = []
    for row in rows:
        period = schedule.period_label(row.get("obj_period") or "")
        result.append(
            {
                **row,
                "kind_label": labels.get(row["kind"], row["kind"]),
                "status_label": ReviewStatus(row["obj_status"]).label,
                "period_label": period,
                "period_text": period_words % {"p": period} if period else "",
                "sent_text": when(row["sent_at"]),
                "title_text": cut_at_word(row["obj_title"], 80),
                "url": slugs[row["slug"]].detail_url_for(row["obj_id"]),
            }
        )
    return result


def when(moment) -> str:
    """A moment as the lists show it, in the portal's time zone: the `date:"d/m/Y H:i"` filter, without its cost."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


# --- Targets with progress ----------------------------------------------------------------------


def targets_with_progress(*, owner) -> list[Target]:
    """The owner's targets with their updates (2 queries), the latest value and achievement attached."""
    kwargs = {"plan": owner} if isinstance(owner, EmulationPlan) else {"commitment": owner}
    targets = list(
        Target.objects.filter(**kwargs).prefetch_related(
            Prefetch(
                "progress",
                queryset=TargetProgress.objects.select_related("created_by", "evidence").order_by("reported_on", "id"),
            )
        )
    )
    for target in targets:
        updates = list(target.progress.all())
        target.updates = updates
        target.latest = updates[-1] if updates else None
        target.achievement_pct = target.achievement(target.latest.actual_value) if target.latest else None
        target.late_count = sum(1 for update in updates if update.is_late)
    return targets
