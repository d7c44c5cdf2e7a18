"""Recording who did what: every service that changes state calls audit_record."""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder

from .models import AuditEntry


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance, fields) -> dict:
    """Field values of `instance` as JSON-safe data, to diff before and after a change."""
    result = {}
    for name in fields:
        value = getattr(instance, name)
        result[name] = getattr(value, "pk", value)
    return _jsonable(result)


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)}


def audit_record(*, actor, action: str, obj=None, unit=None, changes=None, comment: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        unit=unit,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        changes=_jsonable(changes or {}),
        comment=comment,
    )


def audit_entries_for(obj):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor", "unit")
