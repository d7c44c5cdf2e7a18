"""A server-drawn sparkline (inline SVG, no JavaScript) for a target's progress."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign_portal.core.audit import readable_changes
from pledges.models import Target

register = template.Library()

WIDTH, HEIGHT, PAD = 120, 32, 3


@register.simple_tag
def sparkline(target):
    """Values of the target's updates as a line, with the target value as a dashed line."""
    values = [update.actual_value for update in getattr(target, "updates", [])]
    if not values:
        return ""
    goal = target.target_value
    low = min([*values, target.baseline if target.baseline is not None else values[0], goal])
    high = max([*values, goal])
    span = (high - low) or Decimal(1)

    def y(value) -> float:
        return round(HEIGHT - PAD - float((value - low) / span) * (HEIGHT - 2 * PAD), 1)

    step = (WIDTH - 2 * PAD) / max(1, len(values) - 1)
    points = [(round(PAD + i * step, 1), y(value)) for i, value in enumerate(values)]
    if len(points) == 1:
        points.append((WIDTH - PAD, points[0][1]))
    path = " ".join(f"{x},{yy}" for x, yy in points)
    dots = format_html_join("", '<circle cx="{}" cy="{}" r="2"></circle>', points[: len(values)])
    label = _("Xu hướng: %(n)s lần cập nhật, mới nhất %(last)s, chỉ tiêu %(goal)s") % {
        "n": len(values),
        "last": values[-1].normalize(),
        "goal": goal.normalize(),
    }
    return format_html(
        '<svg class="sparkline" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{label}">'
        "<title>{label}</title>"
        '<line x1="0" x2="{w}" y1="{gy}" y2="{gy}" stroke="#198754" stroke-dasharray="3 2" stroke-width="1"></line>'
        '<polyline points="{path}" fill="none" stroke="#0d6efd" stroke-width="1.5"></polyline>'
        '<g fill="#0d6efd">{dots}</g></svg>',
        w=WIDTH,
        h=HEIGHT,
        gy=y(goal),
        path=path,
        dots=dots,
        label=label,
    )


@register.filter
def achievement_style(value):
    if value is None:
        return "secondary"
    if value >= 100:
        return "success"
    if value >= 50:
        return "primary"
    return "warning"


# Readable audit history: what each pledges action means, and labels for change keys that are not model fields.
ACTION_LABELS = {
    "created": gettext_lazy("Tạo bản nháp"),
    "updated": gettext_lazy("Sửa hồ sơ"),
    "targets": gettext_lazy("Sửa chỉ tiêu"),
    "targets_imported": gettext_lazy("Nhập chỉ tiêu từ bảng tính"),
    "progress": gettext_lazy("Cập nhật tiến độ"),
    "attached": gettext_lazy("Đính kèm tệp"),
    "detached": gettext_lazy("Xóa tệp đính kèm"),
    "deleted": gettext_lazy("Xóa bản nháp"),
    "submitted": gettext_lazy("Gửi duyệt"),
    "returned": gettext_lazy("Trả lại"),
    "accepted": gettext_lazy("Chấp nhận"),
    "withdrawn": gettext_lazy("Rút hồ sơ"),
}
TARGET_FIELD_NAMES = ("name", "unit_of_measure", "baseline", "target_value", "due_date")


@register.filter
def pledge_action_label(action: str) -> str:
    """`pledges.emulationplan.submitted` → “Gửi duyệt”; an unknown code is shown as it is."""
    return str(ACTION_LABELS.get(action.rsplit(".", 1)[-1], action))


@register.filter
def pledge_audit_changes(entry) -> list[tuple[str, str, str]]:
    """(label, old, new) rows: model fields as the core shows them, targets and progress by the target's name."""
    verb = entry.action.rsplit(".", 1)[-1]
    rows = []
    for key, (label, old, new) in zip((entry.changes or {}), readable_changes(entry), strict=True):
        if key.startswith("target:"):
            label = _("Chỉ tiêu “%(name)s”") % {"name": key.removeprefix("target:")}
        elif key.startswith("progress:") or verb == "progress":
            label = _("Tiến độ “%(name)s”") % {"name": key.removeprefix("progress:")}
        elif key == "targets" and verb == "targets_imported":
            label = _("Số chỉ tiêu")
        elif key == "attachment":
            label = _("Tệp đính kèm")
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
