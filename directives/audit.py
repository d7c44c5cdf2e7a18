"""The directives' part of the one audit history: a directive's changes in words.

Requirements by their ordinal ("Mục 3 · Thời hạn"), unit kinds and choices by their labels, dates as
dd/mm/yyyy. Registered with `campaign_portal.core.audit.register_change_labeler` in
`DirectivesConfig.ready()`: the revisions page and the activity log read the same rows.
"""

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import Truncator, capfirst

from campaign_portal.core.models import UnitKind

from .models import Directive, Requirement

# An edit of a published directive: its entry keeps the whole diff (requirements and body too), which
# is the directive's revision history (`selectors.directive_revisions`).
REVISION_ACTION = "directives.directive.revised"
SHOWN_CHARS = 400


def change_rows(entry, readable: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(label, old, new) rows of a directive's entry; other directives entries as the core reads them."""
    if (entry.action or "").split(".")[1:2] != ["directive"]:
        return readable
    return [(label, _shown(old), _shown(new)) for label, old, new in _revision_rows(entry.changes or {})]


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    return Truncator(str(value)).chars(SHOWN_CHARS)


def _field_label(model, name: str) -> str:
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:  # a key that is not a model field keeps its name
        return name


def _revision_rows(changes: dict) -> list[tuple[str, object, object]]:
    rows = []
    for name, pair in changes.items():
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
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
