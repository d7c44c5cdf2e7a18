"""Template filters for the portal's number, money and date conventions."""

from django import template
from django.utils.html import format_html

from ..audit import action_label, audit_rows
from ..errors import error_summary_items
from ..formatting import format_date, format_number, format_vnd
from ..models import ReviewStatus
from ..text import cut_at_word

register = template.Library()


@register.filter
def vnd(value):
    return format_vnd(value)


@register.filter
def vnumber(value, decimals=2):
    return format_number(value, decimals)


@register.filter
def cut(value, limit):
    """Like truncatechars, but at a word: "Tổ chức lễ khởi công…", never "Tổ chức lễ khởi c…"."""
    return cut_at_word(value, int(limit))


@register.filter
def vdate(value):
    return format_date(value)


@register.filter
def percent(value):
    if value is None:
        return "—"
    return f"{format_number(value, 1)} %"


# Review statuses wear the colour of the obligation state of the same name (static/css/states.css,
# generated from directives/state_glossary.py); obligation states themselves use {% state_badge %}.
REVIEW_STATUSES = frozenset(ReviewStatus.values)
STATUS_STYLES = {"published": "success"}


@register.simple_tag
def status_badge(status, label):
    """A coloured badge that also carries the status in words (colour is never the only signal)."""
    if str(status) in REVIEW_STATUSES:
        return format_html('<span class="badge state-badge review-{}">{}</span>', status, label)
    style = STATUS_STYLES.get(str(status), "secondary")
    text_class = " text-dark" if style in ("light", "info", "warning") else ""
    return format_html('<span class="badge text-bg-{}{}">{}</span>', style, text_class, label)


@register.filter
def audit_changes(entry):
    return audit_rows(entry)


@register.filter(name="action_label")
def action_label_filter(code):
    return action_label(code)


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context):
    """The error summary of every bound form or formset the page renders (base.html calls it once)."""
    return {"items": error_summary_items(context.flatten().values())}
