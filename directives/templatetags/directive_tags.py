"""Display helpers for the official layout of a directive."""

from django import template
from django.utils.html import format_html

from campaign_portal.core.models import UnitKind

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
    accepted state whose records came in late (timeliness is not a state of its own)."""
    badge = format_html(
        '<span class="badge state-badge state-{}">{}</span>', CellState(state).value, label or CellState(state).label
    )
    if state == CellState.ACCEPTED and on_time is False:
        badge += format_html(' <span class="badge state-badge state-late-note">{}</span>', ACCEPTED_LATE)
    return badge
