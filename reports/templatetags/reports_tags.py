"""Matrix cells and state badges: colour plus words, one tag per cell (hundreds of rows)."""

from functools import lru_cache

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..compliance import STATE_COLOURS, STATE_SHORT, State

register = template.Library()


@lru_cache(maxsize=64)
def _state_words(state: str, language: str):
    """Translated short text and label of a state, once per language (not once per cell)."""
    st = State(state)
    return escape(str(STATE_SHORT[st])), escape(str(st.label)), STATE_COLOURS[st]


@register.simple_tag
def matrix_cell(cell, url, unit_name):
    """A <td> with the state in words, the count against the quota, and a link to drill down.

    Built with f-strings over escaped parts: the matrix has thousands of cells and format_html
    per cell cost a third of the page's time.
    """
    requirement = escape(cell.requirement.short_label)
    if not cell.applies:
        return mark_safe(f'<td class="state-cell state-na text-center text-muted" data-label="{requirement}">—</td>')
    short, label, (background, colour) = _state_words(str(cell.state), get_language() or "")
    quota = cell.quota_label
    body = f"{short}<br><small>{escape(quota)}</small>" if quota else short
    if url:
        body = (
            f'<a class="stretched-link text-reset" href="{escape(url)}" title="{escape(unit_name)} · {label}">'
            f"{body}</a>"
        )
    return mark_safe(
        f'<td class="state-cell text-center position-relative" style="background:{background};color:{colour}" '
        f'data-label="{requirement}">{body}</td>'
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
