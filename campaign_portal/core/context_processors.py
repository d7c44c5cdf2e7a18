import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.module_loading import import_string

from .access import scope_for
from .notifications import unread_count


@functools.lru_cache(maxsize=256)
def _url(name: str, prefix: str, urlconf: str) -> str | None:
    """A menu item's address: the same for every request with this script prefix and URLconf (None: no such page)."""
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def _navigation(user, scope, path):
    items = []
    prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    for name, label, icon, *when in import_string(settings.PORTAL_NAVIGATION).get(scope.role, []):
        url = _url(name, prefix, urlconf)
        if url is None:
            continue
        if when and not when[0](user, scope):
            continue
        items.append({"url": url, "label": label, "icon": icon, "active": False})
    # Only the longest matching prefix is the current item (/bao-cao/ must not light up with /bao-cao/ma-tran/).
    matches = [item for item in items if item["url"] != "/" and path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return items


def portal(request):
    """The user's scope, navigation and unread notifications for the page shell."""
    user = getattr(request, "user", None)
    scope = scope_for(user) if user is not None else None
    context = {
        "portal_scope": scope,
        "portal_unread": 0,
        "portal_nav": [],
        "portal_nav_more": [],
        "portal_province": settings.PORTAL_PROVINCE_NAME,
    }
    if scope is not None and scope.role:
        context["portal_unread"] = unread_count(user)
        context["portal_nav"] = _navigation(user, scope, request.path)
        primary = getattr(import_string(settings.PORTAL_NAVIGATION.rsplit(".", 1)[0]), "PRIMARY", None)
        if primary and len(context["portal_nav"]) > primary + 1:
            context["portal_nav_more"] = context["portal_nav"][primary:]
            context["portal_nav"] = context["portal_nav"][:primary]
            context["portal_nav_more_active"] = any(item["active"] for item in context["portal_nav_more"])
    return context
