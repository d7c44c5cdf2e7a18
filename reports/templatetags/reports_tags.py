"""Matrix cells and state badges: colour plus words, one tag per cell (hundreds of rows)."""

from django import template
from django.utils.html import format_html

from ..compliance import STATE_COLOURS, State

register = template.Library()


@register.simple_tag
def matrix_cell(cell, url, unit_name):
    """A <td> with the state in words, the count against the quota, and a link to drill down."""
    if not cell.applies:
        return format_html(
            '<td class="state-cell text-center text-muted" data-label="{}">—</td>', cell.requirement.short_label
        )
    background, colour = STATE_COLOURS[State(cell.state)]
    quota = cell.quota_label
    body = format_html("{}<br><small>{}</small>", cell.short, quota) if quota else format_html("{}", cell.short)
    if url:
        body = format_html(
            '<a class="stretched-link text-reset" href="{}" title="{} · {}">{}</a>', url, unit_name, cell.label, body
        )
    return format_html(
        '<td class="state-cell text-center position-relative" style="background:{};color:{}" data-label="{}">{}</td>',
        background,
        colour,
        cell.requirement.short_label,
        body,
    )


@register.simple_tag
def state_chip(state, label=None):
    background, colour = STATE_COLOURS[State(state)]
    return format_html(
        '<span class="badge border" style="background:{};color:{}">{}</span>',
        background,
        colour,
        label or State(state).label,
    )
