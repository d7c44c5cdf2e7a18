"""Server-drawn SVG charts: the same markup in the dashboard and inside PDFs (WeasyPrint runs no JS)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from campaign_portal.core.text import cut_at_word
from directives.state_glossary import COLOURS as STATE_COLOURS
from directives.state_glossary import ORDER as STATE_ORDER

FONT = "font-family=\"'Liberation Serif', 'Times New Roman', serif\""


def _label(text: str, x: int, y: int, width: int, font_size: int = 12) -> str:
    """A bar's label right-aligned before x, cut at a word to fit `width` (the full text as its tooltip)."""
    fits = max(8, int(width / (font_size * 0.6)))
    shown = cut_at_word(text, fits)
    return (
        f'<text x="{x}" y="{y}" text-anchor="end"><title>{escape(text)}</title>{escape(shown)}</text>'
        if shown != text
        else f'<text x="{x}" y="{y}" text-anchor="end">{escape(text)}</text>'
    )


def _fmt(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def percent_bars(
    items, *, width: int = 640, bar: int = 18, label_width: int = 230, title: str = "", font_size: int = 12
) -> str:
    """Horizontal bars of percentages: items are (label, percent or None)."""
    gap = 8
    top = 24 if title else 4
    height = top + len(items) * (bar + gap) + 4
    plot = width - label_width - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" {FONT} font-size="{font_size}">'
    ]
    if title:
        parts.append(f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>')
    for index, (label, value) in enumerate(items):
        y = top + index * (bar + gap)
        shown = value or 0
        parts.append(_label(str(label), label_width - 6, y + bar - 5, label_width - 12, font_size))
        parts.append(f'<rect x="{label_width}" y="{y}" width="{plot}" height="{bar}" fill="#f1f3f5"/>')
        fill = "#198754" if shown >= 80 else "#fd7e14" if shown >= 50 else "#dc3545"
        parts.append(f'<rect x="{label_width}" y="{y}" width="{plot * shown / 100:.1f}" height="{bar}" fill="{fill}"/>')
        text = "—" if value is None else f"{_fmt(value)} %"
        parts.append(f'<text x="{label_width + plot + 6}" y="{y + bar - 5}">{text}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def state_bars(tallies, *, width: int = 640, bar: int = 18, label_width: int = 230, title: str = "") -> str:
    """Stacked bars of cell states per group (Tally objects), with a legend: colour plus words."""
    states = STATE_ORDER[:-1]
    gap = 8
    top = 24 if title else 4
    legend_rows = 2
    height = top + len(tallies) * (bar + gap) + legend_rows * 18 + 8
    plot = width - label_width - 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" {FONT} font-size="12">'
    ]
    if title:
        parts.append(f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>')
    for index, tally in enumerate(tallies):
        y = top + index * (bar + gap)
        parts.append(_label(str(tally.label), label_width - 6, y + bar - 5, label_width - 12))
        x = float(label_width)
        total = tally.applicable or 1
        for state in states:
            count = tally.states.get(state.value, 0)
            if not count:
                continue
            w = plot * count / total
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{STATE_COLOURS[state][0]}" '
                f'stroke="#ffffff" stroke-width="0.5"><title>{escape(state.label)}: {count}</title></rect>'
            )
            if w > 18:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + bar - 5}" text-anchor="middle" '
                    f'fill="{STATE_COLOURS[state][1]}">{count}</text>'
                )
            x += w
    y = top + len(tallies) * (bar + gap) + 6
    per_row = (len(states) + legend_rows - 1) // legend_rows
    column = width // per_row
    for index, state in enumerate(states):
        lx = (index % per_row) * column
        ly = y + (index // per_row) * 18
        parts.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{STATE_COLOURS[state][0]}" stroke="#888"/>')
        parts.append(f'<text x="{lx + 16}" y="{ly + 10}" font-size="11">{escape(state.label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
