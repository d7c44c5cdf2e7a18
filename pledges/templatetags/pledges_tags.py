"""A server-drawn sparkline (inline SVG, no JavaScript) for a target's progress."""

from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

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
