"""Template filters for the portal's number, money and date conventions."""

from django import template
from django.utils.html import format_html

from ..audit import action_label, audit_rows
from ..errors import error_summary_items
from ..formatting import format_date, format_number, format_vnd
from ..models import ReviewStatus

register = template.Library()


@register.filter
def vnd(value):
    return format_vnd(value)


@register.filter
def vnumber(value, decimals=2):
    return format_number(value, decimals)


@register.filter
def vdate(value):
    return format_date(value)


@register.filter
def percent(value):
    if value is None:
        return "—"
    return f"{format_number(value, 1)} %"


# Keys are the review statuses (the core's own) and the values of the apps' status enums, which the core may
# not import: DirectiveStatus (published), obligations.CellState (not_started, sent, late, not_applicable),
# reports.compliance.State (missing, overdue, not_applicable).
STATUS_STYLES = {
    ReviewStatus.DRAFT: "secondary",
    ReviewStatus.SUBMITTED: "info",
    ReviewStatus.RETURNED: "warning",
    ReviewStatus.ACCEPTED: "success",
    ReviewStatus.WITHDRAWN: "dark",
    "published": "success",
    "missing": "danger",
    "overdue": "danger",
    "not_started": "light",
    "sent": "info",
    "late": "danger",
    "not_applicable": "light",
}


@register.simple_tag
def status_badge(status, label):
    """A coloured badge that also carries the status in words (colour is never the only signal)."""
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
