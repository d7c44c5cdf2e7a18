"""Cells of the printed tables: one tag per cell (thousands of cells: no per-cell template include)."""

from django import template
from django.utils.html import format_html

from ..documents.model import Percent, StateValue, cell_text, no_orphan

register = template.Library()


@register.filter
def mm(value) -> str:
    return f"{float(value):.1f}mm"


@register.simple_tag
def pdf_cell(value, columns, index):
    align = columns[index].align if index < len(columns) else "left"
    if isinstance(value, StateValue):
        # A class per state (see state_css), not an inline style: thousands of cells parse faster.
        return format_html('<td class="state st-{}">{}</td>', value.state, value.text)
    css = align if align != "left" else ""
    if isinstance(value, Percent):
        css = "right"
    return format_html('<td class="{}">{}</td>', css, cell_text(value))


@register.filter(name="no_orphan")
def no_orphan_filter(text):
    """A title whose last line never holds a single word (the last two words bound by a no-break space)."""
    return no_orphan(str(text or ""))
