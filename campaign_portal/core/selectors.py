"""Scoped reads of the core."""

from django.db.models import Case, Q, Value, When

from .access import readable_units, scope_for
from .models import AuditEntry, Notification, Unit, UnitKind
from .text import fold

KIND_ORDER = [UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.AGENCY, UnitKind.DISTRICT, UnitKind.COMMUNE]


def unit_list_visible_to(*, user, kind: str = "", query: str = "", on=None):
    qs = readable_units(user).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(search_text__contains=fold(query))
    if on is not None:
        qs = qs.valid_on(on)
    # Province first, then departments and agencies, then each district with its communes.
    rank = Case(*[When(kind=k, then=Value(i)) for i, k in enumerate(KIND_ORDER)], default=Value(9))
    return qs.annotate(kind_rank=rank).order_by("kind_rank", "parent__name", "sort_order", "name")


def notification_list_for(*, user):
    scope = scope_for(user)
    q = Q(user=user)
    if scope.unit is not None:
        q |= Q(unit=scope.unit)
    return Notification.objects.filter(q).select_related("unit").order_by("-created_at", "-id")


def audit_list_visible_to(*, user, action: str = "", unit_id=None):
    """Staff read the whole log; everyone else reads nothing here (each record shows its own history)."""
    if not scope_for(user).is_staff:
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.select_related("actor", "unit", "content_type")
    if action:
        qs = qs.filter(action__startswith=action)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs


def unit_by_code(*, code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first()
