"""Template filters for the portal's number, money and date conventions."""

import threading
from collections import OrderedDict

from django import template
from django.urls import get_script_prefix
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

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


# --- The page shell's top bar --------------------------------------------------------------------------

NAVBAR_TEMPLATE = "includes/navbar.html"
MAX_NAVBARS = 2048
_CSRF_SLOT = "portalcsrfslot0000000000000000000000000000000000000000000000000000"  # what no token looks like
_navbars: OrderedDict = OrderedDict()
_navbars_lock = threading.Lock()


def _navbar_key(context) -> tuple:
    """Everything the top bar shows: the page (the language switch returns to it), the language, the user and
    their unit and role, the menu with its current item, the unread count."""
    request, user, scope = context.get("request"), context.get("user"), context.get("portal_scope")

    def items(name):
        return tuple((i["url"], str(i["label"]), i["icon"], i["active"]) for i in context.get(name) or ())

    signed_in = bool(user is not None and user.is_authenticated)
    return (
        get_language(),
        get_script_prefix(),
        request.get_full_path() if request is not None else "",
        str(context.get("portal_province", "")),
        (user.pk, str(user), user.is_superuser) if signed_in else None,
        (scope.role, str(scope.role_label), scope.unit.name if scope.unit else "") if scope and scope.role else None,
        items("portal_nav"),
        items("portal_nav_more"),
        bool(context.get("portal_nav_more_active")),
        context.get("portal_unread", 0),
    )


@register.simple_tag(takes_context=True)
def portal_navbar(context):
    """The top bar (includes/navbar.html), drawn once for each combination of what it shows and kept: its
    template (menu, user menu, language switch) cost about a millisecond of every page. The forms in it get
    this request's CSRF token, put in after the kept HTML is taken."""
    token = context.get("csrf_token")
    template = context.template.engine.get_template(NAVBAR_TEMPLATE)
    if not token or str(token) == "NOTPROVIDED":  # no request's token to put in: drawn as it is, not kept
        return mark_safe(template.render(context))
    key = _navbar_key(context)
    with _navbars_lock:
        html = _navbars.get(key)
        if html is not None:
            _navbars.move_to_end(key)
    if html is None:
        with context.push(csrf_token=_CSRF_SLOT):
            html = template.render(context)
        with _navbars_lock:
            _navbars[key] = html
            while len(_navbars) > MAX_NAVBARS:
                _navbars.popitem(last=False)
    return mark_safe(html.replace(_CSRF_SLOT, str(token)))
