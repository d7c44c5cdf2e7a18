"""Display helpers for the official layout of a directive."""

import functools

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaign_portal.core.models import UnitKind
from campaign_portal.core.text import escape_text

from ..obligations import CellState
from ..state_glossary import ACCEPTED_LATE, glossary

register = template.Library()


@register.filter
def vn_long_date(value) -> str:
    """'ngày 27 tháng 8 năm 2019' with Decree 30's zero-padding (days under 10, months 1 and 2)."""
    if not value:
        return "ngày … tháng … năm …"
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


@register.filter
def paragraphs(value) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@register.filter
def unit_kind_labels(kinds) -> str:
    labels = dict(UnitKind.choices)
    return "; ".join(str(labels.get(kind, kind)) for kind in kinds or [])


@register.inclusion_tag("includes/state_legend.html")
def state_legend(open_=False):
    """The legend of obligation states: each state once, with the one thing it means."""
    return {"states": glossary(), "open": open_}


@register.simple_tag
def state_badge(state, on_time=None, label=None):
    """An obligation state as the glossary shows it: its label on its colour, plus "trễ hạn" beside an
    accepted state whose records came in late (timeliness is not a state of its own). A list page shows
    one per row with a handful of different ones: each is drawn once per language."""
    late = state == CellState.ACCEPTED and on_time is False
    return _badge(get_language(), str(state), late, None if label is None else str(label))


@functools.lru_cache(maxsize=512)
def _badge(language, state, late, label):
    badge = format_html(
        '<span class="badge state-badge state-{}">{}</span>', CellState(state).value, label or CellState(state).label
    )
    if late:
        badge += format_html(' <span class="badge state-badge state-late-note">{}</span>', ACCEPTED_LATE)
    return badge


@register.simple_tag
def receipt_table_rows(rows):
    """The receipt table's rows (one per recipient, ~250 for a provincial letter), drawn here rather
    than by the template's loop: labels translated once, every value escaped here."""
    escape = escape_text  # ~1,000 calls a page
    l_unit, l_state, l_by, l_at = map(escape, (_("Đơn vị"), _("Trạng thái"), _("Người xác nhận"), _("Lúc")))
    received = f'<span class="badge text-bg-success">{escape(_("Đã nhận"))}</span>'
    awaiting = f'<span class="badge text-bg-warning text-dark">{escape(_("Chưa xác nhận"))}</span>'
    lines = []
    for row in rows:
        parent = f'<div class="small text-muted">{escape(row["parent"])}</div>' if row["parent"] else ""
        lines.append(
            f'<tr>\n<td data-label="{l_unit}">{escape(row["name"])}{parent}</td>\n'
            f'<td data-label="{l_state}">{received if row["received"] else awaiting}</td>\n'
            f'<td data-label="{l_by}">{escape(row["confirmed_by"])}</td>\n'
            f'<td data-label="{l_at}" class="text-nowrap">{escape(row["confirmed_at"])}</td>\n</tr>'
        )
    return mark_safe("\n".join(lines))
