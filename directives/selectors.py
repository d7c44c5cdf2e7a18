"""Scoped reads of directives, requirements and receipts.

Who sees what:
- staff (and administrators) see every directive, drafts included;
- leaders and officers see published and withdrawn directives, never drafts;
- anonymous users and users without a role see nothing.

Who receives a directive and who owes each requirement is not decided here: it is the obligations
engine's rule (`directives.obligations`), which these selectors call.
"""

import dataclasses

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from campaign_portal.core.access import get_object_for_user, scope_for
from campaign_portal.core.audit import audit_entries_for, audit_rows
from campaign_portal.core.models import AuditEntry, Unit, UnitKind, User
from campaign_portal.core.text import fold

from . import freshness, obligations, schedule
from .audit import REVISION_ACTION
from .models import (
    CalendarDay,
    CalendarDayKind,
    Campaign,
    Directive,
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
    *,
    user,
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


def directive_years(*, user) -> list[int]:
    return sorted(
        set(_visible_directives(user).exclude(year=None).values_list("year", flat=True)),
        reverse=True,
    )


def directive_issuers(*, user) -> QuerySet:
    ids = _visible_directives(user).values("issuer_id")
    return Unit.objects.filter(pk__in=ids).order_by("path")


def directive_list_filter_choices(*, user) -> dict:
    """The list's filter bar: {"years", "issuers", "campaigns"} (issuers and campaigns as {"pk", "name"}),
    kept per data version (directives, units and campaigns are watched) for staff and for the others."""
    scope = scope_for(user)
    if scope.role is None and not scope.is_staff:
        return {"years": [], "issuers": [], "campaigns": []}

    def compute():
        return {
            "years": directive_years(user=user),
            "issuers": list(directive_issuers(user=user).values("pk", "name")),
            # Newest first (the campaigns' own order, which a grouped query would not apply by itself).
            "campaigns": list(campaign_list_visible_to(user=user).order_by("-starts_on", "name").values("pk", "name")),
        }

    return freshness.memo(("directive_list_filters", scope.is_staff), compute, small=True)


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


def get_directive_for_user(*, user, pk, write: bool = False) -> Directive:
    """404 when the user may not see it (drafts for non-staff), 403 when writing without staff rights."""
    # Not created_by: no page shows it (a join PostgreSQL planned on every directive page for nothing).
    qs = _visible_directives(user).select_related("issuer", "campaign", "published_by", "withdrawn_by")
    return get_object_for_user(qs, pk, user=user, write=write, can_write=lambda u, _obj: scope_for(u).is_staff)


def directive_detail_related(*, directive: Directive, cooperating: bool = True) -> dict:
    """Requirements, references (with the cited directive when it is in the portal) and attachments;
    `cooperating=False` when the page does not show the requirements' lead and co-operating units."""
    requirements = directive.requirements.prefetch_related("target_units").order_by("position", "id")
    if cooperating:
        requirements = requirements.select_related("lead_unit").prefetch_related("cooperating_units")
    requirements = list(requirements)
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


def directive_page_related(*, directive: Directive) -> dict:
    """`directive_detail_related` for the directive's page, kept per data version (directives.freshness
    watches directives, requirements and their target units, references and attachments): the same
    answer for every reader until one of them changes. Read-only: shared by every page load."""
    return freshness.memo(
        ("directive_page", directive.pk),
        lambda: directive_detail_related(directive=directive, cooperating=False),
        small=True,
    )


# --- who a directive is sent to: the obligations engine's answer -----------------------------


def directives_addressed_to(*, unit: Unit) -> QuerySet:
    """Published (and withdrawn) directives sent to `unit` (rule of `directives.obligations`)."""
    return Directive.objects.filter(pk__in=obligations.directives_received_by(unit), status__in=VISIBLE_TO_UNITS)


def directive_inbox_for(*, user) -> QuerySet:
    """The officer's inbox: directives sent to their unit, with this unit's receipt (if any)."""
    scope = scope_for(user)
    if not scope.is_officer:
        return Directive.objects.none()
    mine = Receipt.objects.filter(directive=OuterRef("pk"), unit=scope.unit)
    return (
        directives_addressed_to(unit=scope.unit)
        .select_related("issuer", "campaign")
        .prefetch_related(Prefetch("receipts", queryset=Receipt.objects.filter(unit=scope.unit), to_attr="my_receipts"))
        .annotate(received=Exists(mine))
        # What still needs a confirmation first; a withdrawn letter needs none, so it goes with the done ones.
        .annotate(awaiting=ExpressionWrapper(Q(status=DirectiveStatus.PUBLISHED, received=False), BooleanField()))
        .order_by("-awaiting", "-issued_on", "-id")
    )


def directive_is_addressed_to(*, directive: Directive, unit: Unit) -> bool:
    return directive.status in VISIBLE_TO_UNITS and unit.pk in obligations.recipient_ids(directive)


def directive_receipt_rows(*, directive: Directive) -> list[dict]:
    """Staff view: every recipient unit, with who confirmed receipt and when (None when not yet)."""
    units = obligations.recipients(directive)
    receipts = {r.unit_id: r for r in directive.receipts.select_related("confirmed_by")}

    def key(unit):
        parent = unit.parent if unit.kind == UnitKind.COMMUNE else None
        return _receipt_order(unit.kind, unit.short_name or unit.name, parent and (parent.short_name or parent.name))

    rows = sorted(units, key=key)
    return [{"unit": unit, "receipt": receipts.get(unit.pk)} for unit in rows]


def _receipt_order(kind, name, parent_name) -> tuple:
    """By level (departments, agencies, districts, communes grouped by district), then by name — not by code."""
    rank = RECEIPT_KIND_ORDER.index(kind) if kind in RECEIPT_KIND_ORDER else len(RECEIPT_KIND_ORDER)
    return (rank, fold(parent_name) if parent_name else "", fold(name))


def directive_receipt_table(*, directive: Directive) -> list[dict]:
    """The directive page's receipt table: `directive_receipt_rows` as plain rows ready to show
    ({"name", "parent", "received", "confirmed_by", "confirmed_at"}).

    The recipients in order are kept per data version (directives.freshness: units, directives and
    receipts are watched); the receipts, with who confirmed them, are read on every load.
    """
    # Plain values, not a Receipt and a User per row: who confirmed is shown as str(user) shows them.
    receipts = {
        unit_id: (at, User.display_name(full_name, username) if username else None)
        for unit_id, at, full_name, username in directive.receipts.values_list(
            "unit_id", "confirmed_at", "confirmed_by__full_name", "confirmed_by__username"
        )
    }
    rows = []
    for pk, name, parent in freshness.memo(
        ("receipt_units", directive.pk), lambda: _recipients_in_order(directive), small=True
    ):
        receipt = receipts.get(pk)
        rows.append(
            {
                "name": name,
                "parent": parent,
                "received": receipt is not None,
                "confirmed_by": (receipt[1] or "—") if receipt else "—",
                "confirmed_at": date_filter(receipt[0], "d/m/Y H:i") if receipt else "—",
            }
        )
    return rows


def _recipients_in_order(directive: Directive) -> tuple:
    """((unit pk, name, the district's name for a commune or ""), ...) in the receipt table's order."""
    units = (
        Unit.objects.filter(pk__in=obligations.recipient_ids(directive))
        .order_by("path")  # ties as directive_receipt_rows leaves them
        .values_list("pk", "kind", "name", "short_name", "parent__name", "parent__short_name")
    )
    ordered = sorted(
        units,
        key=lambda u: _receipt_order(u[1], u[3] or u[2], (u[5] or u[4]) if u[1] == UnitKind.COMMUNE else None),
    )
    return tuple(
        (pk, name, (parent or "") if kind == UnitKind.COMMUNE else "") for pk, kind, name, _s, parent, _ps in ordered
    )


RECEIPT_KIND_ORDER = [UnitKind.DEPARTMENT, UnitKind.AGENCY, UnitKind.DISTRICT, UnitKind.COMMUNE]


def recipient_tree(*, directive: Directive) -> dict:
    """Who will receive the letter, as the engine resolves it on the issue date, for the preview and
    the publish confirmation: {"count", "groups": [{"kind", "label", "count", "areas": [{"name", "units"}]}]}.

    Units are grouped by kind, then by area (the parent unit, when it is not the province itself).
    Two queries (the engine's map, the units with their parents).
    """
    rows = directive_receipt_rows(directive=directive) if directive.pk else []
    groups = {}
    for row in rows:
        unit = row["unit"]
        group = groups.setdefault(
            unit.kind, {"kind": unit.kind, "label": UnitKind(unit.kind).label, "count": 0, "areas": {}}
        )
        group["count"] += 1
        parent = unit.parent if unit.parent_id and unit.parent.kind != UnitKind.PROVINCE else None
        area = group["areas"].setdefault(
            parent.pk if parent else 0, {"name": parent.display_name if parent else "", "units": []}
        )
        area["units"].append(unit)
    result = []
    for group in groups.values():
        result.append({**group, "areas": list(group["areas"].values())})
    return {"count": len(rows), "groups": result}


def requirement_compliance(*, requirements: list[Requirement]) -> dict[int, dict]:
    """{requirement_id: {"owed", "sent", "done", "states"}} for the directive page (the engine's counts)."""
    ledger = obligations.obligations(requirements=requirements)
    return {r.pk: ledger.counts(r.pk) for r in requirements}


@dataclasses.dataclass(frozen=True)
class DirectiveRevision:
    """One edit of a published directive: a thin view over the AuditEntry that recorded it."""

    entry: AuditEntry

    at = property(lambda self: self.entry.at)
    by = property(lambda self: self.entry.actor)
    note = property(lambda self: self.entry.comment)
    changes = property(lambda self: self.entry.changes)
    rows = property(lambda self: audit_rows(self.entry))


def directive_revisions(*, directive: Directive) -> list[DirectiveRevision]:
    """Edits made after publishing, newest first (one query): what changed, before and after, in words."""
    entries = audit_entries_for(directive).filter(action=REVISION_ACTION).order_by("-at", "-id")
    return [DirectiveRevision(entry) for entry in entries]


# --- campaigns ------------------------------------------------------------------------------


def campaign_list_visible_to(*, user) -> QuerySet:
    """Campaigns are public to every signed-in user with a role."""
    if scope_for(user).role is None:
        return Campaign.objects.none()
    return Campaign.objects.select_related("organiser").annotate(directive_count=Count("directives", distinct=True))


def get_campaign_for_user(*, user, pk, write: bool = False) -> Campaign:
    qs = campaign_list_visible_to(user=user).prefetch_related("milestones")
    return get_object_for_user(qs, pk, user=user, write=write, can_write=lambda u, _obj: scope_for(u).is_staff)


def campaign_directives(*, user, campaign: Campaign) -> QuerySet:
    return directive_list_visible_to(user=user, campaign_id=campaign.pk)


# --- schedule: periods and deadlines of an ask ------------------------------------------------


def work_calendar() -> schedule.WorkCalendar:
    """Vietnam's public holidays plus the days staff entered (one query)."""
    days = list(CalendarDay.objects.values_list("date", "kind"))
    return schedule.WorkCalendar(
        extra_holidays=[day for day, kind in days if kind == CalendarDayKind.HOLIDAY],
        working=[day for day, kind in days if kind == CalendarDayKind.WORKING],
    )


def requirement_periods(*, requirement, received_on=None, calendar=None) -> list[schedule.Period]:
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
