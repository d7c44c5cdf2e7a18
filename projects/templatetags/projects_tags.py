"""Display helpers for key works: the risk badge and sortable column headers."""

from django import template
from django.utils.html import format_html

from projects.models import Risk

register = template.Library()

RISK_STYLES = {
    Risk.ON_TRACK: ("success", "check-circle"),
    Risk.AT_RISK: ("warning", "exclamation-triangle"),
    Risk.LATE: ("danger", "alarm"),
    Risk.DONE: ("primary", "flag"),
    Risk.CANCELLED: ("dark", "x-circle"),
}


@register.simple_tag
def risk_badge(risk):
    """Colour, icon and words: colour is never the only signal."""
    if not risk:
        return ""
    style, icon = RISK_STYLES.get(risk, ("secondary", "dot"))
    text_class = " text-dark" if style == "warning" else ""
    return format_html(
        '<span class="badge text-bg-{}{}"><i class="bi bi-{}" aria-hidden="true"></i> {}</span>',
        style,
        text_class,
        icon,
        Risk(risk).label,
    )


@register.simple_tag
def sort_link(label, key, current, querystring):
    """A column header that sorts by `key`, then reverses on a second click."""
    descending = current == key
    target = f"-{key}" if descending else key
    arrow = ""
    if current == key:
        arrow = " ▲"
    elif current == f"-{key}":
        arrow = " ▼"
    prefix = f"{querystring}&" if querystring else ""
    return format_html(
        '<a class="link-dark text-decoration-none" href="?{}sort={}">{}{}</a>', prefix, target, label, arrow
    )
