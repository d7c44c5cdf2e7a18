"""Scoped reads of directives, requirements and receipts.

Who sees what:
- staff (and administrators) see every directive, drafts included;
- leaders and officers see published and withdrawn directives, never drafts;
- anonymous users and users without a role see nothing.

Which units owe a requirement (`requirement_unit_map` / `requirement_units`) — the rule that the
officer's "what my unit owes" page (pledges) and the compliance engine (reports) rely on:
1. the map of units on the directive's `issued_on` (else the campaign's start, else today):
   `Unit.valid_on(day)`, so a 2019 letter still targets the districts that ended in 2025 and a
   2026 letter does not;
2. of a kind listed in `requirement.applies_to`;
3. under the issuer's province root (the first code of the issuer's path);
4. and, when `requirement.target_units` is set, only those units.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from campaign_portal.core.access import get_object_for_user, scope_for
from campaign_portal.core.models import Unit, UnitKind
from campaign_portal.core.text import fold

from . import schedule
from .models import (
    CalendarDay,
    CalendarDayKind,
    Campaign,
    Directive,
    DirectiveRevision,
    DirectiveStatus,
    Receipt,
    Requirement,
)

VISIBLE_TO_UNITS = (DirectiveStatus.PUBLISHED, DirectiveStatus.WITHDRAWN)


def _visible_directives(user) -> QuerySet:
    scope = scope_for(user)
    if scope.is_staff:
        return Directive.objects.all()
    if scope.role is None:
        return Directive.objects.none()
    return Directive.objects.filter(status__in=VISIBLE_TO_UNITS)


def directive_list_visible_to(
    user,
    *,
    doc_type: str = "",
    year: int | None = None,
    status: str = "",
    issuer_id: int | None = None,
    campaign_id: int | None = None,
    query: str = "",
) -> QuerySet:
    """Directives the user may read, filtered; `query` ignores accents and case ("dak lak")."""
    qs = _visible_directives(user).select_related("issuer", "campaign")
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if issuer_id:
        qs = qs.filter(issuer_id=issuer_id)
    if campaign_id:
        qs = qs.filter(campaign_id=campaign_id)
    for word in fold(query).split():
        qs = qs.filter(search_text__contains=word)
    return qs.annotate(requirement_count=Count("requirements", distinct=True)).order_by("-issued_on", "-id")


def directive_years(user) -> list[int]:
    return sorted(
        set(_visible_directives(user).exclude(year=None).values_list("year", flat=True)),
        reverse=True,
    )


def directive_issuers(user) -> QuerySet:
    ids = _visible_directives(user).values("issuer_id")
    return Unit.objects.filter(pk__in=ids).order_by("path")


def directive_number_taken(*, issuer_id, year, number, exclude_pk=None) -> Directive | None:
    """The published or withdrawn directive already holding this number for the issuer and year, if any.

    Decree 30, Art. 15: one number per issuing body per year; drafts do not hold a number.
    """
    number = (number or "").replace(" ", "")
    if not (issuer_id and year and number):
        return None
    qs = Directive.objects.filter(issuer_id=issuer_id, year=year, number=number).exclude(status=DirectiveStatus.DRAFT)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("id").first()


def get_directive_for_user(user, pk, write: bool = False) -> Directive:
    """404 when the user may not see it (drafts for non-staff), 403 when writing without staff rights."""
    qs = _visible_directives(user).select_related("issuer", "campaign", "created_by", "published_by", "withdrawn_by")
    return get_object_for_user(qs, pk, user=user, write=write, can_write=lambda u, _obj: scope_for(u).is_staff)


def directive_detail_related(directive: Directive) -> dict:
    """Requirements, references (with the cited directive when it is in the portal) and attachments."""
    requirements = list(
        directive.requirements.select_related("lead_unit")
        .prefetch_related("target_units", "cooperating_units")
        .order_by("position", "id")
    )
    references = list(directive.references.select_related("target"))
    numbers = [ref.number for ref in references if ref.target_id is None]
    in_portal = {}
    if numbers:
        for cited in Directive.objects.filter(number__in=numbers, status__in=VISIBLE_TO_UNITS).order_by("-id"):
            in_portal.setdefault(cited.number, cited)
    for ref in references:
        ref.linked = (
            ref.target if ref.target_id and ref.target.status in VISIBLE_TO_UNITS else in_portal.get(ref.number)
        )
    return {
        "requirements": requirements,
        "references": references,
        "attachments": list(directive.attachments.select_related("uploaded_by")),
    }


# --- which units owe a requirement ---------------------------------------------------------


def _root_path(path: str) -> str:
    first = path.strip("/").split("/")[0]
    return f"/{first}/" if first else "/"


def _reference_day(issued_on, campaign_start) -> datetime.date:
    return issued_on or campaign_start or timezone.localdate()


def requirement_unit_map(requirements) -> dict[int, list[int]]:
    """{requirement_id: [unit ids that owe it]} in three queries, whatever the number of requirements.

    `requirements` are Requirement instances or ids. See the module docstring for the rule.
    """
    ids = [getattr(r, "pk", r) for r in requirements]
    if not ids:
        return {}
    rows = list(
        Requirement.objects.filter(pk__in=ids).values_list(
            "pk", "applies_to", "directive__issued_on", "directive__campaign__starts_on", "directive__issuer__path"
        )
    )
    targets = defaultdict(set)
    for req_id, unit_id in Requirement.target_units.through.objects.filter(requirement_id__in=ids).values_list(
        "requirement_id", "unit_id"
    ):
        targets[req_id].add(unit_id)
    kinds = {kind for row in rows for kind in (row[1] or [])}
    roots = {_root_path(row[4] or "") for row in rows}
    root_q = Q(pk__in=[])
    for root in roots:
        root_q |= Q(path__startswith=root)
    units = list(
        Unit.objects.filter(root_q, kind__in=kinds)
        .order_by("path")
        .values_list("pk", "kind", "path", "valid_from", "valid_to")
    )
    result = {}
    for req_id, applies_to, issued_on, campaign_start, issuer_path in rows:
        day = _reference_day(issued_on, campaign_start)
        root = _root_path(issuer_path or "")
        wanted = set(applies_to or [])
        only = targets.get(req_id)
        result[req_id] = [
            pk
            for pk, kind, path, valid_from, valid_to in units
            if kind in wanted
            and path.startswith(root)
            and (valid_from is None or valid_from <= day)
            and (valid_to is None or valid_to > day)
            and (only is None or pk in only)
        ]
    return result


def requirement_units(requirement: Requirement, *, units: QuerySet | None = None) -> QuerySet:
    """The units that owe `requirement` as a queryset (optionally within `units`, e.g. a user's scope)."""
    directive = requirement.directive
    day = _reference_day(directive.issued_on, directive.campaign.starts_on if directive.campaign_id else None)
    qs = Unit.objects.valid_on(day).filter(
        kind__in=list(requirement.applies_to or []), path__startswith=_root_path(directive.issuer.path)
    )
    if requirement.target_units.exists():
        qs = qs.filter(pk__in=requirement.target_units.values("pk"))
    if units is not None:
        qs = qs.filter(pk__in=units.values("pk"))
    return qs.order_by("path")


# --- who a directive is sent to ------------------------------------------------------------


def _kind_listed(field: str, kind: str) -> Q:
    # A JSON list of kinds; `icontains` on the JSON text works on SQLite and PostgreSQL alike.
    return Q(**{f"{field}__icontains": f'"{kind}"'})


def _valid_day_q(unit: Unit) -> Q:
    q = Q()
    if unit.valid_from:
        q &= Q(issued_on__isnull=True) | Q(issued_on__gte=unit.valid_from)
    if unit.valid_to:
        q &= Q(issued_on__isnull=True) | Q(issued_on__lt=unit.valid_to)
    return q


def directives_addressed_to(unit: Unit) -> QuerySet:
    """Published (and withdrawn) directives sent to `unit`: named, of an addressed kind, or owed by it.

    A kind counts only within the issuer's province and when the unit existed on the issue date;
    a commune owes item 3 of Letter 7019 even though the letter is addressed to its district.
    """
    owes = Requirement.objects.filter(directive=OuterRef("pk")).filter(_kind_listed("applies_to", unit.kind))
    owes = owes.filter(Q(target_units__isnull=True) | Q(target_units=unit))
    by_kind = _kind_listed("addressee_kinds", unit.kind) | Exists(owes)
    named = Exists(Directive.addressee_units.through.objects.filter(directive_id=OuterRef("pk"), unit_id=unit.pk))
    return Directive.objects.filter(
        Q(status__in=VISIBLE_TO_UNITS),
        named | (by_kind & Q(issuer__path__startswith=_root_path(unit.path)) & _valid_day_q(unit)),
    )


def directive_inbox_for(user) -> QuerySet:
    """The officer's inbox: directives sent to their unit, with this unit's receipt (if any)."""
    scope = scope_for(user)
    if not scope.is_officer:
        return Directive.objects.none()
    mine = Receipt.objects.filter(directive=OuterRef("pk"), unit=scope.unit)
    return (
        directives_addressed_to(scope.unit)
        .select_related("issuer", "campaign")
        .prefetch_related(Prefetch("receipts", queryset=Receipt.objects.filter(unit=scope.unit), to_attr="my_receipts"))
        .annotate(received=Exists(mine))
        # What still needs a confirmation first; a withdrawn letter needs none, so it goes with the done ones.
        .annotate(awaiting=ExpressionWrapper(Q(status=DirectiveStatus.PUBLISHED, received=False), BooleanField()))
        .order_by("-awaiting", "-issued_on", "-id")
    )


def directive_is_addressed_to(directive: Directive, unit: Unit) -> bool:
    return directives_addressed_to(unit).filter(pk=directive.pk).exists()


def directive_recipient_ids(directive: Directive) -> list[int]:
    """Every unit the directive is sent to: named units, addressed kinds, and units owing a requirement."""
    day = _reference_day(directive.issued_on, directive.campaign.starts_on if directive.campaign_id else None)
    ids = set(directive.addressee_units.values_list("pk", flat=True))
    kinds = list(directive.addressee_kinds or [])
    if kinds:
        ids |= set(
            Unit.objects.valid_on(day)
            .filter(kind__in=kinds, path__startswith=_root_path(directive.issuer.path))
            .values_list("pk", flat=True)
        )
    for unit_ids in requirement_unit_map(directive.requirements.all()).values():
        ids |= set(unit_ids)
    # Co-operating units of a lead-unit ask receive the letter too (they help; they owe nothing).
    ids |= set(
        Requirement.cooperating_units.through.objects.filter(requirement__directive=directive).values_list(
            "unit_id", flat=True
        )
    )
    return sorted(ids)


def directive_receipt_rows(directive: Directive) -> list[dict]:
    """Staff view: every recipient unit, with who confirmed receipt and when (None when not yet)."""
    units = Unit.objects.filter(pk__in=directive_recipient_ids(directive)).select_related("parent")
    receipts = {r.unit_id: r for r in directive.receipts.select_related("confirmed_by")}
    # By level (departments, agencies, districts, communes grouped by district), then by name — not by code.
    order = {kind: rank for rank, kind in enumerate(RECEIPT_KIND_ORDER)}

    def key(unit):
        parent = fold(unit.parent.short_name or unit.parent.name) if unit.kind == "commune" and unit.parent else ""
        return (order.get(unit.kind, len(order)), parent, fold(unit.short_name or unit.name))

    rows = sorted(units, key=key)
    return [{"unit": unit, "receipt": receipts.get(unit.pk)} for unit in rows]


RECEIPT_KIND_ORDER = ["department", "agency", "district", "commune"]


def requirement_compliance(requirements: list[Requirement]) -> dict[int, dict]:
    """{requirement_id: {"owed": n units, "filed": n units with a counted submission}} at a glance."""
    from .registry import submission_rows

    unit_map = requirement_unit_map(requirements)
    filed = defaultdict(set)
    for row in submission_rows(requirement_ids=[r.pk for r in requirements]):
        if row.counts_toward_quota and row.status != "draft":
            filed[row.requirement_id].add(row.unit_id)
    return {
        req_id: {"owed": len(unit_ids), "filed": len(filed[req_id] & set(unit_ids))}
        for req_id, unit_ids in unit_map.items()
    }


def directive_revisions(directive: Directive) -> list[DirectiveRevision]:
    """Revisions, newest first, each with `rows`: (what changed, before, after) in words."""
    revisions = list(DirectiveRevision.objects.filter(directive=directive).select_related("by"))
    for revision in revisions:
        revision.rows = _revision_rows(revision.changes or {})
    return revisions


def _field_label(model, name: str) -> str:
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:  # a key that is not a model field keeps its name
        return name


def _revision_rows(changes: dict) -> list[tuple[str, object, object]]:
    rows = []
    for name, (before, after) in changes.items():
        if name == "requirements":
            rows.extend(_requirement_rows(before or [], after or []))
        elif name == "references":
            rows.append((str(Directive._meta.get_field("references").related_model._meta.verbose_name_plural),
                         ", ".join(r.get("number", "") for r in before or []),
                         ", ".join(r.get("number", "") for r in after or [])))  # fmt: skip
        else:
            rows.append(
                (_field_label(Directive, name), _readable(Directive, name, before), _readable(Directive, name, after))
            )
    return rows


def _readable(model, name: str, value):
    """A stored value in words: unit kinds and choices by their labels, ISO dates as dd/mm/yyyy."""
    if name in ("addressee_kinds", "applies_to") and isinstance(value, list):
        labels = dict(UnitKind.choices)
        return "; ".join(str(labels.get(kind, kind)) for kind in value) or None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    choices = {str(k): v for k, v in (getattr(field, "flatchoices", None) or [])}
    if value is not None and str(value) in choices:
        return str(choices[str(value)])
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    return value


def _requirement_rows(before: list[dict], after: list[dict]) -> list[tuple[str, object, object]]:
    """One row per changed field of each requirement, matched by id (new and removed rows too)."""
    old = {row.get("id"): row for row in before}
    new = {row.get("id"): row for row in after}
    rows = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        label = (b or a).get("ordinal", "")
        if a is None or b is None:
            rows.append(
                (f"{_field_label(Requirement, 'ordinal')} {label}", (a or {}).get("text"), (b or {}).get("text"))
            )
            continue
        for field, value in b.items():
            if field != "id" and a.get(field) != value:
                name = f"{_field_label(Requirement, 'ordinal')} {label} · {_field_label(Requirement, field)}"
                rows.append((name, _readable(Requirement, field, a.get(field)), _readable(Requirement, field, value)))
    return rows


# --- campaigns ------------------------------------------------------------------------------


def campaign_list_visible_to(user) -> QuerySet:
    """Campaigns are public to every signed-in user with a role."""
    if scope_for(user).role is None:
        return Campaign.objects.none()
    return Campaign.objects.select_related("organiser").annotate(directive_count=Count("directives", distinct=True))


def get_campaign_for_user(user, pk, write: bool = False) -> Campaign:
    qs = campaign_list_visible_to(user).prefetch_related("milestones")
    return get_object_for_user(qs, pk, user=user, write=write, can_write=lambda u, _obj: scope_for(u).is_staff)


def campaign_directives(user, campaign: Campaign) -> QuerySet:
    return directive_list_visible_to(user, campaign_id=campaign.pk)


# --- schedule: periods and deadlines of an ask ------------------------------------------------


def work_calendar() -> schedule.WorkCalendar:
    """Vietnam's public holidays plus the days staff entered (one query)."""
    days = list(CalendarDay.objects.values_list("date", "kind"))
    return schedule.WorkCalendar(
        extra_holidays=[day for day, kind in days if kind == CalendarDayKind.HOLIDAY],
        working=[day for day, kind in days if kind == CalendarDayKind.WORKING],
    )


def requirement_periods(requirement, *, received_on=None, calendar=None) -> list[schedule.Period]:
    """The periods of `requirement` for one unit (`received_on`: its receipt date, for relative asks).

    Reads requirement.directive and its campaign: select_related("directive__campaign") in lists.
    """
    directive = requirement.directive
    campaign = directive.campaign
    published = timezone.localdate(directive.published_at) if directive.published_at else None
    return schedule.periods(
        schedule.ask_of(requirement),
        span_start=campaign.starts_on if campaign else None,
        span_end=campaign.ends_on if campaign else None,
        signed_on=directive.issued_on,
        published_on=published,
        received_on=received_on,
        calendar=calendar or work_calendar(),
    )
