"""Recording who did what: every service that changes state calls audit_record."""

import json
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Field, Model
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance, fields) -> dict:
    """Field values of `instance` as JSON-safe data, to diff before and after a change.

    A related object is kept as its text ("80 năm thành lập Đảng bộ tỉnh (23/11/2020)"), not its id:
    the log is read by people, and it must still read right after the related row changes.
    """
    result = {}
    for name in fields:
        value = getattr(instance, name)
        result[name] = str(value) if isinstance(value, Model) else value
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


# Verbs of the rows carried over from django-simple-history (`legacy_history`): field-level copies of
# saves that the services' own entries already tell, so a record's page leaves them out (staff read them
# in the activity log, where the admin's history button used to show them).
LEGACY_VERB_PREFIX = "history_"


def audit_entries_for(obj):
    """The entries of one record, newest first: its history of changes (reviews and revisions included)."""
    return (
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        .exclude(action__contains=f".{LEGACY_VERB_PREFIX}")
        .select_related("actor", "unit")
    )


ChangeRows = list[tuple[str, str, str]]
# app label → labeler(entry, rows) -> rows: an app names the change keys of its own entries that are not
# model fields ("target:Km đường"), registered in its AppConfig.ready() (the core imports no app).
_CHANGE_LABELERS: dict[str, Callable[[object, ChangeRows], ChangeRows]] = {}


def register_change_labeler(app_label: str, labeler: Callable[[object, ChangeRows], ChangeRows]) -> None:
    _CHANGE_LABELERS[app_label] = labeler


def audit_rows(entry) -> ChangeRows:
    """What the one history template shows for an entry: readable changes, refined by the entry's own app."""
    rows = readable_changes(entry)
    labeler = _CHANGE_LABELERS.get((entry.action or "").split(".", 1)[0])
    return labeler(entry, rows) if labeler else rows


def readable_changes(entry) -> list[tuple[str, str, str]]:
    """(field label, old, new) with verbose names and choice labels, for people rather than developers."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, pair in (entry.changes or {}).items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        label, choices = name, {}
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a change key need not be a model field (e.g. "targets")
                field = None
            if isinstance(field, Field):  # not a reverse relation ("targets"): those have no label or choices
                label = str(getattr(field, "verbose_name", name))
                choices = {str(k): str(v) for k, v in (field.flatchoices or [])}
        rows.append((label, _display(old, choices), _display(new, choices)))
    return rows


def _display(value, choices) -> str:
    if value is None or value == "":
        return "—"
    if str(value) in choices:
        return choices[str(value)]
    if value is True:
        return "✓"
    if value is False:
        return "✗"
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}".replace(",", ".")  # 8.500.000.000
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"  # ISO date → dd/mm/yyyy
    return str(value)


# The last part of an action code ("pledges.emulationplan.submitted") in words.
VERB_LABELS = {
    "created": _("tạo mới"),
    "added": _("thêm"),
    "updated": _("cập nhật"),
    "changed": _("cập nhật"),
    "deleted": _("xóa"),
    "submitted": _("gửi duyệt"),
    "returned": _("trả lại"),
    "accepted": _("chấp nhận"),
    "approved": _("phê duyệt"),
    "withdrawn": _("rút / thu hồi"),
    "published": _("ban hành"),
    "confirmed": _("xác nhận đã nhận"),
    "requested": _("yêu cầu lập"),
    "rerun": _("lập lại"),
    "targets": _("cập nhật chỉ tiêu"),
    "targets_imported": _("nhập chỉ tiêu từ bảng tính"),
    "attached": _("đính kèm tệp"),
    "detached": _("xóa tệp đính kèm"),
    "progress": _("cập nhật tiến độ"),
    "draft": _("chuyển về nháp"),
    "under_construction": _("đang thi công"),
    "ceremony_held": _("đã tổ chức lễ"),
    "delayed": _("chậm tiến độ"),
    "cancelled": _("hủy"),
    "registered": _("đăng ký"),
    "revised": _("sửa đổi sau khi ban hành"),
    "history_created": _("tạo mới (lịch sử cũ)"),
    "history_changed": _("cập nhật (lịch sử cũ)"),
    "history_deleted": _("xóa (lịch sử cũ)"),
}


def action_label(code: str) -> str:
    """'pledges.emulationplan.submitted' → 'Kế hoạch phát động thi đua: gửi duyệt' (the code if unknown)."""
    from django.apps import apps

    parts = (code or "").split(".")
    if len(parts) != 3:
        return code
    app_label, model_name, verb = parts
    try:
        noun = str(apps.get_model(app_label, model_name)._meta.verbose_name)
    except LookupError:
        return code
    return f"{noun[:1].upper()}{noun[1:]}: {VERB_LABELS.get(verb, verb)}"
