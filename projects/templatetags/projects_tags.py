"""Display helpers for key works: the risk badge, sortable column headers and the filter bar's fields."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

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


@register.simple_tag
def filter_field(bound_field):
    """A filter bar's field drawn as crispy's bootstrap5 `as_crispy_field` draws it (label, then a text
    box or a select), without the dozens of template renders per field it costs: the filter bar
    was a third of the list page's time. Anything else (errors, required, other widgets) goes to crispy.
    """
    field, widget = bound_field.field, bound_field.field.widget
    plain = not bound_field.errors and not field.required and not widget.attrs and not field.help_text
    if plain and type(widget) is forms.Select:
        chosen = {"" if v is None else str(v) for v in widget.format_value(bound_field.value())}
        # Every value and label is escaped here (format_html per option costs twice as much).
        options = mark_safe(
            "\n".join(
                f'<option value="{escape(value)}"{" selected" if str(value) in chosen else ""}>{escape(label)}</option>'
                for value, label in widget.choices
            )
        )
        control = format_html(
            '<select name="{}" class="select form-select" id="{}">\n{}\n</select>',
            bound_field.html_name,
            bound_field.auto_id,
            options,
        )
    elif plain and type(widget) is forms.TextInput:
        value = widget.format_value(bound_field.value())
        control = format_html(
            '<input type="text" name="{}"{} class="textinput form-control" id="{}">',
            bound_field.html_name,
            format_html(' value="{}"', value) if value is not None else "",
            bound_field.auto_id,
        )
    else:
        return as_crispy_field(bound_field)
    return format_html(
        '<div id="div_{}" class="mb-3">\n<label for="{}" class="form-label">\n{}\n</label>\n{}\n</div>',
        bound_field.auto_id,
        bound_field.auto_id,
        bound_field.label,
        control,
    )
