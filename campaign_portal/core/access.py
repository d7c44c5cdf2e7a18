"""The one place that says who may read, write and review what.

Every view and selector scopes its querysets through `scope_units` / `scope_submissions`
and fetches single objects through `get_object_for_user`. Rules:

- provincial staff, leaders and administrators read every unit;
- an officer reads their own unit and the units below it (a district reads its communes), and the
  records of the units their unit succeeded (a 2025 commune reads its 2019 communes' history), read-only;
- an officer writes (files, edits drafts) only for their own unit;
- staff review every unit; a district officer reviews the units below the district;
- only staff (and administrators) publish directives;
- staff, leaders and administrators request (and re-run) reports of the whole province or of any unit,
  and download them: a leader's report is a read of data they already see; an officer requests only
  their own unit's report and downloads reports of the units they read;
- a draft is read only by its own unit: nobody else sees work that was not submitted.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Membership, ReviewStatus, Role, Unit, UnitKind

READ_ALL_ROLES = (Role.STAFF, Role.LEADER, Role.ADMIN)


@dataclass(frozen=True)
class Scope:
    role: str | None
    unit: Unit | None

    @property
    def reads_all(self) -> bool:
        return self.role in READ_ALL_ROLES

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER and self.unit is not None


NO_SCOPE = Scope(role=None, unit=None)


def scope_for(user) -> Scope:
    """The user's role and unit, loaded once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    if "membership" in user._state.fields_cache:  # loaded with the user (core.auth.PortalBackend)
        membership = user._state.fields_cache["membership"]
    else:
        membership = Membership.objects.select_related("unit", "unit__parent").filter(user=user).first()
    scope = Scope(role=membership.role, unit=membership.unit) if membership else NO_SCOPE
    if membership is None and user.is_superuser:
        scope = Scope(role=Role.ADMIN, unit=None)
    user._portal_scope = scope
    return scope


def scope_key(user) -> tuple:
    """Everything the scoping functions below read of the user: two users with equal keys get the
    same filters (so a caller may reuse a queryset's compiled SQL under this key)."""
    scope = scope_for(user)
    unit = scope.unit
    return (scope.role, unit.pk, unit.path, unit.kind) if unit is not None else (scope.role,)


def _path_filter(field: str, unit: Unit, *, include_self=True) -> Q:
    prefix = f"{field}__" if field else ""
    q = Q(**{f"{prefix}path__startswith": unit.path})
    return q if include_self else q & ~Q(**{f"{prefix}pk": unit.pk})


def _predecessors_of(unit: Unit) -> QuerySet:
    """Ids of the units `unit` succeeded, two generations back, as a subquery (no extra query)."""
    links = Unit.successors.through.objects
    parents = links.filter(to_unit=unit).values("from_unit")
    return links.filter(Q(to_unit=unit) | Q(to_unit__in=parents)).values("from_unit")


def _history_of(user, unit: Unit) -> QuerySet:
    """`_predecessors_of(unit)`, built once per request (a list page scopes one queryset per kind)."""
    cached = getattr(user, "_portal_history", None)
    if cached is None or cached[0] != unit.pk:
        cached = (unit.pk, _predecessors_of(unit))
        user._portal_history = cached
    return cached[1]


def unit_filter(user, *, mode: str = "read", field: str = "unit") -> Q | None:
    """A Q over `field` (a Unit relation) for units the user may `read`, `write` or `review`.

    None means "no restriction"; an impossible Q means "nothing".
    """
    scope = scope_for(user)
    nothing = Q(pk__in=[])
    if mode == "read":
        if scope.reads_all:
            return None
        if scope.unit is None:
            return nothing
        prefix = f"{field}__" if field else ""
        history = Q(**{f"{prefix}pk__in": _history_of(user, scope.unit)})
        return _path_filter(field, scope.unit) | history
    if mode == "write":
        if scope.is_officer:
            prefix = f"{field}__" if field else ""
            return Q(**{f"{prefix}pk": scope.unit.pk})
        return nothing
    if mode == "review":
        if scope.is_staff:
            return None
        if scope.is_officer and scope.unit.kind in (UnitKind.DISTRICT, UnitKind.PROVINCE):
            return _path_filter(field, scope.unit, include_self=False)
        return nothing
    raise ValueError(f"unknown mode {mode!r}")


def scope_units(qs: QuerySet, user, *, mode: str = "read", field: str = "unit") -> QuerySet:
    """Restrict any queryset with a unit relation (or Unit itself, field="") to the user's scope."""
    condition = unit_filter(user, mode=mode, field=field)
    return qs if condition is None else qs.filter(condition)


def readable_units(user) -> QuerySet:
    return scope_units(Unit.objects.all(), user, field="")


def writable_units(user) -> QuerySet:
    return scope_units(Unit.objects.all(), user, mode="write", field="")


def reviewable_units(user) -> QuerySet:
    return scope_units(Unit.objects.all(), user, mode="review", field="")


def scope_submissions(qs: QuerySet, user, *, field: str = "unit") -> QuerySet:
    """Submissions the user may see: the readable units' records, drafts only for their own unit."""
    qs = scope_units(qs, user, field=field)
    scope = scope_for(user)
    own = Q(**{f"{field}__pk": scope.unit.pk}) if scope.is_officer else Q(pk__in=[])
    return qs.filter(~Q(status=ReviewStatus.DRAFT) | own)


def can_write_unit(user, unit: Unit) -> bool:
    scope = scope_for(user)
    return scope.is_officer and unit is not None and scope.unit.pk == unit.pk


def can_review_unit(user, unit: Unit) -> bool:
    scope = scope_for(user)
    if scope.is_staff:
        return True
    return (
        scope.is_officer
        and scope.unit.kind in (UnitKind.DISTRICT, UnitKind.PROVINCE)
        and unit.pk != scope.unit.pk
        and unit.path.startswith(scope.unit.path)
    )


def can_read_unit(user, unit: Unit) -> bool:
    scope = scope_for(user)
    if scope.reads_all or (scope.unit is not None and unit.path.startswith(scope.unit.path)):
        return True
    return scope.unit is not None and _predecessors_of(scope.unit).filter(from_unit=unit.pk).exists()


def can_read_submission(user, unit: Unit, status: str) -> bool:
    """`scope_submissions`'s rule for one record already loaded: a readable unit's record, a draft only
    for its own unit (no query, unless the unit is outside the user's subtree: its history is asked)."""
    scope = scope_for(user)
    own = scope.is_officer and scope.unit.pk == unit.pk
    return (status != ReviewStatus.DRAFT or own) and (own or can_read_unit(user, unit))


def can_publish(user) -> bool:
    return scope_for(user).is_staff


def can_request_unit_report(user, unit: Unit | None, *, province_wide: bool) -> bool:
    """Who may have a report built: province-wide for staff, leaders and admins; a unit's report also by its officer."""
    scope = scope_for(user)
    if scope.role is None or unit is None:
        return False
    if province_wide:
        return scope.reads_all
    return scope.reads_all or (scope.is_officer and scope.unit.pk == unit.pk)


def get_object_for_user(visible_qs: QuerySet, pk, *, user=None, write: bool = False, can_write=None, can_read=None):
    """404 when the object is not visible (same answer as 'does not exist'), 403 when read-only.

    `visible_qs` is scoped to what the user reads, or `can_read(user, obj)` says it of the one object found.
    """
    try:
        obj = visible_qs.get(pk=pk)
    except (visible_qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if can_read is not None and not can_read(user, obj):
        raise Http404
    if write and not (can_write(user, obj) if can_write else False):
        raise PermissionDenied
    return obj


# --- peer groups (emulation clusters and blocks) -------------------------------------------------
# The core knows no app: callers pass the group's current member unit ids and its head's (and
# deputy's) unit id. A group's scores are read by readers of all, by each member for its own unit,
# by the head for every member; other members see them only once the council has finalised.


@dataclass(frozen=True)
class PeerGroup:
    member_ids: frozenset
    head_id: int | None = None
    deputy_id: int | None = None
    final: bool = False


def group_filter(user, *, field: str) -> Q | None:
    """A Q over `field` (the member unit of a group) for the groups the user sees; None: all."""
    scope = scope_for(user)
    if scope.reads_all:
        return None
    if scope.is_officer:
        return Q(**{field: scope.unit.pk})
    return Q(pk__in=[])


def can_read_group(user, group: PeerGroup) -> bool:
    scope = scope_for(user)
    return scope.reads_all or (scope.is_officer and scope.unit.pk in group.member_ids)


def can_manage_groups(user) -> bool:
    return scope_for(user).is_staff


def is_group_head(user, group: PeerGroup) -> bool:
    scope = scope_for(user)
    return scope.is_officer and group.head_id is not None and scope.unit.pk == group.head_id


def can_read_group_scores(user, group: PeerGroup, unit_id: int) -> bool:
    """Own unit always; the head (and staff, leaders) every member; other members after finalisation."""
    scope = scope_for(user)
    if scope.reads_all:
        return True
    if not scope.is_officer or scope.unit.pk not in group.member_ids:
        return False
    return scope.unit.pk == unit_id or scope.unit.pk == group.head_id or group.final


def can_review_in_group(user, group: PeerGroup, unit_id: int) -> bool:
    """Staff review anyone; the head reviews the other members; the deputy reviews the head's own scoring."""
    scope = scope_for(user)
    if scope.is_staff:
        return True
    if not scope.is_officer or unit_id not in group.member_ids or group.final:
        return False
    if scope.unit.pk == group.head_id:
        return unit_id != group.head_id
    return scope.unit.pk == group.deputy_id and unit_id == group.head_id
