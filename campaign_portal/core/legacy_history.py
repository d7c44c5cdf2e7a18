"""Folding the old history tables into AuditEntry, the one record of changes (used only by data migrations).

ReviewEvent, DirectiveRevision and django-simple-history's tables each kept part of "who changed what".
Their rows become AuditEntry rows: a row whose twin entry already exists (the service wrote both in one
transaction: same object, same actor, a few seconds apart, same values) is not copied twice. The functions
take the migration's `apps`, so they work on the historical models, never on today's.
"""

import contextlib
import datetime
import json
from collections import defaultdict

from django.core.serializers.json import DjangoJSONEncoder

# A service wrote its AuditEntry and its ReviewEvent / DirectiveRevision / historical row in one transaction.
TWIN_WINDOW = datetime.timedelta(seconds=5)
# simple-history's row types → the verb of the AuditEntry that keeps it (its own verbs: these rows add
# field-level detail that the services' own entries already summarise, so record pages leave them out).
HISTORY_VERBS = {"+": "history_created", "~": "history_changed", "-": "history_deleted"}
BATCH = 500


def jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@contextlib.contextmanager
def keeping_times(AuditEntry):
    """Let `at` be set from the old row: the migration's model would stamp every copy with now."""
    field = AuditEntry._meta.get_field("at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


class Twins:
    """The AuditEntry rows of some content types, to find the one a service wrote with an old row."""

    def __init__(self, AuditEntry, content_type_ids):
        self._by_object = defaultdict(list)
        for entry in AuditEntry.objects.filter(content_type_id__in=list(content_type_ids)).order_by("at", "id"):
            self._by_object[(entry.content_type_id, entry.object_id)].append(entry)

    def take(self, *, content_type_id, object_id, at, actor_id, same):
        """The closest untaken entry of that object, by that actor, within the window, for which same(entry)."""
        candidates = [
            e
            for e in self._by_object.get((content_type_id, str(object_id)), [])
            if e.actor_id == actor_id and abs(e.at - at) <= TWIN_WINDOW and same(e)
        ]
        if not candidates:
            return None
        best = min(candidates, key=lambda e: abs(e.at - at))
        self._by_object[(content_type_id, str(object_id))].remove(best)
        return best


def content_type(apps, app_label: str, model: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def object_text(row) -> str:
    """What AuditEntry.object_repr keeps when the model's own __str__ is not at hand (a migration)."""
    for name in ("title", "name", "number", "subject"):
        value = getattr(row, name, None)
        if value:
            return str(value)[:300]
    return f"#{row.pk}"


def review_events_to_audit(apps) -> int:
    """Every ReviewEvent becomes (or already is) an AuditEntry `<app>.<model>.<to_status>` with the status pair."""
    AuditEntry = apps.get_model("core", "AuditEntry")
    ReviewEvent = apps.get_model("core", "ReviewEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    events = list(ReviewEvent.objects.order_by("at", "id"))
    types = {ct.pk: ct for ct in ContentType.objects.filter(pk__in={e.content_type_id for e in events})}
    twins = Twins(AuditEntry, types)
    texts = _object_texts(apps, types, events)
    new = []
    for event in events:
        ct = types[event.content_type_id]
        action = f"{ct.app_label}.{ct.model}.{event.to_status}"
        pair = [event.from_status, event.to_status]

        def same(entry, action=action, pair=pair, comment=event.comment):
            return entry.action == action and (entry.changes or {}).get("status") == pair and entry.comment == comment

        twin = twins.take(
            content_type_id=ct.pk, object_id=event.object_id, at=event.at, actor_id=event.actor_id, same=same
        )
        if twin is None:
            new.append(
                AuditEntry(
                    at=event.at,
                    actor_id=event.actor_id,
                    action=action,
                    unit_id=event.unit_id,
                    content_type_id=ct.pk,
                    object_id=str(event.object_id),
                    object_repr=texts.get((ct.pk, event.object_id), ""),
                    changes={"status": pair},
                    comment=event.comment,
                )
            )
    with keeping_times(AuditEntry):
        AuditEntry.objects.bulk_create(new, batch_size=BATCH)
    return len(new)


def _object_texts(apps, types, events) -> dict:
    texts = {}
    for ct in types.values():
        try:
            model = apps.get_model(ct.app_label, ct.model)
        except LookupError:
            continue
        ids = {e.object_id for e in events if e.content_type_id == ct.pk}
        texts.update({(ct.pk, row.pk): object_text(row) for row in model.objects.filter(pk__in=ids)})
    return texts


def directive_revisions_to_audit(apps) -> int:
    """Every DirectiveRevision becomes the AuditEntry `directives.directive.revised` with its full changes."""
    AuditEntry = apps.get_model("core", "AuditEntry")
    DirectiveRevision = apps.get_model("directives", "DirectiveRevision")
    ct = content_type(apps, "directives", "directive")
    twins = Twins(AuditEntry, [ct.pk])
    new = []
    for revision in DirectiveRevision.objects.select_related("directive").order_by("at", "id"):

        def same(entry, note=revision.note):
            return entry.action == "directives.directive.updated" and (entry.comment or "")[:300] == note

        twin = twins.take(
            content_type_id=ct.pk, object_id=revision.directive_id, at=revision.at, actor_id=revision.by_id, same=same
        )
        if twin is not None:  # the edit's entry, which left out the requirements and the body: now it has all
            twin.action, twin.changes = "directives.directive.revised", revision.changes
            twin.save(update_fields=["action", "changes"])
            continue
        directive = revision.directive
        new.append(
            AuditEntry(
                at=revision.at,
                actor_id=revision.by_id,
                action="directives.directive.revised",
                unit_id=directive.issuer_id,
                content_type_id=ct.pk,
                object_id=str(directive.pk),
                object_repr=f"{directive.number or directive.subject[:60]}"[:300],
                changes=revision.changes,
                comment=revision.note,
            )
        )
    with keeping_times(AuditEntry):
        AuditEntry.objects.bulk_create(new, batch_size=BATCH)
    return len(new)


def historical_rows_to_audit(apps, app_label: str, model_names) -> int:
    """Every simple-history row becomes an AuditEntry: the fields that changed since the object's previous row."""
    AuditEntry = apps.get_model("core", "AuditEntry")
    units = set(apps.get_model("core", "Unit").objects.values_list("pk", flat=True))
    count = 0
    with keeping_times(AuditEntry):
        for name in model_names:
            new = []
            for entry in _history_entries(apps, AuditEntry, app_label, name, units):
                new.append(entry)
                if len(new) >= BATCH:
                    count += len(AuditEntry.objects.bulk_create(new))
                    new = []
            count += len(AuditEntry.objects.bulk_create(new))
    return count


def _history_entries(apps, AuditEntry, app_label: str, name: str, units: set):
    """One unsaved entry per historical row of one model, oldest first."""
    Historical = apps.get_model(app_label, f"Historical{name}")
    ct = content_type(apps, app_label, name.lower())
    fields = [f for f in Historical._meta.concrete_fields if not f.name.startswith("history_") and f.name != "id"]
    previous: dict[int, dict] = {}
    for row in Historical.objects.order_by("history_date", "history_id").iterator():
        state = jsonable({f.name: getattr(row, f.attname) for f in fields})
        before = previous.get(row.id, {})
        if row.history_type == "-":
            changes = {k: [v, None] for k, v in state.items() if v not in (None, "", [])}
        else:
            changes = {k: [before.get(k), v] for k, v in state.items() if before.get(k) != v}
        previous[row.id] = state
        yield AuditEntry(
            at=row.history_date,
            actor_id=row.history_user_id,
            action=f"{app_label}.{name.lower()}.{HISTORY_VERBS.get(row.history_type, 'history_changed')}",
            unit_id=row.unit_id if getattr(row, "unit_id", None) in units else None,
            content_type_id=ct.pk,
            object_id=str(row.id),
            object_repr=object_text(row),
            changes=changes,
            comment=row.history_change_reason or "",
        )
