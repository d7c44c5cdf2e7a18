"""The pledges' part of the one audit history: change keys that are not model fields (targets, progress).

Registered with `campaign_portal.core.audit.register_change_labeler` in `PledgesConfig.ready()`.
"""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from directives import schedule

from .models import Target

TARGET_FIELD_NAMES = ("name", "unit_of_measure", "baseline", "target_value", "due_date")


def change_rows(entry, readable: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(label, old, new) rows: model fields as the core shows them, targets and progress by the target's name."""
    verb = entry.action.rsplit(".", 1)[-1]
    rows = []
    for key, (label, old, new) in zip((entry.changes or {}), readable, strict=True):
        if key.startswith("target:"):
            label = _("Chỉ tiêu “%(name)s”") % {"name": key.removeprefix("target:")}
        elif key.startswith("progress:") or verb == "progress":
            label = _("Tiến độ “%(name)s”") % {"name": key.removeprefix("progress:")}
        elif key == "targets" and verb == "targets_imported":
            label = _("Số chỉ tiêu")
        elif key == "attachment":
            label = _("Tệp đính kèm")
        elif key == "period":  # "2026-11" as people say it: "Tháng 11/2026"
            rows.append((label, schedule.period_label(old), schedule.period_label(new)))
            continue
        elif "." in key and key.rsplit(".", 1)[-1] in TARGET_FIELD_NAMES:
            name, field = key.rsplit(".", 1)
            label = _("Chỉ tiêu “%(name)s”: %(field)s") % {
                "name": name,
                "field": Target._meta.get_field(field).verbose_name,
            }
        else:
            rows.append((label, old, new))
            continue
        rows.append((label, _number(old), _number(new)))
    return rows


def _number(value: str) -> str:
    """A stored decimal ("1200.00") as people write it here ("1.200"); anything else untouched."""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    if not number.is_finite():
        return value
    number = int(number) if number == number.to_integral_value() else number.normalize()
    return number_format(number, use_l10n=True, force_grouping=True)
