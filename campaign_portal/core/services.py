"""Writes of the core: units (create, update, import) and memberships."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from .audit import audit_record
from .models import Membership, Unit, UnitKind
from .text import nfc


def unit_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    short_name: str = "",
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    email: str = "",
    sort_order: int = 0,
    actor=None,
) -> tuple[Unit, bool]:
    """Create or update the unit with this code; keeps path and search text right. Returns (unit, created)."""
    unit = Unit.objects.filter(code=code).first()
    created = unit is None
    unit = unit or Unit(code=code)
    old_path = unit.path
    unit.name, unit.short_name, unit.kind, unit.parent = nfc(name), nfc(short_name), kind, parent
    unit.valid_from, unit.valid_to, unit.email, unit.sort_order = valid_from, valid_to, email, sort_order
    unit.is_active = valid_to is None or valid_to > datetime.date.today()
    unit.refresh_derived()
    unit.full_clean(exclude=["path", "search_text"], validate_unique=False)
    with transaction.atomic():
        unit.save()
        if not created and old_path and old_path != unit.path:
            _rebase_descendants(old_path, unit.path)
        if actor is not None:
            audit_record(
                actor=actor, action="core.unit.created" if created else "core.unit.changed", obj=unit, unit=unit
            )
    return unit, created


def _rebase_descendants(old_path: str, new_path: str) -> None:
    for child in Unit.objects.filter(path__startswith=old_path).exclude(path=new_path).select_related("parent"):
        child.path = new_path + child.path[len(old_path) :]
        child.depth = child.path.count("/") - 2
        child.save(update_fields=["path", "depth"])


def unit_set_successors(*, unit: Unit, successors: list[Unit]) -> None:
    if unit in successors:
        raise ValidationError("Một đơn vị không thể kế thừa chính nó.")
    unit.successors.set(successors)


def membership_set(*, user, unit: Unit, role: str, title: str = "") -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, defaults={"unit": unit, "role": role, "title": title}
    )
    if hasattr(user, "_portal_scope"):
        del user._portal_scope
    user._state.fields_cache.pop("membership", None)  # loaded with the user by core.auth.PortalBackend
    return membership


__all__ = ["unit_upsert", "unit_set_successors", "membership_set", "UnitKind"]


def user_preference_set(*, user, key: str, value) -> None:
    """Remember a screen choice for this user (not audited: it changes what they see, not any record)."""
    preferences = dict(user.preferences or {})
    if preferences.get(key) == value:
        return
    preferences[key] = value
    user.preferences = preferences
    user.save(update_fields=["preferences"])
