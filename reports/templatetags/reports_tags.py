"""Matrix cells: the glossary's colour plus words, one tag per cell (hundreds of rows)."""

from functools import lru_cache

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from campaign_portal.core.text import escape_text
from directives import state_glossary
from directives.obligations import CellState

register = template.Library()


@lru_cache(maxsize=64)
def _state_words(state: str, language: str):
    """Translated label of a state, its "late" note and its colours, once per language (not per cell)."""
    late = escape(str(state_glossary.ACCEPTED_LATE))
    return escape(str(CellState(state).label)), late, state_glossary.colours(state)


@register.simple_tag
def matrix_cell(cell, url, unit_name):
    """A <td> with the state in the glossary's words, the count against the quota, and a link to drill down.

    Built with f-strings over escaped parts: the matrix has thousands of cells and format_html
    per cell cost a third of the page's time.
    """
    requirement = escape_text(cell.requirement.short_label)
    if not cell.applies:
        return mark_safe(f'<td class="state-cell state-na text-center text-muted" data-label="{requirement}">—</td>')
    label, late, (background, colour) = _state_words(str(cell.state), get_language() or "")
    body = f'{label} <span class="late-note">({late})</span>' if cell.accepted_late else label
    quota = cell.quota_label
    if quota:
        body = f"{body}<br><small>{escape_text(quota)}</small>"
    if url:
        body = f'<a class="stretched-link text-reset" href="{escape_text(url)}" title="{escape_text(unit_name)}">{body}</a>'
    return mark_safe(
        f'<td class="state-cell text-center position-relative" style="background:{background};color:{colour}" '
        f'data-state="{cell.state}" data-label="{requirement}">{body}</td>'
    )
